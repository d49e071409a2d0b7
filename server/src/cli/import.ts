/**
 * `octopus-roles import --from DIR [--out DIR] [--dry-run] [--force]` (SPEC section 10): role, team and space
 * files from the JSON a server's API returned. The conversion is bridge/ (no file system there); this module
 * reads the dump, and writes the files all or nothing, never over an existing file without --force.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { readDump, type Dump } from '../bridge/api';
import { convertDump } from '../bridge/convert';
import type { Imported } from '../bridge/model';
import { importFiles, REPORT_FILE } from '../bridge/yaml';
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

/** Reads every file below `dir` (skipping dot-folders and node_modules) as text. */
export function readDumpFolder(dir: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const walk = (folder: string, rel: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(folder, entry.name);
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') walk(full, name);
      } else if (entry.isFile()) out.push({ name, text: readFileSync(full, 'utf8') });
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
  const { dump, problems } = readDump(readDumpFolder(from));
  for (const p of problems) io.stderr(`octopus-roles: ${printable(p)}\n`);
  if (!hasModel(dump)) {
    io.stderr(`octopus-roles: ${printable(o.from!)}: no user roles, teams or spaces in the dump; nothing written\n`);
    return 1;
  }
  return writeImport(convertDump(dump), path.resolve(io.cwd, o.out ?? '.'), o, io);
}
