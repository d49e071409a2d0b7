/**
 * A minimal LSP client for server tests: starts the shipped server (`bin/octopus-roles-language-server.js
 * --stdio`) as a child process and speaks JSON-RPC to it. Waits are for events, with a generous timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER = path.join(ROOT, 'bin', 'octopus-roles-language-server.js');

export function tempWorkspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-server-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export const uriOf = (dir: string, name: string): string => pathToFileURL(path.join(dir, name)).href;

export const PUSH_CAPABILITIES: ClientCapabilities = {
  workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, configuration: false },
  textDocument: { publishDiagnostics: { relatedInformation: true }, completion: { completionItem: { snippetSupport: false } }, hover: {} },
};

export const PULL_CAPABILITIES: ClientCapabilities = {
  workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, diagnostics: { refreshSupport: true }, configuration: true, workspaceFolders: true },
  textDocument: { ...PUSH_CAPABILITIES.textDocument, diagnostic: { dynamicRegistration: false } },
};

export class TestClient {
  readonly connection: ProtocolConnection;
  readonly published = new Map<string, Diagnostic[]>();
  readonly logs: string[] = [];
  /** The methods the server registered dynamically (`client/registerCapability`). */
  readonly registrations: string[] = [];
  /** `window/workDoneProgress/create` tokens and the `$/progress` values that followed. */
  readonly progressTokens: unknown[] = [];
  readonly progress: { token: unknown; value: { kind: string; message?: string; percentage?: number } }[] = [];
  /** `octopusRoles/status` notifications. */
  readonly statuses: { indexing: boolean; files: number; errors: number; warnings: number }[] = [];
  /** Every `publishDiagnostics`, in order. */
  readonly publications: { uri: string; diagnostics: Diagnostic[] }[] = [];
  refreshes = 0;
  settings: unknown = {};
  private readonly child: ChildProcess;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private stderr = '';

  constructor(execArgv: readonly string[] = []) {
    this.child = spawn(process.execPath, [...execArgv, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.set(p.uri, p.diagnostics);
      this.publications.push({ uri: p.uri, diagnostics: p.diagnostics });
      this.poke();
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
      this.poke();
    });
    this.connection.onRequest('client/registerCapability', (p: { registrations: { method: string }[] }) => {
      this.registrations.push(...p.registrations.map((r) => r.method));
      return null;
    });
    this.connection.onRequest('window/workDoneProgress/create', (p: { token: unknown }) => {
      this.progressTokens.push(p.token);
      return null;
    });
    this.connection.onNotification('$/progress', (p: { token: unknown; value: { kind: string; message?: string } }) => {
      this.progress.push(p);
      this.poke();
    });
    this.connection.onNotification('octopusRoles/status', (p: TestClient['statuses'][number]) => {
      this.statuses.push(p);
      this.poke();
    });
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.settings));
    this.connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      this.poke();
      return null;
    });
    this.connection.listen();
  }

  private poke(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves when `check` holds, re-checked on every message from the server. */
  waitFor(what: string, check: () => boolean, timeoutMs = 15000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; server stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** The server's process id, for measuring its memory. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  codes(uri: string): string[] | undefined {
    return this.published.get(uri)?.map((d) => String(d.code));
  }

  async initialize(folder: string, capabilities: ClientCapabilities, scanTimeoutMs = 15000): Promise<InitializeResult> {
    const result = await this.start(folder, capabilities);
    await this.scanned(scanTimeoutMs);
    return result;
  }

  /** Resolves when the server has read the workspace (its log line `indexed N files ...`). */
  scanned(timeoutMs = 15000): Promise<void> {
    return this.waitFor('the initial scan', () => this.logs.some((l) => l.startsWith('indexed ')), timeoutMs);
  }

  /** `initialize` and `initialized`, without waiting for the workspace to be read. */
  async start(folder: string, capabilities: ClientCapabilities): Promise<InitializeResult> {
    const result = (await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(folder).href,
      workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'ws' }],
      capabilities,
    })) as InitializeResult;
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'octopus-roles', version, text } });
  }

  change(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  async dispose(dir?: string): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    this.child.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
