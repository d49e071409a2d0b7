/**
 * What a who-can answer leaves out because it cannot matter for the question (SPEC section 8): a built-in
 * Space Managers team with nobody in it (its space lists no managers), and notes about an assignment whose
 * role is known and cannot hold what is asked. Everything else stays: a note about an unknown role, team or
 * member might hide the very grant asked about.
 */
import { SPACE_MANAGER } from '../catalog';
import { getCapability, type Principal, type TeamEntry } from './grants';
import type { AccessNote } from './modules';
import type { ModelIndex } from './workspace';

/**
 * True for a principal that is a built-in space team (a space's Space Managers) with no members and no
 * external groups that holds nothing but its own Space Manager: nobody gets anything through it. The system
 * teams stay: the server always has their members, whether or not the workspace lists them.
 */
export function isEmptyBuiltinTeam(principal: Principal, teams: readonly TeamEntry[]): boolean {
  return principal.kind === 'team' && teams.length === 1 && isEmptyBuiltinEntry(teams[0]);
}

/** True for a team entry that is a space's built-in Space Managers team with nobody in it (see above). */
export function isEmptyBuiltinEntry(t: TeamEntry): boolean {
  return t.builtin && t.space !== undefined && !t.members.length && !t.groups.length && t.holdings.every((h) => h.role === SPACE_MANAGER);
}

/**
 * The notes that may matter for who holds `subject` (a permission or a capability): all but those about an
 * assignment of a role that resolves and cannot grant it (its lists lack the permission; for a capability,
 * it is not the capability's role).
 */
export function notesThatMatter(ws: ModelIndex, notes: readonly AccessNote[], subject: string): AccessNote[] {
  const capability = getCapability(subject);
  return notes.filter((n) => {
    const role = n.role === undefined ? undefined : ws.forFile(n.uri).resolveRole(n.role);
    if (!role) return true;
    return capability ? role.name === capability.role : role.spacePermissions.includes(subject) || role.systemPermissions.includes(subject);
  });
}
