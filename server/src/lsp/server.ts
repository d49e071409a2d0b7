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
import { giveWay } from '../node/walk';
import { finalDiagnostics, LineMap, normaliseEditorSettings, type Diagnostic, type EditorSettings } from '../service';
import { VERSION } from '../version';
import { FIX_ALL_KIND } from './codeActions';
import { toLspDiagnostic } from './convert';
import { OpenDocuments } from './documents';
import { registerFeatures } from './features';
import { readWorkspace } from './indexing';
import { afterSteps, Lifecycle, Sequencer, describe, refuse, type Refusal } from './lifecycle';
import { Coalescer, DiagnosticsScheduler, type SchedulerHost, type Status } from './scheduler';
import { accessCapabilities, registerAccess, type AccessCommands } from './access';
import { editorCapabilities, registerEditorFeatures, type EditorFeatures } from './editorFeatures';
import { ACCESS_COMMANDS, STATUS_METHOD } from './protocol';

export { STATUS_METHOD };

/** Starts a server on `connection`. */
export function startServer(connection: Connection): void {
  new LanguageServer(connection).start();
}

type Step = () => Promise<unknown> | undefined;

/**
 * The configuration changes a re-evaluation takes in: the newest settings a client without
 * `workspace/configuration` sent, whether to ask a client with it, and whether a configuration file changed.
 */
interface PendingConfig {
  settings?: EditorSettings;
  askClient: boolean;
  files: boolean;
}

/** Findings in the order of a file's full diagnostics (`ModelIndex.diagnostics`). */
const bySpan = (a: Diagnostic, b: Diagnostic) => a.span.start - b.span.start || a.span.end - b.span.end;

/**
 * One server's state and its handlers. Each `register…` method wires one group of the protocol to the
 * service; nothing here computes an answer itself.
 */
class LanguageServer {
  // Files read late (an open `.tf` file once the Terraform grammar has loaded) get their diagnostics too.
  // The workspace is read in slices of 2 ms, so that a file opened meanwhile waits little for its diagnostics.
  // The texts of files nobody has open are not kept: they are read again when a request needs one.
  private readonly project = new Project((m) => this.connection.console.log(m), {
    late: (affected) => this.scheduler.changed(affected),
    sliceMs: 2,
    replied: () => this.lifecycle.takeHandled(),
    dropTexts: (uri, reason) => this.readAgain(uri, reason),
  });
  private readonly sequencer = new Sequencer();
  private readonly lifecycle = new Lifecycle(this.sequencer, (m) => this.connection.console.error(m));
  /** The end of indexing pushes every file's diagnostics in the same slices, with the same way out for messages. */
  private readonly slicing = {
    sliceMs: 2,
    resume: (next: () => void) => void giveWay(() => this.lifecycle.takeHandled()).then(next),
  };
  /** Replaced on initialize, when the client says whether it pulls diagnostics. */
  private scheduler: DiagnosticsScheduler;
  private configurationSupport = false;
  private createFiles = false;
  private ready: Promise<void> = Promise.resolve();
  /** The workspace has been read (`ready` has settled). */
  private indexed = false;
  private initParams: InitializeParams | undefined;
  private readonly documents = new OpenDocuments((uri, text, opened) => this.analyse(uri, text, opened));
  private editor: EditorFeatures | undefined;
  /** Per open file, the number of its newest text's analysis: an older one still queued is skipped. */
  private readonly newest = new Map<string, number>();
  private analyses = 0;
  /** Opened files whose opening text was skipped for a newer one: that one's analysis counts as the opening. */
  private readonly openedUnanalysed = new Set<string>();
  /** What the next re-evaluation of the configuration takes in (see `reevaluate`). */
  private pendingConfig: PendingConfig = { askClient: false, files: false };
  private readonly reevaluation = new Coalescer(() => this.reevaluate());
  /** Files whose text on disk was found changed, waiting to be read again (`readAgain`). */
  private readonly toReadAgain = new Set<string>();

  constructor(private readonly connection: Connection) {
    this.scheduler = new DiagnosticsScheduler(this.hostFor(false), { pull: false, refreshSupport: false });
  }

  start(): void {
    this.registerLifecycle();
    this.registerDocuments();
    this.registerWorkspace();
    this.registerDiagnostics();
    this.registerFeatures();
    this.connection.listen();
  }

  /** The scheduler's view of this server: the model's diagnostics and the connection. */
  private hostFor(pull: boolean): SchedulerHost {
    const connection = this.connection;
    return {
      diagnostics: (uri: string, localOnly: boolean) => this.diagnosticsOf(uri, localOnly),
      files: () => this.project.ws.uris(),
      has: (uri: string) => this.project.ws.has(uri),
      isOpen: (uri: string) => this.project.isOpen(uri),
      publish: (uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }),
      refresh: () => (pull ? void connection.languages.diagnostics.refresh().catch(() => undefined) : undefined),
      status: (s) => void connection.sendNotification(STATUS_METHOD, s),
    };
  }

  /**
   * A file's final diagnostics; while indexing, only those its own text decides (see SPEC section 5),
   * without working out the others: a file opened while the workspace is read gets them at once.
   */
  private diagnosticsOf(uri: string, localOnly: boolean) {
    const { ws } = this.project;
    const lines = ws.lines(uri);
    if (!lines) return [];
    const model = ws.model(uri);
    // A file that is not analysed has only its own problem (too large, unreadable).
    const raw = localOnly && model ? [...model.local].sort(bySpan) : ws.diagnostics(uri);
    // HashiCorp's Terraform server reports a `.tf` file's syntax errors in the editor already (SPEC section 4).
    const ds = finalDiagnostics(ws, uri, this.project.settingsFor(uri), raw).filter((d) => d.code !== 'tf-syntax');
    return ds.map((d) => toLspDiagnostic(ws, lines, d, this.editor?.docsHref));
  }

  /**
   * An open file's new text, analysed at once, before any background work, or in turn behind the disk
   * work begun before it. A text that a newer one replaced while it waited is skipped, so its diagnostics
   * never go out.
   */
  private analyse(uri: string, text: string, opened: boolean): void {
    const n = ++this.analyses;
    this.newest.set(uri, n);
    if (opened) this.openedUnanalysed.add(uri);
    void this.sequencer
      .edit(() => {
        if (this.newest.get(uri) !== n) return;
        const affected = this.project.edited(uri, text);
        if (this.openedUnanalysed.delete(uri)) this.scheduler.opened(uri);
        this.scheduler.changed(affected, uri);
        // The file opened or typed in gets its diagnostics at once; the files that depend on it are batched.
        this.scheduler.publishNow(uri);
      })
      .catch((err) => this.connection.console.error(`analysis of ${uri} failed: ${describe(err)}`));
  }

  /**
   * A file's text on disk is not the one indexed, and no watcher has said so (yet): it is read again as a
   * watcher's change would have it, once the work under way (a request that asked for the text) is done.
   */
  private readAgain(uri: string, reason: string): void {
    if (this.toReadAgain.has(uri)) return;
    this.toReadAgain.add(uri);
    this.connection.console.log(`${uri}: ${reason}; reading it again`);
    setImmediate(() => {
      void (async () => {
        await this.ready;
        await this.sequencer.run(async () => {
          this.toReadAgain.delete(uri);
          this.scheduler.changed(await this.project.loadFromDisk(uri));
        });
      })().catch((err) => this.connection.console.error(`reading ${uri} again failed: ${describe(err)}`));
    });
  }

  /** A step before a request about `uri`: when its newest text waits for analysis, wait for that. */
  private readonly current = (uri: string, token: CancellationToken): Step => () =>
    this.documents.isWaiting(uri) ? this.documents.current(uri, token).then(() => this.sequencer.idle()) : undefined;

  /** Steps before a request that needs every file read and analysed (its answer holds offsets anywhere). */
  private readonly everything: readonly Step[] = [
    () => (this.indexed ? undefined : this.ready),
    () => {
      this.documents.settleAll();
      return this.sequencer.idle();
    },
  ];

  private pushConfigDiagnostics(): void {
    for (const [uri, { text, diagnostics }] of this.project.configDiagnostics()) {
      const lines = new LineMap(text);
      void this.connection.sendDiagnostics({ uri, diagnostics: diagnostics.map((d) => toLspDiagnostic(this.project.ws, lines, d, this.editor?.docsHref)) });
    }
  }

  private async fetchSettings(): Promise<void> {
    if (!this.configurationSupport) return;
    const uris = this.project.folderUris();
    const values = await this.connection.workspace.getConfiguration(uris.map((scopeUri) => ({ scopeUri, section: 'octopusRoles' })));
    uris.forEach((uri, i) => this.project.setEditorSettings(uri, normaliseEditorSettings(values[i])));
  }

  private index(): Promise<void> {
    return readWorkspace(this.project, this.scheduler, {
      progress: () => this.connection.window.createWorkDoneProgress(),
      log: (m) => this.connection.console.log(m),
    }).then(() => this.pushConfigDiagnostics());
  }

  /**
   * Takes in every configuration change since the last time, in one go: a burst of them costs one reading
   * of the workspace. It runs as background work, so requests and edits are answered meanwhile.
   */
  private async reevaluate(): Promise<void> {
    const { project } = this;
    await this.ready;
    await this.sequencer
      .background(async () => {
        const pending = this.pendingConfig;
        this.pendingConfig = { askClient: false, files: false };
        if (pending.settings) for (const uri of project.folderUris()) project.setEditorSettings(uri, pending.settings);
        if (pending.askClient) await this.fetchSettings();
        this.scheduler.changed(await project.scan());
        this.scheduler.changed(project.ws.uris());
        if (pending.files) this.pushConfigDiagnostics();
      })
      .catch((err) => this.connection.console.error(`configuration change failed: ${describe(err)}`));
  }

  /** Reads the workspace again after a change of settings, and re-checks every file. */
  private async recheck(): Promise<void> {
    await this.ready;
    this.scheduler.changed(await this.project.scan());
    this.scheduler.changed(this.project.ws.uris());
  }

  /** initialize, initialized, shutdown, and the refusal of methods this server does not serve. */
  private registerLifecycle(): void {
    const { connection, lifecycle } = this;
    connection.onInitialize((params): InitializeResult | Refusal => {
      if (lifecycle.phase !== 'starting') return refuse(ErrorCodes.InvalidRequest, 'The server is already initialized.');
      return this.initialize(params);
    });
    connection.onInitialized(lifecycle.notification('initialized', () => this.initialized()));
    connection.onShutdown(() => {
      if (lifecycle.phase === 'shut down') return refuse(ErrorCodes.InvalidRequest, 'The server is already shutting down.');
      lifecycle.phase = 'shut down';
      this.documents.dispose();
      this.scheduler.dispose();
      this.reevaluation.dispose();
      return undefined;
    });
    // Requests for methods this server does not serve: the lifecycle's error, or MethodNotFound.
    connection.onRequest((method) => lifecycle.refusal() ?? refuse(ErrorCodes.MethodNotFound, `Unhandled method ${method}`));
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.initParams = params;
    const caps = params.capabilities;
    const pull = Boolean(caps.textDocument?.diagnostic);
    this.scheduler = new DiagnosticsScheduler(this.hostFor(pull), { pull, refreshSupport: Boolean(caps.workspace?.diagnostics?.refreshSupport), ...this.slicing });
    this.configurationSupport = Boolean(caps.workspace?.configuration);
    const workspaceEdit = caps.workspace?.workspaceEdit;
    this.createFiles = Boolean(workspaceEdit?.documentChanges && workspaceEdit.resourceOperations?.includes('create'));
    const initial = normaliseEditorSettings((params.initializationOptions as { settings?: unknown } | undefined)?.settings);
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    for (const f of folders) this.project.addFolder(f.uri, initial);
    this.lifecycle.phase = 'running';
    return { capabilities: serverCapabilities(pull), serverInfo: { name: 'octopus-roles-language-server', version: VERSION } };
  }

  private initialized(): void {
    const { connection, lifecycle } = this;
    const caps = this.initParams!.capabilities;
    this.ready = (async () => {
      // Dynamic registrations only where the client declares that it supports them (Eglot warns otherwise).
      if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{role,team,space,policy}.{yaml,yml}' }, { globPattern: '**/*.tf' }, { globPattern: '**/*.tfvars' }, { globPattern: '**/.octopus-roles.yaml' }],
        });
      }
      if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
        await connection.client.register(DidChangeConfigurationNotification.type, { section: 'octopusRoles' }).catch(() => undefined);
      }
      if (caps.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders(lifecycle.notification('didChangeWorkspaceFolders', (e: WorkspaceFoldersChangeEvent) => this.foldersChanged(e)));
      }
      await this.fetchSettings().catch((err) => connection.console.error(`settings: ${String(err)}`));
      await this.index();
    })()
      .catch((err) => connection.console.error(`scan failed: ${describe(err)}`))
      .finally(() => (this.indexed = true));
  }

  private async foldersChanged(e: WorkspaceFoldersChangeEvent): Promise<void> {
    await this.ready;
    for (const f of e.removed) this.scheduler.changed(this.project.removeFolder(f.uri));
    for (const f of e.added) this.project.addFolder(f.uri, normaliseEditorSettings({}));
    if (e.added.length) {
      await this.fetchSettings();
      this.ready = this.index();
      await this.ready;
    }
  }

  /** didOpen, didChange, didClose. */
  private registerDocuments(): void {
    const { connection, lifecycle, documents } = this;
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
        this.newest.delete(uri);
        this.openedUnanalysed.delete(uri);
        return this.sequencer.run(async () => {
          const affected = await this.project.closed(uri);
          affected.add(uri);
          this.scheduler.changed(affected);
        });
      }),
    );
  }

  /** Files changed on disk, and changed settings. */
  private registerWorkspace(): void {
    const { connection, lifecycle, project } = this;
    connection.onDidChangeWatchedFiles(
      lifecycle.notification('didChangeWatchedFiles', async (params) => {
        await this.ready;
        await this.sequencer.run(async () => {
          let configChanged = false;
          for (const change of params.changes) {
            if (project.isConfig(change.uri)) {
              configChanged = true;
              continue;
            }
            if (change.type === FileChangeType.Deleted) this.scheduler.changed(project.deleted(change.uri).add(change.uri));
            else this.scheduler.changed(await project.loadFromDisk(change.uri));
          }
          if (configChanged) {
            this.pendingConfig.files = true;
            this.reevaluation.request();
          }
        });
      }),
    );
    connection.onDidChangeConfiguration(
      lifecycle.notification('didChangeConfiguration', (params) => {
        if (!this.configurationSupport) this.pendingConfig.settings = normaliseEditorSettings((params.settings as { octopusRoles?: unknown } | undefined)?.octopusRoles);
        else this.pendingConfig.askClient = true;
        this.reevaluation.request();
      }),
    );
  }

  /** Pulled diagnostics, of a document and of the workspace. */
  private registerDiagnostics(): void {
    const { connection, lifecycle } = this;
    connection.languages.diagnostics.on(
      lifecycle.request('diagnostic', { kind: 'full', items: [] }, (params, token) =>
        afterSteps([this.current(params.textDocument.uri, token)], () => this.scheduler.documentReport(params.textDocument.uri, params.previousResultId)),
      ),
    );
    connection.languages.diagnostics.onWorkspace(
      lifecycle.request('workspaceDiagnostic', { items: [] }, (params, token) => this.scheduler.workspaceReport(params.previousResultIds, token)),
    );
  }

  /** The requests that read the model (features.ts, editorFeatures.ts, access.ts), commands, status. */
  private registerFeatures(): void {
    const { connection, lifecycle, project } = this;
    const editor = registerEditorFeatures(connection, {
      ws: () => project.ws,
      openText: (uri) => this.documents.get(uri)?.getText(),
      capabilities: () => this.initParams?.capabilities ?? {},
      wrap: (name, fallback, fn) => lifecycle.request(name, fallback, fn),
      settingsFor: (uri) => project.settingsFor(uri),
      recheck: () => this.recheck(),
    });
    this.editor = editor;
    const featureContext = {
      lifecycle,
      project,
      documents: this.documents,
      steps: { current: this.current, everything: this.everything },
      createFiles: () => this.createFiles,
      editor,
    };
    registerFeatures(connection, featureContext);
    const accessCommands: AccessCommands = registerAccess(connection, featureContext);
    // One handler for every command: the editor features' first, then effective access's.
    connection.onExecuteCommand(
      lifecycle.request('executeCommand', null as unknown, (params) => (editor.executeCommand(params) ?? accessCommands(params) ?? null) as never),
    );
    connection.onRequest(STATUS_METHOD, lifecycle.request('status', null as Status | null, () => this.scheduler.status()));
    // For benchmarks and bug reports: the server's memory, after a full collection when Node allows one.
    connection.onRequest(
      'octopusRoles/memoryUsage',
      lifecycle.request('memoryUsage', null as (NodeJS.MemoryUsage & { textsKept: number }) | null, () => {
        (globalThis as { gc?: () => void }).gc?.();
        // With the number of files whose text is kept: those open, and those too small to be worth dropping.
        return { ...process.memoryUsage(), textsKept: project.ws.textsKept };
      }),
    );
  }
}

/** What this server offers, for a client that pulls diagnostics (`pull`) or has them pushed. */
function serverCapabilities(pull: boolean): InitializeResult['capabilities'] {
  const editorCaps = editorCapabilities();
  return {
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
  };
}
