/**
 * Whether the language server puts the user first (issue 25), over JSON-RPC (the shipped bin, pushed
 * diagnostics):
 * - `open N`: files opened one after another while the workspace of N files is still being read, from
 *   each `didOpen` to the file's first `publishDiagnostics`;
 * - `memory N`: heap after reading N files, and heap and resident memory after the first 1,000 and after
 *   10,000 edits to one role;
 * - `typing`: a hover and a completion in one file while a role file of 30,000 documents is typed into at
 *   10 keystrokes a second, and how many analyses of the large file it takes, after the last keystroke,
 *   for its diagnostics to be those of the newest text;
 * - `config`: on 2,000 files, a burst of 300 `.octopus-roles.yaml` change events, then of 300
 *   `workspace/didChangeConfiguration`: the hover sent right after each burst, and how many times a file
 *   with findings is published before its diagnostics follow the new setting.
 *
 * - `--reference SERVER_JS`: the same files opened one after another in another YAML language server
 *   (yaml-language-server, installed outside the project), validating them against the project's JSON
 *   schemas (`schemas/*.json` for `*.role.yaml`, `*.team.yaml`), from each `didOpen` to the file's first
 *   `publishDiagnostics`; it reads no workspace, so there is no "while indexing" for it.
 *
 *   node out/bench/responsiveness.js [open N...] [memory N...] [typing] [config] [--reference SERVER_JS N...]
 *   (default: open 10000 50000, memory 10000 50000, typing, config; the figures go to docs/performance.md)
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { PUSH_CAPABILITIES, ROOT, TestClient, tempWorkspace, uriOf } from '../test/server/client';
import { generateWorkspace } from '../test/support/generate';
import { writeDocSection } from './docs';
import { configBurst } from './responsiveness-config';
import { EDITED_ROLE, prepare } from './server-workspace';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentiles(xs: number[]): string {
  // A phase can end before a single open is timed (the server read the files faster than the opener ran).
  if (xs.length === 0) return 'no samples';
  const s = [...xs].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1);
  return `p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, p99 ${p(0.99)} ms, max ${s[s.length - 1].toFixed(1)} ms (${s.length} samples)`;
}

function rssMB(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return NaN;
  }
}

async function heapMB(client: TestClient): Promise<number> {
  const m = (await client.connection.sendRequest('octopusRoles/memoryUsage')) as { heapUsed: number };
  return m.heapUsed / 2 ** 20;
}

/** The role and team files of a generated workspace, first in the order a user might open them. */
function filesOf(dir: string, size: number): string[] {
  const files = [...generateWorkspace({ files: size - Math.min(1000, Math.floor(size / 4)) - 2, seed: 42 }).keys()];
  return files.filter((f) => f.endsWith('.role.yaml') || f.endsWith('.team.yaml')).map((f) => path.join(dir, f));
}

/** Opens files one after another while the server reads the workspace; each open waits for its first publish. */
async function openWhileIndexing(size: number): Promise<string> {
  const dir = prepare(size);
  const files = filesOf(dir, size).slice(-6000).reverse();
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const client = new TestClient(['--expose-gc']);
  const times: number[] = [];
  const pushing: number[] = [];
  const idle: number[] = [];
  try {
    await client.start(dir, PUSH_CAPABILITIES);
    const indexed = () => client.logs.some((l) => l.startsWith('indexed '));
    const openOne = async (i: number) => {
      const uri = uriOf(path.dirname(files[i]), path.basename(files[i]));
      const seen = client.publications.length;
      const t = performance.now();
      void client.open(uri, texts[i]);
      await client.waitFor('first diagnostics', () => client.publications.slice(seen).some((p) => p.uri === uri), 60000);
      return performance.now() - t;
    };
    const complete = () => client.statuses.some((st) => !st.indexing);
    let i = 0;
    for (; i < files.length && !indexed(); i++) {
      const ms = await openOne(i);
      if (!indexed()) times.push(ms);
    }
    // Then while the diagnostics of every file go out, until the status says indexing is over.
    for (; i < files.length && !complete(); i++) {
      const ms = await openOne(i);
      if (!complete()) pushing.push(ms);
    }
    await client.waitFor('complete diagnostics', complete, 600000);
    // The same on the idle server, in the same run: what the machine's load alone costs.
    for (const end = Math.min(files.length, i + 100); i < end; i++) idle.push(await openOne(i));
  } finally {
    await client.dispose();
  }
  return `- ${size.toLocaleString('en')} files: ${percentiles(times)}; while every file's diagnostics are pushed after that: ${percentiles(pushing)}; the same opens once the server is idle: ${percentiles(idle)}`;
}

/** Heap after reading the workspace, then heap and RSS after 1,000 and after 10,000 edits to one role. */
async function memory(size: number): Promise<string> {
  const dir = prepare(size);
  const client = new TestClient(['--expose-gc']);
  try {
    await client.initialize(dir, PUSH_CAPABILITIES, 600000);
    await client.waitFor('complete diagnostics', () => client.statuses.some((st) => !st.indexing), 600000);
    const indexedHeap = await heapMB(client);
    const indexedRss = rssMB(client.pid);
    const uri = uriOf(dir, 'roles/edited.role.yaml');
    await client.open(uri, EDITED_ROLE);
    const variants = [EDITED_ROLE, EDITED_ROLE.replace('ReleaseView', 'ReleaseViewx')];
    const edits = async (from: number, to: number) => {
      for (let v = from; v < to; v++) {
        void client.change(uri, variants[v % 2], 2 + v);
        if (v % 500 === 499) await client.waitFor('edits', () => (client.codes(uri) ?? []).includes('unknown-permission') === (v % 2 === 1), 300000);
      }
      return { heap: await heapMB(client), rss: rssMB(client.pid) };
    };
    const first = await edits(0, 1000);
    const last = await edits(1000, 10000);
    const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%`;
    return (
      `- ${size.toLocaleString('en')} files: after reading them heap ${indexedHeap.toFixed(0)} MB, RSS ${indexedRss.toFixed(0)} MB; ` +
      `after 1,000 edits heap ${first.heap.toFixed(1)} MB, RSS ${first.rss.toFixed(0)} MB; after 10,000 heap ${last.heap.toFixed(1)} MB (${pct(first.heap, last.heap)}), RSS ${last.rss.toFixed(0)} MB (${pct(first.rss, last.rss)})`
    );
  } finally {
    await client.dispose();
  }
}

/** Opens made in the reference server: about as many as the open scenario makes while 10,000 files are read. */
const REFERENCE_OPENS = 200;

/**
 * The open scenario's files opened one after another in another language server (`serverJs`, started
 * with `--stdio`) that validates them against the project's JSON schemas.
 */
async function reference(serverJs: string, size: number): Promise<string> {
  const dir = prepare(size);
  const files = filesOf(dir, size).slice(-2000).reverse().slice(0, REFERENCE_OPENS + 1);
  const schema = (kind: string) => pathToFileURL(path.join(ROOT, 'schemas', `${kind}.json`)).href;
  const yaml = { validate: true, schemas: { [schema('role')]: '*.role.yaml', [schema('team')]: '*.team.yaml' }, schemaStore: { enable: false } };
  const settings: Record<string, unknown> = { yaml, http: {}, '[yaml]': {}, editor: {}, files: {} };
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  // A script that is not a language server exits at once; without this the benchmark would wait on nothing and end silently.
  const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`${serverJs} exited (code ${code}) before it answered: give the language server's script (yaml-language-server's bin/yaml-language-server)`))));
  exited.catch(() => undefined);
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const firsts = new Map<string, () => void>();
  connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => settings[i.section ?? ''] ?? null));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.listen();
  const times: number[] = [];
  let errors = 0;
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    errors += p.diagnostics.length;
    firsts.get(p.uri)?.();
  });
  try {
    const rootUri = pathToFileURL(dir).href;
    await Promise.race([exited, connection.sendRequest('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'bench' }], capabilities: { ...PUSH_CAPABILITIES, workspace: { configuration: true, workspaceFolders: true } } })]);
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('workspace/didChangeConfiguration', { settings });
    // The first open loads and compiles the schemas: a warm-up, left out (our server's figures leave out start-up too).
    for (const [i, file] of files.entries()) {
      const uri = pathToFileURL(file).href;
      const published = new Promise<void>((resolve) => firsts.set(uri, resolve));
      const t = performance.now();
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: readFileSync(file, 'utf8') } });
      await Promise.race([exited, published]);
      if (i > 0) times.push(performance.now() - t);
      firsts.delete(uri);
      await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    const version = JSON.parse(readFileSync(path.join(path.dirname(serverJs), '..', 'package.json'), 'utf8')) as { name?: string; version?: string };
    return `- ${version.name ?? path.basename(serverJs)} ${version.version ?? ''} on the same files (${size.toLocaleString('en')}-file workspace), validating against schemas/role.json and team.json: ${percentiles(times)}; ${errors} schema findings`;
  } finally {
    connection.dispose();
    child.kill();
  }
}

const OTHER = 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n';
const TYPED = 'ProjectVeiwxyz';

/** A hover and a completion in one file while a role file of 30,000 documents is typed into, 10 keystrokes a second. */
async function typing(): Promise<string> {
  const docs: string[] = [];
  for (let i = 0; i < 30000; i++) docs.push(`---\nname: Big ${i}\nspacePermissions: [ProjectView${i === 29999 ? ', P' : ''}]\n`);
  const big = docs.join('');
  const dir = tempWorkspace({ 'big.role.yaml': big, 'other.role.yaml': OTHER });
  const client = new TestClient();
  try {
    await client.initialize(dir, PUSH_CAPABILITIES, 120000);
    const [bigUri, otherUri] = ['big.role.yaml', 'other.role.yaml'].map((f) => uriOf(dir, f));
    await client.open(otherUri, OTHER);
    await client.open(bigUri, big);
    await client.waitFor('the large file published', () => client.publications.some((p) => p.uri === bigUri), 120000);
    await sleep(2000);
    const lines = big.split('\n');
    const line = lines.length - 2;
    const column = lines[line].length - 1;
    const answers: Promise<number>[] = [];
    const timed = (method: string, params: unknown) => {
      const t = performance.now();
      return client.connection.sendRequest(method, params).then(() => performance.now() - t);
    };
    const at = { textDocument: { uri: otherUri }, position: { line: 1, character: 22 } };
    for (let k = 1; k < TYPED.length; k++) {
      const pos = { line, character: column + k - 1 };
      void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: bigUri, version: 1 + k }, contentChanges: [{ range: { start: pos, end: pos }, text: TYPED[k] }] });
      answers.push(timed('textDocument/hover', at), timed('textDocument/completion', at));
      await sleep(100);
    }
    const after = client.publications.length;
    const newest = (p: { uri: string; diagnostics: { message: unknown }[] }) => p.uri === bigUri && p.diagnostics.some((d) => String(d.message).includes(TYPED));
    await client.waitFor('the newest diagnostics', () => client.publications.slice(after).some(newest), 120000);
    const analyses = client.publications.slice(after).filter((p) => p.uri === bigUri).findIndex(newest) + 1;
    return [
      `${TYPED.length - 1} keystrokes 100 ms apart into a role file of 30,000 documents (${(big.length / 2 ** 20).toFixed(1)} MB), each followed by a hover and a completion in another file:`,
      `- hover and completion in the other file: ${percentiles(await Promise.all(answers))}`,
      `- publishes of the large file after the last keystroke until its diagnostics are the newest text's: ${analyses}`,
    ].join('\n');
  } finally {
    await client.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizesAfter = (word: string) => {
    const i = args.indexOf(word);
    if (i < 0) return [];
    const out: number[] = [];
    for (let j = i + 1; j < args.length && Number(args[j]) > 0; j++) out.push(Number(args[j]));
    return out;
  };
  const all = args.length === 0;
  const open = all ? [10000, 50000] : sizesAfter('open');
  const mem = all ? [10000, 50000] : sizesAfter('memory');
  const sections: string[] = [`Measured ${new Date().toISOString().slice(0, 16)} UTC on ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}; load average at the start ${os.loadavg()[0].toFixed(1)}.`];
  if (open.length) sections.push(['Open to first diagnostics while the workspace is read (each open waits for the previous one\'s diagnostics):', ...(await seq(open, openWhileIndexing))].join('\n'));
  if (mem.length) sections.push(['Memory (heap after a full collection):', ...(await seq(mem, memory))].join('\n'));
  if (all || args.includes('typing')) sections.push(await typing());
  if (all || args.includes('config')) sections.push(await configBurst());
  const ref = args.indexOf('--reference');
  if (ref >= 0) {
    const sizes = sizesAfter(args[ref + 1]);
    const lines = await seq(sizes.length ? sizes : [10000], (n) => reference(path.resolve(args[ref + 1]), n));
    sections.push(['Another YAML language server, as a reference (each open waits for the previous one\'s diagnostics):', ...lines].join('\n'));
  }
  sections.push(`Load average at the end ${os.loadavg()[0].toFixed(1)}.`);
  const body = sections.join('\n\n');
  console.log(body);
  writeDocSection('responsiveness', body);
}

async function seq<T>(xs: number[], f: (x: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (const x of xs) out.push(await f(x));
  return out;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
