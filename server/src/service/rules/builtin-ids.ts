/**
 * Literal ids of built-in objects in Terraform (SPEC sections 4 and 9). A module names a built-in role or
 * team by its id (`user_role_id = "userroles-projectviewer"`, `team_id = "teams-everyone"`); no tool checks
 * such a string before `terraform apply`, where the server refuses an id it does not have. The ids come
 * from the catalog, as every other fact about built-in roles and teams does.
 */
import { allBuiltinRoles, BUILTIN_SYSTEM_TEAMS, BUILTIN_TEAMS, builtinRoleId, builtinRoleOfId, builtinTeamId, builtinTeamOfId, SPACE_MANAGERS, SPACE_MANAGERS_ID_PREFIX } from '../catalog';
import type { BuiltinIdRef } from '../model/types';
import { replaceWithCandidates } from './fix';
import { nearest } from '../util/suggest';
import { didYouMean, q, rule } from './rule';

/** True when the catalog has the built-in role or team that `ref` names. */
function known(ref: BuiltinIdRef): boolean {
  return ref.kind === 'role' ? builtinRoleOfId(ref.id.value) !== undefined : builtinTeamOfId(ref.id.value) !== undefined;
}

/**
 * The built-in ids nearest to an unknown one: built-in role ids for a role, the system teams' ids for a
 * team, and the Space Managers team of the space id the literal ends with (`teams-spacemanager-Spaces-1`).
 */
export function builtinIdCandidates(ref: BuiltinIdRef): string[] {
  if (ref.kind === 'role') return nearest(ref.id.value, Array.from(allBuiltinRoles(), (r) => builtinRoleId(r.name)));
  const ids = BUILTIN_SYSTEM_TEAMS.map((t) => t.id);
  const space = /spaces-\d+$/i.exec(ref.id.value);
  const spaceManagers = BUILTIN_TEAMS.find((t) => t.name === SPACE_MANAGERS);
  if (space && spaceManagers) ids.push(builtinTeamId(spaceManagers, space[0]));
  return nearest(ref.id.value, ids);
}

export const unknownBuiltinId = rule({
  code: 'unknown-builtin-id',
  severity: 'error',
  summary: 'A literal `userroles-*` or `teams-*` id in Terraform that is not a built-in role or team.',
  message: (a: { id: string; kind: BuiltinIdRef['kind']; candidates: readonly string[] }) =>
    a.kind === 'role'
      ? `No built-in role has the id ${q(a.id)}, so the server refuses it at \`terraform apply\`.${didYouMean(a.candidates)} A role of this module is \`octopusdeploy_user_role.NAME.id\`.`
      : `No built-in team has the id ${q(a.id)} (they are ${BUILTIN_SYSTEM_TEAMS.map((t) => q(t.id)).join(', ')} and ${q(`${SPACE_MANAGERS_ID_PREFIX}SPACE_ID`)}), so the server refuses it at \`terraform apply\`.${didYouMean(a.candidates)}`,
  file(ctx) {
    for (const ref of ctx.file.builtinIds ?? []) {
      if (known(ref)) continue;
      const candidates = builtinIdCandidates(ref);
      ctx.report(ref.id.span, { id: ref.id.value, kind: ref.kind, candidates }, { candidates });
    }
  },
  fixes: replaceWithCandidates,
});

export const BUILTIN_ID_RULES = [unknownBuiltinId] as const;
