/**
 * The literal built-in ids a module writes where the provider expects a role or a team (SPEC section 9):
 * `user_role_id` of inline `user_role` blocks and of scoped user roles, `team_id` of scoped user roles,
 * `space_managers_teams` of spaces, and the `ids` filter of the user role and team data sources. Every such
 * literal that looks like a built-in id is kept, known or not, for `unknown-builtin-id`; ids that a server
 * numbers (`UserRoles-12`, `Teams-3`) are ids of the server's own objects and are left out.
 */
import type { BuiltinIdRef } from '../../model/types';
import { SCOPED, TEAM } from './read';
import type { Block, Body, Value } from './values';

const SPACE = 'octopusdeploy_space';
const DATA_IDS: Readonly<Record<string, BuiltinIdRef['kind']>> = { octopusdeploy_user_roles: 'role', octopusdeploy_teams: 'team' };

/** The kind of built-in object a literal id names by its prefix; undefined for anything else. */
function kindOfId(id: string): BuiltinIdRef['kind'] | undefined {
  if (/^(userroles|teams)-\d+$/i.test(id)) return undefined;
  if (/^userroles-/i.test(id)) return 'role';
  if (/^teams-/i.test(id)) return 'team';
  return undefined;
}

/** Adds the literal ids of one attribute (a string or a list of strings) that name a `kind`. */
function add(out: BuiltinIdRef[], body: Body, attribute: string, kind: BuiltinIdRef['kind']): void {
  const v: Value | undefined = body.attributes.get(attribute)?.value;
  const items = v?.type === 'list' ? v.items : v ? [v] : [];
  for (const item of items) if (item.type === 'string' && kindOfId(item.value) === kind) out.push({ kind, id: { value: item.value, span: item.span } });
}

/** The literal built-in ids of a file's top-level blocks, in source order. */
export function builtinIdsOf(blocks: readonly Block[]): BuiltinIdRef[] {
  const out: BuiltinIdRef[] = [];
  for (const b of blocks) {
    const type = b.labels[0];
    if (b.type === 'data' && DATA_IDS[type]) add(out, b.body, 'ids', DATA_IDS[type]);
    if (b.type !== 'resource') continue;
    if (type === SCOPED) {
      add(out, b.body, 'team_id', 'team');
      add(out, b.body, 'user_role_id', 'role');
    } else if (type === TEAM) {
      for (const inner of b.body.blocks) if (inner.type === 'user_role') add(out, inner.body, 'user_role_id', 'role');
    } else if (type === SPACE) add(out, b.body, 'space_managers_teams', 'team');
  }
  return out.sort((x, y) => x.id.span.start - y.id.span.start);
}
