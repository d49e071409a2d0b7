/**
 * The editor features of issue 16, registered on a connection by one call so that the switchboard needs
 * only a hook: semantic tokens, document highlights, Format Document, completion and quick fixes in
 * `.octopus-roles.yaml`, a "Show documentation" action for every diagnostic, and showing a file that a
 * fix creates. Each handler converts and calls the service; nothing here knows YAML or rules.
 *
 * Showing a created file: a code action may carry both an edit and a command, and LSP clients apply the
 * edit first, then run the command. The command (`octopus-roles.showFile`) makes the server send
 * `window/showDocument` for the new file, which VS Code, Neovim 0.10+, Eglot and Helix all honour. A
 * client that cannot show documents gets the edit alone.
 */
import {
  CodeActionKind,
  DocumentHighlightKind,
  MarkupKind,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionParams,
  type CompletionItem,
  type CompletionParams,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DocumentHighlight,
  type SemanticTokens,
  type ServerCapabilities,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import {
  completeConfig,
  configFixes,
  documentHighlights,
  formatFile,
  LineMap,
  RULE_CODES,
  RULES,
  SEMANTIC_TOKEN_MODIFIERS,
  SEMANTIC_TOKEN_TYPES,
  semanticTokens,
  fixAll,
  type CompletionKind,
  type Settings,
  type Workspace,
} from '../service';
import { SERVER_COMMANDS, type FixAllFilesResult } from './protocol';
import type { Lifecycle } from './lifecycle';
import { RuleDocs } from './ruleDocs';

/** How the switchboard wraps a handler (lifecycle.ts): waits, logging, a fallback answer when it throws. */
export type Wrap = Lifecycle['request'];

export interface EditorFeatureHost {
  /** The workspace model. */
  readonly ws: () => Workspace;
  /** The editor's text of an open file that the model does not hold (the configuration file). */
  readonly openText: (uri: string) => string | undefined;
  readonly capabilities: () => ClientCapabilities;
  readonly wrap: Wrap;
  /** The settings that apply to a file. */
  readonly settingsFor: (uri: string) => Settings;
  /** Reads the workspace from disk again and checks every file (the files open in the editor keep their text). */
  readonly recheck: () => Promise<void>;
}

/** What the switchboard calls from handlers it owns (completion, code actions, diagnostics). */
export interface EditorFeatures {
  /** Completion in `.octopus-roles.yaml`; undefined for any other file. */
  configCompletion(params: CompletionParams): CompletionItem[] | undefined;
  /** Quick fixes in `.octopus-roles.yaml`; undefined for any other file. */
  configActions(params: CodeActionParams): CodeAction[] | undefined;
  /** The service's actions, plus "Show documentation" per code and "show the created file" where it applies. */
  decorateActions(params: CodeActionParams, actions: CodeAction[]): CodeAction[];
  /** A diagnostic's `codeDescription.href`: the rule's section of the shipped README. */
  docsHref(code: string): string;
  /**
   * Runs one of `SERVER_COMMANDS`; undefined for any other command, so that the switchboard's one
   * `workspace/executeCommand` handler can ask the other features next.
   */
  executeCommand(params: { command: string; arguments?: unknown[] }): Promise<unknown> | undefined;
}

const CONFIG_FILE = /(^|\/)\.octopus-roles\.yaml$/;

const COMPLETION_KIND: Record<CompletionKind, CompletionItem['kind']> = { permission: 20, key: 10, role: 7, space: 9, value: 12 };

/**
 * The capabilities these features add to the server's. `executeCommandProvider` lists only these
 * features' commands: a switchboard with other commands merges the lists.
 */
export function editorCapabilities(): ServerCapabilities {
  return {
    semanticTokensProvider: { legend: { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] }, full: true },
    documentHighlightProvider: true,
    documentFormattingProvider: true,
    executeCommandProvider: { commands: Object.values(SERVER_COMMANDS) },
  };
}

/** Registers the handlers on `connection`; returns what the switchboard's own handlers call. */
export function registerEditorFeatures(connection: Connection, host: EditorFeatureHost, docs = new RuleDocs()): EditorFeatures {
  registerTextFeatures(connection, host);
  const canShow = () => Boolean(host.capabilities().window?.showDocument?.support);
  return {
    configCompletion: (params) => configCompletion(host, params),
    configActions: (params) => configActions(host, docs, params),
    decorateActions(params, actions) {
      const shown = actions.map((a) => {
        const created = a.edit?.documentChanges?.find((c): c is { kind: 'create'; uri: string } => 'kind' in c && c.kind === 'create');
        if (!created || a.command || !canShow()) return a;
        return { ...a, command: { title: 'Show the new file', command: SERVER_COMMANDS.showFile, arguments: [created.uri] } };
      });
      return [...shown, ...docsActions(docs, params, actions.flatMap((a) => a.diagnostics ?? []))];
    },
    docsHref: (code) => docs.href(code),
    executeCommand(params) {
      if (!(Object.values(SERVER_COMMANDS) as string[]).includes(params.command)) return undefined;
      return execute(connection, host, docs, canShow(), params.command, params.arguments);
    },
  };
}

/** Semantic tokens, document highlights and Format Document. */
function registerTextFeatures(connection: Connection, host: EditorFeatureHost): void {
  const { wrap } = host;
  connection.languages.semanticTokens.on(
    wrap('semanticTokens', { data: [] } as SemanticTokens, (params: { textDocument: { uri: string } }) => ({ data: semanticTokenData(host.ws(), params.textDocument.uri) })),
  );

  connection.onDocumentHighlight(
    wrap('documentHighlight', [] as DocumentHighlight[], (params: { textDocument: { uri: string }; position: { line: number; character: number } }) => {
      const uri = params.textDocument.uri;
      const lines = host.ws().lines(uri);
      if (!lines) return [];
      return documentHighlights(host.ws(), uri, lines.offsetAt(params.position)).map((h) => ({
        range: lines.rangeOf(h.span),
        kind: h.kind === 'definition' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
      }));
    }),
  );

  connection.onDocumentFormatting(
    wrap('formatting', [] as LspTextEdit[], (params: { textDocument: { uri: string }; options: { tabSize: number } }) => {
      const uri = params.textDocument.uri;
      const lines = host.ws().lines(uri);
      if (!lines) return [];
      return formatFile(host.ws(), uri, { tabSize: params.options.tabSize }).map((e) => ({ range: lines.rangeOf(e.span), newText: e.newText }));
    }),
  );
}

/** A file's semantic tokens in LSP's relative encoding: five numbers a token, one line each. */
function semanticTokenData(ws: Workspace, uri: string): number[] {
  const lines = ws.lines(uri);
  if (!lines) return [];
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const t of semanticTokens(ws, uri)) {
    const r = lines.rangeOf(t.span);
    // A name spread over lines (a folded quoted scalar) is left uncoloured: tokens are one line each.
    if (r.start.line !== r.end.line || r.end.character === r.start.character) continue;
    const mods = t.modifiers.reduce((bits, m) => bits | (1 << SEMANTIC_TOKEN_MODIFIERS.indexOf(m)), 0);
    data.push(r.start.line - line, r.start.line === line ? r.start.character - character : r.start.character, r.end.character - r.start.character, SEMANTIC_TOKEN_TYPES.indexOf(t.type), mods);
    line = r.start.line;
    character = r.start.character;
  }
  return data;
}

/** The safe fixes of every file, as one edit the client applies (and can undo) at once. */
async function fixAllFiles(connection: Connection, host: EditorFeatureHost): Promise<FixAllFilesResult> {
  const ws = host.ws();
  const changes: Record<string, LspTextEdit[]> = {};
  let fixes = 0;
  for (const uri of [...ws.uris()].sort()) {
    const lines = ws.lines(uri);
    const result = lines && fixAll(ws, uri, host.settingsFor(uri));
    if (!lines || !result) continue;
    // The whole text the fixes were applied to: its length is the line map's (both of the version indexed).
    changes[uri] = [{ range: lines.rangeOf({ start: 0, end: lines.length }), newText: result.text }];
    fixes += result.applied.length;
  }
  const files = Object.keys(changes);
  if (files.length === 0) return { files, fixes, applied: true };
  const answer = await connection.workspace.applyEdit({ label: 'Fix all safe Octopus Roles problems', edit: { changes } });
  return { files, fixes, applied: answer.applied };
}

/** Runs one of `SERVER_COMMANDS`; showing a file or a rule's documentation only where the client can (`canShow`). */
async function execute(
  connection: Connection,
  host: EditorFeatureHost,
  docs: RuleDocs,
  canShow: boolean,
  command: string,
  args: readonly unknown[] | undefined,
): Promise<FixAllFilesResult | null> {
  if (command === SERVER_COMMANDS.fixAllFiles) return fixAllFiles(connection, host);
  if (command === SERVER_COMMANDS.checkWorkspace) {
    await host.recheck();
    return null;
  }
  const arg = args?.[0];
  if (typeof arg !== 'string' || !canShow) return null;
  if (command === SERVER_COMMANDS.showFile) {
    await connection.window.showDocument({ uri: arg, takeFocus: true });
  } else {
    const section = docs.section(arg);
    if (docs.readmeUri && section) {
      const at = { line: section.line, character: 0 };
      await connection.window.showDocument({ uri: docs.readmeUri, takeFocus: true, selection: { start: at, end: at } });
    } else await connection.window.showDocument({ uri: docs.href(arg), external: true });
  }
  return null;
}

const docsAction = (code: string, diagnostics: LspDiagnostic[]): CodeAction => ({
  title: `Show documentation for ${code}`,
  kind: CodeActionKind.QuickFix,
  diagnostics,
  command: { title: `Show documentation for ${code}`, command: SERVER_COMMANDS.showDocumentation, arguments: [code] },
});

/**
 * One documentation action per code among `diagnostics`, after the fixes. For rule files these are the
 * diagnostics the service's actions answer, so a diagnostic that an edit has since moved gets none.
 */
function docsActions(docs: RuleDocs, params: CodeActionParams, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty)) return [];
  const byCode = new Map<string, LspDiagnostic[]>();
  for (const d of new Set(diagnostics)) {
    if (d.source !== 'octopus-roles' || typeof d.code !== 'string' || !docs.section(d.code)) continue;
    byCode.set(d.code, [...(byCode.get(d.code) ?? []), d]);
  }
  return [...byCode].map(([code, ds]) => docsAction(code, ds));
}

/** Completion in `.octopus-roles.yaml`; undefined for any other file. */
function configCompletion(host: EditorFeatureHost, params: CompletionParams): CompletionItem[] | undefined {
  const uri = params.textDocument.uri;
  if (!CONFIG_FILE.test(uri)) return undefined;
  const text = host.openText(uri);
  if (text === undefined) return [];
  const lines = new LineMap(text);
  return completeConfig(text, lines.offsetAt(params.position), RULE_CODES.map((c) => RULES[c])).map((e) => ({
    label: e.label,
    kind: COMPLETION_KIND[e.kind],
    detail: e.detail,
    documentation: e.documentation ? { kind: MarkupKind.Markdown, value: e.documentation } : undefined,
    sortText: e.sortText,
    filterText: e.label,
    textEdit: { range: lines.rangeOf(e.replace), newText: e.insertText ?? e.label },
  }));
}

/** Quick fixes in `.octopus-roles.yaml`, then the documentation actions; undefined for any other file. */
function configActions(host: EditorFeatureHost, docs: RuleDocs, params: CodeActionParams): CodeAction[] | undefined {
  const uri = params.textDocument.uri;
  if (!CONFIG_FILE.test(uri)) return undefined;
  const text = host.openText(uri);
  if (text === undefined) return [];
  const lines = new LineMap(text);
  const actions: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.source !== 'octopus-roles' || typeof d.code !== 'string') continue;
    const span = { start: lines.offsetAt(d.range.start), end: lines.offsetAt(d.range.end) };
    const candidates = (d.data as { candidates?: unknown } | undefined)?.candidates;
    const finding = { code: d.code, span, candidates: Array.isArray(candidates) ? candidates.filter((c): c is string => typeof c === 'string') : undefined };
    for (const fix of configFixes(text, finding)) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: fix.preferred || undefined,
        edit: { changes: { [uri]: fix.edits.map((e) => ({ range: lines.rangeOf(e.span), newText: e.newText })) } },
      });
    }
  }
  return [...actions, ...docsActions(docs, params, params.context.diagnostics)];
}
