/**
 * Rules about where a team's role assignments apply (SPEC section 1, rules 1 to 3): system-only roles
 * at the system level, space roles in a space, and the system permissions a mixed role grants
 * server-wide. Each reads the assignment's placement (model/roles.ts), as effective access does.
 */
import { getPermission, SYSTEM_TEAM_ONLY_PERMISSIONS } from '../catalog';
import { assignmentByRole, makeSystemTeam, q as quote, removeAssignment, same, teamOf, type FixContext } from './fix';
import { place, type ResolvedRole } from '../model/roles';
import type { Assignment, Related, TeamDoc } from '../model/types';
import type { ModelIndex } from '../model/workspace';
import { andList, orList } from '../util/suggest';
import { q, roleRelated, rule } from './rule';

/** Spaces a system team's assignment could name, at most. */
const MAX_SPACE_FIXES = 20;


export const teamName = (team: TeamDoc): string => team.name?.value ?? 'this team';

/** Each assignment of a team with its resolved role (assignments of unknown roles are left out). */
function* resolved(ws: ModelIndex, team: TeamDoc): Generator<{ a: Assignment; role: ResolvedRole }> {
  for (const a of team.assignments) {
    const role = ws.resolveRole(a.role.value);
    if (role) yield { a, role };
  }
}

export const systemRoleInSpaceTeam = rule({
  code: 'system-role-in-space-team',
  severity: 'error',
  summary: 'A space team assigns a role that has only system permissions.',
  message: (a: { role: string; team: string; space: string }) =>
    `${q(a.role)} has no space permissions, so it can only be applied at the system level, and space team ` +
    `${q(a.team)} (space ${q(a.space)}) cannot use it: Octopus rejects a role without any space level permissions ` +
    `at the space level. Make ${q(a.team)} a system team, or assign the role from a system team.`,
  workspace(doc, ctx) {
    if (doc.kind !== 'team' || !doc.space) return;
    for (const { a, role } of resolved(ctx.ws, doc)) {
      if (role.shape === 'system-only') ctx.report(a.role.span, { role: role.name, team: teamName(doc), space: doc.space.value }, undefined, roleRelated(role));
    }
  },
  fixes(ctx) {
    const team = teamOf(ctx);
    const a = assignmentByRole(team, ctx.diagnostic.span);
    if (!team || !a) return;
    makeSystemTeam(ctx, team, true);
    removeAssignment(ctx, team, a);
  },
});

export const spaceRequired = rule({
  code: 'space-required',
  severity: 'error',
  summary: 'A system team assigns a space role without saying in which space.',
  message: (a: { role: string; team: string; spaces: readonly string[]; how: string }) =>
    `${q(a.role)} has space permissions, so in system team ${q(a.team)} it must be applied in a space: ` +
    a.how +
    (a.spaces.length ? ` (for example ${orList(a.spaces.slice(0, 3))}).` : '.'),
  nameDependent: true,
  workspace(doc, ctx) {
    if (doc.kind !== 'team' || doc.space) return;
    for (const { a, role } of resolved(ctx.ws, doc)) {
      if (role.shape === 'system-only' || a.space) continue;
      const spaces = likelySpaces(ctx.ws, doc);
      ctx.report(a.role.span, { role: role.name, team: teamName(doc), spaces, how: ctx.terms.inSpace }, { spaces }, roleRelated(role));
    }
  },
  fixes(ctx: FixContext<{ spaces?: string[] }>) {
    const team = teamOf(ctx);
    const a = assignmentByRole(team, ctx.diagnostic.span);
    if (!team || !a) return;
    (ctx.data.spaces ?? []).slice(0, MAX_SPACE_FIXES).forEach((space, i) => {
      ctx.add(`Apply ${quote(a.role.value)} in space ${quote(space)}`, [ctx.syntax.addAssignmentField(ctx.text, a, 'space', space)], i === 0);
    });
    removeAssignment(ctx, team, a);
  },
});

export const spaceNotAllowed = rule({
  code: 'space-not-allowed',
  severity: 'error',
  summary: 'An assignment names a space where none may be named.',
  message: (a: { reason: 'space-team' | 'system-role'; role: string; team: string; teamSpace?: string; field: string }) =>
    a.reason === 'space-team'
      ? `Team ${q(a.team)} is a space team of ${q(a.teamSpace ?? '')}; its roles always apply in that space, so an ` +
        `assignment cannot name a ${q(a.field)}. Remove it, or make the team a system team.`
      : `${q(a.role)} has only system permissions and is applied at the system level, so it cannot be applied in a ` +
        `space. Remove ${q(a.field)}.`,
  workspace(doc, ctx) {
    if (doc.kind !== 'team') return;
    for (const { a, role } of resolved(ctx.ws, doc)) {
      if (!a.space || !a.spaceKey) continue;
      const field = ctx.terms.field('space');
      if (doc.space) ctx.report(a.spaceKey.pairSpan, { reason: 'space-team', role: role.name, team: teamName(doc), teamSpace: doc.space.value, field });
      else if (role.shape === 'system-only') ctx.report(a.spaceKey.pairSpan, { reason: 'system-role', role: role.name, team: teamName(doc), field }, undefined, roleRelated(role));
    }
  },
  fixes(ctx) {
    const team = teamOf(ctx);
    const a = team?.assignments.find((x) => x.spaceKey && same(x.spaceKey.pairSpan, ctx.diagnostic.span));
    if (!team || !a || !a.spaceKey) return;
    ctx.add(`Remove ${quote(ctx.terms.field('space'))} from this assignment`, [ctx.syntax.removeField(ctx.text, a.spaceKey)], true);
    if (team.space) makeSystemTeam(ctx, team, false);
  },
  // No choice is involved when a system-only role would apply system-wide, or a space team's assignment
  // names the team's own space. But Octopus refuses the assignment as written (SPEC section 8, rule 1),
  // so dropping the space makes it grant: the fix engine finds that on the model, titles the fix with
  // what it grants and leaves it to the user.
  safe(ctx) {
    const team = teamOf(ctx);
    const a = team?.assignments.find((x) => x.spaceKey && same(x.spaceKey.pairSpan, ctx.diagnostic.span));
    return Boolean(team && a && (!team.space || team.space.value === a.space?.value));
  },
});

export const implicitSystemGrant = rule({
  code: 'implicit-system-grant',
  severity: 'information',
  summary: 'A mixed role applied in a space also grants its system permissions server-wide.',
  message: (a: { role: string; space: string; permissions: readonly string[] }) =>
    `${q(a.role)} is applied in space ${q(a.space)}, but it also holds system permissions, which Octopus grants ` +
    `server-wide, not only in ${q(a.space)}: ${andList(a.permissions)}.`,
  workspace(doc, ctx) {
    if (doc.kind !== 'team') return;
    for (const a of doc.assignments) {
      const p = place(ctx.ws, doc, a);
      const role = p.role;
      if (!role || p.level !== 'space' || role.shape !== 'mixed') continue;
      // Only names Octopus would grant at the system level count; misspelt or wrong-level ones are
      // reported on the role itself.
      // Platform Hub permissions are not granted from a space at all (system-team-only-permission).
      const serverWide = role.systemPermissions.filter((name) => (getPermission(name)?.level ?? 'space') !== 'space' && !SYSTEM_TEAM_ONLY_PERMISSIONS.has(name));
      if (!serverWide.length) continue;
      const list = role.definition?.doc.systemPermissions;
      const related: Related[] = list ? [{ uri: role.definition!.uri, span: list.key.keySpan, message: `the system permissions of ${role.name}` }] : [];
      ctx.report(a.role.span, { role: role.name, space: p.space!, permissions: serverWide }, role.builtin ? { builtinRole: true } : undefined, related);
    }
  },
  options: {
    builtInRoles: {
      description: 'Built-in roles (Project Viewer, Space Manager, ...), whose server-wide grants are Octopus\'s own design.',
      drops: (d) => d.data?.builtinRole === true,
    },
  },
  // Information: whether the server-wide grant is wanted is the user's call.
});

export const systemTeamOnlyPermission = rule({
  code: 'system-team-only-permission',
  severity: 'warning',
  summary: 'A role holding a Platform Hub permission is applied in a space, where Octopus does not grant it.',
  message: (a: { role: string; space: string; permissions: readonly string[] }) =>
    `${q(a.role)} is applied in space ${q(a.space)}, so it does not grant ${andList(a.permissions)}: Octopus gives Platform Hub ` +
    `permissions only to system teams, through a role applied at the system level. If the team needs ${a.permissions.length > 1 ? 'them' : 'it'}, ` +
    `assign a system-only role holding ${a.permissions.length > 1 ? 'them' : 'it'} from a system team.`,
  workspace(doc, ctx) {
    if (doc.kind !== 'team') return;
    for (const a of doc.assignments) {
      const p = place(ctx.ws, doc, a);
      if (!p.role || p.level !== 'space') continue;
      const held = p.role.systemPermissions.filter((name) => SYSTEM_TEAM_ONLY_PERMISSIONS.has(name));
      if (held.length) ctx.report(a.role.span, { role: p.role.name, space: p.space!, permissions: held }, undefined, roleRelated(p.role));
    }
  },
  // Whether the team should have Platform Hub access is the user's decision.
});

/** The identity of an assignment: role, space and restrictions, order-insensitive. */
export function assignmentKey(role: string, space: string | undefined, restrictions: Assignment['restrictions']): string {
  const dims = restrictions.map((r) => `${r.dimension}=${[...new Set(r.list.items.map((i) => i.value))].sort().join('\u0001')}`).sort();
  return [role, space ?? '', ...dims].join('\u0000');
}

/** Spaces a system team's assignment could name: those the team already uses first, then the rest. */
function likelySpaces(ws: ModelIndex, team: TeamDoc): string[] {
  const result: string[] = [];
  const declared = ws.declaresSpaces;
  for (const a of team.assignments) {
    const name = a.space?.value;
    if (name && !result.includes(name) && (!declared || ws.resolveSpace(name))) result.push(name);
  }
  for (const name of ws.spaceNames().sort((x, y) => x.localeCompare(y))) if (!result.includes(name)) result.push(name);
  return result;
}

export const ASSIGNMENT_RULES = [systemRoleInSpaceTeam, spaceRequired, spaceNotAllowed, implicitSystemGrant, systemTeamOnlyPermission] as const;
