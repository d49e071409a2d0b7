/**
 * `octopus-roles import --from DIR [--out DIR] [--dry-run] [--force]` (SPEC section 10): role, team and space
 * files from the JSON a server's API returned. The conversion is bridge/ (no file system there); this module
 * reads the dump, and writes the files all or nothing, never over an existing file without --force.
 */
import { closeSync, constants, type Dirent, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { MAX_DUMP_BYTES, MAX_DUMP_FILE_BYTES, readDump, type Dump } from '../bridge/api';
import { convertDump } from '../bridge/convert';
import type { Imported } from '../bridge/model';
import { importFiles, REPORT_FILE } from '../bridge/yaml';
import { ioReason } from '../node/files';
import { formatBytes } from '../service';
import { optionsOr, UsageError, walkArgs } from './args';
import { display, printable } from './output';
import { notWritten, writeFiles, type FileSet } from './write';

export interface ImportIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export const IMPORT_USAGE = `Usage: octopus-roles import --from DIR [--out DIR] [--dry-run] [--force]

Writes role, team and space files from the JSON an Octopus server's API returned: the files in DIR (any
names; bare arrays, pages or single resources of user roles, teams, scoped user roles, spaces, users,
environments, projects, project groups and tenants). Ids become names; .octopus-roles/import-map.json keeps
the ids and .octopus-roles/import-report.txt says what could not be carried over.

Options:
  --from DIR    the dump (required)
  --out DIR     where to write (default: the current folder)
  --dry-run     print the files it would write, write nothing
  --force       replace files that exist (a link there is replaced, never written through)
  -h, --help    show this help

Exit status: 0 written, 1 nothing usable in the dump, a file exists (without --force) or a file cannot be
written (then none is), 2 bad usage.`;

/** Why a dump cannot be read at all (a file or the whole over its size limit); the message is for the user. */
export class DumpError extends Error {}

/** Limits for reading a dump folder; the defaults are MAX_DUMP_FILE_BYTES and MAX_DUMP_BYTES. */
export interface DumpLimits {
  readonly fileBytes: number;
  readonly totalBytes: number;
}

/**
 * Open flags for a dump file: never block on a named pipe or a device, never follow a link put in place of
 * the file since the folder was listed.
 */
const DUMP_READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * Reads one dump file as text with one open, fstat, read and close: undefined when it is not a regular
 * file; its size when that is over `limit` (checked before reading, and again on what was read, for a file
 * that grows meanwhile), so that no file larger than a string can hold is ever read.
 */
function readDumpFile(full: string, limit: number): { text: string; bytes: number } | { over: number } | undefined {
  const fd = openSync(full, DUMP_READ_FLAGS);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    if (stat.size > limit) return { over: stat.size };
    const buffer = Buffer.allocUnsafe(stat.size + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > limit) return { over: length };
    return { text: buffer.toString('utf8', 0, length), bytes: length };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads every regular file below `dir` (skipping dot-folders, node_modules and symbolic links) as text.
 * Throws DumpError when a file cannot be read, or a file or all of them together pass the limits: nothing
 * of such a dump is used.
 */
export function readDumpFolder(dir: string, limits: DumpLimits = { fileBytes: MAX_DUMP_FILE_BYTES, totalBytes: MAX_DUMP_BYTES }): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  let total = 0;
  const read = (full: string, name: string) => {
    let file: ReturnType<typeof readDumpFile>;
    try {
      file = readDumpFile(full, Math.min(limits.fileBytes, limits.totalBytes - total));
    } catch (err) {
      throw new DumpError(`cannot read ${name}: ${ioReason(err)}`);
    }
    if (file === undefined) return;
    if ('over' in file) {
      if (file.over > limits.fileBytes) throw new DumpError(`${name} is ${formatBytes(file.over)}, over the limit of ${formatBytes(limits.fileBytes)} for one dump file; split it into several files (import reads any names)`);
      throw new DumpError(`the dump's files pass ${formatBytes(limits.totalBytes)} together at ${name}, the most one import reads`);
    }
    total += file.bytes;
    out.push({ name, text: file.text });
  };
  const walk = (folder: string, rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!rel && (code === 'ENOENT' || code === 'ENOTDIR')) throw new DumpError('no such folder');
      throw new DumpError(`cannot read the folder ${rel || '.'}: ${ioReason(err)}`);
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') walk(path.join(folder, entry.name), name);
      } else if (entry.isFile()) read(path.join(folder, entry.name), name);
    }
  };
  walk(dir, '');
  return out;
}

export interface WriteOptions {
  readonly dryRun: boolean;
  readonly force: boolean;
}

/**
 * Writes an import into `out`, and `also` in the same run (pull's --save-json): every file or none
 * (cli/write.ts), never over an existing file or link without `force`, never through a link. Returns 1
 * with a message when nothing was written; prints the summary on stderr.
 */
export function writeImport(imported: Imported, out: string, options: WriteOptions, io: ImportIO, also: readonly FileSet[] = []): number {
  const files = importFiles(imported);
  const shown = (file: string) => printable(display(file, io.cwd));
  if (options.dryRun) {
    for (const [rel, text] of files) io.stdout(`--- ${shown(path.join(out, rel))} (${Buffer.byteLength(text)} bytes)\n${text}`);
  } else {
    const outcome = writeFiles([{ out, files }, ...also], { force: options.force });
    if (outcome.kind !== 'written') {
      io.stderr(notWritten(outcome, shown));
      return 1;
    }
  }
  const modified = imported.roles.filter((r) => r.builtIn).length;
  const custom = imported.roles.length - modified;
  io.stderr(
    `octopus-roles: ${options.dryRun ? 'would write' : 'wrote'} ${custom} role${custom === 1 ? '' : 's'}` +
      `${modified ? ` and ${modified} modified built-in role${modified === 1 ? '' : 's'}` : ''}, ${imported.teams.length} team${imported.teams.length === 1 ? '' : 's'}, ` +
      `${imported.spaces.length} space${imported.spaces.length === 1 ? '' : 's'}; ${imported.report.length} thing${imported.report.length === 1 ? '' : 's'} not carried over` +
      `${imported.report.length ? ` (see ${shown(path.join(out, REPORT_FILE))})` : ''}\n`,
  );
  for (const line of imported.report.slice(0, 20)) io.stderr(`  ${printable(line)}\n`);
  if (imported.report.length > 20) io.stderr(`  ... and ${imported.report.length - 20} more\n`);
  return 0;
}

/** True when the dump holds anything the model is made of. */
export function hasModel(dump: Dump): boolean {
  return dump.userRoles.length + dump.teams.length + dump.spaces.length > 0;
}

function parse(args: readonly string[]): { from?: string; out?: string; dryRun: boolean; force: boolean; help: boolean } {
  const o = { from: undefined as string | undefined, out: undefined as string | undefined, dryRun: false, force: false, help: false };
  walkArgs(
    args,
    (flag, value) => {
      if (flag === '--from') o.from = value();
      else if (flag === '--out') o.out = value();
      else if (flag === '--dry-run') o.dryRun = true;
      else if (flag === '--force') o.force = true;
      else if (flag === '-h' || flag === '--help') o.help = true;
      else return false;
      return true;
    },
    (arg) => {
      throw new UsageError(`unknown argument \`${arg}\``);
    },
  );
  return o;
}

/** Runs `import`; returns the exit status. */
export async function runImport(args: readonly string[], io: ImportIO): Promise<number> {
  const o = optionsOr(
    () => {
      const parsed = parse(args);
      if (!parsed.help && parsed.from === undefined) throw new UsageError('missing --from DIR: the folder of JSON files the API returned');
      return parsed;
    },
    IMPORT_USAGE,
    io,
  );
  if (typeof o === 'number') return o;
  const from = path.resolve(io.cwd, o.from!);
  let isDir = false;
  try {
    isDir = statSync(from).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    io.stderr(`octopus-roles: ${printable(o.from!)}: no such folder\n`);
    return 2;
  }
  let files: { name: string; text: string }[];
  try {
    files = readDumpFolder(from);
  } catch (err) {
    if (!(err instanceof DumpError)) throw err;
    io.stderr(`octopus-roles: ${printable(o.from!)}: ${printable(err.message)}; nothing written\n`);
    return 1;
  }
  const { dump, problems } = readDump(files);
  for (const p of problems) io.stderr(`octopus-roles: ${printable(p)}\n`);
  if (!hasModel(dump)) {
    io.stderr(`octopus-roles: ${printable(o.from!)}: no user roles, teams or spaces in the dump; nothing written\n`);
    return 1;
  }
  return writeImport(convertDump(dump), path.resolve(io.cwd, o.out ?? '.'), o, io);
}
