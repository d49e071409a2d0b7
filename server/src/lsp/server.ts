/**
 * The language server: a switchboard between the protocol and the language service. This file holds the
 * lifecycle, the document and workspace notifications and the diagnostics requests; features.ts the
 * requests that read the model, convert.ts the conversion to LSP types. The lifecycle wrapping
 * (lifecycle.ts) refuses requests outside initialize/shutdown and contains failures.
 *
 * Diagnostics (scheduler.ts): clients that can pull them (LSP 3.17) pull open files with
 * `textDocument/diagnostic` and every other file with `workspace/diagnostic`, which is held open until
 * something changes; clients that cannot pull get them pushed with `textDocument/publishDiagnostics`.
 * Typing into a large file does not hold up other files (documents.ts). The workspace is read in the
 * background, with progress, and `octopusRoles/status` tells a status item what the server is doing.
 */
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ErrorCodes,
  FileChangeType,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import { Project } from '../node/project';
import { finalDiagnostics, LineMap, normaliseEditorSettings, type Diagnostic } from '../service';
import { VERSION } from '../version';
import { FIX_ALL_KIND } from './codeActions';
import { toLspDiagnostic } from './convert';
import { OpenDocuments } from './documents';
import { registerFeatures } from './features';
import { readWorkspace } from './indexing';
import { afterSteps, Lifecycle, Sequencer, describe, refuse, type Refusal } from './lifecycle';
import { DiagnosticsScheduler, type SchedulerHost, type Status } from './scheduler';
import { accessCapabilities, registerAccess, type AccessCommands } from './access';
import { editorCapabilities, registerEditorFeatures, type EditorFeatures } from './editorFeatures';
import { ACCESS_COMMANDS, STATUS_METHOD } from './protocol';

export { STATUS_METHOD };

/** Starts a server on `connection`. */
export function startServer(connection: Connection): void {
  // Files read late (an open `.tf` file once the Terraform grammar has loaded) get their diagnostics too.
  const project = new Project((m) => connection.console.log(m), { late: (affected) => scheduler.changed(affected) });
  const sequencer = new Sequencer();
  const lifecycle = new Lifecycle(sequencer, (m) => connection.console.error(m));
  let scheduler = new DiagnosticsScheduler(hostFor(false), { pull: false, refreshSupport: false });
  let configurationSupport = false;
  let createFiles = false;
  let ready: Promise<void> = Promise.resolve();
  /** The workspace has been read (`ready` has settled). */
  let indexed = false;
  let initParams: InitializeParams | undefined;

  /** The scheduler's view of this server: the model's diagnostics and the connection. */
  function hostFor(pull: boolean): SchedulerHost {
    return {
      diagnostics: (uri: string, localOnly: boolean) => diagnosticsOf(uri, localOnly),
      files: () => project.ws.uris(),
      has: (uri: string) => project.ws.has(uri),
      isOpen: (uri: string) => project.isOpen(uri),
      publish: (uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }),
      refresh: () => (pull ? void connection.languages.diagnostics.refresh().catch(() => undefined) : undefined),
      status: (s) => void connection.sendNotification(STATUS_METHOD, s),
    };
  }

  /** A file's final diagnostics; while indexing, only those its own text decides (see SPEC section 5). */
  const diagnosticsOf = (uri: string, localOnly: boolean) => {
    const lines = project.ws.lines(uri);
    if (!lines) return [];
    // HashiCorp's Terraform server reports a `.tf` file's syntax errors in the editor already (SPEC section 4).
    let ds = finalDiagnostics(project.ws, uri, project.settingsFor(uri)).filter((d) => d.code !== 'tf-syntax');
    if (localOnly) ds = ds.filter(isLocal(uri));
    return ds.map((d) => toLspDiagnostic(project.ws, lines, d, editor.docsHref));
  };
  const isLocal = (uri: string) => {
    const model = project.ws.model(uri);
    // A file that is not analysed has only its own problem (too large, unreadable).
    if (!model) return () => true;
    const keys = new Set(model.local.map((d) => `${d.code}@${d.span.start}:${d.span.end}`));
    return (d: Diagnostic) => keys.has(`${d.code}@${d.span.start}:${d.span.end}`);
  };

  const documents = new OpenDocuments((uri, text, opened) => {
    void sequencer
      .run(() => {
        const affected = project.edited(uri, text);
        if (opened) scheduler.opened(uri);
        scheduler.changed(affected, uri);
        // The file being typed in gets its diagnostics at once; the files that depend on it are batched.
        if (!opened) scheduler.publishNow(uri);
      })
      .catch((err) => connection.console.error(`analysis of ${uri} failed: ${describe(err)}`));
  });

  /** A step before a request about `uri`: when its newest text waits for analysis, wait for that. */
  const current = (uri: string, token: CancellationToken) => () =>
    documents.isWaiting(uri) ? documents.current(uri, token).then(() => sequencer.idle()) : undefined;
  /** Steps before a request that needs every file read and analysed (its answer holds offsets anywhere). */
  const everything = [
    () => (indexed ? undefined : ready),
    () => {
      documents.settleAll();
      return sequencer.idle();
    },
  ];

  const pushConfigDiagnostics = () => {
    for (const [uri, { text, diagnostics }] of project.configDiagnostics()) {
      const lines = new LineMap(text);
      void connection.sendDiagnostics({ uri, diagnostics: diagnostics.map((d) => toLspDiagnostic(project.ws, lines, d, editor.docsHref)) });
    }
  };

  const fetchSettings = async () => {
    if (!configurationSupport) return;
    const uris = project.folderUris();
    const values = await connection.workspace.getConfiguration(uris.map((scopeUri) => ({ scopeUri, section: 'octopusRoles' })));
    uris.forEach((uri, i) => project.setEditorSettings(uri, normaliseEditorSettings(values[i])));
  };

  const index = () =>
    readWorkspace(project, scheduler, {
      progress: () => connection.window.createWorkDoneProgress(),
      log: (m) => connection.console.log(m),
    }).then(pushConfigDiagnostics);

  connection.onInitialize((params): InitializeResult | Refusal => {
    if (lifecycle.phase !== 'starting') return refuse(ErrorCodes.InvalidRequest, 'The server is already initialized.');
    initParams = params;
    const caps = params.capabilities;
    const pull = Boolean(caps.textDocument?.diagnostic);
    scheduler = new DiagnosticsScheduler(hostFor(pull), { pull, refreshSupport: Boolean(caps.workspace?.diagnostics?.refreshSupport) });
    configurationSupport = Boolean(caps.workspace?.configuration);
    const workspaceEdit = caps.workspace?.workspaceEdit;
    createFiles = Boolean(workspaceEdit?.documentChanges && workspaceEdit.resourceOperations?.includes('create'));
    const initial = normaliseEditorSettings((params.initializationOptions as { settings?: unknown } | undefined)?.settings);
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    for (const f of folders) project.addFolder(f.uri, initial);
    lifecycle.phase = 'running';
    const editorCaps = editorCapabilities();
    return {
      capabilities: {
        ...editorCaps,
        ...accessCapabilities(),
        executeCommandProvider: { commands: [...(editorCaps.executeCommandProvider?.commands ?? []), ...Object.values(ACCESS_COMMANDS)] },
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

  connection.onInitialized(
    lifecycle.notification('initialized', () => {
      const caps = initParams!.capabilities;
      ready = (async () => {
        // Dynamic registrations only where the client declares that it supports them (Eglot warns otherwise).
        if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
          await connection.client.register(DidChangeWatchedFilesNotification.type, {
            watchers: [{ globPattern: '**/*.{role,team,space}.{yaml,yml}' }, { globPattern: '**/*.tf' }, { globPattern: '**/.octopus-roles.yaml' }],
          });
        }
        if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
          await connection.client.register(DidChangeConfigurationNotification.type, { section: 'octopusRoles' }).catch(() => undefined);
        }
        if (caps.workspace?.workspaceFolders) {
          connection.workspace.onDidChangeWorkspaceFolders(
            lifecycle.notification('didChangeWorkspaceFolders', async (e: WorkspaceFoldersChangeEvent) => {
              await ready;
              for (const f of e.removed) scheduler.changed(project.removeFolder(f.uri));
              for (const f of e.added) project.addFolder(f.uri, normaliseEditorSettings({}));
              if (e.added.length) {
                await fetchSettings();
                ready = index();
                await ready;
              }
            }),
          );
        }
        await fetchSettings().catch((err) => connection.console.error(`settings: ${String(err)}`));
        await index();
      })()
        .catch((err) => connection.console.error(`scan failed: ${describe(err)}`))
        .finally(() => (indexed = true));
    }),
  );

  connection.onShutdown(() => {
    if (lifecycle.phase === 'shut down') return refuse(ErrorCodes.InvalidRequest, 'The server is already shutting down.');
    lifecycle.phase = 'shut down';
    documents.dispose();
    scheduler.dispose();
    return undefined;
  });

  // Requests for methods this server does not serve: the lifecycle's error, or MethodNotFound.
  connection.onRequest((method) => lifecycle.refusal() ?? refuse(ErrorCodes.MethodNotFound, `Unhandled method ${method}`));

  connection.onNotification(
    DidOpenTextDocumentNotification.type,
    lifecycle.notification('didOpen', ({ textDocument: d }) => documents.open(d.uri, d.languageId, d.version, d.text)),
  );
  connection.onNotification(
    DidChangeTextDocumentNotification.type,
    lifecycle.notification('didChange', ({ textDocument: d, contentChanges }) => documents.change(d.uri, d.version, contentChanges)),
  );
  connection.onNotification(
    DidCloseTextDocumentNotification.type,
    lifecycle.notification('didClose', ({ textDocument: { uri } }) => {
      documents.close(uri);
      return sequencer.run(async () => {
        const affected = await project.closed(uri);
        affected.add(uri);
        scheduler.changed(affected);
      });
    }),
  );

  connection.onDidChangeWatchedFiles(
    lifecycle.notification('didChangeWatchedFiles', async (params) => {
      await ready;
      await sequencer.run(async () => {
        let configChanged = false;
        for (const change of params.changes) {
          if (project.isConfig(change.uri)) {
            configChanged = true;
            continue;
          }
          if (change.type === FileChangeType.Deleted) scheduler.changed(project.deleted(change.uri).add(change.uri));
          else scheduler.changed(await project.loadFromDisk(change.uri));
        }
        if (configChanged) {
          scheduler.changed(await project.reloadConfig());
          pushConfigDiagnostics();
        }
      });
    }),
  );

  connection.onDidChangeConfiguration(
    lifecycle.notification('didChangeConfiguration', async (params) => {
      await ready;
      if (!configurationSupport) {
        const s = normaliseEditorSettings((params.settings as { octopusRoles?: unknown } | undefined)?.octopusRoles);
        for (const uri of project.folderUris()) project.setEditorSettings(uri, s);
      } else await fetchSettings();
      scheduler.changed(await project.scan());
      scheduler.changed(project.ws.uris());
    }),
  );

  connection.languages.diagnostics.on(
    lifecycle.request('diagnostic', { kind: 'full', items: [] }, (params, token) =>
      afterSteps([current(params.textDocument.uri, token)], () => scheduler.documentReport(params.textDocument.uri, params.previousResultId)),
    ),
  );

  connection.languages.diagnostics.onWorkspace(
    lifecycle.request('workspaceDiagnostic', { items: [] }, (params, token) => scheduler.workspaceReport(params.previousResultIds, token)),
  );

  const editor: EditorFeatures = registerEditorFeatures(connection, {
    ws: () => project.ws,
    openText: (uri) => documents.get(uri)?.getText(),
    capabilities: () => initParams?.capabilities ?? {},
    wrap: (name, fallback, fn) => lifecycle.request(name, fallback, fn),
    settingsFor: (uri) => project.settingsFor(uri),
    recheck: async () => {
      await ready;
      scheduler.changed(await project.scan());
      scheduler.changed(project.ws.uris());
    },
  });
  const featureContext = {
    lifecycle,
    project,
    documents,
    steps: { current, everything },
    createFiles: () => createFiles,
    editor,
  };
  registerFeatures(connection, featureContext);
  const accessCommands: AccessCommands = registerAccess(connection, featureContext);
  // One handler for every command: the editor features' first, then effective access's.
  connection.onExecuteCommand(
    lifecycle.request('executeCommand', null as unknown, (params) => (editor.executeCommand(params) ?? accessCommands(params) ?? null) as never),
  );

  connection.onRequest(STATUS_METHOD, lifecycle.request('status', null as Status | null, () => scheduler.status()));

  // For benchmarks and bug reports: the server's memory, after a full collection when Node allows one.
  connection.onRequest(
    'octopusRoles/memoryUsage',
    lifecycle.request('memoryUsage', null as NodeJS.MemoryUsage | null, () => {
      (globalThis as { gc?: () => void }).gc?.();
      return process.memoryUsage();
    }),
  );

  connection.listen();
}
