/**
 * Hovers: where a permission applies and what it allows; what kind a role is and what it really
 * grants; what a team grants, per space and server-wide.
 */
import { getPermission, getRetiredPermission, getBuiltinRole, type Dimension, type Level } from '../catalog';
import { targetAt } from './locate';
import type { Span, TeamDoc } from '../model/types';
import type { ResolvedRole } from '../model/roles';
import type { ModelIndex } from '../model/workspace';

/** Hover content as Markdown, with the span it describes. */
export interface HoverResult {
  readonly markdown: string;
  readonly span: Span;
}

const LEVEL_TEXT: Record<Level, string> = {
  system:
    'System permission: it applies to the whole Octopus server. Grant it in `systemPermissions`; a role that has only system permissions can be used by system teams only.',
  space:
    'Space permission: it applies inside the space where the role is applied. Grant it in `spacePermissions`; a space team applies it in its own space, a system team must name the space.',
  both:
    'System and space permission: granted in `systemPermissions` it applies server-wide, granted in `spacePermissions` it applies in the space where the role is applied.',
};

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
  const target = targetAt(model, offset);
  if (!target) return undefined;
  const span = target.name.span;
  switch (target.type) {
    case 'permission':
      return { markdown: permissionHover(target.name.value), span };
    case 'role-definition':
    case 'role-reference': {
      const role = ws.resolveRole(target.name.value);
      if (!role) return { markdown: `**${target.name.value}**\n\nNo role of this name is defined in the workspace or built into Octopus.`, span };
      return { markdown: roleHover(role), span };
    }
    case 'team':
      return { markdown: teamHover(ws, target.doc), span };
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

/** The hover text of a permission name (also used as completion documentation). */
export function permissionHover(name: string): string {
  const p = getPermission(name);
  if (!p) {
    const retired = getRetiredPermission(name);
    if (retired) {
      return `**${name}** (retired)\n\n${retired.why}.` + (retired.replacement ? ` Use \`${retired.replacement}\` instead.` : ' It has no replacement.');
    }
    return `**${name}**\n\nNot a permission of current Octopus.`;
  }
  const level = p.level === 'both' ? 'system and space' : p.level;
  const restrict =
    p.restrictions.length > 0
      ? `Can be restricted by ${p.restrictions.map((d) => DIMENSION_TEXT[d]).join(', ')}` + (p.level === 'both' ? ' (when granted at the space level).' : '.')
      : p.level === 'system'
        ? 'Cannot be restricted: system permissions never are.'
        : 'Cannot be restricted: restrictions on a role do not narrow this permission.';
  const roles = p.builtinRoles.length ? `Built-in roles that grant it: ${p.builtinRoles.join(', ')}.` : 'No built-in role grants it.';
  return [`**${p.name}** · ${level} permission`, '', p.description, '', LEVEL_TEXT[p.level], '', restrict, '', roles].join('\n');
}

function roleKindText(role: ResolvedRole): string {
  switch (role.shape) {
    case 'system-only':
      return 'System-only role: it has no space permissions, so it is applied at the system level and only system teams can use it. It cannot be restricted.';
    case 'space':
      return 'Space role: it is applied in a space. A space team applies it in its own space; a system team must name the space with `space:`.';
    case 'mixed':
      return 'Mixed role: it is applied in a space like a space role, but its system permissions are then granted server-wide, not only in that space.';
  }
}

function roleHover(role: ResolvedRole): string {
  const title = `**${role.name}** · ${role.builtin ? 'built-in role' : 'custom role'}`;
  const builtin = role.builtin ? getBuiltinRole(role.name) : undefined;
  const lines = [title, ''];
  if (builtin?.description) lines.push(builtin.description, '');
  lines.push(roleKindText(role), '');
  lines.push(`Space permissions (${role.spacePermissions.length}): ${listNames(role.spacePermissions)}`, '');
  lines.push(`System permissions (${role.systemPermissions.length}): ${listNames(role.systemPermissions)}`);
  if (role.shape === 'mixed') {
    lines.push('', `Applied in any space, it grants these server-wide: ${listNames(role.systemPermissions)}.`);
  }
  return lines.join('\n');
}

/** What a team grants: per space, and at the system level (server-wide). */
export function effectivePermissions(ws: ModelIndex, team: TeamDoc): { system: string[]; spaces: Map<string, string[]> } {
  const system = new Set<string>();
  const spaces = new Map<string, Set<string>>();
  for (const a of team.assignments) {
    const role = ws.resolveRole(a.role.value);
    if (!role) continue;
    const applied = team.space?.value ?? a.space?.value;
    if (role.shape === 'system-only') {
      if (team.space) continue; // Octopus rejects it in a space team.
      for (const p of role.systemPermissions) system.add(p);
      continue;
    }
    if (applied === undefined) continue; // a space role in a system team without a space applies nowhere
    let set = spaces.get(applied);
    if (!set) spaces.set(applied, (set = new Set()));
    for (const p of role.spacePermissions) set.add(p);
    for (const p of role.systemPermissions) system.add(p);
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return { system: sorted(system), spaces: new Map([...spaces].map(([k, v]) => [k, sorted(v)])) };
}

function teamHover(ws: ModelIndex, team: TeamDoc): string {
  const name = team.name?.value ?? 'Team';
  const kind = team.space
    ? `Space team of **${team.space.value}**: its roles apply in that space only (system permissions of mixed roles excepted).`
    : 'System team ("accessible in all spaces"): system-only roles apply server-wide; each space role applies in the space its assignment names.';
  const { system, spaces } = effectivePermissions(ws, team);
  const lines = [`**${name}** · ${team.space ? 'space team' : 'system team'}`, '', kind, ''];
  lines.push(`Server-wide (${system.length}): ${listNames(system)}`);
  for (const [space, perms] of [...spaces].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push('', `In space ${space} (${perms.length}): ${listNames(perms)}`);
  }
  return lines.join('\n');
}
