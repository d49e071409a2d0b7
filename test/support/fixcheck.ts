/**
 * Quick fixes tested all the way round (STYLE.md, habit 9): validate a fixture, take the offered fix,
 * apply its edit, compare the text, and validate a fresh workspace built from the result: the
 * targeted diagnostic is gone and no file has a new error. The re-validation builds a new Workspace from
 * the final texts, so it does not trust the incremental model the fix engine used to choose its fixes.
 */
import * as assert from 'node:assert/strict';
import {
  applyEdits,
  codeFixes,
  finalDiagnostics,
  parseFile,
  Workspace,
  type CodeFix,
  type Diagnostic,
  type Settings,
  type WorkspaceChange,
} from '../../server/src/service';
import { parseFixture, workspaceOf } from './fixture';

/** The texts of every file after `change`: edited files, new files, and the rest unchanged. */
export function applyChange(texts: ReadonlyMap<string, string>, change: WorkspaceChange): Map<string, string> {
  const result = new Map(texts);
  for (const [uri, edits] of change.edits) {
    const before = result.get(uri);
    assert.ok(before !== undefined, `an edit to ${uri}, which does not exist`);
    result.set(uri, applyEdits(before, edits));
  }
  for (const [uri, text] of change.creates) {
    assert.ok(!result.has(uri), `creates ${uri}, which exists`);
    result.set(uri, text);
  }
  return result;
}

function freshWorkspace(texts: ReadonlyMap<string, string>): Workspace {
  const ws = new Workspace();
  for (const [uri, text] of texts) ws.setFile(uri, text);
  return ws;
}

function errorCounts(ws: Workspace, uri: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of ws.diagnostics(uri)) if (d.severity === 'error') counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  return counts;
}

/**
 * Checks the invariants of applying `fix` (to diagnostic `target` of file `uri`) to a workspace whose
 * files are `texts`. Returns the texts after the fix.
 */
export function checkInvariants(texts: ReadonlyMap<string, string>, settings: Settings, uri: string, target: Diagnostic, fix: CodeFix): Map<string, string> {
  const before = freshWorkspace(texts);
  const after = applyChange(texts, fix.change);
  const ws = freshWorkspace(after);
  const label = `"${fix.title}" for ${target.code} in ${uri}`;
  for (const [u, text] of after) {
    if (texts.get(u) === text) continue;
    const syntaxBefore = texts.has(u) ? parseFile(u, texts.get(u)!, 'role').local.filter((d) => d.code === 'yaml-syntax').length : 0;
    const syntaxAfter = parseFile(u, text, 'role').local.filter((d) => d.code === 'yaml-syntax').length;
    assert.ok(syntaxAfter <= syntaxBefore, `${label} made ${u} invalid YAML:\n${text}`);
  }
  const count = (w: Workspace) => finalDiagnostics(w, uri, settings).filter((d) => d.code === target.code).length;
  assert.ok(count(ws) < count(before), `${label} left the diagnostic in place:\n${after.get(uri)}`);
  for (const u of after.keys()) {
    const was = texts.has(u) ? errorCounts(before, u) : new Map<string, number>();
    for (const [code, n] of errorCounts(ws, u)) {
      assert.ok(n <= (was.get(code) ?? 0), `${label} added a ${code} error to ${u}:\n${after.get(u)}`);
    }
  }
  return after;
}

export interface FixExpectation {
  /** The code of the diagnostic at `$0`. */
  readonly code: string;
  /** The fix's title, or a pattern it matches. */
  readonly title: string | RegExp;
  /** The expected files after the fix, as fixture text (`#= path` headers); the others must not change. */
  readonly after: string;
}

/** The diagnostic of `code` at the fixture's `$0`, the fixes offered for it, and the workspace. */
export function fixesAtCursor(source: string, code: string) {
  const files = parseFixture(source, 'fixture.role.yaml');
  const { ws, settings } = workspaceOf(files);
  const file = files.find((f) => f.cursor !== undefined);
  assert.ok(file, 'the fixture has no $0');
  const at = file.cursor!;
  const d = finalDiagnostics(ws, file.path, settings).find((x) => x.code === code && x.span.start <= at && at <= x.span.end);
  assert.ok(d, `no ${code} diagnostic at $0 in ${file.path}`);
  const texts = new Map(files.filter((f) => !f.path.endsWith('.octopus-roles.yaml')).map((f) => [f.path, f.text]));
  return { ws, settings, uri: file.path, diagnostic: d, fixes: codeFixes(ws, file.path, d, settings), texts };
}

/** Takes the fix titled `title` for the diagnostic at `$0` and checks the result and the invariants. */
export function checkFix(source: string, expect: FixExpectation): CodeFix {
  const { settings, uri, diagnostic, fixes, texts } = fixesAtCursor(source, expect.code);
  const matches = (t: string) => (typeof expect.title === 'string' ? t === expect.title : expect.title.test(t));
  const fix = fixes.find((f) => matches(f.title));
  assert.ok(fix, `no fix "${expect.title}"; offered: ${fixes.map((f) => `"${f.title}"`).join(', ')}`);
  const after = checkInvariants(texts, settings, uri, diagnostic, fix);
  for (const f of parseFixture(expect.after, uri)) assert.equal(after.get(f.path), f.text, `the text of ${f.path}`);
  for (const [u, t] of after) {
    if (!parseFixture(expect.after, uri).some((f) => f.path === u)) assert.equal(t, texts.get(u), `${u} changed unexpectedly`);
  }
  return fix;
}

/** The titles of the fixes offered for the diagnostic of `code` at `$0`. */
export function fixTitles(source: string, code: string): string[] {
  return fixesAtCursor(source, code).fixes.map((f) => f.title);
}
