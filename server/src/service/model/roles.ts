/**
 * Roles as teams use them, and where an assignment applies: the two facts that the assignment rules,
 * hovers, completion and effective access all start from (SPEC sections 1 and 3).
 */
import { roleNameOf, teamSpaceOf } from './compact';
import type { Assignment, RoleDoc, Source, SpaceDoc, TeamDoc } from './types';

/** A document and the file it is in. */
export interface Located<D> {
  readonly uri: string;
  readonly doc: D;
}

/**
 * How a role behaves when assigned (SPEC section 3): only system permissions (`system-only`, applied at
 * the system level), space permissions (`space`), or both (`mixed`, whose system permissions a space
 * assignment grants server-wide).
 */
export type RoleShape = 'system-only' | 'space' | 'mixed';

/** A role a team can assign: a custom role of the workspace or a built-in one. */
export interface ResolvedRole {
  readonly name: string;
  readonly builtin: boolean;
  /** The definition, for custom roles. */
  readonly definition?: Located<RoleDoc>;
  readonly spacePermissions: readonly string[];
  readonly systemPermissions: readonly string[];
  readonly shape: RoleShape;
}

/** A role's shape from its two lists. */
export function shapeOf(space: readonly unknown[], system: readonly unknown[]): RoleShape {
  if (space.length === 0) return 'system-only';
  return system.length > 0 ? 'mixed' : 'space';
}

/** What the index answers about names: enough to place an assignment. */
export interface RoleResolver {
  resolveRole(name: string): ResolvedRole | undefined;
  resolveSpace(name: string): Located<SpaceDoc> | undefined;
  readonly declaresSpaces: boolean;
}

/**
 * Where an assignment applies, and why Octopus would refuse it (SPEC section 1, rules 1 and 2):
 * - `role` is undefined when no role has the name (`unknown-role`);
 * - `level` is where it would apply: `system` for a system-only role in a system team, `space` (with
 *   `space`) for a space role in a space team or in a system team that names a space, and undefined
 *   where no level can take it (a system-only role in a space team, a space role without a space);
 * - `refusals` lists every reason Octopus refuses it; it grants something only when there is none.
 */
export interface Placement {
  readonly role?: ResolvedRole;
  readonly level?: 'system' | 'space';
  /** The space it applies in, at the space level. */
  readonly space?: string;
  /** The codes of the errors that make Octopus refuse the assignment; empty when it is accepted. */
  readonly refusals: readonly PlacementRefusal[];
}

export type PlacementRefusal = 'unknown-role' | 'system-role-in-space-team' | 'space-required' | 'space-not-allowed' | 'unknown-space';

/** Places one assignment of `team`. */
export function place(ws: RoleResolver, team: TeamDoc, a: Assignment): Placement {
  return placeIn(ws, teamSpaceOf(team), a.space?.value, ws.resolveRole(roleNameOf(a)));
}

/**
 * `place` from what it reads of the team and the assignment: the team's space, the assignment's (each
 * undefined when not written) and the role its name resolves to; for a reader that has them already.
 */
export function placeIn(ws: RoleResolver, teamSpace: string | undefined, assignmentSpace: string | undefined, role: ResolvedRole | undefined): Placement {
  // The refusals list is made at the first refusal: most assignments have none (a proof places thousands).
  let refusals: PlacementRefusal[] | undefined;
  if (unknownSpace(ws, teamSpace) || unknownSpace(ws, assignmentSpace)) refusals = withRefusal(refusals, 'unknown-space');
  if (!role) return { refusals: withRefusal(refusals, 'unknown-role') };
  if (teamSpace !== undefined) {
    if (assignmentSpace !== undefined) refusals = withRefusal(refusals, 'space-not-allowed');
    if (role.shape === 'system-only') return { role, refusals: withRefusal(refusals, 'system-role-in-space-team') };
    return { role, level: 'space', space: teamSpace, refusals: refusals ?? NO_REFUSALS };
  }
  if (role.shape === 'system-only') {
    if (assignmentSpace !== undefined) refusals = withRefusal(refusals, 'space-not-allowed');
    return { role, level: 'system', refusals: refusals ?? NO_REFUSALS };
  }
  if (assignmentSpace === undefined) return { role, refusals: withRefusal(refusals, 'space-required') };
  return { role, level: 'space', space: assignmentSpace, refusals: refusals ?? NO_REFUSALS };
}

/** No refusal: one shared list (readers only read a placement's refusals). */
const NO_REFUSALS: readonly PlacementRefusal[] = Object.freeze([]);

/** `list` with `r` added (a new list when there is none yet). */
function withRefusal(list: PlacementRefusal[] | undefined, r: PlacementRefusal): PlacementRefusal[] {
  if (!list) return [r];
  list.push(r);
  return list;
}

/** True when the workspace declares spaces and `name` is none of them. */
function unknownSpace(ws: RoleResolver, name: string | undefined): boolean {
  return name !== undefined && ws.declaresSpaces && !ws.resolveSpace(name);
}

/** Where a role is defined, for related information; undefined for built-in roles. */
export function definitionOf(role: ResolvedRole): Source | undefined {
  const def = role.definition;
  return def?.doc.name ? { uri: def.uri, span: def.doc.name.span } : undefined;
}
