/**
 * Hovers: where a permission applies and what it allows; what kind a role is and what it really
 * grants; what a team grants, per space and server-wide.
 */
import { builtinSystemTeam, builtinTeamOfId, DIMENSIONS, getPermission, getRetiredPermission, getBuiltinRole, supportedDimensions, SYSTEM_TEAM_ONLY_PERMISSIONS, type Dimension, type Level } from '../catalog';
import { accessFrom, accessOf, GROUPS_NOT_INCLUDED, type Grant, type TeamEntry } from '../model/access';
import { accessScopeOf, type AccessScope } from '../model/access-scope';
import { entryOf } from './access';
import { targetAt } from './locate';
import { policyHover } from './policy';
import type { FileModel, Span, TeamDoc } from '../model/types';
import type { ResolvedRole } from '../model/roles';
import type { ModelIndex } from '../model/workspace';
import { MODEL_TERMS, type Terms } from '../model/fields';

/** Hover content as Markdown, with the span it describes. */
export interface HoverResult {
  readonly markdown: string;
  readonly span: Span;
}

/** Where a permission of `level` applies, naming the lists in the file's words. */
function levelText(level: Level, terms: Terms): string {
  const space = `\`${terms.field('spacePermissions')}\``;
  const system = `\`${terms.field('systemPermissions')}\``;
  switch (level) {
    case 'system':
      return `System permission: it applies to the whole Octopus server. Grant it in ${system}; a role that has only system permissions can be used by system teams only.`;
    case 'space':
      return `Space permission: it applies inside the space where the role is applied. Grant it in ${space}; a space team applies it in its own space, a system team must name the space.`;
    case 'both':
      return `System and space permission: granted in ${system} it applies server-wide, granted in ${space} it applies in the space where the role is applied.`;
  }
}

const DIMENSION_TEXT: Record<Dimension, string> = {
  projects: 'projects',
  projectGroups: 'project groups',
  environments: 'environments',
  tenants: 'tenants',
};

const MAX_LISTED = 40;

function listNames(names: readonly string[]): string {
  if (names.length === 0) return '_none_';
  const shown = names.slice(0, MAX_LISTED).map((n) => `\`${n}\``).join(', ');
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

/** The hover at `offset` of file `uri`. */
export function hover(index: ModelIndex, uri: string, offset: number): HoverResult | undefined {
  // Names and addresses resolve in the file's scope (a Terraform module refers to its own resources).
  const ws = index.forFile(uri);
  const model = ws.model(uri);
  if (!model) return undefined;
  if (model.kind === 'policy') return policyHover(ws, uri, offset);
  const target = targetAt(model, offset);
  if (!target) return teamIdHover(ws, uri, model, offset);
  const span = target.name.span;
  const terms = ws.syntaxOf(uri)?.terms ?? MODEL_TERMS;
  switch (target.type) {
    case 'permission':
      return { markdown: permissionHover(target.name.value, terms), span };
    case 'role-definition':
    case 'role-reference': {
      const role = ws.resolveRole(target.name.value);
      if (!role) return { markdown: `**${target.name.value}**\n\nNo role of this name is defined in the workspace or built into Octopus.`, span };
      return { markdown: roleHover(role, terms), span };
    }
    case 'team':
      return { markdown: teamHover(ws, uri, target.doc), span };
    case 'member':
      return { markdown: memberHover(ws, uri, target.name.value), span };
    case 'group':
      return { markdown: groupHover(ws, uri, target.name.value), span };
    case 'space-definition':
    case 'space-reference': {
      const space = ws.resolveSpace(target.name.value);
      if (!space) {
        const note = ws.declaresSpaces ? 'No space of this name is declared in the workspace.' : 'The workspace declares no spaces, so space names are not checked.';
        return { markdown: `**Space ${target.name.value}**\n\n${note}`, span };
      }
      const lines = [`**Space ${space.doc.name!.value}**`];
      for (const [dim, list] of Object.entries(space.doc.scopes)) {
        if (list) lines.push(`- ${DIMENSION_TEXT[dim as Dimension]}: ${listNames(list.items.map((i) => i.value))}`);
      }
      if (lines.length === 1) lines.push('', 'Declares no environments, projects, project groups or tenants, so restrictions in this space are not checked.');
      return { markdown: lines.join('\n'), span };
    }
  }
}

/** The hover text of a permission name (also used as completion documentation), in the words of `terms`. */
export function permissionHover(name: string, terms: Terms = MODEL_TERMS): string {
  const p = getPermission(name);
  if (!p) {
    const retired = getRetiredPermission(name);
    if (retired) {
      return `**${name}** (retired)\n\n${retired.why}.` + (retired.replacement ? ` Use \`${retired.replacement}\` instead.` : ' It has no replacement.');
    }
    return `**${name}**\n\nNot a permission of current Octopus.`;
  }
  const level = p.level === 'both' ? 'system and space' : p.level;
  const dims = supportedDimensions(p.restrictions);
  const groups = dims.includes('projectGroups') && !p.restrictions.includes('projectGroups') ? ' (a project group stands for its projects)' : '';
  const restrict =
    dims.length > 0
      ? `Can be restricted by ${dims.map((d) => DIMENSION_TEXT[d]).join(', ')}${groups}` + (p.level === 'both' ? ' (when granted at the space level).' : '.')
      : p.level === 'system'
        ? 'Cannot be restricted: system permissions never are.'
        : 'Cannot be restricted: restrictions on a role do not narrow this permission.';
  const roles = p.builtinRoles.length ? `Built-in roles that grant it: ${p.builtinRoles.join(', ')}.` : 'No built-in role grants it.';
  const hub = SYSTEM_TEAM_ONLY_PERMISSIONS.has(p.name) ? ['', 'Only system teams can be given it: a role applied in a space does not grant it.'] : [];
  return [`**${p.name}** · ${level} permission`, '', p.description, '', levelText(p.level, terms), ...hub, '', restrict, '', roles].join('\n');
}

function roleKindText(role: ResolvedRole, terms: Terms): string {
  switch (role.shape) {
    case 'system-only':
      return 'System-only role: it has no space permissions, so it is applied at the system level and only system teams can use it. It cannot be restricted.';
    case 'space':
      return `Space role: it is applied in a space. A space team applies it in its own space; a system team must name the space (to do so, ${terms.inSpace}).`;
    case 'mixed':
      return 'Mixed role: it is applied in a space like a space role, but its system permissions are then granted server-wide, not only in that space.';
  }
}

function roleHover(role: ResolvedRole, terms: Terms): string {
  const title = `**${role.name}** · ${role.builtin ? 'built-in role' : 'custom role'}`;
  const builtin = role.builtin ? getBuiltinRole(role.name) : undefined;
  const lines = [title, ''];
  if (builtin?.description) lines.push(builtin.description, '');
  if (builtin) lines.push(...builtinVersionText(role, builtin, terms), '');
  lines.push(roleKindText(role, terms), '');
  lines.push(`Space permissions (${role.spacePermissions.length}): ${listNames(role.spacePermissions)}`, '');
  lines.push(`System permissions (${role.systemPermissions.length}): ${listNames(role.systemPermissions)}`);
  const serverWide = role.systemPermissions.filter((p) => !SYSTEM_TEAM_ONLY_PERMISSIONS.has(p));
  if (role.shape === 'mixed' && serverWide.length) {
    lines.push('', `Applied in any space, it grants these server-wide: ${listNames(serverWide)}.`);
  }
  const hub = role.systemPermissions.filter((p) => SYSTEM_TEAM_ONLY_PERMISSIONS.has(p));
  if (role.shape !== 'system-only' && hub.length) {
    lines.push('', `Applied in a space, it does not grant ${listNames(hub)}: only system teams can be given Platform Hub permissions.`);
  }
  return lines.join('\n');
}

/** Whether a built-in role has its default permissions here or the workspace's version, and what differs. */
function builtinVersionText(role: ResolvedRole, defaults: { spacePermissions: readonly string[]; systemPermissions: readonly string[] }, terms: Terms): string[] {
  if (!role.definition) return [`Permissions: the defaults of a current Octopus install.${terms.builtinVersion ? ` If your server's version differs, ${terms.builtinVersion}.` : ''}`];
  const listed = new Set([...role.spacePermissions, ...role.systemPermissions]);
  const usual = new Set([...defaults.spacePermissions, ...defaults.systemPermissions]);
  const added = [...listed].filter((p) => !usual.has(p));
  const missing = [...usual].filter((p) => !listed.has(p));
  const lines = ["Permissions: this workspace's version (`builtIn: true`), not the defaults of a current install."];
  if (!added.length && !missing.length) lines.push('', 'It grants the same permissions as a current install.');
  if (added.length) lines.push('', `More than a current install: ${listNames(added)}`);
  if (missing.length) lines.push('', `Less than a current install: ${listNames(missing)}`);
  return lines;
}

/** A grant as a hover shows it: the name, and its restrictions when it has any. */
function grantWords(g: Grant): string {
  const limits = DIMENSIONS.filter((d) => g.restrictions[d]).map((d) => `${DIMENSION_TEXT[d]}: ${g.restrictions[d]!.join(', ')}`);
  const covered = g.covers?.length ? `, covering ${g.covers.length} narrower` : '';
  return `\`${g.permission}\`${limits.length ? ` (only ${limits.join('; ')}${covered})` : covered ? ` (${covered.slice(2)})` : ''}`;
}

function grantList(grants: readonly Grant[]): string {
  if (grants.length === 0) return '_none_';
  const shown = grants.slice(0, MAX_LISTED).map(grantWords).join(', ');
  return grants.length > MAX_LISTED ? `${shown} and ${grants.length - MAX_LISTED} more` : shown;
}

/**
 * A principal's effective access, server-wide and per space, with restrictions (SPEC section 8): each
 * restriction record listed, a permission held through several records counted once.
 */
function accessLines(grants: readonly Grant[]): string[] {
  const count = (list: readonly Grant[]) => new Set(list.map((g) => g.permission)).size;
  const system = grants.filter((g) => g.scope === 'system');
  const lines = [`Server-wide (${count(system)}): ${grantList(system)}`];
  const spaces = [...new Set(grants.filter((g) => g.scope === 'space').map((g) => g.space!))].sort((a, b) => a.localeCompare(b));
  for (const space of spaces) {
    const inSpace = grants.filter((g) => g.scope === 'space' && g.space === space);
    lines.push('', `In space ${space} (${count(inSpace)}): ${grantList(inSpace)}`);
  }
  return lines;
}

function teamHover(ws: ModelIndex, uri: string, team: TeamDoc): string {
  const name = team.name?.value ?? 'Team';
  const kind = team.space
    ? `Space team of **${team.space.value}**: its roles apply in that space only (system permissions of mixed roles excepted).`
    : 'System team ("accessible in all spaces"): system-only roles apply server-wide; each space role applies in the space its assignment names.';
  const scope = accessScopeOf(ws, uri);
  const entry = entryOf(scope.teams(), uri, team);
  const builtin = team.space ? undefined : builtinSystemTeam(name);
  const lines = [`**${name}** · ${team.space ? 'space team' : builtin ? 'built-in system team' : 'system team'}`, '', kind, ''];
  if (builtin) lines.push(`Every server has this team. ${builtin.description}`, '');
  if (!entry) return [...lines, scope.uncountedTeam].join('\n');
  const access = accessFrom(scope.principal('team', entry.name, entry.space), [entry]);
  lines.push('Effective access (assignments Octopus refuses grant nothing):', '', ...accessLines(access.grants), ...notLines(scope, access.teams));
  return lines.join('\n');
}

/**
 * The hover of a team named by id where a file names a team that way (Terraform: a built-in team's id in
 * `team_id` or a space's `space_managers_teams`, or a team resource's address among a space's managers):
 * the team, and its access in the file's model; on a space's `space_managers_team_members`, the user's.
 */
function teamIdHover(ws: ModelIndex, uri: string, model: FileModel, offset: number): HoverResult | undefined {
  const lower = (x: string) => x.trim().toLowerCase();
  const within = (s: Span) => s.start <= offset && offset <= s.end;
  // Built-in team ids where the file names a team, and the ids `import` blocks adopt team resources from.
  const adopted = [...(model.values ?? [])].filter(([k, v]) => k.startsWith('import:octopusdeploy_team.') && v.value !== undefined).map(([, v]) => ({ value: v.value!, span: v.span }));
  const ids = [...(model.builtinIds ?? []).filter((r) => r.kind === 'team').map((r) => r.id), ...adopted];
  const ref = ids.find((i) => within(i.span));
  const address = ref ? undefined : model.spaces?.flatMap((s) => s.teams).find((t) => t.computed && within(t.span));
  const span = ref?.span ?? address?.span;
  if (!span) {
    // A manager a space names in `space_managers_team_members`: a user, as in a team's `users`.
    const member = model.spaces?.flatMap((s) => s.members).find((m) => within(m.span));
    return member && { markdown: memberHover(ws, uri, member.value), span: member.span };
  }
  const builtin = ref ? builtinTeamOfId(ref.value) : undefined;
  if (ref && !builtin) return undefined; // unknown-builtin-id says what it is not
  const scope = accessScopeOf(ws, uri);
  const at = address ? ws.resolveAddress(address.value.replace(/\.id$/, '')) : undefined;
  const name = builtin?.team.name ?? (at && 'doc' in at ? at.doc.name?.value : undefined);
  if (!name) return undefined;
  // A space's Space Managers team by its space's id, as the module names the space.
  const entry = scope.teams().find((t) => lower(t.name) === lower(name) && (builtin?.team.level === 'space' ? t.space !== undefined && lower(t.space) === lower(builtin.spaceId ?? '') : !builtin || t.space === undefined));
  const kind = builtin ? (builtin.team.level === 'space' ? `built-in team of the space \`${builtin.spaceId}\`` : 'built-in system team') : 'team of this module';
  const lines = [`**${name}** · ${kind}`, ''];
  if (builtin) lines.push(`Every server has this team. ${builtin.team.description}`, '');
  if (!entry) return { markdown: lines.join('\n'), span };
  const access = accessFrom(scope.principal('team', entry.name, entry.space), [entry]);
  lines.push('Effective access (assignments Octopus refuses grant nothing):', '', ...accessLines(access.grants), ...notLines(scope, access.teams));
  return { markdown: lines.join('\n'), span };
}

/** What the file's access model could not count for a principal reached through `teams`. */
function notLines(scope: AccessScope, teams: readonly TeamEntry[]): string[] {
  const notes = scope.notesFor(teams);
  if (!notes.length) return [];
  const shown = notes.slice(0, 5).map((n) => `- ${n.reason}${n.team ? '' : ' (this module)'}`);
  return ['', `Not counted, computed (${notes.length}):`, ...shown, ...(notes.length > 5 ? [`- and ${notes.length - 5} more`] : [])];
}

/** The hover of a user name: the teams they are in and their effective access. */
function memberHover(ws: ModelIndex, uri: string, member: string): string {
  const scope = accessScopeOf(ws, uri);
  const user = scope.username(member);
  const access = accessOf(scope.teams(), scope.principal('user', user));
  const through = access.teams.map((t) => (t.space ? `${t.name} (space ${t.space})` : t.name)).join(', ');
  return [`**${user}** · user`, '', `Member of: ${through}.`, '', ...accessLines(access.grants), ...notLines(scope, access.teams), '', `_Note: ${GROUPS_NOT_INCLUDED}._`].join('\n');
}

/** The hover of an external group: the teams that list it and what it grants. */
function groupHover(ws: ModelIndex, uri: string, group: string): string {
  const scope = accessScopeOf(ws, uri);
  const access = accessOf(scope.teams(), scope.principal('group', group));
  const through = access.teams.map((t) => (t.space ? `${t.name} (space ${t.space})` : t.name)).join(', ');
  return [`**${group}** · external group`, '', `Listed by: ${through}.`, '', ...accessLines(access.grants), ...notLines(scope, access.teams)].join('\n');
}
