/**
 * The cost of quick fixes. For each workspace size: the time to offer the fixes of one diagnostic
 * (`codeFixes`, which applies every candidate to the model, re-checks the files it affects and undoes
 * it), over every diagnostic of the workspace (p50, p95, max and its code); the time of fix-all over
 * every file; and the installed checker with and without `--fix` on a copy on disk.
 *
 *   node out/bench/fixes.js [SIZE...]        (default: 1000 10000)
 *
 * Writes the table to docs/performance.md (between the `fixes` markers) and prints it.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeFixes, DEFAULT_SETTINGS, finalDiagnostics, fixAll, Workspace } from '../server/src/service';
import { writeDocSection } from './docs';
import { generateWorkspace, writeWorkspace } from '../test/support/generate';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'bench', '.work');

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

function wall(args: string[]): number {
  const start = process.hrtime.bigint();
  spawnSync(process.execPath, [path.join(ROOT, 'bin', 'octopus-roles.js'), ...args], { cwd: ROOT, stdio: 'ignore' });
  return ms(start);
}

function measure(size: number): string {
  const files = generateWorkspace({ files: size, seed: 7, breachRate: 0.05 });
  const ws = new Workspace();
  for (const [p, t] of files) ws.setFile(`/ws/${p}`, t);
  const times: number[] = [];
  let worst = { ms: 0, code: '' };
  let offered = 0;
  for (const uri of [...ws.uris()]) {
    for (const d of finalDiagnostics(ws, uri, DEFAULT_SETTINGS)) {
      const start = process.hrtime.bigint();
      offered += codeFixes(ws, uri, d, DEFAULT_SETTINGS).length;
      const t = ms(start);
      times.push(t);
      if (t > worst.ms) worst = { ms: t, code: d.code };
    }
  }
  times.sort((a, b) => a - b);
  const allStart = process.hrtime.bigint();
  let fixedFiles = 0;
  for (const uri of [...ws.uris()]) if (fixAll(ws, uri, DEFAULT_SETTINGS)) fixedFiles++;
  const fixAllMs = ms(allStart);

  const dir = path.join(WORK, `fixes-${size}`);
  rmSync(dir, { recursive: true, force: true });
  writeWorkspace(dir, files);
  const check = wall(['check', dir]);
  const fix = wall(['check', '--fix', dir]);
  rmSync(dir, { recursive: true, force: true });
  return `| ${size.toLocaleString('en')} | ${times.length.toLocaleString('en')} (${offered.toLocaleString('en')} fixes) | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${worst.ms.toFixed(0)} (${worst.code}) | ${fixAllMs.toFixed(0)} (${fixedFiles} files) | ${check.toFixed(0)} | ${fix.toFixed(0)} |`;
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows = (sizes.length ? sizes : [1000, 10000]).map(measure);
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}; times in ms.`,
  '',
  '| files | diagnostics | offer fixes p50 | p95 | max (code) | fix-all, every file | `check` | `check --fix` |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n');
writeDocSection('fixes', table);
console.log(table);
