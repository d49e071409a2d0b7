/**
 * The language server on a generated workspace, over JSON-RPC (stdio, the shipped bin, pushed
 * diagnostics): start-up to the first diagnostics; completion and hover latency; the latency from a
 * keystroke in a role used by 1,000 teams to that role's own new diagnostics and to the updated
 * diagnostics of all 1,000 teams; the server's memory after indexing and after 10,000 edits.
 *
 *   node out/bench/server.js [FILES...]        (default 10000)
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PUSH_CAPABILITIES, TestClient, uriOf } from '../test/server/client';
import { writeDocSection } from './docs';
import { generateWorkspace, writeWorkspace } from '../test/support/generate';

const ROOT = path.resolve(__dirname, '..', '..');
/** Teams that assign the one role all keystrokes go to: 1,000, or a quarter of a smaller workspace. */
const hotTeams = (size: number) => Math.min(1000, Math.floor(size / 4));
/** The role the completion, hover and 10,000-edit measurements work in (no team uses it). */
const EDITED_ROLE = 'name: Edited Role\nspacePermissions:\n  - ProjectView\n  - ReleaseView\nsystemPermissions: [TeamView]\n';
const HOT_SPACE_ROLE = 'name: Hot Role\nspacePermissions: [DeploymentCreate, ProjectView]\n';
const HOT_SYSTEM_ROLE = 'name: Hot Role\nspacePermissions: []\nsystemPermissions: [UserView, ProjectVeiw]\n';

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

/** The generated workspace, plus one role that 1,000 space teams assign; `size` files in all. */
function prepare(size: number): string {
  const dir = path.join(ROOT, 'bench', '.work', `server-${size}`);
  if (existsSync(path.join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = generateWorkspace({ files: size - hotTeams(size) - 2, seed: 42 });
  files.set('roles/hot.role.yaml', HOT_SPACE_ROLE);
  files.set('roles/edited.role.yaml', EDITED_ROLE);
  const space = /name: (.+)/.exec([...files].find(([p]) => p.endsWith('.space.yaml'))![1])![1].trim();
  for (let i = 0; i < hotTeams(size); i++) files.set(`teams/hot/hot-${i}.team.yaml`, `name: Hot team ${i}\nspace: ${space}\nroles:\n  - Hot Role\n`);
  writeWorkspace(dir, files);
  writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}

async function measure(size: number): Promise<string> {
  const dir = prepare(size);
  const client = new TestClient(['--expose-gc']);
  const heapMB = async () => {
    const m = (await client.connection.sendRequest('octopusRoles/memoryUsage')) as { heapUsed: number };
    return `${(m.heapUsed / 2 ** 20).toFixed(0)} MB`;
  };
  const t0 = performance.now();
  await client.initialize(dir, PUSH_CAPABILITIES, 600000);
  await client.waitFor('first diagnostics', () => client.published.size > 0, 300000);
  const firstDiagnostics = performance.now() - t0;
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
    `- start to the first diagnostics (spawn, initialize, index every file): ${firstDiagnostics.toFixed(0)} ms`,
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
  const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}.`;
  writeDocSection('server', `${stamp}\n\n${reports.join('\n\n')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
