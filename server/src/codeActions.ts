/**
 * Code actions: the service's quick fixes and fix-all, in protocol terms. A client diagnostic is
 * matched to the service's current diagnostics by code and range, so an action is never built from
 * a diagnostic that an edit has since moved or removed.
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic as LspDiagnostic,
  type Range,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { codeFixes, finalDiagnostics, fixAll, LineMap, type CodeFix, type Diagnostic, type Settings, type Workspace, type WorkspaceChange } from './service';

/** The kind of the fix-all action, for `editor.codeActionsOnSave`. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.octopus-roles`;

/** What the client can apply. */
export interface EditSupport {
  /** `documentChanges` with resource operations: fixes that create a file are offered. */
  readonly createFiles: boolean;
}

const wanted = (kind: string, only: readonly string[] | undefined): boolean =>
  !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));

const sameRange = (a: Range, b: Range): boolean =>
  a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

const overlapsRange = (r: Range, s: Range): boolean =>
  !(r.end.line < s.start.line || (r.end.line === s.start.line && r.end.character < s.start.character) || s.end.line < r.start.line || (s.end.line === r.start.line && s.end.character < r.start.character));

/** The code actions for a request. */
export function codeActions(ws: Workspace, params: CodeActionParams, settings: Settings, support: EditSupport): CodeAction[] {
  const uri = params.textDocument.uri;
  const lines = ws.lines(uri);
  if (!lines) return [];
  const only = params.context.only;
  const result: CodeAction[] = [];
  if (wanted(CodeActionKind.QuickFix, only)) {
    const current = finalDiagnostics(ws, uri, settings);
    const ours = params.context.diagnostics.filter((d) => d.source === 'octopus-roles');
    // Some clients send no diagnostics with the request: then those under the range are meant.
    const pairs: [Diagnostic, LspDiagnostic | undefined][] = ours.length
      ? ours.flatMap((c) => current.filter((d) => d.code === c.code && sameRange(lines.rangeOf(d.span), c.range)).map((d): [Diagnostic, LspDiagnostic] => [d, c]))
      : current.filter((d) => overlapsRange(lines.rangeOf(d.span), params.range)).map((d): [Diagnostic, undefined] => [d, undefined]);
    for (const [d, client] of pairs) {
      for (const fix of codeFixes(ws, uri, d, settings, { createFiles: support.createFiles })) {
        result.push(toAction(ws, fix, client, lines, uri));
      }
    }
  }
  // Source actions only when asked for: on save, or from the Source Action menu.
  if (only && wanted(FIX_ALL_KIND, only)) {
    const fixed = fixAll(ws, uri, settings);
    if (fixed) {
      result.push({
        title: `Fix all safe Octopus Roles problems (${fixed.applied.length})`,
        kind: FIX_ALL_KIND,
        edit: { changes: { [uri]: [minimalEdit(lines, ws.text(uri)!, fixed.text)] } },
      });
    }
  }
  return result;
}

function toAction(ws: Workspace, fix: CodeFix, client: LspDiagnostic | undefined, lines: LineMap, uri: string): CodeAction {
  const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, edit: toWorkspaceEdit(ws, fix.change, lines, uri) };
  if (client) action.diagnostics = [client];
  if (fix.preferred) action.isPreferred = true;
  return action;
}

/** A service change as a WorkspaceEdit: `changes` when it only edits, `documentChanges` when it creates files. */
export function toWorkspaceEdit(ws: Workspace, change: WorkspaceChange, lines: LineMap | undefined, uri: string): WorkspaceEdit {
  const editsOf = (u: string): LspTextEdit[] => {
    const map = u === uri && lines ? lines : ws.lines(u) ?? new LineMap('');
    return change.edits.get(u)!.map((e) => ({ range: map.rangeOf(e.span), newText: e.newText }));
  };
  if (change.creates.size === 0) {
    const changes: Record<string, LspTextEdit[]> = {};
    for (const u of change.edits.keys()) changes[u] = editsOf(u);
    return { changes };
  }
  const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return {
    documentChanges: [
      ...[...change.creates].flatMap(([u, text]) => [
        { kind: 'create' as const, uri: u, options: { overwrite: false, ignoreIfExists: false } },
        { textDocument: { uri: u, version: null }, edits: [{ range: zero, newText: text }] },
      ]),
      ...[...change.edits.keys()].map((u) => ({ textDocument: { uri: u, version: null }, edits: editsOf(u) })),
    ],
  };
}

/** One edit that turns `before` into `after`: the differing middle, so the cursor and undo stay put. */
function minimalEdit(lines: LineMap, before: string, after: string): LspTextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  // Never split a CRLF or a surrogate pair.
  const high = (c: number) => c >= 0xd800 && c <= 0xdbff;
  while (start > 0 && (before[start - 1] === '\r' || high(before.charCodeAt(start - 1)))) start--;
  while (end > 0 && (before[before.length - end] === '\n' || high(before.charCodeAt(before.length - end - 1)))) end--;
  return { range: lines.rangeOf({ start, end: before.length - end }), newText: after.slice(start, after.length - end) };
}
