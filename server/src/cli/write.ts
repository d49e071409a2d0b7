/**
 * Writing a fixed file for `check --fix` so that no data is lost and the write cannot be redirected
 * (SPEC section 7). Every step works on a file descriptor or a real path checked just before, never on a
 * path an attacker could swap for a link in between:
 *
 * - the file must resolve inside the workspace (a link whose target is outside is skipped), be a regular
 *   file, not read-only, writable by us, and still hold exactly the text that was checked;
 * - normally the new text goes to a temporary file beside the real file, with an unpredictable name,
 *   created exclusively (O_EXCL, O_NOFOLLOW: never through a planted link), given the original's mode
 *   (fchmod, so the umask has no say) and owner, flushed, and renamed over it: a crash leaves the old file
 *   or the new one, never half of either;
 * - a file with more than one hard link, or whose owner we could not give the temporary file, is written
 *   in place instead (one write and a truncate on the same descriptor), because a rename would give it a
 *   new inode or a new owner; so is a writable file in a folder where we may not create one.
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
  lstatSync,
  openSync,
  readSync,
  renameSync,
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
  const temp = path.join(path.dirname(real), `.${path.basename(real)}.${randomBytes(9).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
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
