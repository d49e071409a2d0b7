/**
 * Configuration files (`.octopus-roles.yaml`): finding them, reading them safely, and layering them as
 * SPEC section 4 says. A file applies to its folder and below; a deeper one overrides the ones above it
 * key by key (rule codes one by one), up to the repository root; editor settings only add to what no
 * configuration file says. The checker and the language server both use this, so that on the same files
 * they report the same findings.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileGlob, CONFIG_FILE_NAME, parseConfig, unreadableFile, type ConfigKeys, type Diagnostic, type Glob } from '../service';
import { decodeRead, isInside } from './files';
import { diskSource, readOne, type Source } from './source';

/** Configuration files are small; a larger one is not read (`file-too-large`). */
export const MAX_CONFIG_SIZE = 1024 * 1024;

/** One configuration file, read (or not, with the reason among its diagnostics). */
export interface LoadedConfig {
  /** The folder it applies to, as reached (not resolved). */
  readonly dir: string;
  readonly path: string;
  readonly uri: string;
  /** Its text, or '' when it was not read. */
  readonly text: string;
  /** The keys it sets; none when it was not read. */
  readonly keys: ConfigKeys;
  readonly excludes: readonly Glob[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads the configuration file `file` from `source` if it is a regular file whose real path lies inside
 * `bound` (a real path: the repository root), at most MAX_CONFIG_SIZE bytes of UTF-8. A pipe or device is
 * never opened for long (no read can block), and a link out of the repository is not read at all: what it
 * points to is not the repository's to configure, and its content must not reach the output.
 */
export function readConfig(file: string, bound: string | undefined, source: Source = diskSource): LoadedConfig {
  const dir = path.dirname(file);
  const base = { dir, path: file, uri: pathToFileURL(file).href };
  const unread = (problem: Diagnostic): LoadedConfig => ({ ...base, text: '', keys: {}, excludes: [], diagnostics: [problem] });
  const real = source.realPath(file);
  if (typeof real !== 'string') return unread(unreadableFile(real.reason));
  if (bound !== undefined && !isInside(real, bound)) {
    return unread(unreadableFile('it is a symbolic link to a file outside the repository, so it is not read'));
  }
  const read = decodeRead(readOne(source, { path: file, real, maxBytes: MAX_CONFIG_SIZE }));
  if ('problem' in read) return unread(read.problem);
  return configOf(file, read.text);
}

/** A configuration file of `file`'s folder with the text `text` (read from disk or from a git revision). */
export function configOf(file: string, text: string): LoadedConfig {
  const parsed = parseConfig(text);
  return {
    dir: path.dirname(file),
    path: file,
    uri: pathToFileURL(file).href,
    text,
    keys: parsed.keys,
    excludes: (parsed.keys.exclude ?? []).map(compileGlob),
    diagnostics: parsed.diagnostics,
  };
}

/** True when `dir` holds an entry named `.octopus-roles.yaml` of any type (one lstat). */
export function hasConfigEntry(dir: string, source: Source = diskSource): boolean {
  return source.exists(path.join(dir, CONFIG_FILE_NAME));
}

/**
 * The repository root for `folder`: the nearest folder at or above it with a `.git` entry (a folder, or
 * a file in a linked worktree). Without one, `fallback` when `folder` is inside it, else `folder` itself:
 * configuration is never looked for above what the user pointed at unless a repository says so.
 */
export function repositoryRoot(folder: string, fallback?: string, source: Source = diskSource): string {
  const found = source.repositoryOf(folder);
  if (found !== undefined) return found;
  const f = fallback && path.resolve(fallback);
  return f && isInside(path.resolve(folder), f) ? f : path.resolve(folder);
}

/**
 * True when `dir` holds a configuration file that sets `root: true`: the folder is a workspace of its own
 * (read through `source`; `bound` as for `readConfig`).
 */
export function isWorkspaceRoot(dir: string, bound: string | undefined, source: Source = diskSource): boolean {
  return hasConfigEntry(dir, source) && readConfig(path.join(dir, CONFIG_FILE_NAME), bound, source).keys.root === true;
}

/**
 * The workspace `folder` belongs to, whose files all form the model that commands read: the nearest
 * folder at or above it, up to the repository root, whose configuration file sets `root: true`; else the
 * repository root; else, outside a repository, `fallback` (the current folder) when `folder` is inside it,
 * and `folder` itself when it is not, or when the current folder is the file system's root (a container's
 * working folder is often `/`, and a workspace there would be every file of the machine).
 */
export function workspaceRoot(folder: string, fallback?: string, source: Source = diskSource): string {
  const found = repositoryRoot(folder, fallback, source);
  const top = source.repositoryOf(folder) === undefined && path.parse(found).root === found ? path.resolve(folder) : found;
  const real = source.realPath(top);
  const bound = typeof real === 'string' ? real : top;
  for (let dir = path.resolve(folder); isInside(dir, top); dir = path.dirname(dir)) {
    if (isWorkspaceRoot(dir, bound, source)) return dir;
    if (dir === top || path.dirname(dir) === dir) break;
  }
  return top;
}

/** The configuration files of a workspace by folder, and the settings they give each file. */
export class ConfigSet {
  private readonly byDir = new Map<string, LoadedConfig>();

  /** Reads configuration files from `source`. */
  constructor(private readonly source: Source = diskSource) {}

  /** Reads the configuration file in `dir` (as reached) if it has one; `bound` is the real repository root. */
  load(dir: string, bound: string | undefined): void {
    const file = path.join(dir, CONFIG_FILE_NAME);
    this.byDir.set(path.resolve(dir), readConfig(file, bound, this.source));
  }

  /** Reads the configuration files in `top` and the folders between it and `folder` (not `folder` itself). */
  loadAbove(folder: string, top: string, bound: string | undefined): void {
    const dirs: string[] = [];
    for (let dir = path.dirname(path.resolve(folder)); isInside(dir, top) && dir !== path.resolve(folder); dir = path.dirname(dir)) {
      dirs.push(dir);
      if (dir === top || path.dirname(dir) === dir) break;
    }
    for (const dir of dirs) if (hasConfigEntry(dir, this.source)) this.load(dir, bound);
  }

  clear(): void {
    this.byDir.clear();
  }

  all(): LoadedConfig[] {
    return [...this.byDir.values()];
  }

  /**
   * The configuration files that apply in `dir`, from `top` (or the nearest workspace root, whose
   * file sets `root: true`, below it) down to `dir`.
   */
  chain(dir: string, top: string): LoadedConfig[] {
    const found: LoadedConfig[] = [];
    for (let d = path.resolve(dir); isInside(d, top); d = path.dirname(d)) {
      const config = this.byDir.get(d);
      if (config) found.push(config);
      if (d === top || path.dirname(d) === d || config?.keys.root) break;
    }
    return found.reverse();
  }
}

/** The nearest configuration file in a chain that sets `exclude`, or undefined. */
export function excludingConfig(chain: readonly LoadedConfig[]): LoadedConfig | undefined {
  for (let i = chain.length - 1; i >= 0; i--) if (chain[i].keys.exclude !== undefined) return chain[i];
  return undefined;
}

/**
 * Whether the configuration files that apply to `file` exclude it: the nearest one that sets `exclude`
 * decides, its globs matched against the path relative to its folder. Undefined when none sets it.
 */
export function excludedBy(chain: readonly LoadedConfig[], file: string): boolean | undefined {
  const config = excludingConfig(chain);
  if (!config) return undefined;
  const own = relativeSlashed(config.dir, file);
  return own !== undefined && config.excludes.some((g) => g.test(own));
}

/** A `.` or `..` segment, or an empty one: a path that path.relative must normalise first. */
const UNNORMAL = /(^|[\\/])\.{1,2}([\\/]|$)|[\\/][\\/]/;

/** `file` relative to `dir` with forward slashes, or undefined when it is not below `dir`. */
export function relativeSlashed(dir: string, file: string): string | undefined {
  // The common case without path.relative, which resolves both paths again (this runs per file).
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  if (path.isAbsolute(dir) && file.startsWith(prefix) && !UNNORMAL.test(file)) {
    const rest = file.slice(prefix.length);
    return path.sep === '/' ? rest : rest.split(path.sep).join('/');
  }
  const rel = path.relative(dir, file);
  if (rel === '' || rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
