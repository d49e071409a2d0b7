/**
 * Conversion from the language service's results to LSP types, in one place. The service keeps offsets
 * (`{ start, end }`); they become lines and characters here, with the line map of the file they belong to.
 */
import {
  CompletionItemKind,
  DiagnosticSeverity,
  MarkupKind,
  SymbolKind,
  type CompletionItem,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type SymbolInformation,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import {
  LineMap,
  ruleDocsUrl,
  type CompletionEntry,
  type CompletionKind,
  type Diagnostic,
  type HoverResult,
  type OutlineKind,
  type OutlineSymbol,
  type SourceLocation,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceSymbolEntry,
} from '../service';

/** The `source` of every diagnostic this server reports; code actions only act on these. */
export const SOURCE = 'octopus-roles';

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  permission: CompletionItemKind.EnumMember,
  key: CompletionItemKind.Property,
  role: CompletionItemKind.Class,
  space: CompletionItemKind.Module,
  value: CompletionItemKind.Value,
};

const SYMBOL_KIND: Record<OutlineKind, SymbolKind> = {
  role: SymbolKind.Class,
  team: SymbolKind.Struct,
  space: SymbolKind.Namespace,
  list: SymbolKind.Array,
  permission: SymbolKind.EnumMember,
  assignment: SymbolKind.Field,
  value: SymbolKind.Constant,
  policy: SymbolKind.Interface,
};

/**
 * A service diagnostic in LSP terms. Related information points into other files, whose line maps come
 * from the workspace (a file that is gone falls back to this file's map rather than dropping the link).
 */
export function toLspDiagnostic(ws: Workspace, lines: LineMap, d: Diagnostic, docsHref: (code: string) => string = ruleDocsUrl): LspDiagnostic {
  return {
    range: lines.rangeOf(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: docsHref(d.code) },
    source: SOURCE,
    message: d.message,
    relatedInformation: d.related?.map((r) => ({
      location: { uri: r.uri, range: (ws.lines(r.uri) ?? lines).rangeOf(r.span) },
      message: r.message,
    })),
    data: d.data,
  };
}

export function toCompletionItem(lines: LineMap, e: CompletionEntry): CompletionItem {
  return {
    label: e.label,
    kind: COMPLETION_KIND[e.kind],
    labelDetails: e.group ? { description: e.group } : undefined,
    detail: e.detail,
    documentation: e.documentation ? { kind: MarkupKind.Markdown, value: e.documentation } : undefined,
    sortText: e.sortText,
    filterText: e.label,
    textEdit: { range: lines.rangeOf(e.replace), newText: e.insertText ?? e.label },
  };
}

export function toHover(lines: LineMap, h: HoverResult): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: lines.rangeOf(h.span) };
}

/** Locations in files the workspace holds; a location in a file that has since gone is left out. */
export function toLocations(ws: Workspace, ls: readonly SourceLocation[]): Location[] {
  return ls.flatMap((l) => {
    const lines = ws.lines(l.uri);
    return lines ? [{ uri: l.uri, range: lines.rangeOf(l.span) }] : [];
  });
}

export function toDocumentSymbol(lines: LineMap, s: OutlineSymbol): DocumentSymbol {
  return {
    name: s.name,
    detail: s.detail,
    kind: SYMBOL_KIND[s.kind],
    range: lines.rangeOf(s.span),
    selectionRange: lines.rangeOf(s.selection),
    children: s.children.map((c) => toDocumentSymbol(lines, c)),
  };
}

export function toSymbolInformation(ws: Workspace, s: WorkspaceSymbolEntry): SymbolInformation[] {
  const lines = ws.lines(s.uri);
  return lines ? [{ name: s.name, kind: SYMBOL_KIND[s.kind], location: { uri: s.uri, range: lines.rangeOf(s.span) }, containerName: s.container }] : [];
}

/**
 * A service change as a WorkspaceEdit: `changes` when it only edits, `documentChanges` when it creates
 * files. `lines` is the map of `uri` when the caller has it at hand.
 */
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

/** The files a WorkspaceEdit touches. */
export function urisOfEdit(edit: WorkspaceEdit): string[] {
  if (edit.changes) return Object.keys(edit.changes);
  return (edit.documentChanges ?? []).map((c) => ('textDocument' in c ? c.textDocument.uri : 'uri' in c ? c.uri : c.oldUri));
}

/** One edit that turns `before` into `after`: the differing middle, so the cursor and undo stay put. */
export function minimalEdit(lines: LineMap, before: string, after: string): LspTextEdit {
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
