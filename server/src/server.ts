/**
 * The language server: a switchboard between the protocol and the language service. Each handler
 * finds the document, takes the settings that apply, and calls the service; anything that throws is
 * logged and answered with an empty result, so one bad request never takes the server down.
 *
 * Diagnostics: clients that can pull them (LSP 3.17) pull open files with `textDocument/diagnostic` and
 * every other file with `workspace/diagnostic`, which this server holds open until something changes and
 * then answers with the files whose diagnostics changed; an edit elsewhere that changes an open file's
 * diagnostics also asks the client to pull again (`workspace/diagnostic/refresh`). Clients that cannot
 * pull get every file's diagnostics pushed with `textDocument/publishDiagnostics`.
 */
import {
  CodeActionKind,
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
  LSPErrorCodes,
  ResponseError,
  SymbolKind,
  type DocumentSymbol,
  type Location,
  type SymbolInformation,
  DidChangeConfigurationNotification,
  type CancellationToken,
  type CodeAction,
  type CompletionItem,
  type WorkspaceDiagnosticParams,
  type WorkspaceFoldersChangeEvent,
  type DocumentDiagnosticReport,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions, FIX_ALL_KIND, toWorkspaceEdit } from './codeActions';
import { Project } from './node/project';
import { VERSION } from './version';
import {
  complete,
  definition,
  documentSymbols,
  finalDiagnostics,
  hover,
  LineMap,
  prepareRename,
  references,
  rename,
  workspaceSymbols,
  normaliseEditorSettings,
  ruleDocsUrl,
  type CompletionKind,
  type Diagnostic,
  type OutlineKind,
  type OutlineSymbol,
  type SourceLocation,
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

const SYMBOL_KIND: Record<OutlineKind, SymbolKind> = {
  role: SymbolKind.Class,
  team: SymbolKind.Struct,
  space: SymbolKind.Namespace,
  list: SymbolKind.Array,
  permission: SymbolKind.EnumMember,
  assignment: SymbolKind.Field,
  value: SymbolKind.Constant,
};

/** Starts a server on `connection`. Exported for the in-process server tests. */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  // Files read late (an open `.tf` file once the Terraform grammar has loaded) get their diagnostics too.
  const project = new Project((m) => connection.console.log(m), { late: (affected) => changed(affected) });
  let pull = false;
  let refreshSupport = false;
  let configurationSupport = false;
  let watcherRegistration = false;
  let workspaceFolderSupport = false;
  let createFiles = false;
  let ready: Promise<void> = Promise.resolve();
  const pushed = new Set<string>();
  const pending = new Set<string>();
  let flushTimer: NodeJS.Timeout | undefined;
  /** Per file, a number that changes whenever its diagnostics may have: the pull result id. */
  const versions = new Map<string, number>();
  let generation = 0;
  let wake: (() => void)[] = [];
  let lastEdited: string | undefined;
  const resultId = (uri: string) => `${generation}:${versions.get(uri) ?? 0}`;

  /**
   * Model updates that wait for the disk (a file closed in the editor, changes that watchers report).
   * Every handler first waits for those begun before it, so that no answer comes from a state older than
   * the messages the client sent before its request.
   */
  let diskWork: Promise<unknown> = Promise.resolve();
  let diskPending = 0;
  const afterDisk = (work: () => Promise<void>): Promise<void> => {
    diskPending++;
    const done = work().finally(() => diskPending--);
    diskWork = Promise.allSettled([diskWork, done]);
    return done;
  };

  const guard =
    <P, R, T = unknown>(name: string, fallback: R, fn: (params: P, token: T) => R | Promise<R>) =>
    async (params: P, token?: T): Promise<R> => {
      try {
        // A loop: a handler that was waiting too may have begun more disk work.
        while (diskPending > 0) await diskWork;
        return await fn(params, token as T);
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

  /** Tells the client what changed: new result ids (and a refresh) for pull clients, pushes for the rest. */
  const flush = () => {
    flushTimer = undefined;
    const uris = [...pending];
    pending.clear();
    if (pull) {
      const waiting = wake;
      wake = [];
      waiting.forEach((w) => w());
      if (refreshSupport && uris.some((u) => u !== lastEdited && project.isOpen(u))) void connection.languages.diagnostics.refresh();
      lastEdited = undefined;
      return;
    }
    for (const uri of uris) pushNow(uri);
  };

  /** Pushes one file's diagnostics now (the file being typed in), outside the batch. */
  const pushNow = (uri: string) => {
    pending.delete(uri);
    const diagnostics = project.ws.has(uri) ? diagnosticsOf(uri) : [];
    if (diagnostics.length === 0 && !pushed.has(uri)) return;
    if (diagnostics.length) pushed.add(uri);
    else pushed.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics });
  };

  const changed = (uris: Iterable<string>) => {
    for (const u of uris) {
      pending.add(u);
      // At once, not when flushed: a pull that follows this edit must not be told "unchanged".
      versions.set(u, (versions.get(u) ?? 0) + 1);
    }
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
    workspaceFolderSupport = Boolean(caps.workspace?.workspaceFolders);
    const workspaceEdit = caps.workspace?.workspaceEdit;
    createFiles = Boolean(workspaceEdit?.documentChanges && workspaceEdit.resourceOperations?.includes('create'));
    const initial = normaliseEditorSettings((params.initializationOptions as { settings?: unknown } | undefined)?.settings);
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    for (const f of folders) project.addFolder(f.uri, initial);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [' ', '-', '[', ',', ':'], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        ...(pull ? { diagnosticProvider: { identifier: 'octopus-roles', interFileDependencies: true, workspaceDiagnostics: true } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'octopus-roles-language-server', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    ready = (async () => {
      if (watcherRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{role,team,space}.{yaml,yml}' }, { globPattern: '**/*.tf' }, { globPattern: '**/.octopus-roles.yaml' }],
        });
      }
      if (configurationSupport) await connection.client.register(DidChangeConfigurationNotification.type, { section: 'octopusRoles' }).catch(() => undefined);
      if (workspaceFolderSupport) {
        connection.workspace.onDidChangeWorkspaceFolders(
          guard('didChangeWorkspaceFolders', undefined, async (e: WorkspaceFoldersChangeEvent) => {
            await ready;
            for (const f of e.removed) changed(project.removeFolder(f.uri));
            for (const f of e.added) project.addFolder(f.uri, normaliseEditorSettings({}));
            if (e.added.length) {
              await fetchSettings();
              changed(await project.scan());
            }
          }),
        );
      }
      await fetchSettings().catch((err) => connection.console.error(`settings: ${String(err)}`));
      const started = Date.now();
      await project.scan();
      connection.console.log(`indexed ${project.ws.size} files in ${Date.now() - started} ms`);
      pushConfigDiagnostics();
      changed(project.ws.uris());
      // Settle the scan's results before any request that waited for it is answered.
      clearTimeout(flushTimer);
      flush();
    })().catch((err) => connection.console.error(`scan failed: ${err instanceof Error ? err.stack : String(err)}`));
  });

  // The text as it arrives: a handler that waits behind disk work must not read changes made after it.
  const snapshot = (e: { document: TextDocument }) => ({ uri: e.document.uri, text: e.document.getText() });
  const didOpen = guard('didOpen', undefined, ({ uri, text }: { uri: string; text: string }) => {
    lastEdited = uri;
    changed(project.edited(uri, text));
  });
  const didChange = guard('didChange', undefined, ({ uri, text }: { uri: string; text: string }) => {
    lastEdited = uri;
    changed(project.edited(uri, text));
    // The file being typed in gets its diagnostics at once; the files that depend on it are batched.
    if (!pull) pushNow(uri);
  });
  documents.onDidOpen((e) => void didOpen(snapshot(e)));
  documents.onDidChangeContent((e) => void didChange(snapshot(e)));
  documents.onDidClose(
    guard('didClose', undefined, (e) =>
      afterDisk(async () => {
        const affected = await project.closed(e.document.uri);
        affected.add(e.document.uri);
        changed(affected);
      }),
    ),
  );

  connection.onDidChangeWatchedFiles(
    guard('didChangeWatchedFiles', undefined, async (params) => {
      await ready;
      await afterDisk(async () => {
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
          changed(await project.reloadConfig());
          pushConfigDiagnostics();
          changed(project.ws.uris());
        }
      });
    }),
  );

  connection.onDidChangeConfiguration(
    guard('didChangeConfiguration', undefined, async (params) => {
      if (!configurationSupport) {
        const s = normaliseEditorSettings((params.settings as { octopusRoles?: unknown } | undefined)?.octopusRoles);
        for (const uri of project.folderUris()) project.setEditorSettings(uri, s);
      } else await fetchSettings();
      changed(await project.scan());
      changed(project.ws.uris());
    }),
  );

  connection.languages.diagnostics.on(
    guard('diagnostic', { kind: DocumentDiagnosticReportKind.Full, items: [] } as DocumentDiagnosticReport, async (params) => {
      await ready;
      const uri = params.textDocument.uri;
      const id = resultId(uri);
      if (params.previousResultId === id) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: id };
      return { kind: DocumentDiagnosticReportKind.Full, resultId: id, items: diagnosticsOf(uri) };
    }),
  );

  connection.languages.diagnostics.onWorkspace(
    guard('workspaceDiagnostic', { items: [] } as WorkspaceDiagnosticReport, async (params: WorkspaceDiagnosticParams, token: CancellationToken) => {
      await ready;
      const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
      const collect = (): WorkspaceDocumentDiagnosticReport[] => {
        const items: WorkspaceDocumentDiagnosticReport[] = [];
        for (const uri of project.ws.uris()) {
          if (previous.get(uri) === resultId(uri)) continue;
          items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId: resultId(uri), items: diagnosticsOf(uri) });
        }
        for (const uri of previous.keys()) {
          if (!project.ws.has(uri) && !project.isOpen(uri)) items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId: resultId(uri), items: [] });
        }
        return items;
      };
      let items = collect();
      // Nothing new: hold the request until something changes or the client cancels it.
      while (items.length === 0 && !token.isCancellationRequested) {
        await new Promise<void>((resolve) => {
          wake.push(resolve);
          token.onCancellationRequested(() => resolve());
        });
        items = token.isCancellationRequested ? [] : collect();
      }
      return { items };
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

  const toLocation = (l: SourceLocation): Location | undefined => {
    const lines = project.ws.lines(l.uri);
    return lines && { uri: l.uri, range: lines.rangeOf(l.span) };
  };
  const toLocations = (ls: readonly SourceLocation[]): Location[] => ls.map(toLocation).filter((l): l is Location => l !== undefined);
  const toSymbol = (lines: LineMap, s: OutlineSymbol): DocumentSymbol => ({
    name: s.name,
    detail: s.detail,
    kind: SYMBOL_KIND[s.kind],
    range: lines.rangeOf(s.span),
    selectionRange: lines.rangeOf(s.selection),
    children: s.children.map((c) => toSymbol(lines, c)),
  });

  connection.onDefinition(
    guard('definition', [] as Location[], (params) => {
      const uri = params.textDocument.uri;
      const lines = project.ws.lines(uri);
      return lines ? toLocations(definition(project.ws, uri, lines.offsetAt(params.position))) : [];
    }),
  );

  connection.onReferences(
    guard('references', [] as Location[], (params) => {
      const uri = params.textDocument.uri;
      const lines = project.ws.lines(uri);
      return lines ? toLocations(references(project.ws, uri, lines.offsetAt(params.position), params.context.includeDeclaration)) : [];
    }),
  );

  // A refusal is an error response, whose message editors show (VS Code: "Built-in roles cannot be renamed").
  connection.onPrepareRename(
    guard('prepareRename', null, (params) => {
      const uri = params.textDocument.uri;
      const lines = project.ws.lines(uri);
      if (!lines) return null;
      const p = prepareRename(project.ws, uri, lines.offsetAt(params.position));
      if ('error' in p) return new ResponseError(LSPErrorCodes.RequestFailed, p.error);
      return { range: lines.rangeOf(p.span), placeholder: p.placeholder };
    }),
  );

  connection.onRenameRequest(
    guard('rename', null, (params) => {
      const uri = params.textDocument.uri;
      const lines = project.ws.lines(uri);
      if (!lines) return null;
      const change = rename(project.ws, uri, lines.offsetAt(params.position), params.newName);
      if ('error' in change) return new ResponseError(LSPErrorCodes.RequestFailed, change.error);
      return toWorkspaceEdit(project.ws, change, lines, uri);
    }),
  );

  connection.onDocumentSymbol(
    guard('documentSymbol', [] as DocumentSymbol[], (params) => {
      const uri = params.textDocument.uri;
      const model = project.ws.model(uri);
      const lines = project.ws.lines(uri);
      return model && lines ? documentSymbols(model).map((s) => toSymbol(lines, s)) : [];
    }),
  );

  connection.onWorkspaceSymbol(
    guard('workspaceSymbol', [] as SymbolInformation[], async (params) => {
      await ready;
      return workspaceSymbols(project.ws, params.query).flatMap((s): SymbolInformation[] => {
        const location = toLocation(s);
        return location ? [{ name: s.name, kind: SYMBOL_KIND[s.kind], location, containerName: s.container }] : [];
      });
    }),
  );

  connection.onCodeAction(
    guard('codeAction', [] as CodeAction[], (params) => codeActions(project.ws, params, project.settingsFor(params.textDocument.uri), { createFiles })),
  );

  // For benchmarks and bug reports: the server's memory, after a full collection when Node allows one.
  connection.onRequest('octopusRoles/memoryUsage', () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage();
  });

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
