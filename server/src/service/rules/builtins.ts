/**
 * Rules about what every Octopus server has built in (SPEC section 1, rule 6; section 3): the teams
 * Everyone, Octopus Administrators and Space Managers, the teams a space's managers name (defined or
 * built in), and the one built-in role no server lets anyone edit, System Administrator.
 */
import { EVERYONE, getBuiltinRole, isBuiltinTeamName, OCTOPUS_ADMINISTRATORS, SPACE_MANAGERS, SYSTEM_ADMINISTRATOR } from '../catalog';
import { assignmentByRole, q as quote, replaceWithCandidates, same, teamOf, type FixContext } from './fix';
import { isBuiltinVersion } from '../model/workspace';
import type { Doc, KeyRef } from '../model/types';
import { managersWhere } from '../model/fields';
import { andList } from '../util/suggest';
import { didYouMean, q, rule, type CheckContext } from './rule';

type BuiltinTeamProblem =
  | { readonly reason: 'everyone-members'; readonly field: string }
  | { readonly reason: 'administrators-role'; readonly role: string }
  | { readonly reason: 'second-space-managers'; readonly space: string; readonly managers: string; readonly terraform: boolean };

export const builtinTeam = rule({
  code: 'builtin-team',
  severity: 'error',
  summary: 'A change Octopus does not allow to a built-in team: Everyone, Octopus Administrators or a space\'s Space Managers.',
  message: (a: BuiltinTeamProblem) => {
    switch (a.reason) {
      case 'everyone-members':
        return `${q(EVERYONE)} always holds every user, and Octopus does not let its ${a.field === 'members' ? 'members' : 'external groups'} be changed. Remove ${q(a.field)}; give roles to ${q(EVERYONE)} instead, or make a team of your own for these ${a.field === 'members' ? 'users' : 'groups'}.`;
      case 'administrators-role':
        return `${q(OCTOPUS_ADMINISTRATORS)} always holds ${q(SYSTEM_ADMINISTRATOR)} and nothing else: Octopus does not let its roles be changed. Remove ${q(a.role)} here and give it to another team.`;
      case 'second-space-managers':
        return (
          `Space ${q(a.space)} already has its own ${q(SPACE_MANAGERS)} team, and Octopus does not let a space have a second one. ` +
          (a.terraform
            ? `Adopt the space's own team with an ${q('import')} block (${q('id = "teams-spacemanagers-SPACE_ID"')}), or list these members in ${a.managers}.`
            : `List these members in ${a.managers} instead.`)
        );
    }
  },
  // YAML documents on their own; Terraform resources as the module reads them, where an `import` block
  // may adopt the built-in team itself (its copy then targets that team: no second team).
  local(doc, ctx) {
    if (doc.address === undefined) checkBuiltinTeam(doc, ctx);
  },
  workspace(doc, ctx) {
    if (doc.address !== undefined) checkBuiltinTeam(doc, ctx);
  },
  fixes(ctx) {
    const team = teamOf(ctx);
    if (!team) return;
    const field: KeyRef | undefined = [team.members, team.externalGroups].find((l) => l && same(l.key.keySpan, ctx.diagnostic.span))?.key;
    if (field) {
      ctx.add(`Remove ${quote(field.key)} from ${quote(EVERYONE)} (it always holds every user)`, [ctx.syntax.removeField(ctx.text, field)], true);
      return;
    }
    const a = assignmentByRole(team, ctx.diagnostic.span);
    if (a) {
      ctx.add(`Remove ${quote(a.role.value)} from ${quote(OCTOPUS_ADMINISTRATORS)}`, [ctx.syntax.removeItem(ctx.text, a.span)], true);
      return;
    }
    if (team.space && team.name && same(team.name.span, ctx.diagnostic.span)) moveToManagers(ctx, team.space.value);
  },
  // Removing what Octopus does not let the team have changes nobody's access on the server. Moving a second
  // Space Managers team's members into the space's managers gives them Space Manager: that is not safe.
  safe: (ctx) => !(teamOf(ctx)?.space),
});

/**
 * Offers to delete a second Space Managers team and list its members as the space's managers instead (in
 * the space's file), which is how Octopus keeps them (SpaceManagersTeamMembers).
 */
function moveToManagers(ctx: FixContext, spaceName: string): void {
  const team = teamOf(ctx)!;
  const space = ctx.ws.resolveSpace(spaceName);
  const removal = ctx.syntax.removeDocument(ctx.text, team.span);
  if (!removal) return;
  const already = new Set(space?.doc.managers?.members?.items.map((i) => i.value) ?? []);
  const members = [...new Set(team.members?.items.map((i) => i.value) ?? [])].filter((m) => !already.has(m));
  if (!members.length) {
    ctx.add(`Delete this team (space ${quote(spaceName)} already has its ${quote(SPACE_MANAGERS)})`, [removal]);
    return;
  }
  const spaceText = space && ctx.ws.text(space.uri);
  const spaceSyntax = space && ctx.ws.syntaxOf(space.uri)?.edits;
  if (!space || spaceText === undefined || !spaceSyntax || space.uri === ctx.uri) return;
  const additions = spaceSyntax.addManagers(spaceText, space.doc.span, space.doc.managers?.members, space.doc.managers !== undefined, members);
  if (!additions) return;
  ctx.add(`Move ${members.map(quote).join(', ')} to the managers of space ${quote(spaceName)} and delete this team`, {
    edits: new Map([
      [ctx.uri, [removal]],
      [space.uri, additions],
    ]),
    creates: new Map(),
  });
}

export const unknownTeam = rule({
  code: 'unknown-team',
  severity: 'error',
  summary: "A space's `managers.teams` names a team that is neither defined nor built in.",
  message: (a: { name: string; space: string; candidates: readonly string[] }) =>
    `No team named ${q(a.name)} is defined in the workspace (as a system team or a team of ${q(a.space)}) or built into Octopus.${didYouMean(a.candidates)}`,
  nameDependent: true,
  workspace(doc, ctx) {
    if (doc.kind !== 'space' || !doc.name) return;
    for (const t of doc.managers?.teams?.items ?? []) {
      if (ctx.ws.hasTeam(t.value, doc.name.value)) continue;
      const candidates = ctx.ws.suggestTeams(t.value);
      ctx.report(t.span, { name: t.value, space: doc.name.value, candidates }, { candidates });
    }
  },
  fixes: replaceWithCandidates,
});

export const builtinRole = rule({
  code: 'builtin-role',
  severity: 'error',
  summary: '`builtIn: true` on System Administrator with permissions that differ from the defaults: it cannot be modified.',
  message: (a: { added: readonly string[]; missing: readonly string[] }) =>
    `${q(SYSTEM_ADMINISTRATOR)} cannot be modified on any Octopus server, so it always has its default permissions; ` +
    `these lists differ from them` +
    (a.added.length ? ` (they add ${andList(a.added.slice(0, 5))}${a.added.length > 5 ? ` and ${a.added.length - 5} more` : ''})` : '') +
    (a.missing.length ? ` (they lack ${andList(a.missing.slice(0, 5))}${a.missing.length > 5 ? ` and ${a.missing.length - 5} more` : ''})` : '') +
    `. Delete this document, or list exactly the defaults.`,
  local(doc, ctx) {
    if (doc.kind !== 'role' || !doc.name || !isBuiltinVersion(doc) || doc.name.value !== SYSTEM_ADMINISTRATOR) return;
    const defaults = getBuiltinRole(SYSTEM_ADMINISTRATOR)!;
    const listed = new Set([...(doc.spacePermissions?.items ?? []), ...(doc.systemPermissions?.items ?? [])].map((i) => i.value));
    const wanted = new Set([...defaults.spacePermissions, ...defaults.systemPermissions]);
    const added = [...listed].filter((p) => !wanted.has(p));
    const missing = [...wanted].filter((p) => !listed.has(p));
    if (added.length || missing.length) ctx.report(doc.name.span, { added, missing });
  },
});

export const BUILTIN_RULES = [builtinTeam, unknownTeam, builtinRole] as const;

/** builtin-team's check of one team document. */
function checkBuiltinTeam(doc: Doc, ctx: CheckContext<BuiltinTeamProblem>): void {
  if (doc.kind !== 'team' || !doc.name) return;
  const name = doc.name.value;
  if (doc.space) {
    // A document that targets the space's own team (an adopted one) is that team, not a second one.
    if (isBuiltinTeamName(name, SPACE_MANAGERS) && !doc.target) ctx.report(doc.name.span, { reason: 'second-space-managers', space: doc.space.value, managers: managersWhere(ctx.terms, doc.space.value), terraform: doc.address !== undefined });
    return;
  }
  if (isBuiltinTeamName(name, EVERYONE)) {
    for (const list of [doc.members, doc.externalGroups]) {
      if (list && list.items.length > 0) ctx.report(list.key.keySpan, { reason: 'everyone-members', field: list.key.key });
    }
  } else if (isBuiltinTeamName(name, OCTOPUS_ADMINISTRATORS)) {
    for (const a of doc.assignments) {
      if (a.role.value !== SYSTEM_ADMINISTRATOR) ctx.report(a.role.span, { reason: 'administrators-role', role: a.role.value });
    }
  }
}
