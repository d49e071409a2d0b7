/**
 * Completion. The context comes from the text around the cursor, read line by line, because the line
 * being typed is usually not valid YAML yet; names already present come from the parsed model.
 */
import { allBuiltinRoles, allPermissions, DIMENSIONS, type Dimension, type Level } from './catalog';
import { permissionHover } from './hover';
import { docAt } from './locate';
import { ASSIGNMENT_KEYS, DOC_KEYS } from './parse';
import type { Kind, RoleDoc, Span, TeamDoc } from './types';
import type { ResolvedRole, Workspace } from './workspace';

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

interface Line {
  readonly start: number;
  readonly text: string;
  readonly indent: number;
}

/** Where the cursor is, structurally. */
type Context =
  | { readonly type: 'item'; readonly key: string; readonly replace: Span; readonly owner?: Line }
  | { readonly type: 'value'; readonly key: string; readonly replace: Span; readonly inItem: boolean }
  | { readonly type: 'key'; readonly level: 'doc' | 'assignment'; readonly replace: Span };

const KEY_LINE = /^(\s*)(-\s+)?([A-Za-z][\w-]*)\s*:(\s*)(.*)$/;
const ITEM_LINE = /^(\s*)-(\s+)(.*)$/;

function lineAround(text: string, offset: number): Line & { end: number } {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = offset;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  const lineText = text.slice(start, end);
  return { start, end, text: lineText, indent: lineText.length - lineText.trimStart().length };
}

/** The lines above `start`, nearest first, skipping blank and comment lines. */
function* linesAbove(text: string, start: number): Generator<Line> {
  let end = start;
  while (end > 0) {
    let s = end - 1;
    if (text[s] === '\n' && text[s - 1] === '\r') s--;
    const lineEnd = s;
    while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
    const lineText = text.slice(s, lineEnd);
    end = s;
    const trimmed = lineText.trim();
    if (trimmed === '---') return;
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    yield { start: s, text: lineText, indent: lineText.length - lineText.trimStart().length };
  }
}

/** The end of a plain value typed on a line: before a trailing comment and trailing spaces. */
function valueEnd(lineText: string, from: number): number {
  const hash = lineText.indexOf(' #', from);
  let end = hash >= 0 ? hash : lineText.length;
  while (end > from && /\s/.test(lineText[end - 1])) end--;
  return end;
}

/** The item of a flow list `[a, b, c]` that holds the cursor. */
function flowItem(lineText: string, open: number, column: number): { start: number; end: number } {
  let s = column;
  while (s > open + 1 && lineText[s - 1] !== ',' && lineText[s - 1] !== '[') s--;
  while (s < column && lineText[s] === ' ') s++;
  let e = column;
  while (e < lineText.length && lineText[e] !== ',' && lineText[e] !== ']') e++;
  while (e > s && lineText[e - 1] === ' ') e--;
  return { start: s, end: Math.max(e, column) };
}

/** The key whose block list or mapping holds a line of indentation `indent`. */
function ownerOf(text: string, lineStart: number, indent: number, isItem: boolean): { key: string; line: Line } | undefined {
  for (const line of linesAbove(text, lineStart)) {
    const m = KEY_LINE.exec(line.text);
    const keyIndent = m ? line.indent + (m[2]?.length ?? 0) : line.indent;
    if (m && m[5].trim() === '' && (keyIndent < indent || (isItem && keyIndent === indent && !m[2]))) {
      return { key: m[3], line };
    }
    if (isItem && line.indent === indent && ITEM_LINE.test(line.text)) continue;
    if (line.indent < indent) return undefined;
  }
  return undefined;
}

function contextAt(text: string, offset: number): Context | undefined {
  const line = lineAround(text, offset);
  const column = offset - line.start;
  const before = line.text.slice(0, column);
  if (before.includes('#')) return undefined;
  const abs = (s: number, e: number): Span => ({ start: line.start + s, end: line.start + e });

  const keyLine = KEY_LINE.exec(line.text);
  if (keyLine) {
    const valueStart = keyLine[1].length + (keyLine[2]?.length ?? 0) + keyLine[3].length;
    const colon = line.text.indexOf(':', valueStart);
    if (column > colon) {
      const rest = line.text.slice(colon + 1);
      const firstChar = colon + 1 + (rest.length - rest.trimStart().length);
      const key = keyLine[3];
      if (line.text[firstChar] === '[') {
        const item = flowItem(line.text, firstChar, column);
        return { type: 'item', key, replace: abs(item.start, item.end), owner: line };
      }
      const start = Math.min(firstChar, column);
      return { type: 'value', key, replace: abs(start, Math.max(valueEnd(line.text, start), column)), inItem: Boolean(keyLine[2]) || line.indent > 0 };
    }
  }
  const item = ITEM_LINE.exec(line.text);
  if (item && column >= item[1].length + 1) {
    const start = item[1].length + 1 + item[2].length;
    if (column >= start || item[3] === '') {
      const owner = ownerOf(text, line.start, line.indent, true);
      if (!owner) return undefined;
      const s = Math.min(start, column);
      return { type: 'item', key: owner.key, replace: abs(s, Math.max(valueEnd(line.text, s), column)), owner: owner.line };
    }
  }
  if (/^\s*(-\s+)?[A-Za-z]*$/.test(before)) {
    const wordStart = before.search(/[A-Za-z]*$/);
    let end = column;
    while (end < line.text.length && /[\w-]/.test(line.text[end])) end++;
    const replace = abs(wordStart, end);
    const dash = /^\s*-\s+/.test(before);
    if (line.indent === 0 && !dash) return { type: 'key', level: 'doc', replace };
    // Inside a long-form role assignment: a key after `- ` under `roles`, or on a continuation line.
    if (dash) {
      const owner = ownerOf(text, line.start, line.indent, true);
      return owner?.key === 'roles' ? { type: 'key', level: 'assignment', replace } : undefined;
    }
    for (const above of linesAbove(text, line.start)) {
      if (above.indent >= line.indent) continue;
      const m = ITEM_LINE.exec(above.text);
      if (!m) return undefined;
      const owner = ownerOf(text, above.start, above.indent, true);
      return owner?.key === 'roles' ? { type: 'key', level: 'assignment', replace } : undefined;
    }
  }
  return undefined;
}

const LEVEL_GROUP: Record<Level, string> = { system: 'System', space: 'Space', both: 'Both' };

function permissionEntries(role: RoleDoc | undefined, list: 'spacePermissions' | 'systemPermissions', replace: Span): CompletionEntry[] {
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
      documentation: permissionHover(p.name),
      sortText: `${p.level === 'both' ? 1 : 0}${p.name}`,
      replace,
    });
  }
  return result;
}

const ROLE_KIND_TEXT: Record<ResolvedRole['kind'], string> = { 'system-only': 'system-only', space: 'space', mixed: 'mixed' };

function roleEntries(ws: Workspace, team: TeamDoc | undefined, replace: Span): CompletionEntry[] {
  const spaceTeam = Boolean(team?.space);
  const names = [...ws.customRoleNames(), ...Array.from(allBuiltinRoles(), (r) => r.name)];
  const result: CompletionEntry[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const role = ws.resolveRole(name);
    if (!role) continue;
    const unusable = spaceTeam && role.kind === 'system-only';
    result.push({
      label: name,
      kind: 'role',
      group: `${ROLE_KIND_TEXT[role.kind]} · ${role.builtin ? 'built-in' : 'custom'}`,
      detail: unusable ? 'system-only role: a space team cannot use it' : `${ROLE_KIND_TEXT[role.kind]} role`,
      documentation: `${role.spacePermissions.length} space and ${role.systemPermissions.length} system permissions.`,
      sortText: `${unusable ? 2 : role.builtin ? 1 : 0}${name}`,
      replace,
    });
  }
  return result;
}

function spaceEntries(ws: Workspace, replace: Span): CompletionEntry[] {
  return ws.spaceNames().map((name) => ({ label: name, kind: 'space' as const, group: 'space', sortText: name, replace }));
}

function scopeEntries(ws: Workspace, team: TeamDoc | undefined, offset: number, dim: Dimension, replace: Span): CompletionEntry[] {
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

function keyEntries(kind: Kind, present: ReadonlySet<string>, keys: readonly string[], replace: Span): CompletionEntry[] {
  return keys
    .filter((k) => !present.has(k))
    .map((k, i) => ({ label: k, kind: 'key' as const, group: kind, sortText: String(i).padStart(2, '0'), insertText: `${k}: `, replace }));
}

/** Completion proposals at `offset` of file `uri`. */
export function complete(ws: Workspace, uri: string, offset: number): CompletionEntry[] {
  const model = ws.model(uri);
  const text = ws.text(uri);
  if (!model || text === undefined) return [];
  const ctx = contextAt(text, offset);
  if (!ctx) return [];
  const doc = docAt(model, offset) ?? nearestDocBefore(model.docs, offset);
  switch (ctx.type) {
    case 'key': {
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
    case 'item':
    case 'value': {
      const key = ctx.key;
      if (model.kind === 'role' && (key === 'spacePermissions' || key === 'systemPermissions') && ctx.type === 'item') {
        return permissionEntries(doc?.kind === 'role' ? doc : undefined, key, ctx.replace);
      }
      if (model.kind !== 'team') return [];
      const team = doc?.kind === 'team' ? doc : undefined;
      if ((key === 'roles' && ctx.type === 'item') || (key === 'role' && ctx.type === 'value')) return roleEntries(ws, team, ctx.replace);
      if (key === 'space' && ctx.type === 'value') return spaceEntries(ws, ctx.replace);
      if ((DIMENSIONS as readonly string[]).includes(key) && ctx.type === 'item') return scopeEntries(ws, team, offset, key as Dimension, ctx.replace);
      return [];
    }
  }
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
