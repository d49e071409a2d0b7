/**
 * The loader's source seam: where a workspace's files come from. The one loader (`walk.ts`, `configs.ts`,
 * `project.ts`) decides which files belong, which configuration applies, the size limit, decoding and
 * the Terraform grammar; a source only answers what a read-only file system would: a folder's entries
 * and their kinds, where links lead, and a file's bytes up to a limit. So the checker, the language server
 * and both sides of `diff` apply the same rules by construction, as rust-analyzer's load-cargo gives every
 * tool one loader. Three sources exist: the disk (`diskSource`, here), a git revision (`git.ts`), and files
 * held in memory (`memorySource`, here: a server's dump as the bridge turns it into files).
 *
 * Paths are absolute, in the form the loader reached them (a revision's files sit at the paths they would
 * have in the working tree, so the two sides of a comparison meet).
 */
import { lstatSync, readdirSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { fileTooLarge, unreadableFile } from '../service';
import { readBytesSafely, realPath, type BytesOutcome } from './files';

/** What an entry of a folder is. A submodule is a folder of another repository (a git revision's gitlink). */
export type EntryKind = 'folder' | 'file' | 'link' | 'submodule' | 'other';

/** One entry of a folder: its name and kind (a link is not followed). */
export interface SourceEntry {
  readonly name: string;
  readonly kind: EntryKind;
}

/** A file to read: its path as reached, its real path when known, and the most bytes to read. */
export interface ReadRequest {
  readonly path: string;
  readonly real?: string;
  readonly maxBytes: number;
}

/** Where the loader's files come from. */
export interface Source {
  /** How messages name what this source reads (a revision's name); undefined for the disk. */
  readonly label?: string;
  /** The entries of a folder, in any order. Throws (an error whose message says why) when it cannot. */
  list(dir: string): readonly SourceEntry[];
  /** The path with every symbolic link resolved, or why it has none. */
  realPath(p: string): string | { reason: string };
  /** What a path is, following links; undefined when there is nothing there (or nothing this source knows). */
  kindOf(p: string): EntryKind | undefined;
  /** True when there is an entry at `p`, of any kind (a link is not followed). */
  exists(p: string): boolean;
  /** The repository root of `folder`: the nearest folder at or above it with a `.git` entry. */
  repositoryOf(folder: string): string | undefined;
  /**
   * Reads files, yielding one outcome per request in order: bytes (at most `maxBytes`; the size is checked
   * before anything is read) or the `file-too-large` / `unreadable-file` diagnostic that says why not.
   * Lazy, so that a caller holds one file at a time if the source allows it. Throws `SourceError` when
   * the source itself is broken (an object missing from a git repository): that is no file's finding.
   */
  read(requests: readonly ReadRequest[]): Iterable<BytesOutcome>;
}

/** The source cannot be read as it should: the command stops with this message (exit status 2). */
export class SourceError extends Error {}

const KIND_OF_DIRENT = (e: Dirent): EntryKind => (e.isDirectory() ? 'folder' : e.isSymbolicLink() ? 'link' : e.isFile() ? 'file' : 'other');

/** The local file system. */
export const diskSource: Source = {
  list: (dir) => readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, kind: KIND_OF_DIRENT(e) })),
  realPath,
  kindOf(p) {
    try {
      const s = statSync(p);
      return s.isDirectory() ? 'folder' : s.isFile() ? 'file' : 'other';
    } catch {
      return undefined;
    }
  },
  exists(p) {
    try {
      // No exception for a missing entry, the usual answer (a submodule check asks for every folder's `.git`).
      return lstatSync(p, { throwIfNoEntry: false }) !== undefined;
    } catch {
      return false;
    }
  },
  repositoryOf(folder) {
    for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
      if (diskSource.exists(path.join(dir, '.git'))) return dir;
      if (path.dirname(dir) === dir) return undefined;
    }
  },
  *read(requests) {
    for (const r of requests) {
      // A path reached through a link is resolved again now: the file read is the one it leads to today.
      const real = r.real ?? realPath(r.path);
      yield typeof real === 'string' ? readBytesSafely(real, r.maxBytes) : { problem: unreadableFile(real.reason) };
    }
  },
};

/** Reads one file through a source. */
export function readOne(source: Source, request: ReadRequest): BytesOutcome {
  for (const read of source.read([request])) return read;
  throw new SourceError(`${request.path}: the source gave nothing for it`);
}

/**
 * Files held in memory under `root`, as a folder of them would be on disk: the third source, for a
 * server's dump once the bridge has turned it into role, team and space files (`diff --live`), so that the
 * live side is loaded by the same loader as the workspace it is compared with. `root` is the repository
 * root as far as configuration goes: nothing above it is looked at.
 */
export function memorySource(root: string, files: ReadonlyMap<string, string | Uint8Array>, label?: string): Source {
  const texts = new Map<string, Uint8Array>();
  const folders = new Set<string>([root]);
  for (const [rel, text] of files) {
    const file = path.join(root, rel);
    texts.set(file, typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
    for (let dir = path.dirname(file); dir.startsWith(root) && !folders.has(dir); dir = path.dirname(dir)) folders.add(dir);
  }
  const kindOf = (p: string): EntryKind | undefined => (folders.has(p) ? 'folder' : texts.has(p) ? 'file' : undefined);
  return {
    label,
    list(dir) {
      if (!folders.has(dir)) throw new Error(`${dir}: no such folder`);
      const out = new Map<string, EntryKind>();
      for (const p of [...folders, ...texts.keys()]) if (path.dirname(p) === dir && p !== dir) out.set(path.basename(p), kindOf(p)!);
      return [...out].map(([name, kind]) => ({ name, kind }));
    },
    realPath: (p) => (kindOf(p) ? p : { reason: 'it does not exist' }),
    kindOf,
    exists: (p) => kindOf(p) !== undefined,
    repositoryOf: (folder) => (folder.startsWith(root) ? root : undefined),
    *read(requests) {
      for (const r of requests) {
        const bytes = texts.get(r.path);
        if (!bytes) yield { problem: unreadableFile('it does not exist') };
        else if (bytes.length > r.maxBytes) yield { problem: fileTooLarge(bytes.length, r.maxBytes) };
        else yield { bytes };
      }
    },
  };
}
