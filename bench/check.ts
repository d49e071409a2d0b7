/**
 * The checker against its floor: for each workspace size, the time to find, read and parse every file
 * with `yaml` and nothing else (the floor), next to the full check, each in a fresh Node process,
 * alternating, three rounds, median reported. Also the wall time of the installed command and the peak
 * memory of each process.
 *
 *   node out/bench/check.js [SIZE...]        (default: 1000 10000)
 *
 * Writes the table to docs/performance.md (between the markers) and prints it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeDocSection } from './docs';
import { generateWorkspace, writeWorkspace } from '../test/support/generate';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'bench', '.work');
const ROUNDS = 3;

interface Sample {
  /** Wall time of the work, in the process. */
  ms: number;
  /** CPU time of the process during the work (user and system, every thread: the collector's too). */
  cpuMs: number;
  rssMB: number;
  count?: number;
}

/** Runs `code` in a fresh Node process; it prints one JSON line with its own measurements. */
function child(code: string, dir: string): Sample {
  const run = spawnSync(process.execPath, ['--max-old-space-size=4096', '-e', code, dir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0 && !run.stdout.includes('{')) throw new Error(`benchmark child failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Sample;
}

/**
 * The honest floor: what the simplest program that reads and parses the same files needs, with nothing of
 * the product's code: a plain recursive walk (skipping node_modules and dot-folders, as the product does),
 * `readFileSync` and `yaml.parseAllDocuments`.
 */
const FLOOR = `
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { parseAllDocuments } = require('yaml');
const SUFFIX = /\\.(role|team|space)\\.ya?ml$/i;
const c0 = process.cpuUsage();
const t = process.hrtime.bigint();
let count = 0;
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) { if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(path.join(dir, e.name)); }
    else if (SUFFIX.test(e.name)) { parseAllDocuments(readFileSync(path.join(dir, e.name), 'utf8')); count++; }
  }
};
walk(process.argv[1]);
const ms = Number(process.hrtime.bigint() - t) / 1e6;
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000, rssMB: process.resourceUsage().maxRSS / 1024, count }));`;

const CHECK = `
const { runCli } = require('./dist/cli.js');
(async () => {
  const c0 = process.cpuUsage();
  const t = process.hrtime.bigint();
  let out = '';
  await runCli(['check', process.argv[1], '--format', 'json'], { stdout: (s) => (out += s), stderr: () => {}, cwd: process.cwd() });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000, rssMB: process.resourceUsage().maxRSS / 1024, count: JSON.parse(out).length }));
})();`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bench(size: number): string {
  const dir = path.join(WORK, String(size));
  if (!existsSync(path.join(dir, '.complete'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeWorkspace(dir, generateWorkspace({ files: size, seed: 42 }));
    writeFileSync(path.join(dir, '.complete'), '');
  }
  const floor: Sample[] = [];
  const check: Sample[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    floor.push(child(FLOOR, dir));
    check.push(child(CHECK, dir));
  }
  const wall: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, [path.join(ROOT, 'bin', 'octopus-roles.js'), 'check', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    wall.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const f = median(floor.map((s) => s.cpuMs));
  const c = median(check.map((s) => s.cpuMs));
  const fw = median(floor.map((s) => s.ms));
  const cw = median(check.map((s) => s.ms));
  return `| ${size.toLocaleString('en')} | ${f.toFixed(0)} | ${c.toFixed(0)} | **${(c / f).toFixed(2)}** | ${fw.toFixed(0)} | ${cw.toFixed(0)} | ${(cw / fw).toFixed(2)} | ${((c * 1000) / size).toFixed(0)} | ${median(wall).toFixed(0)} | ${Math.max(...floor.map((s) => s.rssMB)).toFixed(0)} / ${Math.max(...check.map((s) => s.rssMB)).toFixed(0)} | ${check[0].count} |`;
}

function main(): void {
  if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('run `npm run build` first');
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const rows = (sizes.length ? sizes : [1000, 10000]).map(bench);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()}.`,
    `Median of ${ROUNDS} runs, floor and checker alternating, each in a fresh process; CPU time is the process's own (user and system, the collector's threads included), wall time is the clock's, both around the work (module loading excluded; the last wall column times the whole command).`,
    '',
    '| files | floor CPU ms (read + `yaml` parse) | checker CPU ms | checker / floor (CPU) | floor wall ms | checker wall ms | checker / floor (wall) | CPU µs per file | `octopus-roles check` wall ms | peak RSS MB floor / checker | diagnostics |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  console.log(table);
  writeDocSection('check', table);
}

main();
