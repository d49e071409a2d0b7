/**
 * Quick fixes. Each is selected by the diagnostic's `code` and built from its `data` and the spans of
 * the model, never from its message. A fix is offered only when applying it would remove the diagnostic
 * it targets and leave no new error anywhere in the workspace: `codeFixes` applies each candidate to the
 * workspace model, re-checks the files it affects, and undoes it (see `verify`).
 *
 * A fix is *safe* when it involves no choice and cannot widen anyone's access: those are what fix-all
 * (`source.fixAll.octopus-roles`, `octopus-roles check --fix`) applies.
 */
import { SPACE_MANAGER } from './catalog';
import { finalDiagnostics } from './final';
import { docAt } from './locate';
import { applyEdits, eolOf, fileChange, indentOf, lineEndOf, lineStartOf, overlaps, scalarText, type TextEdit, type WorkspaceChange } from './edit';
import type { Settings } from './config';
import type { RuleCode } from './rules';
import { addAssignmentKey, appendToList, inFlow, removePair, removeSeqItem } from './structure';
import type { Assignment, Diagnostic, Doc, FileModel, Name, NameList, PermissionListKey, RoleDoc, Span, TeamDoc } from './types';
import type { Workspace } from './workspace';

/** One quick fix for one diagnostic. */
export interface CodeFix {
  readonly title: string;
  /** The diagnostic it fixes. */
  readonly diagnostic: Diagnostic;
  readonly change: WorkspaceChange;
  /** No choice involved and no access widened: applied by fix-all. */
  readonly safe: boolean;
  /** The fix an editor should offer first (the lightbulb's default). */
  readonly preferred: boolean;
}

/** Options of `codeFixes`. */
export interface FixOptions {
  /** False when the client cannot create files: fixes that create a role or space are left out. */
  readonly createFiles?: boolean;
  /** False to skip the check that a fix leaves no new error (fix-all checks its own result). */
  readonly verify?: boolean;
}

/** Codes whose diagnostics are about a whole file that was not analysed: nothing in it can be edited. */
const FILE_LEVEL: ReadonlySet<RuleCode> = new Set(['file-too-large', 'unreadable-file']);

/** Spaces offered by `space-required`, at most. */
const MAX_SPACE_FIXES = 20;

const same = (a: Span, b: Span): boolean => a.start === b.start && a.end === b.end;
/** Code action titles are plain text (editors do not render Markdown there): names go in quotes. */
const q = (s: string): string => `'${s}'`;

/** The quick fixes for diagnostic `d` of file `uri`, best first. */
export function codeFixes(ws: Workspace, uri: string, d: Diagnostic, settings: Settings, options: FixOptions = {}): CodeFix[] {
  const model = ws.model(uri);
  const text = ws.text(uri);
  if (!model || text === undefined || FILE_LEVEL.has(d.code)) return [];
  const ctx: Ctx = { ws, uri, text, model, d, doc: docAt(model, d.span.start), out: [], createFiles: options.createFiles !== false };
  // A builder that throws is a bug to see: the server logs it and answers with no actions.
  build(ctx);
  const suppression = suppressFix(ctx);
  if (suppression) ctx.out.push(suppression);
  const result = options.verify === false ? ctx.out : ctx.out.filter((f) => verify(ws, uri, f, settings));
  if (result.length && !result.some((f) => f.preferred) && result[0].title !== suppression?.title) {
    result[0] = { ...result[0], preferred: true };
  }
  return result;
}

interface Ctx {
  readonly ws: Workspace;
  readonly uri: string;
  readonly text: string;
  readonly model: FileModel;
  readonly d: Diagnostic;
  readonly doc: Doc | undefined;
  readonly out: CodeFix[];
  readonly createFiles: boolean;
}

function add(ctx: Ctx, title: string, edits: readonly (TextEdit | undefined)[] | WorkspaceChange | undefined, safe = false, preferred = false): void {
  if (!edits) return;
  let change: WorkspaceChange;
  if (Array.isArray(edits)) {
    if (edits.some((e) => !e) || edits.length === 0) return;
    const list = edits as TextEdit[];
    for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) if (overlaps(list[i].span, list[j].span)) return;
    change = fileChange(ctx.uri, list);
  } else change = edits as WorkspaceChange;
  ctx.out.push({ title, diagnostic: ctx.d, change, safe, preferred });
}

function build(ctx: Ctx): void {
  const { d, doc } = ctx;
  switch (d.code) {
    case 'unknown-permission':
    case 'retired-permission':
      return replaceWithCandidates(ctx, d.code === 'retired-permission');
    case 'unknown-scope-value':
      return replaceWithCandidates(ctx, false);
    case 'wrong-level':
      return moveToOtherList(ctx);
    case 'duplicate-permission': {
      const found = doc?.kind === 'role' ? permissionAt(doc, d.span) : undefined;
      if (found) add(ctx, `Remove the duplicate ${q(found.item.value)}`, [removeSeqItem(ctx.text, found.item.span)], true, true);
      return;
    }
    case 'unknown-key': {
      const c = d.data?.candidates?.[0];
      if (c) add(ctx, `Change the key to ${q(c)}`, [{ span: d.span, newText: c }], false, true);
      return;
    }
    case 'kind-mismatch': {
      const c = d.data?.candidates?.[0];
      if (c) add(ctx, `Change ${q('kind')} to ${q(c)}`, [{ span: d.span, newText: scalarText(c, ctx.text.slice(d.span.start, d.span.end)) }], false, true);
      return;
    }
    case 'missing-name':
      return addName(ctx);
    case 'unknown-role':
      return unknownRole(ctx);
    case 'unknown-space':
      return unknownSpace(ctx);
    case 'system-role-in-space-team': {
      const team = doc?.kind === 'team' ? doc : undefined;
      const a = team && assignmentByRole(team, d.span);
      if (!team || !a) return;
      makeSystemTeam(ctx, team, true);
      removeAssignment(ctx, team, a);
      return;
    }
    case 'space-required': {
      const team = doc?.kind === 'team' ? doc : undefined;
      const a = team && assignmentByRole(team, d.span);
      if (!team || !a) return;
      const flow = inFlow(ctx.text, a.span);
      (d.data?.spaces ?? []).slice(0, MAX_SPACE_FIXES).forEach((space, i) => {
        add(ctx, `Apply ${q(a.role.value)} in space ${q(space)}`, [addAssignmentKey(ctx.text, a, 'space', scalarText(space, undefined, flow || ctx.text[a.span.start] === '{'))], false, i === 0);
      });
      removeAssignment(ctx, team, a);
      return;
    }
    case 'space-not-allowed': {
      const team = doc?.kind === 'team' ? doc : undefined;
      const a = team?.assignments.find((x) => x.spaceKey && same(x.spaceKey.pairSpan, d.span));
      if (!team || !a || !a.spaceKey) return;
      // Dropping the space is safe when it changes nothing: a system-only role applies system-wide
      // anyway, and a space team's assignment applies in the team's space.
      const harmless = !team.space || team.space.value === a.space?.value;
      add(ctx, `Remove ${q('space')} from this assignment`, [removePair(ctx.text, a.spaceKey)], harmless, true);
      if (team.space) makeSystemTeam(ctx, team, false);
      return;
    }
    case 'restriction-not-supported':
    case 'restriction-at-system-level':
    case 'unrestrictable-role': {
      const team = doc?.kind === 'team' ? doc : undefined;
      const r = team?.assignments.flatMap((a) => a.restrictions).find((x) => same(x.list.key.keySpan, d.span));
      if (!r) return;
      // Removing a restriction that restricts nothing (or that Octopus refuses) changes no access;
      // removing one from Space Manager would give the team the whole space, so that needs a person.
      const safe = d.code !== 'unrestrictable-role';
      const title = d.code === 'unrestrictable-role' ? `Remove the ${r.dimension} restriction (the team gets ${SPACE_MANAGER} in the whole space)` : `Remove the ${r.dimension} restriction, which restricts nothing`;
      add(ctx, title, [removePair(ctx.text, r.list.key)], safe, true);
      return;
    }
    case 'duplicate-assignment': {
      const team = doc?.kind === 'team' ? doc : undefined;
      const a = team && assignmentByRole(team, d.span);
      if (a) add(ctx, `Remove the duplicate assignment of ${q(a.role.value)}`, [removeSeqItem(ctx.text, a.span)], true, true);
      return;
    }
    default:
      // yaml-syntax, invalid-value, empty-role, duplicate-name, shadows-builtin, implicit-system-grant:
      // the remedy needs a decision no fix can make (see README, "Rules").
      return;
  }
}

function permissionAt(doc: RoleDoc, span: Span): { list: NameList; key: PermissionListKey; item: Name } | undefined {
  for (const key of ['spacePermissions', 'systemPermissions'] as const) {
    const list = doc[key];
    const item = list?.items.find((i) => same(i.span, span));
    if (list && item) return { list, key, item };
  }
  return undefined;
}

function assignmentByRole(team: TeamDoc, span: Span): Assignment | undefined {
  return team.assignments.find((a) => same(a.role.span, span));
}

function replaceWithCandidates(ctx: Ctx, retired: boolean): void {
  const { d, text } = ctx;
  const candidates = d.data?.candidates ?? [];
  const original = text.slice(d.span.start, d.span.end);
  const flow = inFlow(text, d.span);
  if (retired && candidates.length === 1 && ctx.doc?.kind === 'role') {
    const found = permissionAt(ctx.doc, d.span);
    if (found?.list.items.some((i) => i.value === candidates[0])) {
      // Its replacement is already listed: replacing would only make a duplicate.
      add(ctx, `Remove ${q(found.item.value)} (${q(candidates[0])} is already listed)`, [removeSeqItem(text, d.span)], true, true);
      return;
    }
  }
  candidates.forEach((c, i) => {
    add(ctx, `Change to ${q(c)}`, [{ span: d.span, newText: scalarText(c, original, flow) }], retired && candidates.length === 1, i === 0);
  });
}

function moveToOtherList(ctx: Ctx): void {
  const { d, doc, text } = ctx;
  const target = d.data?.targetList;
  if (!target || doc?.kind !== 'role') return;
  const found = permissionAt(doc, d.span);
  if (!found) return;
  const removal = removeSeqItem(text, found.item.span);
  const there = doc[target];
  if (there?.items.some((i) => i.value === found.item.value)) {
    add(ctx, `Remove ${q(found.item.value)} (it is already in ${q(target)})`, [removal], true, true);
    return;
  }
  const insert = appendToList(text, there, target, found.item.value, found.list.key, found.list);
  add(ctx, `Move ${q(found.item.value)} to ${q(target)}`, [removal, insert], true, true);
}

/** Offers `name: <from the file name>` for a document without a name. */
function addName(ctx: Ctx): void {
  const { doc, text, uri } = ctx;
  if (!doc) return;
  const base = decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1)).replace(/\.(role|team|space)\.ya?ml$/i, '');
  const words = base.split(/[-_.\s]+/).filter(Boolean);
  if (!words.length) return;
  let name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
  if (doc.index > 0) name += ` ${doc.index + 1}`;
  const value = scalarText(name);
  const key = doc.keys.get('name');
  if (key) {
    const colon = text.indexOf(':', key.keySpan.end);
    if (colon < 0 || colon >= lineEndOf(text, key.keySpan.end)) return;
    add(ctx, `Name it ${q(name)}`, [{ span: { start: colon + 1, end: colon + 1 }, newText: ` ${value}` }], false, true);
    return;
  }
  if (text[doc.span.start] === '{' || doc.keys.size === 0) return;
  const column = doc.span.start - lineStartOf(text, doc.span.start);
  add(ctx, `Name it ${q(name)}`, [{ span: { start: doc.span.start, end: doc.span.start }, newText: `name: ${value}${eolOf(text)}${' '.repeat(column)}` }], false, true);
}

function unknownRole(ctx: Ctx): void {
  const { d, doc, text } = ctx;
  const team = doc?.kind === 'team' ? doc : undefined;
  const a = team && assignmentByRole(team, d.span);
  if (!team || !a) return;
  const original = text.slice(d.span.start, d.span.end);
  const flow = inFlow(text, a.span);
  (d.data?.candidates ?? []).forEach((c, i) => {
    add(ctx, `Change to ${q(c)}`, [{ span: d.span, newText: scalarText(c, original, flow) }], false, i === 0);
  });
  if (ctx.createFiles) {
    // A role assigned in a space must grant something in the space; ProjectView is the least it can.
    const inSpace = Boolean(team.space || a.space);
    const body = inSpace
      ? ['spacePermissions:', '  - ProjectView # a start: list what this role may do in a space', 'systemPermissions: []']
      : ['spacePermissions: []', 'systemPermissions: [] # list what this role may do across the server'];
    createFile(ctx, 'role', a.role.value, body, `Create role ${q(a.role.value)}${inSpace ? ' (a space role with ProjectView to start)' : ''}`);
  }
  removeAssignment(ctx, team, a);
}

function unknownSpace(ctx: Ctx): void {
  const { d, text } = ctx;
  const original = text.slice(d.span.start, d.span.end);
  const flow = inFlow(text, d.span) || lineHasFlowMap(text, d.span);
  const candidates = d.data?.candidates ?? [];
  candidates.forEach((c, i) => add(ctx, `Change to ${q(c)}`, [{ span: d.span, newText: scalarText(c, original, flow) }], false, i === 0));
  if (ctx.createFiles) {
    const name = ctx.doc?.kind === 'team' ? [ctx.doc.space, ...ctx.doc.assignments.map((a) => a.space)].find((s) => s && same(s.span, d.span))?.value : undefined;
    if (name) createFile(ctx, 'space', name, [], `Create space ${q(name)}`);
  }
}

const lineHasFlowMap = (text: string, span: Span): boolean => text.slice(lineStartOf(text, span.start), span.start).includes('{');

/** A new `<slug>.<kind>.yaml` beside the other files of that kind nearest to this one. */
function createFile(ctx: Ctx, kind: 'role' | 'space', name: string, body: readonly string[], title: string): void {
  const { ws, uri } = ctx;
  const dirOf = (u: string) => u.slice(0, u.lastIndexOf('/') + 1);
  const suffix = new RegExp(`\\.${kind}\\.ya?ml$`, 'i');
  let dir = dirOf(uri);
  let best = -1;
  for (const u of ws.uris()) {
    if (!suffix.test(u)) continue;
    const d = dirOf(u);
    let common = 0;
    while (common < d.length && common < uri.length && d[common] === uri[common]) common++;
    if (common > best || (common === best && d < dir)) {
      best = common;
      dir = d;
    }
  }
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || kind;
  let target = `${dir}${encodeURIComponent(slug)}.${kind}.yaml`;
  for (let n = 2; ws.has(target); n++) target = `${dir}${encodeURIComponent(slug)}-${n}.${kind}.yaml`;
  const content = [`name: ${scalarText(name)}`, ...body, ''].join('\n');
  ctx.out.push({ title, diagnostic: ctx.d, change: { edits: new Map(), creates: new Map([[target, content]]) }, safe: false, preferred: false });
}

function removeAssignment(ctx: Ctx, team: TeamDoc, a: Assignment): void {
  add(ctx, `Remove ${q(a.role.value)} from ${team.name ? q(team.name.value) : 'this team'}`, [removeSeqItem(ctx.text, a.span)]);
}

/**
 * Makes a space team a system team: its `space` moves onto every assignment that needs one, so each
 * role still applies where it did. Assignments of system-only roles lose what only made sense in a space
 * (a `space`, restrictions), because at the system level Octopus accepts neither.
 */
function makeSystemTeam(ctx: Ctx, team: TeamDoc, preferred: boolean): void {
  const { ws, text } = ctx;
  const spaceKey = team.keys.get('space');
  if (!team.space || !spaceKey || !team.name) return;
  // Not when the space is unknown (every assignment would then repeat that error) or when a system
  // team of that name exists already.
  if (ws.declaresSpaces && !ws.resolveSpace(team.space.value)) return;
  if (ws.teamDefinitions(team.name.value, undefined).length > 0) return;
  const edits: (TextEdit | undefined)[] = [removePair(text, spaceKey)];
  const spaceSource = text.slice(team.space.span.start, team.space.span.end);
  for (const a of team.assignments) {
    const role = ws.resolveRole(a.role.value);
    if (role?.kind === 'system-only') {
      if (a.spaceKey) edits.push(removePair(text, a.spaceKey));
      for (const r of a.restrictions) edits.push(removePair(text, r.list.key));
    } else if (!a.space) {
      const flow = inFlow(text, a.span) || text[a.span.start] === '{';
      const value = flow && !spaceSource.startsWith('"') && !spaceSource.startsWith("'") ? scalarText(team.space.value, undefined, true) : spaceSource;
      edits.push(addAssignmentKey(text, a, 'space', value));
    }
  }
  add(ctx, `Make ${q(team.name.value)} a system team (its roles keep space ${q(team.space.value)})`, edits, false, preferred);
}

/** `# octopus-roles-disable-next-line CODE` above the diagnostic's line, or added to one already there. */
function suppressFix(ctx: Ctx): CodeFix | undefined {
  const { text, d } = ctx;
  const lineStart = lineStartOf(text, d.span.start);
  const title = `Suppress ${q(d.code)} on this line`;
  const prevEnd = lineStart > 0 ? lineStart - (text[lineStart - 1] === '\n' && text[lineStart - 2] === '\r' ? 2 : 1) : -1;
  if (prevEnd >= 0) {
    const prevLine = text.slice(lineStartOf(text, prevEnd), prevEnd);
    const m = /^(\s*#\s*octopus-roles-disable-next-line\b)(.*)$/.exec(prevLine);
    if (m) {
      const codes = m[2].replace(/\s+--.*$/, '');
      if (!codes.trim()) return undefined;
      const at = lineStartOf(text, prevEnd) + m[1].length + codes.replace(/\s+$/, '').length;
      return { title, diagnostic: d, change: fileChange(ctx.uri, [{ span: { start: at, end: at }, newText: `, ${d.code}` }]), safe: false, preferred: false };
    }
  }
  const indent = indentOf(text, d.span.start);
  const edit = { span: { start: lineStart, end: lineStart }, newText: `${indent}# octopus-roles-disable-next-line ${d.code}${eolOf(text)}` };
  return { title, diagnostic: d, change: fileChange(ctx.uri, [edit]), safe: false, preferred: false };
}

/** The raw error diagnostics per file, as counts per code. */
function errorCounts(ws: Workspace, uris: Iterable<string>): Map<string, Map<string, number>> {
  const result = new Map<string, Map<string, number>>();
  for (const u of uris) {
    const counts = new Map<string, number>();
    for (const x of ws.diagnostics(u)) if (x.severity === 'error') counts.set(x.code, (counts.get(x.code) ?? 0) + 1);
    result.set(u, counts);
  }
  return result;
}

const countOf = (ws: Workspace, uri: string, code: string, settings: Settings): number =>
  finalDiagnostics(ws, uri, settings).filter((x) => x.code === code).length;

/**
 * Applies `change` to the workspace model, checks the result and undoes it. The fix passes when the
 * files it edits still parse as well as before, the targeted diagnostics are fewer, and no file has
 * more errors of any code than before.
 */
export function verify(ws: Workspace, uri: string, fix: Pick<CodeFix, 'change' | 'diagnostic'>, settings: Settings): boolean {
  const originals = new Map<string, string>();
  for (const u of fix.change.edits.keys()) {
    const t = ws.text(u);
    if (t === undefined || !ws.model(u)) return false;
    originals.set(u, t);
  }
  for (const u of fix.change.creates.keys()) if (ws.has(u)) return false;
  const before = countOf(ws, uri, fix.diagnostic.code, settings);
  const affected = new Set<string>();
  let after: Map<string, Map<string, number>> | undefined;
  let targetAfter = 0;
  try {
    for (const [u, edits] of fix.change.edits) for (const a of ws.setFile(u, applyEdits(originals.get(u)!, edits))) affected.add(a);
    for (const [u, t] of fix.change.creates) for (const a of ws.setFile(u, t)) affected.add(a);
    after = errorCounts(ws, affected);
    targetAfter = countOf(ws, uri, fix.diagnostic.code, settings);
  } catch {
    after = undefined;
  } finally {
    for (const [u, t] of originals) ws.setFile(u, t);
    for (const u of fix.change.creates.keys()) ws.removeFile(u);
  }
  if (!after || targetAfter >= before) return false;
  return noNewErrors(after, errorCounts(ws, affected));
}

function noNewErrors(after: Map<string, Map<string, number>>, prior: Map<string, Map<string, number>>): boolean {
  for (const [u, counts] of after) {
    const was = prior.get(u);
    for (const [code, n] of counts) if (n > (was?.get(code) ?? 0)) return false;
  }
  return true;
}

/** What `fixAll` did to a file. */
export interface FixAllResult {
  /** The file's text with the fixes applied. */
  readonly text: string;
  /** The titles of the fixes applied, in order. */
  readonly applied: readonly string[];
}

/**
 * Applies every safe fix of a file, round by round (a fix can reveal another), and returns the new text;
 * undefined when there is nothing to fix. Each round applies the non-overlapping safe fixes together and
 * keeps them only if the result passes the same check as a single fix, else it applies them one by one.
 * The workspace is left as it was unless `keep` is set (the command line writes the result to disk).
 */
export function fixAll(ws: Workspace, uri: string, settings: Settings, keep = false): FixAllResult | undefined {
  const original = ws.text(uri);
  if (original === undefined || !ws.model(uri)) return undefined;
  const applied: string[] = [];
  let text = original;
  for (let round = 0; round < 50; round++) {
    const candidates: CodeFix[] = [];
    for (const d of finalDiagnostics(ws, uri, settings)) {
      for (const f of codeFixes(ws, uri, d, settings, { createFiles: false, verify: false })) {
        if (f.safe && f.change.creates.size === 0 && f.change.edits.size === 1 && f.change.edits.has(uri)) {
          candidates.push(f);
          break;
        }
      }
    }
    if (candidates.length === 0) break;
    const chosen: CodeFix[] = [];
    const taken: Span[] = [];
    for (const f of candidates) {
      const spans = f.change.edits.get(uri)!.map((e) => e.span);
      if (spans.some((s) => taken.some((t) => overlaps(s, t) || (s.start === t.start && s.end === t.end)))) continue;
      chosen.push(f);
      taken.push(...spans);
    }
    const step = tryApply(ws, uri, settings, chosen) ?? firstPassing(ws, uri, settings, candidates);
    if (!step) break;
    text = applyEdits(text, step.flatMap((f) => f.change.edits.get(uri)!));
    ws.setFile(uri, text);
    applied.push(...step.map((f) => f.title));
  }
  if (!keep) ws.setFile(uri, original);
  return applied.length ? { text, applied } : undefined;
}

function tryApply(ws: Workspace, uri: string, settings: Settings, fixes: CodeFix[]): CodeFix[] | undefined {
  if (fixes.length === 0) return undefined;
  if (fixes.length === 1) return verify(ws, uri, fixes[0], settings) ? fixes : undefined;
  const merged = { change: fileChange(uri, fixes.flatMap((f) => f.change.edits.get(uri)!)), diagnostic: fixes[0].diagnostic };
  return verifyAll(ws, uri, merged.change, fixes, settings) ? fixes : undefined;
}

function firstPassing(ws: Workspace, uri: string, settings: Settings, fixes: CodeFix[]): CodeFix[] | undefined {
  for (const f of fixes) if (verify(ws, uri, f, settings)) return [f];
  return undefined;
}

/** Like `verify` for several fixes applied at once: each targeted code has fewer diagnostics, no new errors. */
function verifyAll(ws: Workspace, uri: string, change: WorkspaceChange, fixes: CodeFix[], settings: Settings): boolean {
  const targeted = new Map<string, number>();
  for (const f of fixes) targeted.set(f.diagnostic.code, (targeted.get(f.diagnostic.code) ?? 0) + 1);
  const beforeTargets = new Map([...targeted.keys()].map((c) => [c, countOf(ws, uri, c, settings)]));
  const original = ws.text(uri)!;
  let affected = new Set<string>();
  let after: Map<string, Map<string, number>> | undefined;
  let afterTargets = new Map<string, number>();
  try {
    affected = ws.setFile(uri, applyEdits(original, change.edits.get(uri)!));
    after = errorCounts(ws, affected);
    afterTargets = new Map([...targeted.keys()].map((c) => [c, countOf(ws, uri, c, settings)]));
  } catch {
    after = undefined;
  } finally {
    ws.setFile(uri, original);
  }
  if (!after) return false;
  for (const [c, n] of targeted) if (afterTargets.get(c)! > beforeTargets.get(c)! - n) return false;
  return noNewErrors(after, errorCounts(ws, affected));
}
