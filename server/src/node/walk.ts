/**
 * Finding the role, team, space and configuration files below a workspace's folders. Shared by the
 * checker and the language server.
 *
 * The walk costs one `readdir` per folder and nothing per plain file: a folder's entries come with their
 * types, and a plain folder's real path is its parent's real path plus its name. Only a symbolic link
 * costs more (one `realpath` and one `stat`). Work is done synchronously in slices of a few milliseconds
 * with a turn of the event loop between them, so that a server scanning 50,000 files keeps answering.
 */
import * as path from 'node:path';
import { CONFIG_FILE_NAME, kindOfPath } from '../service';
import { ioReason, isInside } from './files';
import { diskSource, type Source, type SourceEntry } from './source';

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

/**
 * Why a submodule's files are not read: a git revision holds a submodule as one commit id (a gitlink),
 * not its files, so the working tree leaves them out too and the two sides of `diff` read the same files.
 */
export const SUBMODULE_SKIPPED = 'a git submodule (a repository of its own): its files are not read here, as a git revision cannot read them; check it in its own repository';

/**
 * Yields to the event loop when the current slice of work has run for `sliceMs`.
 *
 * `replied`, given by the language server, says whether it handled a message since it was last asked.
 * The JSON-RPC layer (vscode-jsonrpc) passes a message through two callbacks queued with `setImmediate`
 * before its handler runs (the reader decodes it in one, behind a semaphore; the connection queues the
 * handler in another), and writes an answer or a notification through one or two more (the writer's own
 * semaphore). Each of those is queued behind the turn the slice gave away, so a slice that resumed after
 * one quiet turn ran its whole length before the message was handled, and another before its answer was
 * written. So a slice of the server's resumes only after `QUIET_TURNS` turns in a row in which no message
 * was handled. A turn with nothing queued costs microseconds.
 */
export class Slicer {
  private started = performance.now();
  constructor(
    private readonly sliceMs = 8,
    private readonly replied?: () => boolean,
  ) {}

  async maybeYield(): Promise<void> {
    if (performance.now() - this.started < this.sliceMs) return;
    await giveWay(this.replied);
    this.started = performance.now();
  }
}

/**
 * Gives the event loop away after a slice of work: one turn, and with `replied` (see `Slicer`) then as
 * many as it takes until `QUIET_TURNS` turns in a row handled no message.
 */
export async function giveWay(replied?: () => boolean): Promise<void> {
  await turn();
  if (!replied) return;
  for (let quiet = 0; quiet < QUIET_TURNS; ) {
    await turn();
    quiet = replied() ? 0 : quiet + 1;
  }
}

/** Turns in a row without a handled message after which a slice resumes: the JSON-RPC layer's longest chain of queued callbacks between reading a message's bytes and writing its answer. */
const QUIET_TURNS = 3;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const byName = (a: SourceEntry, b: SourceEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A folder waiting to be listed. */
interface Pending {
  readonly dir: string;
  readonly real: string;
  readonly linked: boolean;
  /** Inside a git repository: a folder below it with a `.git` entry of its own is a submodule. */
  readonly inRepository: boolean;
}

/**
 * Every role, team and space file below `roots`, each path once, in a stable order: first what is reached
 * without a symbolic link, then what only a link leads to. Symbolic links are followed only when their
 * target stays inside `within` (real paths; by default the roots themselves), and every real folder is
 * visited once, so link loops end. The walk keeps an explicit stack, so a deep tree cannot overflow the
 * call stack. Inside a git repository, a folder below a root that holds a `.git` entry (a submodule, or a
 * repository cloned inside this one) is not read (`SUBMODULE_SKIPPED`). Folders that cannot be listed,
 * links that lead out and submodules are reported through `onSkip`. A dangling or looping link with a role
 * file's name is listed, so that reading it reports the problem. The files come from `source`.
 */
export async function walkFolders(
  roots: readonly string[],
  onSkip?: (where: string, reason: string) => void,
  within?: readonly string[],
  slicer = new Slicer(),
  source: Source = diskSource,
): Promise<WalkResult> {
  const realOr = (p: string) => {
    const real = source.realPath(path.resolve(p));
    return typeof real === 'string' ? real : path.resolve(p);
  };
  const bounds = within ?? roots.map((r) => realOr(r));
  const inside = (real: string) => bounds.some((b) => isInside(real, b));
  const seen = new Set<string>();
  const files: Found[] = [];
  const configFolders: string[] = [];
  const stack: Pending[] = [];
  const rootDirs = new Set(roots.map((r) => path.resolve(r)));
  for (const root of [...roots].reverse()) stack.push({ dir: path.resolve(root), real: realOr(root), linked: false, inRepository: source.repositoryOf(root) !== undefined });
  // Folders reached through a link wait until everything reachable without one is done, so that a
  // folder reached both ways is listed under its own name.
  const later: Pending[] = [];
  while (stack.length || later.length) {
    await slicer.maybeYield();
    if (!stack.length) stack.push(...later.splice(0).reverse());
    const { dir, real, linked, inRepository } = stack.pop()!;
    if (seen.has(real) || !inside(real)) continue;
    seen.add(real);
    let entries: SourceEntry[];
    try {
      entries = [...source.list(dir)];
    } catch (err) {
      onSkip?.(dir, ioReason(err));
      continue;
    }
    const ownRepository = entries.some((e) => e.name === '.git');
    if (ownRepository && inRepository && !rootDirs.has(dir)) {
      onSkip?.(dir, SUBMODULE_SKIPPED);
      continue;
    }
    entries.sort(byName);
    const folders: Pending[] = [];
    const below = (full: string, realDir: string, viaLink: boolean): Pending => ({ dir: full, real: realDir, linked: viaLink, inRepository: inRepository || ownRepository });
    for (const entry of entries) {
      const name = entry.name;
      const full = join(dir, name);
      if (name === CONFIG_FILE_NAME) configFolders.push(dir);
      if (entry.kind === 'folder') {
        if (!isSkippedFolder(name)) folders.push(below(full, join(real, name), linked));
      } else if (entry.kind === 'submodule') {
        if (!isSkippedFolder(name)) onSkip?.(full, SUBMODULE_SKIPPED);
      } else if (entry.kind === 'link') {
        const isRole = kindOfPath(name) !== undefined;
        if (isSkippedFolder(name) && !isRole) continue;
        const target = source.realPath(full);
        if (typeof target !== 'string') {
          if (isRole) files.push({ path: full, real: full, linked: true });
          continue;
        }
        const isDir = source.kindOf(target) === 'folder';
        if (!isDir && !isRole) continue;
        if (!inside(target)) {
          onSkip?.(full, `a symbolic link to ${target}, outside the workspace: not followed`);
          continue;
        }
        if (isDir) folders.push(below(full, target, true));
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

/**
 * Every role, team and space file below `roots` (paths as reached), for tools that only need the list.
 * See `walkFolders`.
 */
export async function findWorkspaceFiles(roots: readonly string[], onSkip?: (dir: string, reason: string) => void): Promise<string[]> {
  return (await walkFolders(roots, onSkip)).files.map((f) => f.path);
}
