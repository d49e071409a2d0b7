/**
 * The language server on a generated workspace, over JSON-RPC (stdio, the shipped bin, pushed
 * diagnostics): start-up to complete diagnostics (every file's, after the initial scan) next to the
 * checker's time on the same workspace; completion and hover latency; the latency from a keystroke in a
 * role used by 1,000 teams to that role's own new diagnostics and to the updated diagnostics of all 1,000
 * teams; the server's memory after indexing and after 10,000 edits.
 *
 *   node out/bench/server.js [FILES...]        (default 10000)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PUSH_CAPABILITIES, TestClient, uriOf } from '../test/server/client';
import { writeDocSection } from './docs';
import { EDITED_ROLE, HOT_SPACE_ROLE, HOT_SYSTEM_ROLE, hotTeams, prepare } from './server-workspace';

const ROOT = path.resolve(__dirname, '..', '..');

function percentiles(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1);
  return `p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, p99 ${p(0.99)} ms`;
}

/** Resident memory of a process, from /proc (Linux). */
function rssMB(pid: number | undefined): string {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return `${(kb / 1024).toFixed(0)} MB`;
  } catch {
    return 'n/a';
  }
}

const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The checker on the same workspace, as a user runs it: `octopus-roles check DIR --format json`, wall time. */
function checker(dir: string): { ms: number; diagnostics: number } {
  const t = performance.now();
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'octopus-roles.js'), 'check', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t;
  return { ms, diagnostics: (JSON.parse(run.stdout) as unknown[]).length };
}

/**
 * Starts a server on `dir` and waits for complete diagnostics: the status notification that says the
 * scan is over, which the server sends after it has published every file's diagnostics (scheduler.ts,
 * `setIndexing(false)`); the messages arrive in order, so every publish is in by then.
 */
async function start(dir: string): Promise<{ client: TestClient; firstMs: number; completeMs: number; diagnostics: number }> {
  const t0 = performance.now();
  const client = new TestClient(['--expose-gc']);
  let firstMs = 0;
  // Generated workspaces always have findings, so this resolves (and clears its timer) during the scan.
  const first = client.waitFor('first diagnostics', () => client.published.size > 0, 600000).then(() => (firstMs = performance.now() - t0));
  await client.initialize(dir, PUSH_CAPABILITIES, 600000);
  await client.waitFor('complete diagnostics', () => client.statuses.some((st) => !st.indexing), 600000);
  const completeMs = performance.now() - t0;
  await first;
  let diagnostics = 0;
  for (const ds of client.published.values()) diagnostics += ds.length;
  return { client, firstMs, completeMs, diagnostics };
}

async function measure(size: number): Promise<string> {
  const dir = prepare(size);
  // Server start-up and the checker alternate, each in a fresh process; the last server stays for the session.
  const starts: Awaited<ReturnType<typeof start>>[] = [];
  const checks: ReturnType<typeof checker>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    checks.push(checker(dir));
    if (starts.length) await starts[starts.length - 1].client.dispose();
    starts.push(await start(dir));
  }
  const client = starts[starts.length - 1].client;
  const completeMs = median(starts.map((st) => st.completeMs));
  const checkMs = median(checks.map((c) => c.ms));
  const published = starts[starts.length - 1].diagnostics;
  const heapMB = async () => {
    const m = (await client.connection.sendRequest('octopusRoles/memoryUsage')) as { heapUsed: number };
    return `${(m.heapUsed / 2 ** 20).toFixed(0)} MB`;
  };
  const rssIndexed = rssMB(client.pid);
  const heapIndexed = await heapMB();

  const roleUri = uriOf(dir, 'roles/edited.role.yaml');
  const text = EDITED_ROLE;
  await client.open(roleUri, text);
  const lines = text.split('\n');
  const itemLine = 2;
  const completion: number[] = [];
  const hover: number[] = [];
  for (let i = 0; i < 300; i++) {
    let t = performance.now();
    await client.connection.sendRequest('textDocument/completion', { textDocument: { uri: roleUri }, position: { line: itemLine, character: 6 } });
    completion.push(performance.now() - t);
    t = performance.now();
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: roleUri }, position: { line: itemLine, character: 6 } });
    hover.push(performance.now() - t);
  }

  // Keystrokes in the role 1,000 teams use: it turns system-only and back.
  const hotUri = uriOf(dir, 'roles/hot.role.yaml');
  const teamUris = Array.from({ length: hotTeams(size) }, (_, i) => uriOf(dir, `teams/hot/hot-${i}.team.yaml`));
  await client.open(hotUri, HOT_SPACE_ROLE);
  const own: number[] = [];
  const dependents: number[] = [];
  for (let v = 2; v < 42; v++) {
    const broken = v % 2 === 0;
    const t = performance.now();
    await client.change(hotUri, broken ? HOT_SYSTEM_ROLE : HOT_SPACE_ROLE, v);
    await client.waitFor('own diagnostics', () => (client.codes(hotUri) ?? []).includes('unknown-permission') === broken);
    own.push(performance.now() - t);
    await client.waitFor('all dependents', () => teamUris.every((u) => (client.codes(u) ?? []).includes('system-role-in-space-team') === broken), 60000);
    dependents.push(performance.now() - t);
  }

  // 10,000 edits to an ordinary role, sent as fast as a client would, then the final state awaited.
  const variants = [text, text.replace(lines[itemLine], `${lines[itemLine]}x`)];
  const sent = performance.now();
  for (let v = 0; v < 10000; v++) void client.change(roleUri, variants[v % 2], 100 + v);
  await client.change(roleUri, text.replace(/^(\s*)- .*$/m, '$1- ProjectVeiw'), 20000);
  await client.waitFor('the last edit', () => (client.codes(roleUri) ?? []).includes('unknown-permission'), 300000);
  const editsMs = performance.now() - sent;
  const rssEdited = rssMB(client.pid);
  const heapEdited = await heapMB();
  await client.dispose();

  const report = [
    `Language server on ${size.toLocaleString('en')} files (stdio, pushed diagnostics), including one role that ${hotTeams(size).toLocaleString('en')} teams use:`,
    `- start to complete diagnostics (spawn, initialize, read every file, publish every file's diagnostics; median of ${ROUNDS}): ${completeMs.toFixed(0)} ms, ${(completeMs / checkMs).toFixed(2)} × the checker's ${checkMs.toFixed(0)} ms (\`octopus-roles check\` on the same files, wall time, alternating); the first diagnostics after ${median(starts.map((st) => st.firstMs)).toFixed(0)} ms`,
    `- diagnostics published at start: ${published.toLocaleString('en')}${published === checks[0].diagnostics ? ', the same count as the checker' : `; the checker reports ${checks[0].diagnostics.toLocaleString('en')}`}`,
    `- completion of a permission name (300 requests): ${percentiles(completion)}`,
    `- hover on a permission (300 requests): ${percentiles(hover)}`,
    `- keystroke in the role to its own new diagnostics (40 edits): ${percentiles(own)}`,
    `- keystroke in the role to the new diagnostics of all ${hotTeams(size).toLocaleString('en')} teams using it (40 edits): ${percentiles(dependents)}`,
    `- 10,000 edits sent back to back: all processed and answered with diagnostics in ${editsMs.toFixed(0)} ms`,
    `- server memory after indexing: heap ${heapIndexed} after a full collection, RSS ${rssIndexed}; after 10,000 further edits: heap ${heapEdited}, RSS ${rssEdited}`,
  ].join('\n');
  console.log(report);
  return report;
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const reports: string[] = [];
  for (const size of sizes.length ? sizes : [10000]) reports.push(await measure(size));
  const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version} (load average ${os.loadavg()[0].toFixed(1)} at the end).`;
  writeDocSection('server', `${stamp}\n\n${reports.join('\n\n')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
