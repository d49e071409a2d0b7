/**
 * `octopus-roles diff BASE [HEAD] [PATH...]` (SPEC section 8): what changed between two versions of the
 * model, in roles, teams and spaces, and per principal the grants gained and lost. A version is a git
 * revision of the repository the current folder is in (read with git itself: nothing is checked out) or a
 * folder; HEAD defaults to the working tree.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigSet, configOf, excludedBy, MAX_CONFIG_SIZE, readConfig } from '../node/configs';
import { pathToUri, uriToPath } from '../node/project';
import { ensureTerraform } from '../node/terraform';
import { CONFIG_FILE_NAME, isTerraformPath, kindOfPath, mergeSettings, needsTerraformGrammar, Workspace, accessNotes, compareModels, type DiffSide, type ModelIndex, type Settings } from '../service';
import { errorCount, parseAccessArgs } from './access';
import { grantJson, noteJson, type Places } from './access-output';
import { UsageError } from './args';
import { diffText, diffMarkdown } from './diff-output';
import { loadPaths } from './load';
import { display, printable } from './output';

export interface DiffIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export const DIFF_USAGE = `Usage: octopus-roles diff BASE [HEAD] [PATH...] [options]

Compares two versions of the access model: what changed in roles, teams and spaces, and for every team,
user and external group what it gained and lost, by contexts: a gain is an environment, project, tenant...
that some restriction record admits after and none admitted before (a widened restriction gains the new
values); records split differently over the same contexts are no change.
BASE and HEAD are git revisions of the repository the current folder is in (read with git, nothing is
checked out), or folders; HEAD defaults to the working tree. After a revision BASE, a second argument is
HEAD when it is a revision, and a PATH otherwise; PATHs limit both sides to those files and folders.

Options:
  --format text|json|markdown   output format (default: text; markdown for a pull-request comment)
  --config FILE                 configuration for both sides, instead of the configuration files each has
  -h, --help                    show this help

Exit status: 0 nobody's access changed, 3 someone's did, 1 either side has errors, 2 bad usage.`;

/** One side of the comparison, loaded: what the service compares (`DiffSide`), and how to show and check it. */
export interface Side extends DiffSide {
  readonly label: string;
  readonly settingsFor: (uri: string) => Settings;
}

const MAX_FILE = 2 * 1024 * 1024;

function git(cwd: string, args: readonly string[], input?: string): Buffer {
  return execFileSync('git', args, { cwd, input, maxBuffer: 1024 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** True when `rev` names a commit of the repository at `cwd`. */
function isRevision(cwd: string, rev: string): boolean {
  if (rev.startsWith('-')) return false;
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0;
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** One blob of a revision's tree, as `git ls-tree --long` lists it. */
interface TreeEntry {
  readonly id: string;
  /** Its path, relative to the folder the listing was made in. */
  readonly file: string;
  readonly size: number;
}

/** The blobs of `rev` under `paths` (relative to `cwd`), or of its whole tree with `fullTree`; links are left out. */
function listTree(cwd: string, rev: string, paths: readonly string[], fullTree = false): TreeEntry[] {
  const args = ['ls-tree', '-r', '-z', '--long', ...(fullTree ? ['--full-tree'] : []), rev, ...(fullTree ? [] : ['--', ...(paths.length ? paths : ['.'])])];
  const entries: TreeEntry[] = [];
  for (const line of git(cwd, args).toString('utf8').split('\0')) {
    const m = /^(\d+) blob ([0-9a-f]+)\s+(\d+|-)\t(.*)$/s.exec(line);
    if (!m || m[1] === '120000') continue; // links are not followed in a revision
    entries.push({ id: m[2], file: m[4], size: Number(m[3]) });
  }
  return entries;
}

/** The contents of blobs, in one `git cat-file --batch`. */
function readBlobs(cwd: string, ids: readonly string[]): Buffer[] {
  if (ids.length === 0) return [];
  const out = git(cwd, ['cat-file', '--batch'], ids.join('\n') + '\n');
  const blobs: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    const header = out.indexOf(10, at);
    const size = Number(out.subarray(at, header).toString('latin1').split(' ')[2]);
    blobs.push(out.subarray(header + 1, header + 1 + size));
    at = header + 1 + size + 1;
  }
  return blobs;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The role, team and space files of a revision under `paths`, read with `git ls-tree` and `git cat-file
 * --batch`, with the configuration files the revision has (from the repository's root down, as `check`
 * reads them from disk), or `config` (`--config`) for every file when given.
 */
async function loadRevision(cwd: string, rev: string, paths: readonly string[], io: DiffIO, config: string | undefined, reuse?: ModelIndex): Promise<Side> {
  // The repository's root in the same form as cwd (no link resolved), from cwd's place in it.
  const prefix = git(cwd, ['rev-parse', '--show-prefix']).toString('utf8').trim();
  const top = path.resolve(cwd, ...prefix.split('/').filter(Boolean).map(() => '..'));
  const configs = new ConfigSet();
  const fixed = config === undefined ? undefined : readConfig(path.resolve(cwd, config), undefined);
  if (!fixed) {
    const found = listTree(cwd, rev, [], true).filter((e) => path.posix.basename(e.file) === CONFIG_FILE_NAME && e.size <= MAX_CONFIG_SIZE);
    readBlobs(cwd, found.map((e) => e.id)).forEach((blob, i) => {
      try {
        configs.add(configOf(path.resolve(top, found[i].file), decoder.decode(blob)));
      } catch {
        io.stderr(`octopus-roles: ${rev}:${printable(found[i].file)}: configuration skipped, not UTF-8 text\n`);
      }
    });
  }
  const chainOf = (file: string) => (fixed ? [fixed] : configs.chain(path.dirname(file), top));
  const settings = new Map<string, Settings>();
  const settingsOf = (file: string): Settings => {
    const dir = path.dirname(file);
    let s = settings.get(dir);
    if (!s) settings.set(dir, (s = mergeSettings(...chainOf(file).map((c) => c.keys))));
    return s;
  };
  const entries: (TreeEntry & { abs: string })[] = [];
  for (const e of listTree(cwd, rev, paths)) {
    const file = e.file;
    if (!kindOfPath(file) || file.split('/').slice(0, -1).some((s) => s === 'node_modules' || s.startsWith('.'))) continue;
    const abs = path.resolve(cwd, file);
    if (excludedBy(chainOf(abs), abs)) continue;
    if (isTerraformPath(file) && settingsOf(abs).terraform === false) continue;
    if (e.size > MAX_FILE) {
      io.stderr(`octopus-roles: ${rev}:${printable(file)}: skipped, over ${MAX_FILE} bytes\n`);
      continue;
    }
    entries.push({ ...e, abs });
  }
  const ws = new Workspace();
  if (reuse) ws.reuseModels(reuse);
  const texts: { uri: string; text: string; file: string }[] = [];
  readBlobs(cwd, entries.map((e) => e.id)).forEach((body, i) => {
    const e = entries[i];
    try {
      texts.push({ uri: pathToUri(e.abs), text: decoder.decode(body).replace(/^\uFEFF/, ''), file: e.file });
    } catch {
      io.stderr(`octopus-roles: ${rev}:${printable(e.file)}: skipped, not UTF-8 text\n`);
    }
  });
  // Terraform files are read with the grammar, loaded once when the first file needs it (as the loader does).
  let grammar = true;
  if (texts.some((t) => needsTerraformGrammar(t.uri, t.text))) {
    try {
      await ensureTerraform();
    } catch {
      grammar = false;
    }
  }
  for (const t of texts) {
    if (!grammar && needsTerraformGrammar(t.uri, t.text)) {
      io.stderr(`octopus-roles: ${rev}:${printable(t.file)}: skipped, the Terraform grammar could not be loaded\n`);
      continue;
    }
    ws.setFile(t.uri, t.text);
  }
  return { label: rev, ws, settingsFor: (uri) => settingsOf(uriToPath(uri) ?? uri), display: (uri) => display(uriToPath(uri) ?? uri, cwd) };
}

async function loadFolder(label: string, root: string, paths: readonly string[], io: DiffIO, config: string | undefined, reuse?: ModelIndex): Promise<Side | 2> {
  const loaded = await loadPaths(paths.length ? paths.map((p) => path.resolve(root, p)) : [root], io, { config, prepare: reuse ? (p) => p.ws.reuseModels(reuse) : undefined });
  if (loaded === 2) return 2;
  const { project } = loaded;
  return { label, ws: project.ws, settingsFor: (uri) => project.settingsFor(uri), display: (uri) => display(uriToPath(uri) ?? uri, root) };
}

/** Runs `diff`; returns the exit status. */
export async function runDiff(args: readonly string[], io: DiffIO): Promise<number> {
  let base: Side | 2;
  let head: Side | 2;
  let format: string;
  try {
    const options = parseAccessArgs(args, ['text', 'json', 'markdown'], false);
    if (options.help) {
      io.stdout(DIFF_USAGE + '\n');
      return 0;
    }
    format = options.format;
    const [first, ...rest] = options.positionals;
    if (first === undefined) throw new UsageError('missing BASE: a git revision or a folder');
    const baseFolder = path.resolve(io.cwd, first);
    if (isFolder(baseFolder)) {
      const second = rest[0];
      if (second !== undefined && isFolder(path.resolve(io.cwd, second))) {
        base = await loadFolder(first, baseFolder, rest.slice(1), io, options.config);
        head = await loadFolder(second, path.resolve(io.cwd, second), rest.slice(1), io, options.config);
      } else {
        base = await loadFolder(first, baseFolder, rest, io, options.config);
        head = await loadFolder('working tree', io.cwd, rest, io, options.config);
      }
    } else if (isRevision(io.cwd, first)) {
      const second = rest[0];
      if (second !== undefined && !isFolder(path.resolve(io.cwd, second)) && isRevision(io.cwd, second)) {
        base = await loadRevision(io.cwd, first, rest.slice(1), io, options.config);
        head = await loadRevision(io.cwd, second, rest.slice(1), io, options.config, base.ws);
      } else {
        base = await loadRevision(io.cwd, first, rest, io, options.config);
        head = await loadFolder('working tree', io.cwd, rest, io, options.config, base.ws);
      }
    } else {
      throw new UsageError(`\`${first}\` is neither a folder nor a revision of the git repository here`);
    }
  } catch (err) {
    if (!(err instanceof UsageError)) {
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      io.stderr(`octopus-roles: git: ${printable(message)}\n`);
      return 2;
    }
    io.stderr(`octopus-roles: ${err.message}\n\n${DIFF_USAGE}\n`);
    return 2;
  }
  if (base === 2 || head === 2) return 2;
  return printDiff(base, head, format, io);
}

/**
 * Prints the comparison of two sides in `format` (text, json or markdown) and returns the exit status:
 * 1 when either side has errors, 3 when someone's access changed, 0 otherwise. `diff --live` shares it.
 */
export function printDiff(base: Side, head: Side, format: string, io: DiffIO): number {
  const result = compareModels(base, head);
  const baseAt = sidePlaces(base);
  const headAt = sidePlaces(head);
  const notesOf = (side: Side) => (side.modules === false ? [] : accessNotes(side.ws));
  const notes = { base: notesOf(base), head: notesOf(head) };
  if (format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          objects: result.objects,
          access: result.access.map((a) => ({
            principal: a.principal,
            gains: a.gains.map((g) => grantJson(g, headAt)),
            losses: a.losses.map((g) => grantJson(g, baseAt)),
          })),
          ...(notes.base.length || notes.head.length ? { notes: { base: notes.base.map((n) => noteJson(n, baseAt)), head: notes.head.map((n) => noteJson(n, headAt)) } } : {}),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const sides = { base: { label: base.label, places: baseAt, notes: notes.base }, head: { label: head.label, places: headAt, notes: notes.head } };
    io.stdout(format === 'markdown' ? diffMarkdown(result, sides) : diffText(result, sides));
  }
  const errors = [base, head].map((s) => errorCount(s.ws, s.settingsFor));
  if (errors.some((n) => n > 0)) {
    io.stderr(`octopus-roles: ${errors[0]} error${errors[0] === 1 ? '' : 's'} in ${printable(base.label)}, ${errors[1]} in ${printable(head.label)} (see octopus-roles check)\n`);
    return 1;
  }
  return result.access.length ? 3 : 0;
}

/** How a side shows its files and modules: paths relative to its root. */
function sidePlaces(side: Side): Places {
  return {
    where: (uri) => (uri ? { file: side.display(uri), lines: side.ws.lines(uri) } : {}),
    module: (module) => side.display(module).replace(/\/+$/, '') || '.',
  };
}
