/**
 * The one writer of files for every command that writes (SPEC sections 7 and 10): `check --fix`
 * (`writeFixed`, one file at a time) and `import`, `pull` (with `--save-json`) and `export` (`writeFiles`,
 * a run of files, all or none). No write can be redirected by a link, and no data is lost:
 *
 * - every new text goes to a temporary file with an unpredictable name (72 random bits), created
 *   exclusively (O_EXCL, O_NOFOLLOW: never through a planted file or link), flushed, and renamed or linked
 *   into place: a crash leaves the old file or the new one, never half of either;
 * - `writeFixed` works on a file descriptor or a real path checked just before, never on a path an attacker
 *   could swap for a link in between: the file must resolve inside the workspace (a link whose target is
 *   outside is skipped), be a regular file, not read-only, writable by us, and still hold exactly the text
 *   that was checked. The temporary file gets the original's mode (fchmod, so the umask has no say) and
 *   owner. A file with more than one hard link, or whose owner we could not give the temporary file, is
 *   written in place instead (one write and a truncate on the same descriptor), because a rename would give
 *   it a new inode or a new owner; so is a writable file in a folder where we may not create one;
 * - `writeFiles` looks at every destination with lstat, never through a link: a folder below the output
 *   folder that is a symbolic link is refused (only the output folder as the user named it may be one), an
 *   existing destination (a file or a link, a dangling one too) is replaced only with `force`, and then the
 *   link itself is replaced, never written through. It writes every temporary file first and puts them in
 *   place after; if any step fails it removes what the run made and puts back what it replaced.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
  type BigIntStats,
} from 'node:fs';
import * as path from 'node:path';
import { ioReason, isInside, realPath } from '../node/files';

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** What the writer may touch: the real paths of the workspace's folders. */
export interface WriteScope {
  readonly roots: readonly string[];
}

/**
 * Writes `text` over `file` if it still holds `checked`, keeping a byte-order mark, links, inode, mode
 * and owner. Returns why it did not write, or undefined when it did.
 */
export function writeFixed(file: string, checked: string, text: string, scope: WriteScope): string | undefined {
  const real = realPath(file);
  if (typeof real !== 'string') return real.reason;
  if (!scope.roots.some((root) => isInside(real, root))) {
    return isLink(file) ? `it is a symbolic link to ${real}, outside the workspace; fix the target there` : `it resolves to ${real}, outside the workspace`;
  }
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (err) {
    return ioReason(err);
  }
  let stat: BigIntStats;
  let bytes: Buffer;
  try {
    stat = fstatSync(fd, { bigint: true });
    if (!stat.isFile()) return 'it is not a regular file';
    if ((Number(stat.mode) & 0o222) === 0) return 'it is read-only; make it writable to fix it';
    try {
      accessSync(real, constants.W_OK);
    } catch {
      return 'you may not write it (permission denied)';
    }
    bytes = readAll(fd, Number(stat.size));
  } catch (err) {
    return ioReason(err);
  } finally {
    closeSync(fd);
  }
  if (!holds(bytes, checked)) return 'it changed after it was checked; run the checker again';
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const out = Buffer.from((bom ? '\ufeff' : '') + text, 'utf8');
  try {
    if (stat.nlink > 1n || !replace(real, out, stat)) inPlace(real, out, stat);
    return undefined;
  } catch (err) {
    return ioReason(err);
  }
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function holds(bytes: Buffer, checked: string): boolean {
  try {
    return decoder.decode(bytes) === checked;
  } catch {
    return false;
  }
}

function readAll(fd: number, size: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.max(size - total, 0) + 1);
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
  }
  return Buffer.concat(chunks, total);
}

/**
 * Creates a new, empty temporary file beside `file`, named `.NAME.RANDOM.tmp` with 72 random bits, only if
 * nothing is at that name (O_EXCL) and never through a link (O_NOFOLLOW). `mode` is subject to the umask.
 */
function createTemp(file: string, mode: number): { fd: number; file: string } {
  const temp = siblingName(file, 'tmp');
  return { fd: openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, mode), file: temp };
}

/** An unpredictable hidden name beside `file`, ending in `.SUFFIX`. */
function siblingName(file: string, suffix: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(9).toString('hex')}.${suffix}`);
}

function writeAll(fd: number, bytes: Buffer): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, done);
}

/** True when the file at `real` is still the one `stat` describes (same inode, same size and time). */
function unchanged(real: string, stat: BigIntStats): boolean {
  try {
    const now = lstatSync(real, { bigint: true });
    return now.ino === stat.ino && now.dev === stat.dev && now.size === stat.size && now.mtimeNs === stat.mtimeNs;
  } catch {
    return false;
  }
}

/**
 * Writes `out` to a new temporary file beside `real` and renames it over `real`. False, with nothing
 * changed, when no temporary file can be made there or given the original's owner: the caller writes in
 * place.
 */
function replace(real: string, out: Buffer, stat: BigIntStats): boolean {
  let fd: number;
  let temp: string;
  try {
    ({ fd, file: temp } = createTemp(real, 0o600));
  } catch (err) {
    // A folder we may not create files in, holding a file we may write: write that file in place.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return false;
    throw err;
  }
  let renamed = false;
  try {
    const own = fstatSync(fd, { bigint: true });
    if (own.uid !== stat.uid || own.gid !== stat.gid) {
      try {
        fchownSync(fd, Number(stat.uid), Number(stat.gid));
      } catch {
        return false;
      }
    }
    fchmodSync(fd, Number(stat.mode) & 0o7777);
    writeAll(fd, out);
    fsyncSync(fd);
    if (!unchanged(real, stat)) throw new Error('it changed while it was being fixed; run the checker again');
    renameSync(temp, real);
    renamed = true;
    return true;
  } finally {
    closeSync(fd);
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
    }
  }
}

/** Overwrites the file on its own descriptor: same inode, owner and mode. */
function inPlace(real: string, out: Buffer, stat: BigIntStats): void {
  const fd = openSync(real, constants.O_WRONLY | NOFOLLOW | NONBLOCK);
  try {
    const now = fstatSync(fd, { bigint: true });
    if (now.ino !== stat.ino || now.dev !== stat.dev || now.size !== stat.size || now.mtimeNs !== stat.mtimeNs) {
      throw new Error('it changed while it was being fixed; run the checker again');
    }
    writeAll(fd, out);
    ftruncateSync(fd, out.length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The files a command writes into one output folder. */
export interface FileSet {
  /**
   * The output folder as the user named it, absolute. It may itself be a symbolic link (its target is the
   * folder written to), and the folders above it are the user's path; below it, no link is followed.
   */
  readonly out: string;
  /** Paths relative to `out`, with `/` between folders, to their text. */
  readonly files: ReadonlyMap<string, string>;
}

/** A step of `writeFiles` that changes the disk. */
export type WriteStep = 'mkdir' | 'temp' | 'place';

export interface WriteFilesOptions {
  /** Replace a file or link that is at a destination (never a folder). */
  readonly force: boolean;
  /** A test seam: called before each step that changes the disk; a throw fails the run at that step. */
  readonly beforeStep?: (step: WriteStep, file: string) => void;
}

/**
 * What `writeFiles` did, with paths under the output folder as the user named it. In every case but
 * `written` the disk is as it was, except what `left` names (what could not be removed or put back).
 */
export type WriteOutcome =
  | { readonly kind: 'written'; readonly files: readonly string[] }
  | { readonly kind: 'exists'; readonly files: readonly string[] }
  | { readonly kind: 'refused'; readonly file: string; readonly why: string }
  | { readonly kind: 'failed'; readonly file: string; readonly why: string; readonly left: readonly string[] };

/** A folder the run writes into: one that was there (with its identity) or one it creates. */
interface Folder {
  readonly real: string;
  readonly shown: string;
  readonly create: boolean;
  id?: { dev: bigint; ino: bigint };
  made?: boolean;
}

/** One destination and how far the run has got with it. */
interface Target {
  readonly real: string;
  readonly shown: string;
  readonly bytes: Buffer;
  /** What is at the destination now, which `force` replaces. */
  readonly old?: 'file' | 'link';
  temp?: string;
  ino?: bigint;
  /** The old entry's second name while the run is under way; `moved` when the destination lost it. */
  backup?: { readonly file: string; readonly moved: boolean };
  placed?: boolean;
}

interface Plan {
  readonly folders: Map<string, Folder>;
  readonly targets: Map<string, Target>;
  readonly existing: string[];
}

/** Why a run must not be written, found before anything was. */
class Refusal extends Error {
  constructor(
    readonly file: string,
    readonly why: string,
  ) {
    super(why);
  }
}

/** Error codes of file systems without hard links, where the writer falls back to rename. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Writes every file of `sets`, or none. Everything is checked first: no folder below an output folder may
 * be a symbolic link, and an existing destination (a file, a link, a dangling one too) is refused without
 * `force`. Then every text goes to its temporary file, the folders are checked again, and the files are
 * put in place: a new file by a hard link from its temporary name (which fails if anything appeared at the
 * destination since), a replaced one by rename, its old entry kept under a second name until the end. If
 * any step fails, the run is undone: files put in place are removed (or the old ones put back), temporary
 * files and the folders the run made are removed.
 */
export function writeFiles(sets: readonly FileSet[], options: WriteFilesOptions): WriteOutcome {
  const plan: Plan = { folders: new Map(), targets: new Map(), existing: [] };
  try {
    for (const set of sets) planSet(set, plan);
  } catch (err) {
    if (err instanceof Refusal) return { kind: 'refused', file: err.file, why: err.why };
    throw err;
  }
  if (plan.existing.length && !options.force) return { kind: 'exists', files: plan.existing };
  const step = options.beforeStep ?? (() => undefined);
  let current = '';
  try {
    for (const folder of plan.folders.values()) {
      current = folder.shown;
      if (folder.create) makeFolder(folder, step);
    }
    for (const target of plan.targets.values()) {
      current = target.shown;
      step('temp', target.shown);
      writeTemp(target);
    }
    for (const folder of plan.folders.values()) {
      current = folder.shown;
      checkFolder(folder);
    }
    for (const target of plan.targets.values()) {
      current = target.shown;
      step('place', target.shown);
      place(target);
    }
  } catch (err) {
    return { kind: 'failed', file: current, why: writeReason(err), left: undo(plan) };
  }
  for (const target of plan.targets.values()) if (target.backup) removeQuietly(target.backup.file);
  return { kind: 'written', files: [...plan.targets.values()].map((t) => t.shown) };
}

/** Adds a set's folders and destinations to the plan; throws a Refusal for what must not be written. */
function planSet(set: FileSet, plan: Plan): void {
  const root = outputFolder(set.out, plan);
  for (const [rel, text] of set.files) {
    const parts = rel.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0') || p.includes(path.sep))) {
      throw new Refusal(path.join(set.out, rel), 'not a path inside the output folder');
    }
    let real = root;
    let shown = set.out;
    for (const part of parts.slice(0, -1)) {
      real = path.join(real, part);
      shown = path.join(shown, part);
      subFolder(real, shown, plan);
    }
    real = path.join(real, parts[parts.length - 1]);
    shown = path.join(shown, parts[parts.length - 1]);
    if (plan.targets.has(real) || plan.folders.has(real)) throw new Refusal(shown, 'the run would write it twice');
    const old = entryAt(real, shown);
    if (old === 'folder') throw new Refusal(shown, 'a folder is there');
    if (old) plan.existing.push(shown);
    plan.targets.set(real, { real, shown, bytes: Buffer.from(text, 'utf8'), old });
  }
}

/**
 * The real path of the output folder `out` (a link there is followed: the user named it), adding it and
 * any missing folders above it to the plan. Throws a Refusal when it is not a folder.
 */
function outputFolder(out: string, plan: Plan): string {
  let stat: BigIntStats;
  try {
    stat = statSync(out, { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Refusal(out, folderReason(err));
    if (isLink(out)) throw new Refusal(out, 'a symbolic link to a folder that does not exist');
    const parent = path.dirname(out);
    if (parent === out) throw new Refusal(out, 'no such folder');
    const real = path.join(outputFolder(parent, plan), path.basename(out));
    if (plan.targets.has(real)) throw new Refusal(out, 'the run would write a file there and a folder too');
    if (!plan.folders.has(real)) plan.folders.set(real, { real, shown: out, create: true });
    return real;
  }
  if (!stat.isDirectory()) throw new Refusal(out, 'not a folder');
  let real: string;
  try {
    real = realpathSync.native(out);
  } catch (err) {
    throw new Refusal(out, folderReason(err));
  }
  if (!plan.folders.has(real)) plan.folders.set(real, { real, shown: out, create: false, id: { dev: stat.dev, ino: stat.ino } });
  return real;
}

/** Adds a folder below an output folder to the plan: one that is there must be a folder, never a link. */
function subFolder(real: string, shown: string, plan: Plan): void {
  if (plan.folders.has(real)) return;
  if (plan.targets.has(real)) throw new Refusal(shown, 'the run would write a file there and a folder too');
  let stat: BigIntStats;
  try {
    stat = lstatSync(real, { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Refusal(shown, folderReason(err));
    plan.folders.set(real, { real, shown, create: true });
    return;
  }
  if (stat.isSymbolicLink()) throw new Refusal(shown, 'a symbolic link; no file is written through a link below the output folder');
  if (!stat.isDirectory()) throw new Refusal(shown, 'not a folder');
  plan.folders.set(real, { real, shown, create: false, id: { dev: stat.dev, ino: stat.ino } });
}

/** What is at a destination, seen with lstat: nothing, a file (or anything else), a link or a folder. */
function entryAt(real: string, shown: string): 'file' | 'link' | 'folder' | undefined {
  try {
    const stat = lstatSync(real);
    return stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'folder' : 'file';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Refusal(shown, folderReason(err));
  }
}

function makeFolder(folder: Folder, step: (s: WriteStep, file: string) => void): void {
  step('mkdir', folder.shown);
  mkdirSync(folder.real);
  folder.made = true;
  const stat = lstatSync(folder.real, { bigint: true });
  folder.id = { dev: stat.dev, ino: stat.ino };
}

/** The folder is still the one planned or made: not swapped for a link or another folder since. */
function checkFolder(folder: Folder): void {
  let now: BigIntStats | undefined;
  try {
    now = lstatSync(folder.real, { bigint: true });
  } catch {
    now = undefined;
  }
  if (!now || !now.isDirectory() || now.dev !== folder.id?.dev || now.ino !== folder.id.ino) {
    throw new Error('it changed while the files were being written (it is no longer the folder that was checked); run again');
  }
}

function writeTemp(target: Target): void {
  const { fd, file } = createTemp(target.real, 0o666);
  target.temp = file;
  try {
    writeAll(fd, target.bytes);
    fsyncSync(fd);
    target.ino = fstatSync(fd, { bigint: true }).ino;
  } finally {
    closeSync(fd);
  }
}

/**
 * Puts a written temporary file in place. A new file is linked to its destination, which fails if
 * anything (a file, a link) appeared there since it was checked; a replaced one keeps its old entry under
 * a second name, so that the run can be undone, and is renamed over it: the link itself is replaced,
 * never written through.
 */
function place(target: Target): void {
  const temp = target.temp!;
  if (target.old === undefined) {
    try {
      linkSync(temp, target.real);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') throw new Error('something was put there while the files were being written; run again');
      if (!NO_HARD_LINKS.has(code)) throw err;
      // A file system without hard links: look, then rename (which would replace what appeared in between).
      if (entryAt(target.real, target.shown)) throw new Error('something was put there while the files were being written; run again');
      renameSync(temp, target.real);
      target.temp = undefined;
      target.placed = true;
      return;
    }
    target.placed = true;
    unlinkSync(temp);
    target.temp = undefined;
    return;
  }
  target.backup = keepOld(target);
  renameSync(temp, target.real);
  target.temp = undefined;
  target.placed = true;
}

/** A second name for the entry at a destination: a hard link to a file, or the entry itself moved. */
function keepOld(target: Target): { file: string; moved: boolean } {
  const backup = siblingName(target.real, 'old');
  if (target.old === 'file') {
    try {
      linkSync(target.real, backup);
      return { file: backup, moved: false };
    } catch (err) {
      if (!NO_HARD_LINKS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    }
  }
  renameSync(target.real, backup);
  return { file: backup, moved: true };
}

/**
 * Undoes a failed run, last step first: a file put in place is removed (only if it is still the one this
 * run wrote) or the old entry is put back, temporary files go, and the folders the run made are removed
 * if empty. Returns what could not be undone.
 */
function undo(plan: Plan): string[] {
  const left: string[] = [];
  const attempt = (what: string, action: () => void) => {
    try {
      action();
    } catch {
      left.push(what);
    }
  };
  for (const target of [...plan.targets.values()].reverse()) {
    const backup = target.backup;
    if (backup && (target.placed || backup.moved)) attempt(target.shown, () => renameSync(backup.file, target.real));
    else if (backup) attempt(backup.file, () => unlinkSync(backup.file));
    else if (target.placed) {
      attempt(target.shown, () => {
        if (lstatSync(target.real, { bigint: true }).ino !== target.ino) throw new Error('not ours');
        unlinkSync(target.real);
      });
    }
    const temp = target.temp;
    if (temp) attempt(temp, () => removeQuietly(temp, true));
  }
  for (const folder of [...plan.folders.values()].reverse()) {
    if (folder.made) attempt(folder.shown, () => rmdirSync(folder.real));
  }
  return left;
}

/** Removes a file; one that is gone already is fine. Other failures throw only when `strict`. */
function removeQuietly(file: string, strict = false): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if (strict && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function folderReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  return ioReason(err);
}

function writeReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'EEXIST') return 'something is already at a temporary name';
  if (code === 'ENOENT') return 'a folder on the way no longer exists';
  return ioReason(err);
}

/**
 * The message for a run that wrote nothing (or the part of a failed run that could not be undone), one or
 * two lines for stderr; `show` gives a path as the user should see it (made printable by the caller).
 */
export function notWritten(outcome: Exclude<WriteOutcome, { kind: 'written' }>, show: (file: string) => string): string {
  switch (outcome.kind) {
    case 'exists': {
      const n = outcome.files.length;
      const names = outcome.files.slice(0, 5).map(show).join(', ') + (n > 5 ? ', ...' : '');
      return `octopus-roles: ${n} file${n === 1 ? '' : 's'} exist${n === 1 ? 's' : ''} already (${names}); nothing written. Use --force to replace ${n === 1 ? 'it' : 'them'}.\n`;
    }
    case 'refused':
      return `octopus-roles: ${show(outcome.file)}: ${outcome.why}; nothing written\n`;
    case 'failed':
      if (!outcome.left.length) return `octopus-roles: ${show(outcome.file)}: cannot write it: ${outcome.why}; nothing written (what the run had written is removed)\n`;
      return (
        `octopus-roles: ${show(outcome.file)}: cannot write it: ${outcome.why}; the run was undone except for: ` +
        `${outcome.left.map(show).join(', ')} (remove or restore these by hand)\n`
      );
  }
}
