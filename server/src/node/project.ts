/**
 * The one loader: turns folders (and files named on a command line) into a workspace, for the checker, the
 * language server and both sides of `diff` alike. It decides which files belong (kinds, skipped folders,
 * submodules, `exclude`, a syntax turned off), where their text comes from (the editor's for open files,
 * its source's for the rest: the disk, or a git revision, see `source.ts`), the size limit and decoding,
 * which configuration applies to each, and it reads each real file once. Workspace keys are `file:` URIs
 * everywhere; only the checker turns them back into paths, to print them. Protocol-free, so that it can be
 * tested on its own.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  compileGlob,
  CONFIG_FILE_NAME,
  fileTooLarge,
  frontEndToLoad,
  kindOfPath,
  mergeSettings,
  syntaxEnabled,
  unreadableFile,
  Workspace,
  type Diagnostic,
  type EditorSettings,
  type FrontEnd,
  type Glob,
  type Settings,
} from '../service';
import { ConfigSet, excludedBy, hasConfigEntry, isWorkspaceRoot, readConfig, relativeSlashed, repositoryRoot, type LoadedConfig } from './configs';
import { decodeRead, isInside, type FileId, type ReadOutcome } from './files';
import { diskSource, readOne, type ReadRequest, type Source } from './source';
import { loadFrontEnd } from './assets';
import { isSkippedFolder, Slicer, walkFolders } from './walk';

interface Folder {
  readonly uri: string;
  readonly path: string;
  /** Its real path: links into it are followed, links out of it are not. */
  readonly real: string;
  /** The repository root: configuration files are looked for up to here. */
  readonly top: string;
  /** The repository root's real path: a configuration file must resolve inside it. */
  readonly bound: string;
  /** Whether `top` is a git repository (not only where discovery stops): its submodules are not read. */
  readonly inRepository: boolean;
  editor: EditorSettings;
  excludes: Glob[];
  /** A folder that holds files named one by one (the checker's file arguments); it is not walked. */
  readonly only: boolean;
}

/** How a project is set up beyond its folders; the checker uses these, the server the defaults. */
export interface ProjectOptions {
  /** Where files and configuration files come from: the disk by default, a git revision for `diff`. */
  readonly source?: Source;
  /** Use this configuration file (on disk) for every file instead of discovering them (`check --config`). */
  readonly config?: string;
  /** Settings over everything else (`check --max-file-size`). */
  readonly overrides?: Partial<Settings>;
  /** Where configuration discovery may stop when no repository root is found (the checker's cwd). */
  readonly fallbackTop?: string;
  /** Told about each folder, link or file left out, and why; by default written to the log. */
  readonly onSkip?: (where: string, reason: string) => void;
  /**
   * Told about the files affected by a change that completes after the call that caused it: an open `.tf`
   * file is read once the Terraform grammar has loaded.
   */
  readonly late?: (affected: Set<string>) => void;
  /** How long a scan works before it yields to other events (ms; 8 by default): short in the server, so a request waits little. */
  readonly sliceMs?: number;
  /** Whether the server answered something since it was last asked: a scan then lets the answer out first (`Slicer`). */
  readonly replied?: () => boolean;
  /**
   * Leave out the folders below a workspace folder that are workspaces of their own (their configuration
   * file sets `root: true`; see `nestedWorkspaceFolders`): the command line reads each workspace as one
   * model. The language server reads what the editor opened.
   */
  readonly skipNestedWorkspaces?: boolean;
  /**
   * Keep no text of a file read from disk, only what proves a second reading the same (the language
   * server, which holds the workspace for a session: `ModelIndex.dropTexts`). Told when a file's text was
   * asked for and the disk no longer holds the text indexed: read it again, as a watcher's event would.
   */
  readonly dropTexts?: (uri: string, reason: string) => void;
}

/** A text's digest for `TextSource.digest`: the first 64 bits of its SHA-256, as two 32-bit integers. */
function digestOf(text: string): readonly [number, number] {
  const d = createHash('sha256').update(text, 'utf8').digest();
  return [d.readInt32LE(0), d.readInt32LE(4)];
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
  /** Files named one by one: always checked, whatever `exclude` says. */
  private readonly named = new Map<string, string>();
  private readonly source: Source;
  private readonly configs: ConfigSet;
  private fixed: LoadedConfig | undefined;
  private readonly reportedConfigs = new Set<string>();
  /** The real file (`FileId`: device and inode) behind each URI read from disk, and the URI that holds each file. */
  private readonly idOf = new Map<string, FileId>();
  private readonly holder = new Map<FileId, string>();
  private readonly settingsCache = new Map<string, Settings>();
  private readonly onSkip: (where: string, reason: string) => void;
  /** Open files whose text arrived before their front-end had loaded (FrontEnd.loading), latest text each. */
  private readonly waitingToLoad = new Map<FrontEnd, Map<string, string>>();
  private nested: readonly string[] = [];

  constructor(
    private readonly log: (message: string) => void,
    private readonly options: ProjectOptions = {},
  ) {
    this.onSkip = options.onSkip ?? ((where, reason) => this.log(`skipped ${where}: ${reason}`));
    this.source = options.source ?? diskSource;
    this.configs = new ConfigSet(this.source);
    const stale = options.dropTexts;
    if (stale) this.ws.dropTexts({ reread: (uri) => this.reread(uri), digest: digestOf, stale });
  }

  /** A file's text as it is on disk now, read as `loadFromDisk` reads it; or why it cannot be read. */
  private reread(uri: string): { text: string } | { reason: string } {
    try {
      const read = this.readFromDisk(uri);
      if (!read) return { reason: 'it is gone from the workspace folders (deleted, or now a link that leads out of them)' };
      return 'text' in read ? { text: read.text } : { reason: `it cannot be read now (${read.problem.message})` };
    } catch (err) {
      return { reason: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Adds a workspace folder with its editor settings. Call `scan` afterwards. */
  addFolder(uri: string, editor: EditorSettings): void {
    const p = uriToPath(uri);
    if (!p) return;
    this.folders.push(this.makeFolder(uri, p, editor, false));
    this.settingsCache.clear();
  }

  /**
   * Adds one file by path (a command-line argument): it is read whatever `exclude` says, with the
   * folder that holds it when one does. Call `scan`.
   */
  addFile(file: string): void {
    const p = path.resolve(file);
    const dir = path.dirname(p);
    if (!this.folderOfPath(p)) this.folders.push(this.makeFolder(pathToUri(dir), dir, { rules: {}, maxFileSize: mergeSettings().maxFileSize, exclude: [] }, true));
    this.named.set(pathToUri(p), p);
    this.settingsCache.clear();
  }

  private makeFolder(uri: string, p: string, editor: EditorSettings, only: boolean): Folder {
    const top = repositoryRoot(p, this.options.fallbackTop, this.source);
    const real = this.source.realPath(p);
    const bound = this.source.realPath(top);
    return {
      uri,
      path: p,
      real: typeof real === 'string' ? real : p,
      top,
      bound: typeof bound === 'string' ? bound : top,
      inRepository: this.source.repositoryOf(p) !== undefined,
      editor,
      excludes: editor.exclude.map(compileGlob),
      only,
    };
  }

  /** Forgets a workspace folder and the files that only it held. Returns the files affected. */
  removeFolder(uri: string): Set<string> {
    const i = this.folders.findIndex((f) => f.uri === uri && !f.only);
    if (i < 0) return new Set();
    const [gone] = this.folders.splice(i, 1);
    this.settingsCache.clear();
    const affected = new Set<string>();
    for (const file of [...this.ws.uris()]) {
      const p = uriToPath(file);
      if (!p || this.open.has(file) || this.folderOf(file) || relativeSlashed(gone.path, p) === undefined) continue;
      for (const u of this.forget(file)) affected.add(u);
      affected.add(file);
    }
    return affected;
  }

  folderUris(): string[] {
    return this.folders.filter((f) => !f.only).map((f) => f.uri);
  }

  /** Replaces a folder's editor settings. */
  setEditorSettings(folderUri: string, editor: EditorSettings): void {
    const f = this.folders.find((x) => x.uri === folderUri && !x.only);
    if (!f) return;
    f.editor = editor;
    f.excludes = editor.exclude.map(compileGlob);
    this.settingsCache.clear();
  }

  private folderOf(uri: string): Folder | undefined {
    const p = uriToPath(uri);
    return p === undefined ? undefined : this.folderOfPath(p);
  }

  private folderOfPath(p: string): Folder | undefined {
    let best: Folder | undefined;
    for (const f of this.folders) {
      if ((p === f.path || relativeSlashed(f.path, p) !== undefined) && (!best || f.path.length > best.path.length)) best = f;
    }
    return best;
  }

  /** The configuration files that apply to a file, outermost first. */
  private chainOf(p: string, f: Folder): LoadedConfig[] {
    if (this.fixed) return [this.fixed];
    return this.configs.chain(path.dirname(p), f.top);
  }

  /**
   * The settings that apply to a file: its folder's editor settings, then each configuration file from
   * the repository root down to the file's folder, key by key, then the command line's overrides.
   */
  settingsFor(uri: string): Settings {
    return this.settingsForPath(uriToPath(uri));
  }

  private settingsForPath(p: string | undefined): Settings {
    const f = p === undefined ? undefined : this.folderOfPath(p);
    if (!p || !f) return mergeSettings(this.options.overrides ?? {});
    const key = `${f.path}\0${path.dirname(p)}`;
    let settings = this.settingsCache.get(key);
    if (!settings) {
      settings = mergeSettings(f.editor, ...this.chainOf(p, f).map((c) => c.keys), this.options.overrides ?? {});
      this.settingsCache.set(key, settings);
    }
    return settings;
  }

  /**
   * True when the file is one of ours: a role, team or space file, not below `node_modules` or a
   * dot-folder (which the scan skips, so a file watcher's event there must not bring it in either), and
   * not excluded: by the `exclude` of the nearest configuration file that sets one (globs relative to that
   * file's folder), or, where none does, by the editor's `octopusRoles.exclude`. Files named one by one on
   * the command line are always ours.
   */
  accepts(uri: string): boolean {
    return this.acceptsPath(uri, uriToPath(uri));
  }

  private acceptsPath(uri: string, p: string | undefined): boolean {
    if (!kindOfPath(uri)) return false;
    // `terraform: false` (or `octopusRoles.terraform.enable`) turns Terraform files off (SPEC section 9).
    if (!syntaxEnabled(uri, this.settingsForPath(p))) return false;
    if (this.named.has(uri)) return true;
    const f = p === undefined ? undefined : this.folderOfPath(p);
    if (!p || !f) return true;
    const rel = relativeSlashed(f.path, p);
    if (rel === undefined || rel.split('/').slice(0, -1).some(isSkippedFolder)) return false;
    const excluded = excludedBy(this.chainOf(p, f), p);
    if (excluded !== undefined) return !excluded;
    return !f.excludes.some((g) => g.test(rel));
  }

  /**
   * Reads every folder's configuration files and role, team and space files, and forgets files that are
   * no longer there or no longer belong. Returns the files whose diagnostics may have changed.
   */
  async scan(): Promise<Set<string>> {
    const affected = new Set<string>();
    const slicer = new Slicer(this.options.sliceMs, this.options.replied);
    const walked = this.folders.filter((f) => !f.only);
    const { files, configFolders } = await walkFolders(
      walked.map((f) => f.path),
      this.onSkip,
      walked.map((f) => f.real),
      slicer,
      this.source,
    );
    this.loadConfigs(configFolders);
    const nested = (this.nested = this.nestedWorkspaces(walked, configFolders));
    const own = nested.length ? files.filter((f) => !nested.some((dir) => isInside(f.path, dir))) : files;
    // Files reached without a link first, so that a file also reached through a link keeps its own name.
    const ordered = [...own.filter((f) => !f.linked), ...own.filter((f) => f.linked)];
    for (const p of this.named.values()) ordered.push({ path: p, real: p, linked: true });
    // Which files belong is decided before any is read, so that a source reads them all in one go.
    const wanted: { uri: string; request: ReadRequest }[] = [];
    const listed = new Set<string>();
    for (const found of ordered) {
      await slicer.maybeYield();
      const uri = pathToUri(found.path);
      if (listed.has(uri) || this.open.has(uri) || !this.acceptsPath(uri, found.path)) continue;
      if (!this.named.has(uri) && !this.folderOfPath(found.path)) continue;
      listed.add(uri);
      // A path reached through a link is resolved again when it is read.
      wanted.push({ uri, request: { path: found.path, real: found.linked ? undefined : found.real, maxBytes: this.settingsForPath(found.path).maxFileSize } });
    }
    const loaded = new Set<string>();
    const before = [...this.ws.uris()];
    this.idOf.clear();
    this.holder.clear();
    let i = 0;
    for (const bytes of this.source.read(wanted.map((w) => w.request))) {
      const { uri } = wanted[i++];
      await slicer.maybeYield();
      // Opened in the editor since it was listed (the server answers the editor between slices): its text wins.
      if (this.open.has(uri)) continue;
      const read = decodeRead(bytes);
      const toLoad = 'text' in read ? frontEndToLoad(uri, read.text) : undefined;
      if (toLoad && !(await this.load(toLoad))) continue;
      if (!this.claim(uri, read)) continue;
      loaded.add(uri);
      for (const u of 'text' in read ? this.ws.setFile(uri, read.text, true) : this.ws.setProblem(uri, read.problem)) affected.add(u);
    }
    for (const uri of this.open) if (this.ws.has(uri)) loaded.add(uri);
    for (const uri of before) {
      if (loaded.has(uri)) continue;
      for (const u of this.ws.removeFile(uri)) affected.add(u);
      affected.add(uri);
    }
    return affected;
  }

  /** The folders below the walked ones that are workspaces of their own, when they are left out. */
  private nestedWorkspaces(walked: readonly Folder[], configFolders: readonly string[]): string[] {
    if (!this.options.skipNestedWorkspaces) return [];
    const nested: string[] = [];
    for (const dir of configFolders) {
      const f = walked.find((w) => dir !== w.path && isInside(dir, w.path));
      if (f && !nested.some((n) => isInside(dir, n)) && isWorkspaceRoot(dir, f.bound, this.source)) nested.push(dir);
    }
    return nested;
  }

  /**
   * The folders the last scan left out as workspaces of their own (with `skipNestedWorkspaces`), as
   * reached: the command line loads them on their own when a PATH covers them.
   */
  nestedWorkspaceFolders(): readonly string[] {
    return this.nested;
  }

  private loadConfigs(configFolders: readonly string[]): void {
    this.configs.clear();
    this.settingsCache.clear();
    this.fixed = this.options.config === undefined ? undefined : readConfig(path.resolve(this.options.config), undefined);
    if (this.fixed) return;
    for (const f of this.folders) this.configs.loadAbove(f.path, f.top, f.bound);
    for (const f of this.folders.filter((x) => x.only)) if (hasConfigEntry(f.path, this.source)) this.configs.load(f.path, f.bound);
    for (const dir of configFolders) {
      const f = this.folderOfPath(dir);
      if (f) this.configs.load(dir, f.bound);
    }
  }

  /**
   * Records that `uri` holds the file it was read from. False when another URI already holds that same
   * file (a hard link, or a path through a linked folder): one file is checked once, or its role would
   * be a duplicate of itself.
   */
  private claim(uri: string, read: ReadOutcome): boolean {
    if (read.id === undefined) return true;
    const other = this.holder.get(read.id);
    if (other !== undefined && other !== uri && this.ws.has(other)) {
      this.onSkip(uriToPath(uri) ?? uri, `the same file as ${uriToPath(other) ?? other}, which is checked`);
      return false;
    }
    const old = this.idOf.get(uri);
    if (old !== undefined && this.holder.get(old) === uri) this.holder.delete(old);
    this.idOf.set(uri, read.id);
    this.holder.set(read.id, uri);
    return true;
  }

  /** Diagnostics of the configuration files, by URI; a file that is gone is listed once with none. */
  configDiagnostics(): Map<string, { text: string; diagnostics: Diagnostic[] }> {
    const result = new Map<string, { text: string; diagnostics: Diagnostic[] }>();
    for (const c of this.fixed ? [this.fixed] : this.configs.all()) result.set(c.uri, { text: c.text, diagnostics: [...c.diagnostics] });
    for (const uri of this.reportedConfigs) if (!result.has(uri)) result.set(uri, { text: '', diagnostics: [] });
    this.reportedConfigs.clear();
    for (const [uri, r] of result) if (r.diagnostics.length) this.reportedConfigs.add(uri);
    return result;
  }

  /** True when the URI is a configuration file. */
  isConfig(uri: string): boolean {
    return uri.endsWith('/' + CONFIG_FILE_NAME);
  }

  /**
   * Re-reads the configuration files, and with them the files: a changed `exclude` or `maxFileSize`
   * changes which files are read and how. Returns the files whose diagnostics may have changed.
   */
  async reloadConfig(): Promise<Set<string>> {
    const affected = await this.scan();
    for (const uri of this.ws.uris()) affected.add(uri);
    return affected;
  }

  /**
   * Reads a file from disk into the model, unless the editor has it open. Only files of the workspace
   * folders are read, and a symbolic link only when its target is inside one of them (as when scanning).
   */
  async loadFromDisk(uri: string): Promise<Set<string>> {
    if (this.open.has(uri) || !this.accepts(uri)) return new Set();
    const read = this.readFromDisk(uri);
    if (!read) return this.forget(uri);
    // A front-end's assets load with the first file that needs them; without them such a file is not read.
    const toLoad = 'text' in read ? frontEndToLoad(uri, read.text) : undefined;
    if (toLoad && (!(await this.load(toLoad)) || this.open.has(uri))) return new Set();
    if (!this.claim(uri, read)) return this.forget(uri);
    return 'text' in read ? this.ws.setFile(uri, read.text, true) : this.ws.setProblem(uri, read.problem);
  }

  /**
   * Reads a file of the workspace folders from its source, synchronously; undefined when it is not one to
   * read any more (outside every folder, a link that leads out of them, in a submodule, gone).
   */
  private readFromDisk(uri: string): ReadOutcome | undefined {
    const p = uriToPath(uri);
    const f = p === undefined ? undefined : this.folderOfPath(p);
    if (!p || !f) return undefined;
    const real = this.source.realPath(p);
    if (typeof real === 'string' && !this.named.has(uri) && !this.folders.some((x) => !x.only && isInside(real, x.real))) return undefined;
    if (!this.named.has(uri) && this.inSubmodule(p, f)) return undefined;
    const read: ReadOutcome = typeof real === 'string' ? decodeRead(readOne(this.source, { path: p, real, maxBytes: this.settingsFor(uri).maxFileSize })) : { problem: unreadableFile(real.reason) };
    if ('problem' in read && !this.source.exists(p)) return undefined;
    return read;
  }

  /**
   * True when `p` lies in a submodule of its folder's repository, which the scan does not read: a folder
   * between the workspace folder and the file (the folder itself not counted) that holds a `.git` entry,
   * inside a repository (the folder's, or one such folder further up). A few lstats, per watcher event.
   */
  private inSubmodule(p: string, f: Folder): boolean {
    const dirs: string[] = [];
    for (let d = path.dirname(p); d !== f.path && relativeSlashed(f.path, d) !== undefined; d = path.dirname(d)) dirs.push(d);
    let inRepository = f.inRepository;
    for (const d of dirs.reverse()) {
      if (!this.source.exists(path.join(d, '.git'))) continue;
      if (inRepository) return true;
      inRepository = true;
    }
    return false;
  }

  /** Removes a file from the model and from the record of which file each URI holds. */
  private forget(uri: string): Set<string> {
    const id = this.idOf.get(uri);
    if (id !== undefined && this.holder.get(id) === uri) this.holder.delete(id);
    this.idOf.delete(uri);
    if (!this.ws.has(uri)) return new Set();
    return this.ws.removeFile(uri).add(uri);
  }

  /** A file was deleted on disk. */
  deleted(uri: string): Set<string> {
    if (this.open.has(uri)) return new Set();
    const affected = this.forget(uri);
    affected.delete(uri);
    return affected;
  }

  /** The editor opened or changed a file: its text wins over the disk's. */
  edited(uri: string, text: string): Set<string> {
    this.open.add(uri);
    if (!kindOfPath(uri) || !syntaxEnabled(uri, this.settingsFor(uri))) return new Set();
    const toLoad = frontEndToLoad(uri, text);
    if (toLoad) return this.afterLoading(toLoad, uri, text);
    const limit = this.settingsFor(uri).maxFileSize;
    // The limit is in bytes, as on disk; a string's UTF-8 size is between its length and three times that.
    if (text.length > limit || (text.length * 3 > limit && Buffer.byteLength(text) > limit)) {
      return this.ws.setProblem(uri, fileTooLarge(Buffer.byteLength(text), limit));
    }
    return this.ws.setFile(uri, text);
  }

  /** Loads a front-end's assets; false (and a log line) when they cannot be loaded. */
  private async load(frontEnd: FrontEnd): Promise<boolean> {
    const loading = frontEnd.loading;
    if (!loading || loading.ready()) return true;
    try {
      await loadFrontEnd(frontEnd);
      return true;
    } catch (err) {
      this.onSkip(loading.files, `${loading.what} cannot be loaded: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  /** Reads an open file once its front-end has loaded; nothing is affected until then. */
  private afterLoading(frontEnd: FrontEnd, uri: string, text: string): Set<string> {
    let waiting = this.waitingToLoad.get(frontEnd);
    const first = !waiting;
    if (!waiting) this.waitingToLoad.set(frontEnd, (waiting = new Map()));
    waiting.set(uri, text);
    if (first) {
      void this.load(frontEnd).then((ok) => {
        this.waitingToLoad.delete(frontEnd);
        if (!ok) return;
        const affected = new Set<string>();
        for (const [u, t] of waiting) if (this.open.has(u)) for (const a of this.edited(u, t)) affected.add(a);
        this.options.late?.(affected);
      });
    }
    return new Set();
  }

  /** The editor closed a file: the disk's version counts again (or none, if it is gone or excluded). */
  async closed(uri: string): Promise<Set<string>> {
    this.open.delete(uri);
    const p = uriToPath(uri);
    if (!p || !this.accepts(uri) || !this.folderOfPath(p) || !this.source.exists(p)) return this.forget(uri);
    return this.loadFromDisk(uri);
  }

  isOpen(uri: string): boolean {
    return this.open.has(uri);
  }

  /** The configuration files that apply to a file, outermost first (the `--config` file when given). */
  configsFor(uri: string): readonly LoadedConfig[] {
    const p = uriToPath(uri);
    const f = p === undefined ? undefined : this.folderOfPath(p);
    return p === undefined || !f ? [] : this.chainOf(p, f);
  }

  /** The configuration files read, for tools that list them (the checker prints their findings). */
  configFiles(): readonly LoadedConfig[] {
    return this.fixed ? [this.fixed] : this.configs.all();
  }
}
