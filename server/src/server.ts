/**
 * The language server: a switchboard between the protocol and the language service. Each handler
 * finds the document, takes the settings that apply, and calls the service; anything that throws is
 * logged and answered with an empty result, so one bad request never takes the server down.
 *
 * Diagnostics: clients that can pull them (LSP 3.17 `textDocument/diagnostic`) pull them for open
 * files and are asked to pull again (`workspace/diagnostic/refresh`) when an edit elsewhere changes
 * them; files that are not open get theirs pushed. Clients that cannot pull get everything pushed.
 */
import {
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  DocumentDiagnosticReportKind,
  FileChangeType,
  MarkupKind,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  DidChangeWatchedFilesNotification,
  DidChangeConfigurationNotification,
  type CompletionItem,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Project } from './node/project';
import {
  complete,
  finalDiagnostics,
  hover,
  LineMap,
  normaliseEditorSettings,
  ruleDocsUrl,
  type CompletionKind,
  type Diagnostic,
} from './service';

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

/** Starts a server on `connection`. Exported for the in-process server tests. */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const project = new Project((m) => connection.console.log(m));
  let pull = false;
  let refreshSupport = false;
  let configurationSupport = false;
  let watcherRegistration = false;
  let ready: Promise<void> = Promise.resolve();
  const pushed = new Set<string>();
  const pending = new Set<string>();
  let flushTimer: NodeJS.Timeout | undefined;

  const guard =
    <P, R>(name: string, fallback: R, fn: (params: P) => R | Promise<R>) =>
    async (params: P): Promise<R> => {
      try {
        return await fn(params);
      } catch (err) {
        connection.console.error(`${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        return fallback;
      }
    };

  const toLsp = (lines: LineMap, d: Diagnostic): LspDiagnostic => ({
    range: lines.rangeOf(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: ruleDocsUrl(d.code) },
    source: 'octopus-roles',
    message: d.message,
    relatedInformation: d.related?.map((r) => ({
      location: { uri: r.uri, range: (project.ws.lines(r.uri) ?? lines).rangeOf(r.span) },
      message: r.message,
    })),
    data: d.data,
  });

  const diagnosticsOf = (uri: string): LspDiagnostic[] => {
    const lines = project.ws.lines(uri);
    if (!lines) return [];
    return finalDiagnostics(project.ws, uri, project.settingsFor(uri)).map((d) => toLsp(lines, d));
  };

  /** Sends what changed: pushes for files the client does not pull, one refresh for the rest. */
  const flush = () => {
    flushTimer = undefined;
    let refresh = false;
    for (const uri of pending) {
      if (pull && project.isOpen(uri)) {
        refresh = true;
        continue;
      }
      const diagnostics = project.ws.has(uri) ? diagnosticsOf(uri) : [];
      if (diagnostics.length === 0 && !pushed.has(uri)) continue;
      if (diagnostics.length) pushed.add(uri);
      else pushed.delete(uri);
      void connection.sendDiagnostics({ uri, diagnostics });
    }
    pending.clear();
    if (refresh && refreshSupport) void connection.languages.diagnostics.refresh();
  };

  const changed = (uris: Iterable<string>, except?: string) => {
    for (const u of uris) if (u !== except) pending.add(u);
    if (!flushTimer && pending.size) flushTimer = setTimeout(flush, 15);
  };

  const pushConfigDiagnostics = () => {
    for (const [uri, { text, diagnostics }] of project.configDiagnostics()) {
      const lines = new LineMap(text);
      void connection.sendDiagnostics({ uri, diagnostics: diagnostics.map((d) => toLsp(lines, d)) });
    }
  };

  const fetchSettings = async () => {
    if (!configurationSupport) return;
    const uris = project.folderUris();
    const values = await connection.workspace.getConfiguration(uris.map((scopeUri) => ({ scopeUri, section: 'octopusRoles' })));
    uris.forEach((uri, i) => project.setEditorSettings(uri, normaliseEditorSettings(values[i])));
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    pull = Boolean(caps.textDocument?.diagnostic);
    refreshSupport = Boolean(caps.workspace?.diagnostics?.refreshSupport);
    configurationSupport = Boolean(caps.workspace?.configuration);
    watcherRegistration = Boolean(caps.workspace?.didChangeWatchedFiles?.dynamicRegistration);
    const initial = normaliseEditorSettings((params.initializationOptions as { settings?: unknown } | undefined)?.settings);
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    for (const f of folders) project.addFolder(f.uri, initial);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [' ', '-', '[', ',', ':'], resolveProvider: false },
        hoverProvider: true,
        ...(pull ? { diagnosticProvider: { identifier: 'octopus-roles', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
        workspace: { workspaceFolders: { supported: true } },
      },
      serverInfo: { name: 'octopus-roles-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    ready = (async () => {
      if (watcherRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{role,team,space}.{yaml,yml}' }, { globPattern: '**/.octopus-roles.yaml' }],
        });
      }
      if (configurationSupport) await connection.client.register(DidChangeConfigurationNotification.type, { section: 'octopusRoles' }).catch(() => undefined);
      await fetchSettings().catch((err) => connection.console.error(`settings: ${String(err)}`));
      const started = Date.now();
      const affected = await project.scan();
      connection.console.log(`indexed ${project.ws.size} files in ${Date.now() - started} ms`);
      pushConfigDiagnostics();
      changed(affected);
      changed(project.ws.uris());
    })().catch((err) => connection.console.error(`scan failed: ${err instanceof Error ? err.stack : String(err)}`));
  });

  documents.onDidOpen(
    guard('didOpen', undefined, (e) => {
      const affected = project.edited(e.document.uri, e.document.getText());
      if (pull && pushed.delete(e.document.uri)) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
      changed(affected, pull ? e.document.uri : undefined);
    }),
  );
  documents.onDidChangeContent(
    guard('didChange', undefined, (e) => changed(project.edited(e.document.uri, e.document.getText()), pull ? e.document.uri : undefined)),
  );
  documents.onDidClose(
    guard('didClose', undefined, async (e) => {
      const affected = await project.closed(e.document.uri);
      affected.add(e.document.uri);
      changed(affected);
    }),
  );

  connection.onDidChangeWatchedFiles(
    guard('didChangeWatchedFiles', undefined, async (params) => {
      await ready;
      let configChanged = false;
      for (const change of params.changes) {
        if (project.isConfig(change.uri)) {
          configChanged = true;
          continue;
        }
        if (change.type === FileChangeType.Deleted) changed(project.deleted(change.uri));
        else changed(await project.loadFromDisk(change.uri));
      }
      if (configChanged) {
        await project.reloadConfig();
        pushConfigDiagnostics();
        changed(project.ws.uris());
      }
    }),
  );

  connection.onDidChangeConfiguration(
    guard('didChangeConfiguration', undefined, async (params) => {
      if (!configurationSupport) {
        const s = normaliseEditorSettings((params.settings as { octopusRoles?: unknown } | undefined)?.octopusRoles);
        for (const uri of project.folderUris()) project.setEditorSettings(uri, s);
      } else await fetchSettings();
      await project.scan();
      changed(project.ws.uris());
    }),
  );

  connection.languages.diagnostics.on(
    guard('diagnostic', { kind: DocumentDiagnosticReportKind.Full, items: [] }, async (params) => {
      await ready;
      return { kind: DocumentDiagnosticReportKind.Full, items: diagnosticsOf(params.textDocument.uri) };
    }),
  );

  connection.onCompletion(
    guard('completion', [] as CompletionItem[], (params) => {
      const uri = params.textDocument.uri;
      const lines = project.ws.lines(uri);
      if (!lines) return [];
      return complete(project.ws, uri, lines.offsetAt(params.position)).map(
        (e): CompletionItem => ({
          label: e.label,
          kind: COMPLETION_KIND[e.kind],
          labelDetails: e.group ? { description: e.group } : undefined,
          detail: e.detail,
          documentation: e.documentation ? { kind: MarkupKind.Markdown, value: e.documentation } : undefined,
          sortText: e.sortText,
          filterText: e.label,
          textEdit: { range: lines.rangeOf(e.replace), newText: e.insertText ?? e.label },
        }),
      );
    }),
  );

  connection.onHover(
    guard('hover', null, (params) => {
      const uri = params.textDocument.uri;
      const lines = project.ws.lines(uri);
      if (!lines) return null;
      const h = hover(project.ws, uri, lines.offsetAt(params.position));
      return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: lines.rangeOf(h.span) } : null;
    }),
  );

  documents.listen(connection);
  connection.listen();
}

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe', '--clientProcessId'];

/** Entry point of `octopus-roles-language-server` and of the bundled server the extension starts. */
export function main(): void {
  if (!process.argv.some((a) => TRANSPORTS.some((t) => a === t || a.startsWith(t + '=')))) {
    process.stderr.write('Usage: octopus-roles-language-server --stdio\n\nStarts the Octopus Roles language server for an LSP client (Neovim, Emacs, Helix, ...).\n');
    process.exitCode = 2;
    return;
  }
  startServer(createConnection(ProposedFeatures.all));
}

if (require.main === module) main();
