/**
 * Code actions: the service's quick fixes and fix-all, in protocol terms. A client diagnostic is
 * matched to the service's current diagnostics by code and range, so an action is never built from
 * a diagnostic that an edit has since moved or removed.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver/node';
import { codeFixes, finalDiagnostics, fixAll, type CodeFix, type Diagnostic, type LineMap, type Settings, type Workspace } from '../service';
import { minimalEdit, SOURCE, toWorkspaceEdit } from './convert';

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
    const ours = params.context.diagnostics.filter((d) => d.source === SOURCE);
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
    // The text the fixes were applied to (undefined only if it changed on disk since: then no edit).
    const original = fixed && ws.text(uri);
    if (fixed && original !== undefined) {
      result.push({
        title: `Fix all safe Octopus Roles problems (${fixed.applied.length})`,
        kind: FIX_ALL_KIND,
        edit: { changes: { [uri]: [minimalEdit(lines, original, fixed.text)] } },
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
