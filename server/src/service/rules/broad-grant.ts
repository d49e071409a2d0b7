/**
 * Grants that reach every user (SPEC section 4, `broad-grant`): the built-in team Everyone holds every
 * user of the server, including new and service accounts, so a role it is given beyond viewing, or a
 * space whose managers include it, gives rights to all of them.
 */
import { builtinTeamOfId, EVERYONE, getPermission, isBuiltinTeamName, isViewingPermission, SPACE_MANAGER, SYSTEM_TEAM_ONLY_PERMISSIONS } from '../catalog';
import { place, type ResolvedRole } from '../model/roles';
import type { Name, TeamDoc } from '../model/types';
import { andList } from '../util/suggest';
import { q as quote, removeAssignment, same, teamOf } from './fix';
import { q, roleRelated, rule } from './rule';

/** The most permissions a message names; the rest are counted. */
const SHOWN = 5;

/** True for the built-in system team Everyone, by its name (as written, or as a Terraform module's target resolves). */
function isEveryone(team: TeamDoc): boolean {
  return !team.space && team.name !== undefined && isBuiltinTeamName(team.name.value, EVERYONE);
}

/** True for a name in a space's managers that is Everyone: its name, or its id (`teams-everyone`). */
function namesEveryone(n: Name): boolean {
  return !n.computed && (isBuiltinTeamName(n.value, EVERYONE) || builtinTeamOfId(n.value)?.team.name === EVERYONE);
}

/** The permissions beyond viewing that an accepted assignment of `role` at `level` grants. */
function beyondViewing(role: ResolvedRole, level: 'system' | 'space'): string[] {
  const system = role.systemPermissions.filter((p) => (getPermission(p)?.level ?? 'space') !== 'space' && (level === 'system' || !SYSTEM_TEAM_ONLY_PERMISSIONS.has(p)));
  const granted = level === 'space' ? [...role.spacePermissions.filter((p) => getPermission(p)?.level !== 'system'), ...system] : system;
  return [...new Set(granted.filter((p) => getPermission(p) && !isViewingPermission(p)))].sort((x, y) => weight(x) - weight(y));
}

/** The order a message names permissions in: administering and deleting before editing and creating. */
function weight(permission: string): number {
  const i = [/Administer|ConfigureServer/, /Delete/, /Edit|ExportPrivateKey/, /Create|Push|Invite/].findIndex((r) => r.test(permission));
  return i < 0 ? 4 : i;
}

const listed = (permissions: readonly string[]): string =>
  permissions.length > SHOWN ? `${permissions.slice(0, SHOWN).map(q).join(', ')} and ${permissions.length - SHOWN} more` : andList(permissions);

export const broadGrant = rule({
  code: 'broad-grant',
  severity: 'warning',
  summary: 'Everyone is given a role beyond viewing, or a space\'s managers include Everyone: every user, new and service accounts too, gets it.',
  message: (a: { reason: 'role'; role: string; permissions: readonly string[] } | { reason: 'managers'; space: string }) =>
    a.reason === 'role'
      ? `${q(EVERYONE)} holds every user, including new and service accounts, so ${q(a.role)} lets all of them change things: ${listed(a.permissions)}. Give it to a team of the users who need it.`
      : `${q(EVERYONE)} manages space ${q(a.space)}: every user, including new and service accounts, holds ${q(SPACE_MANAGER)} in it (every permission of the space, and who may change its teams). Name a team of the space's real managers instead.`,
  workspace(doc, ctx) {
    if (doc.kind === 'space') {
      for (const t of doc.managers?.teams?.items ?? []) if (namesEveryone(t)) ctx.report(t.span, { reason: 'managers', space: doc.name?.value ?? 'this space' });
      return;
    }
    if (doc.kind !== 'team' || !isEveryone(doc)) return;
    for (const a of doc.assignments) {
      const p = place(ctx.ws, doc, a);
      if (!p.role || !p.level || p.refusals.length) continue;
      const permissions = beyondViewing(p.role, p.level);
      if (permissions.length) ctx.report(a.role.span, { reason: 'role', role: p.role.name, permissions }, undefined, roleRelated(p.role));
    }
  },
  // A Terraform module's spaces are facts of its files (`octopusdeploy_space` and its `space_managers_teams`).
  file(ctx) {
    for (const space of ctx.file.spaces ?? []) {
      for (const t of space.teams) if (namesEveryone(t)) ctx.report(t.span, { reason: 'managers', space: space.name?.value ?? space.address });
    }
  },
  fixes(ctx) {
    const team = teamOf(ctx);
    const a = team?.assignments.find((x) => same(x.role.span, ctx.diagnostic.span));
    if (team && a) return removeAssignment(ctx, team, a);
    const space = ctx.doc?.kind === 'space' ? ctx.doc : undefined;
    const item = space?.managers?.teams?.items.find((i) => same(i.span, ctx.diagnostic.span));
    if (item) ctx.add(`Remove ${quote(item.value)} from the managers of ${space?.name ? quote(space.name.value) : 'this space'}`, [ctx.syntax.removeItem(ctx.text, item.span)]);
    for (const s of ctx.ws.model(ctx.uri)?.spaces ?? []) {
      const t = s.teams.find((i) => same(i.span, ctx.diagnostic.span));
      if (t) ctx.add(`Remove ${quote(t.value)} from ${quote('space_managers_teams')} of ${quote(s.name?.value ?? s.address)}`, [ctx.syntax.removeItem(ctx.text, t.span)]);
    }
  },
  // Not safe: taking rights away from every user is the user's decision, made one finding at a time.
  safe: false,
});

export const BROAD_GRANT_RULES = [broadGrant] as const;
