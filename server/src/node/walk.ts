/**
 * Finding the role, team, space and configuration files below a workspace's folders. Shared by the
 * checker and the language server.
 *
 * The walk costs one `readdir` per folder and nothing per plain file: a folder's entries come with their
 * types, and a plain folder's real path is its parent's real path plus its name. Only a symbolic link
 * costs more (one `realpath` and one `stat`). Work is done synchronously in slices of a few milliseconds
 * with a turn of the event loop between them, so that a server scanning 50,000 files keeps answering.
 */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, kindOfPath } from '../service';
import { ioReason, isInside, realPath } from './files';

/** A file the walk found. */
export interface Found {
  /** The path as reached from the root the walk started at. */
  readonly path: string;
  /** Its real path (links resolved), which is what gets opened. */
  readonly real: string;
  /** True when a symbolic link was followed to reach it. */
  readonly linked: boolean;
}

/** What a walk found: files in a stable order, and the folders that hold a configuration file. */
export interface WalkResult {
  readonly files: Found[];
  /** Folders (as reached) with a `.octopus-roles.yaml` entry of any type; reading it checks the type. */
  readonly configFolders: string[];
}

/** Folders never searched: dependencies and dot-folders (.git, .vscode, ...). */
export function isSkippedFolder(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

/** Yields to the event loop when the current slice of work has run for `sliceMs`. */
export class Slicer {
  private started = performance.now();
  constructor(private readonly sliceMs = 8) {}

  async maybeYield(): Promise<void> {
    if (performance.now() - this.started < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Every role, team and space file below `roots`, each path once, in a stable order: first what is reached
 * without a symbolic link, then what only a link leads to. Symbolic links are followed only when their target stays inside `within` (real paths; by default the roots themselves), and
 * every real folder is visited once, so link loops end. The walk keeps an explicit stack, so a deep tree
 * cannot overflow the call stack. Folders that cannot be listed, and links that lead out, are reported
 * through `onSkip`. A dangling or looping link with a role file's name is listed, so that reading it
 * reports the problem.
 */
export async function walkFolders(
  roots: readonly string[],
  onSkip?: (where: string, reason: string) => void,
  within?: readonly string[],
  slicer = new Slicer(),
): Promise<WalkResult> {
  const bounds = within ?? roots.map((r) => realOr(r));
  const inside = (real: string) => bounds.some((b) => isInside(real, b));
  const seen = new Set<string>();
  const files: Found[] = [];
  const configFolders: string[] = [];
  const stack: { dir: string; real: string; linked: boolean }[] = [];
  for (const root of [...roots].reverse()) stack.push({ dir: path.resolve(root), real: realOr(root), linked: false });
  // Folders reached through a link wait until everything reachable without one is done, so that a
  // folder reached both ways is listed under its own name.
  const later: { dir: string; real: string; linked: boolean }[] = [];
  while (stack.length || later.length) {
    await slicer.maybeYield();
    if (!stack.length) stack.push(...later.splice(0).reverse());
    const { dir, real, linked } = stack.pop()!;
    if (seen.has(real) || !inside(real)) continue;
    seen.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      onSkip?.(dir, ioReason(err));
      continue;
    }
    entries.sort(byName);
    const folders: { dir: string; real: string; linked: boolean }[] = [];
    for (const entry of entries) {
      const name = entry.name;
      const full = join(dir, name);
      if (name === CONFIG_FILE_NAME) configFolders.push(dir);
      if (entry.isDirectory()) {
        if (!isSkippedFolder(name)) folders.push({ dir: full, real: join(real, name), linked });
      } else if (entry.isSymbolicLink()) {
        const isRole = kindOfPath(name) !== undefined;
        if (isSkippedFolder(name) && !isRole) continue;
        const target = realPath(full);
        if (typeof target !== 'string') {
          if (isRole) files.push({ path: full, real: full, linked: true });
          continue;
        }
        const isDir = statSafe(target)?.isDirectory() ?? false;
        if (!isDir && !isRole) continue;
        if (!inside(target)) {
          onSkip?.(full, `a symbolic link to ${target}, outside the workspace: not followed`);
          continue;
        }
        if (isDir) folders.push({ dir: full, real: target, linked: true });
        else files.push({ path: full, real: target, linked: true });
      } else if (kindOfPath(name)) {
        // A regular file, or a pipe, socket or device with a role file's name: reading reports the latter.
        files.push({ path: full, real: join(real, name), linked });
      }
    }
    for (let i = folders.length - 1; i >= 0; i--) (folders[i].linked ? later : stack).push(folders[i]);
  }
  return { files, configFolders };
}

/** `path.join` for a normalised folder and a plain name, without normalising again (it is per entry). */
function join(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
}

function realOr(p: string): string {
  const real = realPath(path.resolve(p));
  return typeof real === 'string' ? real : path.resolve(p);
}

function statSafe(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Every role, team and space file below `roots` (paths as reached), for tools that only need the list.
 * See `walkFolders`.
 */
export async function findWorkspaceFiles(roots: readonly string[], onSkip?: (dir: string, reason: string) => void): Promise<string[]> {
  return (await walkFolders(roots, onSkip)).files.map((f) => f.path);
}
