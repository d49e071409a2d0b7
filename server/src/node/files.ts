/**
 * File-system access shared by the checker and the language server: finding the role, team and space
 * files of a workspace and reading them safely. The language service itself never touches the disk.
 */
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, fileTooLarge, kindOfPath, unreadableFile, type Diagnostic } from '../service';

/** The outcome of reading one file: its text, or the diagnostic that explains why it is not analysed. */
export type ReadResult = { readonly text: string } | { readonly problem: Diagnostic };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a file as UTF-8 text. A file over `maxFileSize` bytes is not read at all; binary data (a NUL
 * byte), invalid UTF-8 and I/O errors give `unreadable-file`. A byte-order mark is dropped, as editors do.
 */
export async function readWorkspaceFile(file: string, maxFileSize: number): Promise<ReadResult> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return { problem: unreadableFile('it is not a regular file') };
    if (stat.size > maxFileSize) return { problem: fileTooLarge(stat.size, maxFileSize) };
    const bytes = await fs.readFile(file);
    if (bytes.length > maxFileSize) return { problem: fileTooLarge(bytes.length, maxFileSize) };
    return decodeText(bytes);
  } catch (err) {
    const dangling = (err as NodeJS.ErrnoException).code === 'ENOENT' && (await fs.lstat(file).catch(() => undefined))?.isSymbolicLink();
    return { problem: unreadableFile(dangling ? 'it is a symbolic link to a file that does not exist' : ioReason(err)) };
  }
}

/**
 * Runs `task` over `items` with at most `concurrency` in flight: enough to keep the disk busy, few enough
 * never to run out of file descriptors (a workspace of 50,000 files opened at once does).
 */
export async function forEachLimited<T>(items: readonly T[], task: (item: T) => Promise<void>, concurrency = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Decodes bytes as UTF-8 text, or explains why they are not text. */
export function decodeText(bytes: Uint8Array): ReadResult {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: unreadableFile(`it holds binary data (a NUL byte at offset ${nul}), not YAML text`) };
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    return { problem: unreadableFile(`it is not valid UTF-8 text (invalid byte sequence near offset ${badUtf8Offset(bytes)})`) };
  }
}

function badUtf8Offset(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the shortest prefix that fails to decode.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

function ioReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'it no longer exists';
    case 'EISDIR':
      return 'it is a directory';
    case 'ELOOP':
      return 'its symbolic links form a loop';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** Folders never searched: dependencies and dot-folders (.git, .vscode, ...). */
export function isSkippedFolder(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

/**
 * Every role, team and space file below `roots`, each once, in a stable order. Symbolic links are
 * followed only when their target stays inside one of the roots, and every real folder is visited once,
 * so link loops end. Folders that cannot be listed, and links that lead out of the roots, are reported
 * through `onSkip`.
 */
export async function findWorkspaceFiles(roots: readonly string[], onSkip?: (dir: string, reason: string) => void): Promise<string[]> {
  const realRoots = await realPaths(roots);
  const inside = (real: string) => isInside(real, realRoots);
  const seenDirs = new Set<string>();
  const files = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    let real: string;
    try {
      real = await fs.realpath(dir);
    } catch (err) {
      onSkip?.(dir, ioReason(err));
      return;
    }
    if (seenDirs.has(real) || !inside(real)) return;
    seenDirs.add(real);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      onSkip?.(dir, ioReason(err));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedFolder(entry.name)) await walk(full);
      } else if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await fs.realpath(full);
        } catch {
          if (kindOfPath(entry.name)) files.add(full); // a dangling or looping link: reported as unreadable
          continue;
        }
        const stat = await fs.stat(full).catch(() => undefined);
        if (!inside(target)) {
          if (stat?.isDirectory() ? !isSkippedFolder(entry.name) : kindOfPath(entry.name)) onSkip?.(full, `a symbolic link to ${target}, outside the workspace: not followed`);
          continue;
        }
        if (stat?.isDirectory()) {
          if (!isSkippedFolder(entry.name)) await walk(full);
        } else if (kindOfPath(entry.name)) files.add(full);
      } else if (kindOfPath(entry.name)) {
        files.add(full);
      }
    }
  };
  for (const root of roots) await walk(path.resolve(root));
  return [...files];
}

async function realPaths(roots: readonly string[]): Promise<string[]> {
  return Promise.all(roots.map(async (r) => fs.realpath(r).catch(() => path.resolve(r))));
}

function isInside(real: string, realRoots: readonly string[]): boolean {
  return realRoots.some((root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}

/**
 * False when `file`, with its symbolic links resolved, lies outside every one of `roots`: such a file is
 * not read, as `findWorkspaceFiles` does not list it. A path that does not resolve (gone, a dangling link,
 * a loop) counts as inside, so that reading it reports the problem.
 */
export async function staysInside(file: string, roots: readonly string[]): Promise<boolean> {
  const real = await fs.realpath(file).catch(() => undefined);
  return real === undefined || isInside(real, await realPaths(roots));
}

/**
 * The configuration file that applies to `start`: `.octopus-roles.yaml` in that folder or the nearest
 * folder above it, stopping at a repository root (a folder with `.git`).
 */
export async function findConfigFile(start: string): Promise<string | undefined> {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (await exists(candidate)) return candidate;
    if (await exists(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
