/**
 * The fix engine. Each rule builds its own fixes (rules/*.ts `fixes`) from the diagnostic's `data` and
 * the model's spans, never from its message. A fix is offered only when applying it would remove the
 * diagnostic it targets and leave no new error anywhere in the workspace: `codeFixes` applies each
 * candidate to the workspace model, re-checks the files it affects, and undoes it (see `verify`).
 *
 * Fix-all (`source.fixAll.octopus-roles`, `octopus-roles check --fix`) applies a rule's preferred fix
 * when the rule says it is safe: no choice involved and nobody's access widened.
 */
import type { Settings } from '../config';
import { docAt } from '../features/locate';
import type { Diagnostic, DiagnosticData, Span } from '../model/types';
import type { FileSnapshot, ModelIndex } from '../model/workspace';
import { finalDiagnostics } from '../final';
import { ruleOf } from '../rules/registry';
import { accessEffect, describeGains, grantsAccess, type AccessEffect } from './access-effect';
import type { FixContext } from '../rules/fix';
import { applyEdits, eolOf, fileChange, indentOf, lineStartOf, overlaps, type TextEdit, type WorkspaceChange } from '../util/edit';

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
  /** True when applying it gives someone access they did not have (its title says what): never safe. */
  readonly grants?: boolean;
}

/** Options of `codeFixes`. */
export interface FixOptions {
  /** False when the client cannot create files: fixes that create a role or space are left out. */
  readonly createFiles?: boolean;
  /** False to skip the check that a fix leaves no new error (fix-all checks its own result). */
  readonly verify?: boolean;
  /** False to leave out the suppression comment (fix-all never applies it). */
  readonly suppress?: boolean;
}

/** The quick fixes for diagnostic `d` of file `uri`, best first. */
export function codeFixes(ws: ModelIndex, uri: string, d: Diagnostic, settings: Settings, options: FixOptions = {}): CodeFix[] {
  const model = ws.model(uri);
  const text = ws.text(uri);
  const frontEnd = ws.syntaxOf(uri);
  const syntax = frontEnd?.edits;
  const rule = ruleOf(d.code);
  if (!model || text === undefined || !syntax || !rule) return [];
  // A file with a syntax error or merge-conflict markers gets no fix of a rule (SPEC section 7): what the
  // parser recovered is a guess, and both sides of a conflict are the user's to choose between. Only the
  // suppression comment, a line the user asks for, is still offered.
  const broken = model.syntaxFindings.some((x) => x.code === 'yaml-syntax');
  const out: CodeFix[] = [];
  let preferredSeen = false;
  const ctx: FixContext<DiagnosticData> = {
    ws,
    uri,
    text,
    model,
    diagnostic: d,
    data: d.data ?? {},
    doc: docAt(model, d.span.start),
    syntax,
    terms: frontEnd!.terms,
    createFiles: options.createFiles !== false,
    add(title, edits, preferred = false) {
      const change = changeOf(uri, edits);
      if (!change) return;
      out.push({ title, diagnostic: d, change, safe: false, preferred: preferred && !preferredSeen });
      if (preferred) preferredSeen = true;
    },
  };
  // A builder that throws is a bug to see: the server logs it and answers with no actions.
  if (!broken) rule.fixes?.(ctx);
  // The rule's preferred fix is the one it marked, or its first; fix-all may apply it if the rule says so.
  const preferredIndex = Math.max(0, out.findIndex((f) => f.preferred));
  if (out.length) {
    const safe = typeof rule.safe === 'function' ? rule.safe(ctx) : rule.safe === true;
    out[preferredIndex] = { ...out[preferredIndex], preferred: true, safe };
  }
  const suppression = options.suppress === false ? undefined : suppressFix(uri, text, d);
  if (suppression) out.push(suppression);
  const result = options.verify === false ? out : checked(ws, uri, out, suppression, settings);
  // When verification dropped the preferred fix, the next one leads (never the suppression comment).
  if (result.length && !result.some((f) => f.preferred) && result[0] !== suppression) result[0] = { ...result[0], preferred: true };
  return result;
}

/**
 * The fixes that pass verification, each classified by what it does to access: one that grants anyone
 * anything is never safe (fix-all, `--fix` and fix-on-save leave it alone), and its title says what it
 * grants, so that choosing it in the editor is an informed choice.
 */
function checked(ws: ModelIndex, uri: string, fixes: readonly CodeFix[], suppression: CodeFix | undefined, settings: Settings): CodeFix[] {
  const out: CodeFix[] = [];
  for (const f of fixes) {
    const trial = tryFix(ws, uri, f, settings, f !== suppression);
    if (!trial.ok) continue;
    const grants = trial.effect && describeGains(trial.effect);
    out.push(grants ? { ...f, title: `${f.title} (${grants})`, safe: false, grants: true } : f);
  }
  return out;
}

function changeOf(uri: string, edits: readonly (TextEdit | undefined)[] | WorkspaceChange | undefined): WorkspaceChange | undefined {
  if (!edits) return undefined;
  if (!Array.isArray(edits)) return edits as WorkspaceChange;
  if (edits.length === 0 || edits.some((e) => !e)) return undefined;
  const list = edits as TextEdit[];
  for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) if (overlaps(list[i].span, list[j].span)) return undefined;
  return fileChange(uri, list);
}

const NEXT_LINE_DIRECTIVE = 'octopus-roles-disable-next-line';

/**
 * `# octopus-roles-disable-next-line CODE` above the diagnostic's line, or the code added to such a
 * comment already there. The comment is scanned by hand: a regular expression with `\s+--.*$` took
 * seconds on a line of 80,000 spaces.
 */
function suppressFix(uri: string, text: string, d: Diagnostic): CodeFix | undefined {
  const lineStart = lineStartOf(text, d.span.start);
  const title = `Suppress '${d.code}' on this line`;
  const prevEnd = lineStart > 0 ? lineStart - (text[lineStart - 1] === '\n' && text[lineStart - 2] === '\r' ? 2 : 1) : -1;
  if (prevEnd >= 0) {
    const prevStart = lineStartOf(text, prevEnd);
    const existing = directiveCodes(text, prevStart, prevEnd);
    if (existing) {
      if (existing.empty) return undefined; // a bare directive silences every code already
      return { title, diagnostic: d, change: fileChange(uri, [{ span: { start: existing.end, end: existing.end }, newText: `, ${d.code}` }]), safe: false, preferred: false };
    }
  }
  const indent = indentOf(text, d.span.start);
  const edit = { span: { start: lineStart, end: lineStart }, newText: `${indent}# ${NEXT_LINE_DIRECTIVE} ${d.code}${eolOf(text)}` };
  return { title, diagnostic: d, change: fileChange(uri, [edit]), safe: false, preferred: false };
}

/**
 * When the line from `start` to `end` is a next-line directive: where its list of codes ends (before a
 * ` -- reason` and trailing blanks), and whether it names no code. Linear in the line's length.
 */
function directiveCodes(text: string, start: number, end: number): { end: number; empty: boolean } | undefined {
  let i = start;
  const blank = (c: string) => c === ' ' || c === '\t';
  while (i < end && blank(text[i])) i++;
  if (text[i] !== '#') return undefined;
  i++;
  while (i < end && blank(text[i])) i++;
  if (!text.startsWith(NEXT_LINE_DIRECTIVE, i)) return undefined;
  i += NEXT_LINE_DIRECTIVE.length;
  if (i < end && /[\w-]/.test(text[i])) return undefined;
  let codesEnd = end;
  for (let j = i; j + 2 < end + 1; j++) {
    if (blank(text[j]) && text[j + 1] === '-' && text[j + 2] === '-') {
      codesEnd = j;
      break;
    }
  }
  while (codesEnd > i && blank(text[codesEnd - 1])) codesEnd--;
  return { end: codesEnd, empty: codesEnd === i };
}

/** The raw error diagnostics per file, as counts per code. */
function errorCounts(ws: ModelIndex, uris: Iterable<string>): Map<string, Map<string, number>> {
  const result = new Map<string, Map<string, number>>();
  for (const u of uris) {
    const counts = new Map<string, number>();
    for (const x of ws.diagnostics(u)) if (x.severity === 'error') counts.set(x.code, (counts.get(x.code) ?? 0) + 1);
    result.set(u, counts);
  }
  return result;
}

const countOf = (ws: ModelIndex, uri: string, code: string, settings: Settings): number =>
  finalDiagnostics(ws, uri, settings).filter((x) => x.code === code).length;

/**
 * Applies `change` to the workspace model, checks the result and undoes it. The fix passes when the
 * files it edits still parse as well as before, the targeted diagnostics are fewer, and no file has
 * more errors of any code than before.
 */
export function verify(ws: ModelIndex, uri: string, fix: Pick<CodeFix, 'change' | 'diagnostic'>, settings: Settings): boolean {
  return tryFix(ws, uri, fix, settings, false).ok;
}

/** What trying a fix on the model found: whether it passes, and what it does to access when asked. */
interface Trial {
  readonly ok: boolean;
  readonly effect?: AccessEffect;
}

/**
 * `verify`, and with `access` also what the fix does to effective access, measured in the same trial
 * (the fix engine's safety rests on it: a fix that grants anyone anything is never applied unasked).
 */
function tryFix(ws: ModelIndex, uri: string, fix: Pick<CodeFix, 'change' | 'diagnostic'>, settings: Settings, access: boolean): Trial {
  const originals = new Map<string, string>();
  const snapshots = new Map<string, FileSnapshot>();
  for (const u of fix.change.edits.keys()) {
    const t = ws.text(u);
    const snapshot = ws.snapshot(u);
    if (t === undefined || !ws.model(u) || !snapshot) return { ok: false };
    originals.set(u, t);
    snapshots.set(u, snapshot);
  }
  for (const u of fix.change.creates.keys()) if (ws.has(u)) return { ok: false };
  const before = countOf(ws, uri, fix.diagnostic.code, settings);
  const affected = new Set<string>();
  let after: Map<string, Map<string, number>> | undefined;
  let targetAfter = 0;
  const apply = () => {
    for (const [u, edits] of fix.change.edits) for (const a of ws.setFile(u, applyEdits(originals.get(u)!, edits))) affected.add(a);
    for (const [u, t] of fix.change.creates) for (const a of ws.setFile(u, t)) affected.add(a);
    return affected;
  };
  // The files as they were, without reading them again.
  const undo = () => {
    for (const [u, snapshot] of snapshots) ws.restoreFile(u, snapshot);
    for (const u of fix.change.creates.keys()) ws.removeFile(u);
  };
  const measure = () => {
    after = errorCounts(ws, affected);
    targetAfter = countOf(ws, uri, fix.diagnostic.code, settings);
  };
  let effect: AccessEffect | undefined;
  try {
    if (access) effect = accessEffect(ws, [...fix.change.edits.keys(), ...fix.change.creates.keys()], apply, undo, measure);
    else {
      try {
        apply();
        measure();
      } finally {
        undo();
      }
    }
  } catch {
    return { ok: false };
  }
  if (!after || targetAfter >= before) return { ok: false, effect };
  return { ok: noNewErrors(after, errorCounts(ws, affected)), effect };
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
  /**
   * What the fixes did to effective access, measured when the result is kept (`check --fix` prints it):
   * never a gain, since a fix that grants anything is not applied; losses where a fix removed a right.
   */
  readonly access?: AccessEffect;
  /**
   * The fixes fix-all left alone because they grant access, each with what it grants (from the title the
   * editor shows): the user applies them in the editor if that is what they mean.
   */
  readonly withheld: readonly string[];
}

/**
 * Applies every safe fix of a file, round by round (a fix can reveal another), and returns the new text;
 * undefined when there is nothing to fix. Each round applies the non-overlapping safe fixes together and
 * keeps them only if the result passes the same check as a single fix and grants nobody anything, else it
 * applies them one by one. The workspace is left as it was unless `keep` is set (the command line writes
 * the result to disk).
 */
export function fixAll(ws: ModelIndex, uri: string, settings: Settings, keep = false): FixAllResult | undefined {
  // A file without findings has nothing to fix: its text is not read (back from disk, for a file not open).
  if (!ws.has(uri) || finalDiagnostics(ws, uri, settings).length === 0) return undefined;
  const original = ws.text(uri);
  const start = ws.snapshot(uri);
  if (original === undefined || !ws.model(uri) || !start) return undefined;
  const applied: string[] = [];
  const withheld = new Map<string, string>();
  let text = original;
  for (let round = 0; round < 50; round++) {
    const candidates = safeCandidates(ws, uri, settings).filter((f) => !withheld.has(f.title));
    if (candidates.length === 0) break;
    const chosen: CodeFix[] = [];
    const taken: Span[] = [];
    for (const f of candidates) {
      const spans = f.change.edits.get(uri)!.map((e) => e.span);
      if (spans.some((s) => taken.some((t) => overlaps(s, t) || (s.start === t.start && s.end === t.end)))) continue;
      chosen.push(f);
      taken.push(...spans);
    }
    const step = tryApply(ws, uri, settings, chosen) ?? oneByOne(ws, uri, settings, chosen, candidates, withheld);
    if (!step) break;
    text = applyEdits(text, step.flatMap((f) => f.change.edits.get(uri)!));
    ws.setFile(uri, text);
    applied.push(...step.map((f) => f.title));
  }
  const left = [...withheld].map(([title, grants]) => `${title} (${grants})`);
  if (!applied.length || !keep) {
    ws.restoreFile(uri, start);
    // The command line reports what it left alone even where it applied nothing.
    return applied.length || (keep && left.length) ? { text, applied, withheld: left } : undefined;
  }
  const end = ws.snapshot(uri)!;
  ws.restoreFile(uri, start);
  const access = accessEffect(ws, [uri], () => ws.restoreFile(uri, end), () => ws.restoreFile(uri, start));
  ws.restoreFile(uri, end);
  return { text, applied, access, withheld: left };
}

/** Each diagnostic's safe fix, when it has one that edits this file alone. */
function safeCandidates(ws: ModelIndex, uri: string, settings: Settings): CodeFix[] {
  const candidates: CodeFix[] = [];
  for (const d of finalDiagnostics(ws, uri, settings)) {
    for (const f of codeFixes(ws, uri, d, settings, { createFiles: false, verify: false, suppress: false })) {
      if (f.safe && f.change.creates.size === 0 && f.change.edits.size === 1 && f.change.edits.has(uri)) {
        candidates.push(f);
        break;
      }
    }
  }
  return candidates;
}

/**
 * True when the fix passes verification and grants nobody anything; a fix that passes but grants is
 * recorded in `withheld` with what it grants.
 */
function passes(ws: ModelIndex, uri: string, settings: Settings, fix: Pick<CodeFix, 'change' | 'diagnostic' | 'title'>, withheld?: Map<string, string>): boolean {
  const trial = tryFix(ws, uri, fix, settings, true);
  const grants = trial.effect && describeGains(trial.effect);
  if (trial.ok && grants) withheld?.set(fix.title, grants);
  return trial.ok && !grants;
}

function tryApply(ws: ModelIndex, uri: string, settings: Settings, fixes: CodeFix[]): CodeFix[] | undefined {
  if (fixes.length === 0) return undefined;
  if (fixes.length === 1) return passes(ws, uri, settings, fixes[0]) ? fixes : undefined;
  const change = fileChange(uri, fixes.flatMap((f) => f.change.edits.get(uri)!));
  return verifyAll(ws, uri, change, fixes, settings) ? fixes : undefined;
}

/**
 * When the chosen fixes fail together: each is tried alone once (a fix that grants is withheld for good),
 * and those that pass are applied together, or the first of them; failing all, the first passing fix of
 * the others.
 */
function oneByOne(ws: ModelIndex, uri: string, settings: Settings, chosen: CodeFix[], candidates: CodeFix[], withheld: Map<string, string>): CodeFix[] | undefined {
  const passing = chosen.filter((f) => passes(ws, uri, settings, f, withheld));
  if (passing.length) return (passing.length > 1 && tryApply(ws, uri, settings, passing)) || [passing[0]];
  for (const f of candidates) if (!chosen.includes(f) && passes(ws, uri, settings, f, withheld)) return [f];
  return undefined;
}

/**
 * Like `passes` for several fixes applied at once: each targeted code has fewer diagnostics, no new
 * errors, and nobody gains access.
 */
function verifyAll(ws: ModelIndex, uri: string, change: WorkspaceChange, fixes: CodeFix[], settings: Settings): boolean {
  const targeted = new Map<string, number>();
  for (const f of fixes) targeted.set(f.diagnostic.code, (targeted.get(f.diagnostic.code) ?? 0) + 1);
  const beforeTargets = new Map([...targeted.keys()].map((c) => [c, countOf(ws, uri, c, settings)]));
  const original = ws.text(uri);
  const snapshot = ws.snapshot(uri);
  if (original === undefined || !snapshot) return false;
  let affected = new Set<string>();
  let after: Map<string, Map<string, number>> | undefined;
  let afterTargets = new Map<string, number>();
  let effect: AccessEffect;
  try {
    effect = accessEffect(
      ws,
      [uri],
      () => (affected = ws.setFile(uri, applyEdits(original, change.edits.get(uri)!))),
      () => ws.restoreFile(uri, snapshot),
      () => {
        after = errorCounts(ws, affected);
        afterTargets = new Map([...targeted.keys()].map((c) => [c, countOf(ws, uri, c, settings)]));
      },
    );
  } catch {
    return false;
  }
  if (!after || grantsAccess(effect)) return false;
  for (const [c, n] of targeted) if (afterTargets.get(c)! > beforeTargets.get(c)! - n) return false;
  return noNewErrors(after, errorCounts(ws, affected));
}
