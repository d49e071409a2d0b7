/**
 * Where the language server's heap goes: starts the shipped server on the server benchmark's workspace,
 * waits for complete diagnostics, has the server write a V8 heap snapshot (`--heapsnapshot-signal`) and
 * prints its objects grouped by kind with their own sizes, largest first: plain objects by their
 * property names, class instances by class, array storage and strings by what holds them.
 *
 *   node out/bench/heap.js [FILES] [TOP] [KEEP]   (default 10000 files, 30 groups; KEEP: path for the snapshot)
 *
 * TOP 0 prints the heap after indexing only, without a snapshot (which takes minutes at 50,000 files).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PUSH_CAPABILITIES, TestClient } from '../test/server/client';
import { prepare } from './server-workspace';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a server on `dir`, waits for complete diagnostics, and has it write a snapshot into `into`. */
async function snapshotOf(dir: string, into: string, take: boolean): Promise<{ file: string | undefined; heapUsed: number }> {
  const client = new TestClient(['--expose-gc', '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${into}`]);
  try {
    await client.initialize(dir, PUSH_CAPABILITIES, 600000);
    await client.waitFor('complete diagnostics', () => client.statuses.some((s) => !s.indexing), 600000);
    const { heapUsed } = (await client.connection.sendRequest('octopusRoles/memoryUsage')) as { heapUsed: number };
    if (!take) return { file: undefined, heapUsed };
    process.kill(client.pid!, 'SIGUSR2');
    // The server writes the snapshot on its main thread; a request answered afterwards means it is done.
    for (;;) {
      await sleep(500);
      const file = readdirSync(into).find((f) => f.endsWith('.heapsnapshot'));
      if (!file) continue;
      await client.connection.sendRequest('octopusRoles/memoryUsage');
      const full = path.join(into, file);
      if (statSync(full).size > 0 && readFileSync(full, 'utf8').trimEnd().endsWith('}')) return { file: full, heapUsed };
    }
  } finally {
    await client.dispose();
  }
}

/** Self sizes grouped by kind, largest first. */
function groups(snap: Snapshot): { total: number; rows: [string, number, number][] } {
  const { node_fields: nf, node_types, edge_fields: ef, edge_types } = snap.snapshot.meta;
  const types = node_types[0];
  const etypes = edge_types[0];
  const nfl = nf.length;
  const efl = ef.length;
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
  const { nodes, edges, strings } = snap;
  const count = nodes.length / nfl;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += nodes[i * nfl + iEdges] * efl;
    firstEdge[i + 1] = e;
  }
  // The first strong holder of each node and the edge's name: enough to tell storage apart by owner.
  const holder = new Int32Array(count).fill(-1);
  const via: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += efl) {
      const t = etypes[edges[e + eType]];
      const to = edges[e + eTo] / nfl;
      if (t === 'weak' || holder[to] !== -1) continue;
      holder[to] = i;
      via[to] = t === 'element' || t === 'hidden' ? '[]' : strings[edges[e + eName]];
    }
  }
  const type = (i: number) => types[nodes[i * nfl + iType]];
  const name = (i: number) => strings[nodes[i * nfl + iName]];
  const props = (i: number) => {
    const keys: string[] = [];
    for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += efl) if (etypes[edges[e + eType]] === 'property' && strings[edges[e + eName]] !== '__proto__') keys.push(strings[edges[e + eName]]);
    return keys.join(',');
  };
  const owner = (i: number) => {
    const h = holder[i];
    if (h < 0) return '?';
    const hh = holder[h];
    const of = type(h) === 'object' ? name(h) : type(h);
    return hh >= 0 && (type(h) !== 'object' || name(h) === 'Array') ? `${of} in ${type(hh) === 'object' ? name(hh) : type(hh)}.${via[h]}` : `${of}.${via[i]}`;
  };
  const sums = new Map<string, [number, number]>();
  let total = 0;
  for (let i = 0; i < count; i++) {
    const size = nodes[i * nfl + iSize];
    total += size;
    const t = type(i);
    let key: string;
    if (t === 'object') key = name(i) === 'Object' ? `{${props(i)}}` : name(i);
    else if (t === 'array') key = `array storage of ${owner(i)}`;
    else if (t === 'string' || t === 'sliced string' || t === 'concatenated string') key = `${t} of ${owner(i)}`;
    else key = `${t}: ${name(i).slice(0, 40)}`;
    const s = sums.get(key) ?? [0, 0];
    s[0] += size;
    s[1]++;
    sums.set(key, s);
  }
  return { total, rows: [...sums].map(([k, [size, n]]): [string, number, number] => [k, size, n]).sort((a, b) => b[1] - a[1]) };
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 10000);
  const top = Number(process.argv[3] ?? 30);
  const keep = process.argv[4];
  const dir = prepare(size);
  const into = path.join(os.tmpdir(), `octopus-roles-heap-${process.pid}`);
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  try {
    const { file, heapUsed } = await snapshotOf(dir, into, top > 0);
    const mb = (n: number) => (n / 2 ** 20).toFixed(2).padStart(7);
    if (!file) {
      console.log(`${size.toLocaleString('en')} files: heap used ${mb(heapUsed)} MB after a full collection`);
      return;
    }
    const { total, rows } = groups(JSON.parse(readFileSync(file, 'utf8')) as Snapshot);
    console.log(`${size.toLocaleString('en')} files: heap used ${mb(heapUsed)} MB after a full collection; snapshot ${mb(total)} MB`);
    for (const [k, s, n] of rows.slice(0, top)) console.log(`${mb(s)} MB ${String(n).padStart(8)}  ${k.slice(0, 150)}`);
    if (keep) renameSync(file, keep);
  } finally {
    rmSync(into, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
