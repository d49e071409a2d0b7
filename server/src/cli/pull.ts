/**
 * `octopus-roles pull --server URL [--api-key-env NAME] [--space NAME...] --out DIR [--save-json DIR]`
 * (SPEC section 10): the endpoints `import` reads, fetched from a running server, then imported exactly as
 * `import` does. The API key comes from an environment variable only. Everything is fetched before anything
 * is written, so a refused key, an unreachable server or a timeout leaves the disk as it was.
 */
import * as path from 'node:path';
import { idKey, isSystem, readDump } from '../bridge/api';
import { convertDump } from '../bridge/convert';
import { optionsOr, UsageError, walkArgs } from './args';
import { hasModel, writeImport, type ImportIO } from './import';
import { ApiClient, ApiError } from './octopus-api';
import { printable } from './output';
import type { FileSet } from './write';

export interface PullIO extends ImportIO {
  /** The environment the key is read from (the process's when absent). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const PULL_USAGE = `Usage: octopus-roles pull --server URL --out DIR [options]

Fetches the user roles, teams, scoped user roles, spaces, users, environments, projects, project groups and
tenants of an Octopus server (every page) and imports them as octopus-roles import does. The API key is
read from an environment variable, never from the command line.

Options:
  --server URL          the server, such as https://octopus.example.com (required)
  --out DIR             where to write the files (required)
  --api-key-env NAME    the environment variable holding the API key (default: OCTOPUS_API_KEY)
  --space NAME          only this space (repeat for more; default: every space)
  --save-json DIR       also keep the JSON the server returned, one file per endpoint
  --timeout SECONDS     how long to wait for each answer (default: 30)
  --force               replace files that exist, in --out and --save-json (a link there is replaced,
                        never written through)
  -h, --help            show this help

Exit status: 0 written; 1 the server refused the key, could not be reached, did not answer in time, a file
exists (without --force) or a file cannot be written, with nothing written; 2 bad usage or no key in the
environment.`;

interface PullOptions {
  server?: string;
  out?: string;
  keyEnv: string;
  spaces: string[];
  saveJson?: string;
  timeoutMs: number;
  force: boolean;
  help: boolean;
}

function parse(args: readonly string[]): PullOptions {
  const o: PullOptions = { keyEnv: 'OCTOPUS_API_KEY', spaces: [], timeoutMs: 30_000, force: false, help: false };
  walkArgs(
    args,
    (flag, value) => {
      switch (flag) {
        case '--server':
          o.server = value();
          return true;
        case '--out':
          o.out = value();
          return true;
        case '--api-key-env':
          o.keyEnv = value();
          return true;
        case '--space':
          o.spaces.push(value());
          return true;
        case '--save-json':
          o.saveJson = value();
          return true;
        case '--timeout': {
          const raw = value();
          const seconds = Number(raw);
          if (!(seconds > 0) || !Number.isFinite(seconds)) throw new UsageError(`--timeout: \`${raw}\` is not a number of seconds`);
          o.timeoutMs = Math.round(seconds * 1000);
          return true;
        }
        case '--force':
          o.force = true;
          return true;
        case '--api-key':
          throw new UsageError('the API key is read from an environment variable only (--api-key-env NAME), never from the command line');
        case '-h':
        case '--help':
          o.help = true;
          return true;
        default:
          return false;
      }
    },
    (arg) => {
      throw new UsageError(`unknown argument \`${arg}\``);
    },
  );
  return o;
}

type Fetched = Map<string, unknown[]>;
const objects = (items: unknown[]): Record<string, unknown>[] => items.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null && !Array.isArray(i));
const s = (v: unknown) => (typeof v === 'string' ? v : '');

/** Fetches every endpoint the model needs; the map's keys are the file names `--save-json` writes. */
async function fetchAll(api: ApiClient, only: readonly string[]): Promise<Fetched> {
  const out: Fetched = new Map();
  let spaces = objects(await api.all('/api/spaces/all'));
  if (only.length) {
    const missing = only.filter((n) => !spaces.some((sp) => s(sp.Name).trim().toLowerCase() === n.trim().toLowerCase()));
    if (missing.length) throw new ApiError(`the server has no space named ${missing.map((m) => JSON.stringify(m)).join(', ')} (it has ${spaces.map((sp) => JSON.stringify(s(sp.Name))).join(', ') || 'none'})`);
    spaces = spaces.filter((sp) => only.some((n) => s(sp.Name).trim().toLowerCase() === n.trim().toLowerCase()));
  }
  const chosen = new Set(spaces.map((sp) => idKey(s(sp.Id))));
  const inScope = (r: Record<string, unknown>) => isSystem(typeof r.SpaceId === 'string' ? r.SpaceId : null) || chosen.has(idKey(s(r.SpaceId)));
  out.set('spaces.json', spaces);
  out.set('userroles.json', await api.all('/api/userroles/all'));
  out.set('users.json', await api.all('/api/users/all'));
  const teams = new Map<string, Record<string, unknown>>();
  for (const t of objects(await api.all('/api/teams/all'))) if (inScope(t)) teams.set(idKey(s(t.Id)), t);
  for (const sp of spaces) {
    const id = encodeURIComponent(s(sp.Id));
    for (const t of objects(await api.all(`/api/${id}/teams?includeSystem=false`))) if (!teams.has(idKey(s(t.Id)))) teams.set(idKey(s(t.Id)), t);
    for (const [file, route] of [
      ['environments', 'environments'],
      ['projects', 'projects'],
      ['projectgroups', 'projectgroups'],
      ['tenants', 'tenants'],
    ]) {
      out.set(`${s(sp.Id)}-${file}.json`, await api.all(`/api/${id}/${route}/all`));
    }
  }
  out.set('teams.json', [...teams.values()]);
  const assignments: unknown[] = [];
  for (const t of teams.values()) {
    const links = typeof t.Links === 'object' && t.Links !== null ? (t.Links as Record<string, unknown>) : {};
    const link = typeof links.ScopedUserRoles === 'string' ? links.ScopedUserRoles : `/api/teams/${encodeURIComponent(s(t.Id))}/scopeduserroles`;
    for (const r of objects(await api.all(link))) if (inScope(r)) assignments.push(r);
  }
  out.set('scopeduserroles.json', assignments);
  return out;
}

/**
 * The dump's files for `--save-json`, one per endpoint, written in the same run as the import. Space ids
 * are the server's: characters other than letters, digits, `.`, `_` and `-` become `_`, and two ids that
 * give one name (ignoring case) get `-2`, `-3`, ...
 */
function jsonFiles(dir: string, fetched: Fetched): FileSet {
  const files = new Map<string, string>();
  const taken = new Set<string>(); // without case, for file systems that ignore it
  for (const [name, items] of fetched) {
    const base = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/\.json$/, '');
    let file = `${base}.json`;
    for (let n = 2; taken.has(file.toLowerCase()); n++) file = `${base}-${n}.json`;
    taken.add(file.toLowerCase());
    files.set(file, JSON.stringify(items, null, 2) + '\n');
  }
  return { out: dir, files };
}

/** Runs `pull`; returns the exit status. */
export async function runPull(args: readonly string[], io: PullIO): Promise<number> {
  const o = optionsOr(
    () => {
      const parsed: PullOptions = parse(args);
      if (!parsed.help && parsed.server === undefined) throw new UsageError('missing --server URL');
      if (!parsed.help && parsed.out === undefined) throw new UsageError('missing --out DIR');
      return parsed;
    },
    PULL_USAGE,
    io,
  );
  if (typeof o === 'number') return o;
  const key = (io.env ?? process.env)[o.keyEnv];
  if (key === undefined || key.trim() === '') {
    io.stderr(`octopus-roles: no API key: set the environment variable ${printable(o.keyEnv)} (or name another with --api-key-env)\n`);
    return 2;
  }
  let fetched: Fetched;
  try {
    const api = new ApiClient({ server: o.server!, apiKey: key.trim(), timeoutMs: o.timeoutMs });
    fetched = await fetchAll(api, o.spaces);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    io.stderr(`octopus-roles: ${printable(err.message)}; nothing written\n`);
    return 1;
  }
  const files = [...fetched].map(([name, items]) => ({ name, text: JSON.stringify(items) }));
  const { dump, problems } = readDump(files);
  for (const p of problems) io.stderr(`octopus-roles: ${printable(p)}\n`);
  if (!hasModel(dump)) {
    io.stderr('octopus-roles: the server returned no user roles, teams or spaces; nothing written\n');
    return 1;
  }
  const saved = o.saveJson === undefined ? [] : [jsonFiles(path.resolve(io.cwd, o.saveJson), fetched)];
  return writeImport(convertDump(dump), path.resolve(io.cwd, o.out!), { dryRun: false, force: o.force }, io, saved);
}
