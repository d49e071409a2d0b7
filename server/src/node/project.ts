/**
 * The language server's view of the workspace: which files belong to it, where their text comes from
 * (the editor's for open files, the disk's for the rest) and which settings apply. Protocol-free, so
 * that the server stays a switchboard and this logic can be tested on its own.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CONFIG_FILE_NAME,
  fileTooLarge,
  compileGlob,
  isTerraformPath,
  kindOfPath,
  needsTerraformGrammar,
  terraformReady,
  mergeSettings,
  parseConfig,
  Workspace,
  type Diagnostic,
  type EditorSettings,
  type Glob,
  type Settings,
} from '../service';
import { findWorkspaceFiles, forEachLimited, isSkippedFolder, readWorkspaceFile, staysInside } from './files';
import { ensureTerraform } from './terraform';

interface Folder {
  readonly uri: string;
  readonly path: string;
  editor: EditorSettings;
  excludes: Glob[];
  configPath?: string;
  config?: Partial<Settings>;
  configDiagnostics: Diagnostic[];
  configText: string;
}

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).href;
}

export class Project {
  readonly ws = new Workspace();
  private readonly folders: Folder[] = [];
  private readonly open = new Set<string>();
  /** Open `.tf` files whose text arrived before the Terraform grammar was loaded, latest text each. */
  private readonly waitingForTerraform = new Map<string, string>();

  /**
   * `late` receives the files affected by changes that complete after the call that caused them (an open
   * `.tf` file read once the Terraform grammar has loaded).
   */
  constructor(
    private readonly log: (message: string) => void,
    private readonly late: (affected: Set<string>) => void = () => undefined,
  ) {}

  /** Loads the Terraform grammar; false (and a log line) when it cannot be loaded. */
  private async terraform(): Promise<boolean> {
    if (terraformReady()) return true;
    try {
      await ensureTerraform();
      return true;
    } catch (err) {
      this.log(`cannot load the Terraform grammar, .tf files are not read: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  /** Adds a workspace folder with its editor settings. Call `scan` afterwards. */
  addFolder(uri: string, editor: EditorSettings): void {
    const p = uriToPath(uri);
    if (!p) return;
    this.folders.push({ uri, path: p, editor, excludes: editor.exclude.map(compileGlob), configDiagnostics: [], configText: '' });
  }

  /** Forgets a workspace folder and the files that only it held. Returns the files affected. */
  removeFolder(uri: string): Set<string> {
    const i = this.folders.findIndex((f) => f.uri === uri);
    if (i < 0) return new Set();
    const [gone] = this.folders.splice(i, 1);
    const affected = new Set<string>();
    for (const file of [...this.ws.uris()]) {
      const p = uriToPath(file);
      if (!p || this.open.has(file) || this.folderOf(file)) continue;
      const rel = path.relative(gone.path, p);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      for (const u of this.ws.removeFile(file)) affected.add(u);
      affected.add(file);
    }
    return affected;
  }

  folderUris(): string[] {
    return this.folders.map((f) => f.uri);
  }

  /** Replaces a folder's editor settings. */
  setEditorSettings(folderUri: string, editor: EditorSettings): void {
    const f = this.folders.find((x) => x.uri === folderUri);
    if (!f) return;
    f.editor = editor;
    f.excludes = editor.exclude.map(compileGlob);
  }

  private folderOf(uri: string): Folder | undefined {
    const p = uriToPath(uri);
    if (!p) return undefined;
    let best: Folder | undefined;
    for (const f of this.folders) {
      const rel = path.relative(f.path, p);
      if (!rel.startsWith('..') && !path.isAbsolute(rel) && (!best || f.path.length > best.path.length)) best = f;
    }
    return best;
  }

  /** The settings that apply to a file: editor settings, overridden by `.octopus-roles.yaml`. */
  settingsFor(uri: string): Settings {
    const f = this.folderOf(uri);
    if (!f) return mergeSettings({});
    return mergeSettings(f.editor, f.config ?? {});
  }

  /**
   * True when the file is one of ours: not below `node_modules` or a dot-folder (which the scan skips, so
   * a file watcher's event there must not bring it in either) and not excluded by `octopusRoles.exclude`.
   */
  accepts(uri: string): boolean {
    if (!kindOfPath(uri)) return false;
    if (isTerraformPath(uri) && this.settingsFor(uri).terraform === false) return false;
    const f = this.folderOf(uri);
    if (!f) return true;
    const rel = path.relative(f.path, uriToPath(uri)!).split(path.sep).join('/');
    if (rel.split('/').slice(0, -1).some(isSkippedFolder)) return false;
    return !f.excludes.some((re) => re.test(rel));
  }

  /** Reads every folder's configuration and files. Returns the files of the workspace. */
  async scan(): Promise<Set<string>> {
    const affected = new Set<string>();
    for (const f of this.folders) {
      await this.loadConfig(f);
      const files = await findWorkspaceFiles([f.path], (dir, reason) => this.log(`skipped ${dir}: ${reason}`));
      const uris = files.map(pathToUri).filter((uri) => this.accepts(uri) && !this.open.has(uri));
      await forEachLimited(uris, async (uri) => {
        for (const u of await this.loadFromDisk(uri)) affected.add(u);
      });
    }
    // Terraform files that a changed setting turned off.
    for (const uri of [...this.ws.uris()]) {
      if (isTerraformPath(uri) && !this.accepts(uri)) for (const u of this.ws.removeFile(uri).add(uri)) affected.add(u);
    }
    return affected;
  }

  private async loadConfig(f: Folder): Promise<void> {
    // Only the folder's own file: the server reads nothing outside the workspace folders.
    const candidate = path.join(f.path, CONFIG_FILE_NAME);
    const isFile = (await fs.stat(candidate).catch(() => undefined))?.isFile() && (await staysInside(candidate, [f.path]));
    f.configPath = isFile ? candidate : undefined;
    f.config = undefined;
    f.configDiagnostics = [];
    if (!f.configPath) return;
    const text = await fs.readFile(f.configPath, 'utf8').catch(() => undefined);
    if (text === undefined) return;
    const parsed = parseConfig(text);
    f.configText = text;
    f.config = { rules: parsed.settings.rules, ...(/\bmaxFileSize\s*:/.test(text) ? { maxFileSize: parsed.settings.maxFileSize } : {}) };
    f.configDiagnostics = parsed.diagnostics;
  }

  /** Diagnostics of the configuration files, by URI. */
  configDiagnostics(): Map<string, { text: string; diagnostics: Diagnostic[] }> {
    const result = new Map<string, { text: string; diagnostics: Diagnostic[] }>();
    for (const f of this.folders) if (f.configPath) result.set(pathToUri(f.configPath), { text: f.configText, diagnostics: f.configDiagnostics });
    return result;
  }

  /** True when the URI is a configuration file of some folder. */
  isConfig(uri: string): boolean {
    return uri.endsWith('/' + CONFIG_FILE_NAME);
  }

  /** Re-reads the configuration files; every file's diagnostics may change. */
  async reloadConfig(): Promise<void> {
    for (const f of this.folders) await this.loadConfig(f);
  }

  /**
   * Reads a file from disk into the model, unless the editor has it open. Only files of the workspace
   * folders are read, and a symbolic link only when its target is inside one of them (as when scanning).
   */
  async loadFromDisk(uri: string): Promise<Set<string>> {
    if (this.open.has(uri) || !this.accepts(uri)) return new Set();
    const p = uriToPath(uri);
    if (!p) return new Set();
    if (!this.folderOf(uri) || !(await staysInside(p, this.folders.map((f) => f.path)))) {
      if (!this.ws.has(uri)) return new Set();
      return this.ws.removeFile(uri).add(uri);
    }
    const read = await readWorkspaceFile(p, this.settingsFor(uri).maxFileSize);
    if (this.open.has(uri)) return new Set(); // opened while we were reading
    // The grammar loads with the first file that uses the provider; without it such a file is not read.
    if ('text' in read && needsTerraformGrammar(uri, read.text) && (!(await this.terraform()) || this.open.has(uri))) return new Set();
    if ('problem' in read) {
      // Gone, or there: a dangling link or a link loop is there, and unreadable (lstat, not stat).
      if ((await fs.lstat(p).catch(() => undefined)) === undefined) return this.ws.removeFile(uri);
      return this.ws.setProblem(uri, read.problem);
    }
    return this.ws.setFile(uri, read.text);
  }

  /** A file was deleted on disk. */
  deleted(uri: string): Set<string> {
    if (this.open.has(uri)) return new Set();
    return this.ws.removeFile(uri);
  }

  /** The editor opened or changed a file: its text wins over the disk's. */
  edited(uri: string, text: string): Set<string> {
    this.open.add(uri);
    if (!kindOfPath(uri)) return new Set();
    if (isTerraformPath(uri)) {
      if (this.settingsFor(uri).terraform === false) return new Set();
      if (needsTerraformGrammar(uri, text)) return this.afterTerraform(uri, text);
    }
    const limit = this.settingsFor(uri).maxFileSize;
    // The limit is in bytes, as on disk; a string's UTF-8 size is between its length and three times that.
    if (text.length > limit || (text.length * 3 > limit && Buffer.byteLength(text) > limit)) {
      return this.ws.setProblem(uri, fileTooLarge(Buffer.byteLength(text), limit));
    }
    return this.ws.setFile(uri, text);
  }

  /** Reads an open `.tf` file once the grammar has loaded; nothing is affected until then. */
  private afterTerraform(uri: string, text: string): Set<string> {
    const first = this.waitingForTerraform.size === 0;
    this.waitingForTerraform.set(uri, text);
    if (first) {
      void this.terraform().then((ok) => {
        const waiting = [...this.waitingForTerraform];
        this.waitingForTerraform.clear();
        if (!ok) return;
        const affected = new Set<string>();
        for (const [u, t] of waiting) if (this.open.has(u)) for (const a of this.edited(u, t)) affected.add(a);
        this.late(affected);
      });
    }
    return new Set();
  }

  /** The editor closed a file: the disk's version counts again (or none, if it is gone or excluded). */
  async closed(uri: string): Promise<Set<string>> {
    this.open.delete(uri);
    if (!this.accepts(uri) || !this.folderOf(uri)) return this.ws.removeFile(uri);
    const p = uriToPath(uri);
    if (!p || (await fs.lstat(p).catch(() => undefined)) === undefined) return this.ws.removeFile(uri);
    return this.loadFromDisk(uri);
  }

  isOpen(uri: string): boolean {
    return this.open.has(uri);
  }
}
