/**
 * `octopus-roles pull [--server URL] [--api-key-env NAME] [--space NAME...] --out DIR [--save-json DIR]`
 * (SPEC section 10): the endpoints `import` reads, fetched from a running server, then imported exactly as
 * `import` does. The server and the credential follow the Octopus CLI's environment variables
 * (`OCTOPUS_URL`, `OCTOPUS_API_KEY`, `OCTOPUS_ACCESS_TOKEN`); the credential never comes from the command
 * line. Every request goes through `http.ts`, which keeps the credential to the named server's origin.
 * Everything is fetched before anything is written, so a refused key, an unreachable server, a timeout or
 * an answer over its limit leaves the disk as it was.
 */
import * as path from 'node:path';
import { idKey, isSystem, MAX_DUMP_BYTES, MAX_DUMP_FILE_BYTES, readDumpValues, resourceOf } from '../bridge/api';
import { convertDump } from '../bridge/convert';
import { formatBytes, parseSize } from '../service';
import { optionsOr, UsageError, walkArgs } from './args';
import { HttpError, serverUrl, type Credential } from './http';
import { hasModel, writeImport, type ImportIO } from './import';
import { ApiClient, ApiError } from './octopus-api';
import { printable } from './output';
import type { FileSet } from './write';

export interface PullIO extends ImportIO {
  /** The environment the server and the credential are read from (the process's when absent). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const PULL_USAGE = `Usage: octopus-roles pull [--server URL] --out DIR [options]

Fetches the user roles, teams, scoped user roles, spaces, users, environments, projects, project groups and
tenants of an Octopus server (every page) and imports them as octopus-roles import does. The server and the
credential come from the environment as for the Octopus CLI; the credential never from the command line.

Options:
  --server URL            the server, such as https://octopus.example.com (default: $OCTOPUS_URL)
  --out DIR               where to write the files (required)
  --api-key-env NAME      the environment variable holding the API key, sent as X-Octopus-ApiKey
                          (default: OCTOPUS_API_KEY); when it is unset, an access token in
                          OCTOPUS_ACCESS_TOKEN is sent as Authorization: Bearer instead
  --space NAME            only this space (repeat for more; default: every space)
  --save-json DIR         also keep what import reads of the server's answers, one file per endpoint
  --timeout SECONDS       how long to wait for each answer (default: 30)
  --max-answer-size SIZE  the largest answer read, such as 128MB (default: ${formatBytes(MAX_DUMP_FILE_BYTES)});
                          all answers together are at most ${formatBytes(MAX_DUMP_BYTES)}
  --insecure-http         allow plain http to a host other than this machine (the key then crosses the
                          network unencrypted); without it, only https, or http to localhost, 127.0.0.0/8
                          or ::1
  --force                 replace files that exist, in --out and --save-json (a link there is
                          replaced, never written through)
  -h, --help              show this help

The key or token is sent only to the server's origin (scheme, host and port): redirects are followed
within it only, and a link or redirect to anywhere else stops the pull without sending anything there.

Exit status: 0 written; 1 the server refused the key, could not be reached, did not answer in time,
answered over the size limit, redirected or linked elsewhere, a file exists (without --force) or a file
cannot be written, with nothing written; 2 bad usage, plain http refused, or no key in the environment.`;

interface PullOptions {
  server?: string;
  /** True when the server came from OCTOPUS_URL. */
  serverFromEnv: boolean;
  out?: string;
  keyEnv: string;
  spaces: string[];
  saveJson?: string;
  timeoutMs: number;
  maxAnswerBytes: number;
  insecureHttp: boolean;
  force: boolean;
  help: boolean;
}

function parseMaxAnswer(raw: string): number {
  const size = parseSize(raw);
  if (size === undefined) throw new UsageError(`--max-answer-size: \`${raw}\` is not a size such as 64MB or 512KB`);
  if (size > MAX_DUMP_BYTES) throw new UsageError(`--max-answer-size: at most ${formatBytes(MAX_DUMP_BYTES)}, the most a pull reads in all`);
  return size;
}

function parse(args: readonly string[]): PullOptions {
  const o: PullOptions = { serverFromEnv: false, keyEnv: 'OCTOPUS_API_KEY', spaces: [], timeoutMs: 30_000, maxAnswerBytes: MAX_DUMP_FILE_BYTES, insecureHttp: false, force: false, help: false };
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
        case '--max-answer-size':
          o.maxAnswerBytes = parseMaxAnswer(value());
          return true;
        case '--insecure-http':
          o.insecureHttp = true;
          return true;
        case '--force':
          o.force = true;
          return true;
        case '--api-key':
        case '--access-token':
          throw new UsageError('the API key is read from an environment variable only (--api-key-env NAME; an access token from OCTOPUS_ACCESS_TOKEN), never from the command line, which other users can see in the process list and which stays in shell history');
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
 * Characters of one file `--save-json` writes (at most three bytes each in UTF-8: 48 MB); a longer list
 * goes on in `NAME-2.json`, `NAME-3.json` (import reads any names), so that every saved file stays under
 * what import reads of one file.
 */
const SAVE_PART_CHARS = MAX_DUMP_FILE_BYTES / 4;

/**
 * The items as files of a JSON list each (the layout of JSON.stringify(items, null, 2)), split after
 * `partChars` characters: `NAME.json`, `NAME-2.json`, ...
 */
export function savedParts(name: string, items: readonly unknown[], partChars = SAVE_PART_CHARS): [string, string][] {
  const parts: string[][] = [[]];
  let size = 0;
  for (const item of items) {
    // Each item alone: its indentation is set line by line (a `^` with the m flag would also match after
    // a U+2028 inside a string).
    const text = JSON.stringify(item, null, 2).split('\n').map((line) => `  ${line}`).join('\n');
    if (size > 0 && size + text.length > partChars) {
      parts.push([]);
      size = 0;
    }
    parts[parts.length - 1].push(text);
    size += text.length;
  }
  return parts.map((texts, i) => [i === 0 ? name : name.replace(/(\.json)?$/, `-${i + 1}.json`), texts.length ? `[\n${texts.join(',\n')}\n]\n` : '[]\n']);
}

/**
 * The dump's files for `--save-json`, written in the same run as the import: what import reads of each
 * endpoint's answers (the fields of the resources it knows, nothing else: no e-mail addresses, no links,
 * no numbers that could grow when written again), a long list split into parts. Space ids are the
 * server's: characters other than letters, digits, `.`, `_` and `-` become `_`, and two names that are one
 * ignoring case get `-2`, `-3`, ...
 */
function jsonFiles(dir: string, fetched: Fetched): FileSet {
  const files = new Map<string, string>();
  const taken = new Set<string>(); // without case, for file systems that ignore it
  for (const [name, items] of fetched) {
    const kept = items.map(resourceOf).filter((r) => r !== undefined);
    for (const [part, text] of savedParts(name, kept)) {
      const base = part.replace(/[^A-Za-z0-9._-]/g, '_').replace(/\.json$/, '');
      let file = `${base}.json`;
      for (let n = 2; taken.has(file.toLowerCase()); n++) file = `${base}-${n}.json`;
      taken.add(file.toLowerCase());
      files.set(file, text);
    }
  }
  return { out: dir, files };
}

/** The credential from the environment: the API key, else an access token; undefined when neither is set. */
function credentialFrom(keyEnv: string, env: Readonly<Record<string, string | undefined>>): Credential | undefined {
  const key = env[keyEnv]?.trim();
  if (key) return { kind: 'api-key', secret: key };
  const token = env.OCTOPUS_ACCESS_TOKEN?.trim();
  if (token) return { kind: 'bearer', secret: token };
  return undefined;
}

/** The API client for the options, or the exit status after saying why there is none. */
function clientFor(o: PullOptions, env: Readonly<Record<string, string | undefined>>, io: PullIO): ApiClient | number {
  const credential = credentialFrom(o.keyEnv, env);
  if (credential === undefined) {
    io.stderr(`octopus-roles: no API key: set the environment variable ${printable(o.keyEnv)} (or name another with --api-key-env), or OCTOPUS_ACCESS_TOKEN for an access token\n`);
    return 2;
  }
  let server: URL;
  try {
    server = serverUrl(o.server!, o.insecureHttp);
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    io.stderr(`octopus-roles: ${printable(err.message)}${o.serverFromEnv ? ' (the server is OCTOPUS_URL)' : ''}\n`);
    return 2;
  }
  try {
    return new ApiClient({ server, credential, timeoutMs: o.timeoutMs, maxAnswerBytes: o.maxAnswerBytes, maxTotalBytes: MAX_DUMP_BYTES });
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    io.stderr(`octopus-roles: ${printable(err.message)}\n`);
    return 2;
  }
}

/** Runs `pull`; returns the exit status. */
export async function runPull(args: readonly string[], io: PullIO): Promise<number> {
  const env = io.env ?? process.env;
  const o = optionsOr(
    () => {
      const parsed: PullOptions = parse(args);
      if (parsed.server === undefined && env.OCTOPUS_URL?.trim()) {
        parsed.server = env.OCTOPUS_URL.trim();
        parsed.serverFromEnv = true;
      }
      if (!parsed.help && parsed.server === undefined) throw new UsageError('missing --server URL (or set OCTOPUS_URL)');
      if (!parsed.help && parsed.out === undefined) throw new UsageError('missing --out DIR');
      return parsed;
    },
    PULL_USAGE,
    io,
  );
  if (typeof o === 'number') return o;
  const api = clientFor(o, env, io);
  if (typeof api === 'number') return api;
  let fetched: Fetched;
  try {
    fetched = await fetchAll(api, o.spaces);
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    io.stderr(`octopus-roles: ${printable(err.message)}; nothing written\n`);
    return 1;
  }
  const { dump, problems } = readDumpValues([...fetched].map(([name, value]) => ({ name, value })));
  for (const p of problems) io.stderr(`octopus-roles: ${printable(p)}\n`);
  if (!hasModel(dump)) {
    io.stderr('octopus-roles: the server returned no user roles, teams or spaces; nothing written\n');
    return 1;
  }
  const saved = o.saveJson === undefined ? [] : [jsonFiles(path.resolve(io.cwd, o.saveJson), fetched)];
  return writeImport(convertDump(dump), path.resolve(io.cwd, o.out!), { dryRun: false, force: o.force }, io, saved);
}
