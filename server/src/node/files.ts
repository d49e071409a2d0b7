/**
 * Reading one file from a workspace safely: the checker and the language server both read every role,
 * team, space and configuration file through `readSafely`. The language service itself never touches
 * the disk.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { fileTooLarge, unreadableFile, type Diagnostic } from '../service';

/** The outcome of reading one file: its text, or the diagnostic that explains why it is not analysed. */
export type ReadResult = { readonly text: string } | { readonly problem: Diagnostic };

/**
 * What names a file itself, so that a second path to it is known: on disk its device and inode
 * (`FileIds`), in a git revision its real path.
 */
export type FileId = number | string;

/** A file read from disk: `id` names the file itself (device and inode), so a second path to it is known. */
export type ReadOutcome = ({ readonly text: string } | { readonly problem: Diagnostic }) & { readonly id?: FileId };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Flags for opening a file to read: never block on a named pipe or a device (O_NONBLOCK; a regular
 * file's reads are unaffected), never make a terminal ours, and never follow a link in the last component
 * (callers pass the real path they checked, so a link swapped in since then fails instead of leading out).
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0) | (constants.O_NOFOLLOW ?? 0);

/** The outcome of reading one file's bytes; `id` names the file itself, so a second path to it is known. */
export type BytesOutcome = ({ readonly bytes: Uint8Array } | { readonly problem: Diagnostic }) & { readonly id?: FileId };

/** The most devices a `FileIds` numbers; files of others get string ids. */
const DEVICES_MAX = 16;

/**
 * Files' ids from their device and inode: one number where that is exact, the inode times 16 plus the
 * device's place among those seen. The project keeps one id per file (50,000 in a large workspace) as a
 * map key both ways, and a number below 2^31 (an inode below 134 million) is kept in the map's slot
 * itself, where a string `dev:ino` took 32 bytes. Beyond 16 devices, or past 2^53, `dev:ino` as a flat
 * string. Device and inode come as numbers: exact up to 2^53, far beyond what file systems hand out.
 */
export class FileIds {
  /** Devices seen, in order: a device's place here is part of its files' ids. */
  private readonly devices: number[] = [];

  of(dev: number, ino: number): FileId {
    let d = this.devices.indexOf(dev);
    if (d < 0 && this.devices.length < DEVICES_MAX) d = this.devices.push(dev) - 1;
    const id = ino * DEVICES_MAX + d;
    if (d >= 0 && Number.isSafeInteger(id)) return id;
    // Made flat at once: a concatenation would be kept as two pieces.
    const text = `${dev}:${ino}`;
    text.charCodeAt(0);
    return text;
  }
}

const fileIds = new FileIds();

/**
 * Reads a file as UTF-8 text with one open, fstat, read and close: `readBytesSafely`, then `decodeText`.
 */
export function readSafely(file: string, maxBytes: number): ReadOutcome {
  return decodeRead(readBytesSafely(file, maxBytes));
}

/** Decodes what a source read (`decodeText`), keeping the file's id. */
export function decodeRead(read: BytesOutcome): ReadOutcome {
  if ('problem' in read) return read;
  const decoded = decodeText(read.bytes);
  return read.id === undefined ? decoded : { id: read.id, ...decoded };
}

/**
 * Reads a file's bytes with one open, fstat, read and close. Only a regular file is read; one over
 * `maxBytes` is not read at all (`file-too-large`); I/O errors give `unreadable-file`. `file` should be a
 * real path (links resolved): a symbolic link in its last component is refused.
 */
export function readBytesSafely(file: string, maxBytes: number): BytesOutcome {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (err) {
    // The path was a real one when it was resolved; a link now means it was swapped since.
    const swapped = (err as NodeJS.ErrnoException).code === 'ELOOP';
    return { problem: unreadableFile(swapped ? 'it became a symbolic link while it was being read' : ioReason(err)) };
  }
  try {
    const stat = fstatSync(fd);
    const id = fileIds.of(stat.dev, stat.ino);
    if (!stat.isFile()) return { id, problem: unreadableFile(stat.isDirectory() ? 'it is a directory' : 'it is not a regular file') };
    const size = stat.size;
    if (size > maxBytes) return { id, problem: fileTooLarge(size, maxBytes) };
    // One byte more than the limit, so that a file that grew since fstat is still caught.
    const buffer = Buffer.allocUnsafe(Math.min(size, maxBytes) + 1);
    // Read until the size fstat gave (one read, normally) or the buffer is full, which means the file
    // grew; no extra read to see the end.
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length >= size && length < buffer.length) break;
    }
    if (length > maxBytes) return { id, problem: fileTooLarge(length, maxBytes) };
    return { id, bytes: buffer.subarray(0, length) };
  } catch (err) {
    return { problem: unreadableFile(ioReason(err)) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a workspace file by any path to it: resolves its links first (a dangling link or a loop is
 * `unreadable-file`), then reads the real file with `readSafely`.
 */
export async function readWorkspaceFile(file: string, maxFileSize: number): Promise<ReadResult> {
  const real = realPath(file);
  if (typeof real !== 'string') return { problem: unreadableFile(real.reason) };
  const read = readSafely(real, maxFileSize);
  return 'text' in read ? { text: read.text } : { problem: read.problem };
}

/** The real path of `p` (every link resolved, one system call), or why there is none. */
export function realPath(p: string): string | { reason: string } {
  try {
    return realpathSync.native(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? linkOrGone(p) : ioReason(err) };
  }
}

function linkOrGone(p: string): string {
  try {
    return lstatSync(p).isSymbolicLink() ? 'it is a symbolic link to a file that does not exist' : 'it no longer exists';
  } catch {
    return 'it no longer exists';
  }
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

/** Why an I/O call failed, in words. */
export function ioReason(err: unknown): string {
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
    case 'ENXIO':
      return 'it is not a regular file';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** True when the real path `real` is `root` or below it (both real paths). */
export function isInside(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
