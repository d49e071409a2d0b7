/**
 * The language server on a generated workspace, over JSON-RPC (stdio, the shipped bin): start-up to the
 * first diagnostics, and the latency of completion, hover and a keystroke's own diagnostics.
 *
 *   node out/bench/server.js [FILES]        (default 10000)
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PUSH_CAPABILITIES, TestClient, uriOf } from '../test/server/client';
import { generateWorkspace, writeWorkspace } from './generate';

const ROOT = path.resolve(__dirname, '..', '..');

function percentiles(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(2);
  return `p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, p99 ${p(0.99)} ms`;
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 10000);
  const dir = path.join(ROOT, 'bench', '.work', String(size));
  if (!existsSync(path.join(dir, '.complete'))) {
    mkdirSync(dir, { recursive: true });
    writeWorkspace(dir, generateWorkspace({ files: size, seed: 42 }));
    writeFileSync(path.join(dir, '.complete'), '');
  }
  const client = new TestClient();
  const t0 = performance.now();
  await client.initialize(dir, PUSH_CAPABILITIES);
  const indexed = performance.now() - t0;
  await client.waitFor('first diagnostics', () => client.published.size > 0, 120000);
  const firstDiagnostics = performance.now() - t0;

  const roleDir = path.join(dir, 'roles', readdirSync(path.join(dir, 'roles')).sort()[0]);
  const roleFile = readdirSync(roleDir).find((f) => f.endsWith('.role.yaml'))!;
  const roleUri = uriOf(roleDir, roleFile);
  const text = readFileSync(path.join(roleDir, roleFile), 'utf8');
  await client.open(roleUri, text);
  const lines = text.split('\n');
  const itemLine = lines.findIndex((l) => l.startsWith('  - '));

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

  // A keystroke that breaks the role: measured until its own diagnostics arrive (push mode, 15 ms batching).
  const keystroke: number[] = [];
  for (let v = 2; v < 102; v++) {
    const broken = v % 2 === 0;
    const next = broken ? text.replace(lines[itemLine], lines[itemLine] + 'x') : text;
    const t = performance.now();
    await client.change(roleUri, next, v);
    await client.waitFor('own diagnostics', () => (client.codes(roleUri) ?? []).includes('unknown-permission') === broken);
    keystroke.push(performance.now() - t);
  }
  await client.dispose();
  const report = [
    `Language server on ${size.toLocaleString('en')} files (stdio, push diagnostics):`,
    `- initialize to workspace indexed: ${indexed.toFixed(0)} ms; to the first diagnostics: ${firstDiagnostics.toFixed(0)} ms`,
    `- completion of a permission name (300 requests): ${percentiles(completion)}`,
    `- hover on a permission (300 requests): ${percentiles(hover)}`,
    `- keystroke in a role to its own new diagnostics (100 edits, including 15 ms batching): ${percentiles(keystroke)}`,
  ].join('\n');
  console.log(report);
  const doc = path.join(ROOT, 'docs', 'performance.md');
  const start = '<!-- bench:server:start -->';
  const end = '<!-- bench:server:end -->';
  const current = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const i = current.indexOf(start);
  const j = current.indexOf(end);
  if (i >= 0 && j > i) {
    const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}.`;
    writeFileSync(doc, current.slice(0, i + start.length) + '\n' + stamp + '\n\n' + report + '\n' + current.slice(j));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
