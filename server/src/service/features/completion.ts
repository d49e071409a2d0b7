/**
 * Completion. Where the cursor stands comes from the file's front-end (the line being typed is usually
 * not valid syntax yet); names already present come from the model.
 */
import { allBuiltinRoles, allPermissions, BUILTIN_SYSTEM_TEAMS, BUILTIN_TEAMS, builtinRoleId, builtinTeamId, DIMENSIONS, SPACE_MANAGERS, type Dimension, type Level } from '../catalog';
import { shapeOf } from '../model/roles';
import { ASSIGNMENT_KEYS, DOC_KEYS, MODEL_TERMS, type Terms } from '../model/fields';
import type { RoleShape } from '../model/roles';
import type { Doc, DocKind, RoleDoc, SpaceDoc, Span, TeamDoc } from '../model/types';
import type { ModelIndex } from '../model/workspace';
import { permissionHover } from './hover';
import { docAt } from './locate';
import { completePolicy } from './policy';

export type CompletionKind = 'permission' | 'key' | 'role' | 'space' | 'value';

/** A completion proposal; `replace` is the span of text it replaces. */
export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  /** A short group label shown beside the name (System, Space, Both; built-in, custom). */
  readonly group?: string;
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  readonly sortText: string;
  readonly insertText?: string;
  readonly replace: Span;
}

const LEVEL_GROUP: Record<Level, string> = { system: 'System', space: 'Space', both: 'Both' };

function permissionEntries(role: RoleDoc | undefined, list: 'spacePermissions' | 'systemPermissions', replace: Span, terms: Terms): CompletionEntry[] {
  const present = new Set(role?.[list]?.items.map((i) => i.value) ?? []);
  const other = list === 'spacePermissions' ? role?.systemPermissions : role?.spacePermissions;
  const inOther = new Set(other?.items.map((i) => i.value) ?? []);
  const wanted: Level = list === 'spacePermissions' ? 'space' : 'system';
  const result: CompletionEntry[] = [];
  for (const p of allPermissions()) {
    if (p.level !== 'both' && p.level !== wanted) continue;
    if (present.has(p.name) || (p.level !== 'both' && inOther.has(p.name))) continue;
    result.push({
      label: p.name,
      kind: 'permission',
      group: LEVEL_GROUP[p.level],
      detail: `${LEVEL_GROUP[p.level]} permission`,
      documentation: permissionHover(p.name, terms),
      sortText: `${p.level === 'both' ? 1 : 0}${p.name}`,
      replace,
    });
  }
  return result;
}

const ROLE_SHAPE_TEXT: Record<RoleShape, string> = { 'system-only': 'system-only', space: 'space', mixed: 'mixed' };

function roleEntries(ws: ModelIndex, team: TeamDoc | undefined, replace: Span): CompletionEntry[] {
  const spaceTeam = Boolean(team?.space);
  const names = [...ws.customRoleNames(), ...Array.from(allBuiltinRoles(), (r) => r.name)];
  const result: CompletionEntry[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const role = ws.resolveRole(name);
    if (!role) continue;
    const unusable = spaceTeam && role.shape === 'system-only';
    result.push({
      label: name,
      kind: 'role',
      group: `${ROLE_SHAPE_TEXT[role.shape]} · ${role.builtin ? 'built-in' : 'custom'}`,
      detail: unusable ? 'system-only role: a space team cannot use it' : `${ROLE_SHAPE_TEXT[role.shape]} role`,
      documentation: `${role.spacePermissions.length} space and ${role.systemPermissions.length} system permissions.`,
      sortText: `${unusable ? 2 : role.builtin ? 1 : 0}${name}`,
      replace,
    });
  }
  return result;
}

function spaceEntries(ws: ModelIndex, replace: Span): CompletionEntry[] {
  return ws.spaceNames().map((name) => ({ label: name, kind: 'space' as const, group: 'space', sortText: name, replace }));
}

function scopeEntries(ws: ModelIndex, team: TeamDoc | undefined, offset: number, dim: Dimension, replace: Span): CompletionEntry[] {
  const assignment = assignmentBefore(team, offset);
  const spaceName = team?.space?.value ?? assignment?.space?.value;
  const spaces = spaceName ? [ws.resolveSpace(spaceName)].filter((s) => s !== undefined) : ws.spaceNames().map((n) => ws.resolveSpace(n)!);
  const present = new Set(assignment?.restrictions.find((r) => r.dimension === dim)?.list.items.map((i) => i.value) ?? []);
  const result: CompletionEntry[] = [];
  const seen = new Set<string>();
  for (const space of spaces) {
    for (const item of space.doc.scopes[dim]?.items ?? []) {
      if (present.has(item.value) || seen.has(item.value)) continue;
      seen.add(item.value);
      result.push({ label: item.value, kind: 'value', group: space.doc.name!.value, sortText: item.value, replace });
    }
  }
  return result;
}

function keyEntries(kind: DocKind, present: ReadonlySet<string>, keys: readonly string[], replace: Span): CompletionEntry[] {
  return keys
    .filter((k) => !present.has(k))
    .map((k, i) => ({ label: k, kind: 'key' as const, group: kind, sortText: String(i).padStart(2, '0'), insertText: `${k}: `, replace }));
}

/** Completion proposals at `offset` of file `uri`. */
export function complete(ws: ModelIndex, uri: string, offset: number): CompletionEntry[] {
  const model = ws.model(uri);
  const text = ws.text(uri);
  if (!model || text === undefined) return [];
  const ctx = ws.syntaxOf(uri)?.completionContext(text, offset);
  if (!ctx) return [];
  if (model.kind === 'policy') return completePolicy(ws, uri, text, offset, ctx);
  const doc = docAt(model, offset) ?? nearestDocBefore(model.docs, offset);
  switch (ctx.type) {
    case 'key': {
      if (model.kind === 'mixed') return []; // a mixed file's front-end completes no field names
      if (ctx.level === 'doc') return keyEntries(model.kind, new Set(doc?.keys.keys() ?? []), DOC_KEYS[model.kind], ctx.replace);
      if (model.kind !== 'team') return [];
      const team = doc?.kind === 'team' ? doc : undefined;
      const a = assignmentBefore(team, offset);
      const present = new Set<string>();
      if (a) {
        present.add('role');
        if (a.space) present.add('space');
        for (const r of a.restrictions) present.add(r.dimension);
      }
      return keyEntries(model.kind, present, ASSIGNMENT_KEYS, ctx.replace);
    }
    case 'id':
      return ctx.of === 'role' ? builtinRoleIdEntries(ctx.replace) : builtinTeamIdEntries(ws, model.module, ctx.replace);
    case 'user':
      return moduleUserEntries(ws, model.module, uri, offset, ctx.quoted, ctx.replace);
    case 'item':
    case 'value': {
      const key = ctx.key;
      if ((model.kind === 'role' || model.kind === 'mixed') && (key === 'spacePermissions' || key === 'systemPermissions') && ctx.type === 'item') {
        return permissionEntries(doc?.kind === 'role' ? doc : undefined, key, ctx.replace, ws.syntaxOf(uri)?.terms ?? MODEL_TERMS);
      }
      if (ctx.type === 'item' && key === 'members' && model.kind !== 'role') return userEntries(ws, doc, ctx.replace);
      if (ctx.type === 'item' && key === 'teams' && model.kind === 'space') return teamEntries(ws, doc, ctx.replace);
      if (ctx.type === 'item' && doc?.kind === 'space' && doc.groupProjects?.some((g) => g.name.value === key)) return groupProjectEntries(doc, ctx.replace);
      if (model.kind !== 'team') return [];
      const team = doc?.kind === 'team' ? doc : undefined;
      if ((key === 'roles' && ctx.type === 'item') || (key === 'role' && ctx.type === 'value')) return roleEntries(ws, team, ctx.replace);
      if (key === 'space' && ctx.type === 'value') return spaceEntries(ws, ctx.replace);
      if ((DIMENSIONS as readonly string[]).includes(key) && ctx.type === 'item') return scopeEntries(ws, team, offset, key as Dimension, ctx.replace);
      return [];
    }
  }
}

/**
 * The projects a group of a space's `projectGroups` map may take: the space's projects that no group holds
 * yet (a project is in one group only).
 */
function groupProjectEntries(space: SpaceDoc, replace: Span): CompletionEntry[] {
  const grouped = new Set((space.groupProjects ?? []).flatMap((g) => g.projects.items.map((i) => i.value)));
  const names = [...new Set(space.scopes.projects?.items.map((i) => i.value) ?? [])].filter((p) => !grouped.has(p));
  return names.sort().map((name) => ({ label: name, kind: 'value' as const, group: 'project', sortText: name, replace }));
}

/** User names known anywhere in the workspace (teams' members, spaces' managers), leaving out those listed here. */
function userEntries(ws: ModelIndex, doc: Doc | undefined, replace: Span): CompletionEntry[] {
  const present = new Set((doc?.kind === 'team' ? doc.members : doc?.kind === 'space' ? doc.managers?.members : undefined)?.items.map((i) => i.value) ?? []);
  const users = new Set<string>();
  for (const uri of ws.uris()) {
    for (const d of ws.model(uri)?.docs ?? []) {
      const list = d.kind === 'team' ? d.members : d.kind === 'space' ? d.managers?.members : undefined;
      for (const i of list?.items ?? []) if (!present.has(i.value)) users.add(i.value);
    }
  }
  return [...users].sort().map((name) => ({ label: name, kind: 'value' as const, group: 'user', sortText: name, replace }));
}

/**
 * The users a Terraform module names, for an item of a team's `users` or a space's
 * `space_managers_team_members`: in a string, the user ids the module's lists hold; outside one, its
 * `octopusdeploy_user` resources (`octopusdeploy_user.alice.id`) and the exact-name lookups its lists use,
 * as written. The list's own items are left out.
 */
function moduleUserEntries(ws: ModelIndex, module: string | undefined, uri: string, offset: number, quoted: boolean, replace: Span): CompletionEntry[] {
  const found = new Map<string, { username?: string }>();
  const present = new Set<string>();
  for (const u of ws.uris()) {
    const m = ws.model(u);
    if (!m || m.module === undefined || m.module !== module) continue;
    // Read (back from disk, for a file not open) only for the module's files.
    const text = ws.text(u);
    if (text === undefined) continue;
    if (!quoted) for (const [address, username] of m.users ?? []) found.set(`${address}.id`, { username });
    const lists: { span: Span; items: readonly { value: string; span: Span }[] }[] = [];
    for (const d of m.docs) if (d.kind === 'team') lists.push({ span: d.span, items: d.members?.items ?? [] });
    for (const s of m.spaces ?? []) lists.push({ span: s.span, items: s.members });
    for (const list of lists) {
      const here = u === uri && list.span.start <= offset && offset <= list.span.end;
      for (const item of list.items) {
        // The item being typed is neither offered nor present.
        if (u === uri && item.span.start <= replace.start && replace.end <= item.span.end) continue;
        const written = text.slice(item.span.start, item.span.end);
        const key = written.startsWith('"') ? item.value : written;
        if (here) present.add(key);
        if (written.startsWith('"') === quoted && (quoted || written.startsWith('one('))) found.set(key, written.startsWith('one(') ? { username: item.value } : {});
      }
    }
  }
  return [...found]
    .filter(([label]) => !present.has(label))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, { username }]) => ({ label, kind: 'value' as const, group: 'user', ...(username !== undefined ? { detail: `user ${username}` } : {}), sortText: username ?? label, replace }));
}

/** Teams that can manage a space: system teams, the space's own teams and the built-in ones. */
function teamEntries(ws: ModelIndex, doc: Doc | undefined, replace: Span): CompletionEntry[] {
  const space = doc?.kind === 'space' ? doc : undefined;
  const present = new Set(space?.managers?.teams?.items.map((i) => i.value) ?? []);
  const builtin = new Set<string>(BUILTIN_SYSTEM_TEAMS.map((t) => t.name));
  const names = new Set<string>(builtin);
  for (const name of ws.teamNames()) if (ws.hasTeam(name, space?.name?.value)) names.add(name);
  return [...names]
    .filter((n) => !present.has(n))
    .sort()
    .map((name) => ({ label: name, kind: 'value' as const, group: builtin.has(name) ? 'built-in team' : 'team', sortText: name, replace }));
}

/** Every built-in role's id, labelled with the role's name and kind. */
function builtinRoleIdEntries(replace: Span): CompletionEntry[] {
  return Array.from(allBuiltinRoles(), (r) => {
    const shape = ROLE_SHAPE_TEXT[shapeOf(r.spacePermissions, r.systemPermissions)];
    return { label: builtinRoleId(r.name), kind: 'role' as const, group: r.name, detail: `built-in ${shape} role ${r.name}`, documentation: r.description, sortText: builtinRoleId(r.name), replace };
  });
}

/**
 * The built-in teams' ids, labelled with their names: the system teams, and the Space Managers team of
 * each literal space id the model of the file (its module) names.
 */
function builtinTeamIdEntries(ws: ModelIndex, module: string | undefined, replace: Span): CompletionEntry[] {
  const entries: CompletionEntry[] = BUILTIN_SYSTEM_TEAMS.map((t) => ({ label: t.id, kind: 'value', group: t.name, detail: `built-in team ${t.name}`, documentation: t.description, sortText: `0${t.id}`, replace }));
  const spaceManagers = BUILTIN_TEAMS.find((t) => t.name === SPACE_MANAGERS)!;
  const spaces = new Set<string>();
  for (const uri of ws.uris()) {
    const m = ws.model(uri);
    if (m?.module !== module) continue;
    for (const d of m?.docs ?? []) {
      if (d.kind !== 'team') continue;
      for (const s of [d.space, ...d.assignments.map((a) => a.space)]) if (s && !s.computed && s.value.trim()) spaces.add(s.value);
    }
  }
  for (const space of [...spaces].sort()) {
    const id = builtinTeamId(spaceManagers, space);
    entries.push({ label: id, kind: 'value', group: `${SPACE_MANAGERS} of ${space}`, detail: `built-in team ${SPACE_MANAGERS} of space ${space}`, documentation: spaceManagers.description, sortText: `1${id}`, replace });
  }
  return entries;
}

/** The assignment being edited: the last one that starts before the cursor. */
function assignmentBefore(team: TeamDoc | undefined, offset: number) {
  return nearestDocBefore(team?.assignments ?? [], offset);
}

function nearestDocBefore<D extends { span: Span }>(docs: readonly D[], offset: number): D | undefined {
  let found: D | undefined;
  for (const d of docs) if (d.span.start <= offset) found = d;
  return found;
}
