/**
 * Effective access against the checker: on a generated workspace kept in a git repository (two commits),
 * the time of `check`, of `who-can DeploymentCreate`, of `explain user:alice` (a user of many teams), and
 * of `diff BASE HEAD` (both revisions read with git), each the installed command in a fresh Node process,
 * alternating, three rounds, median reported.
 * SPEC section 8 asks the two access commands to cost at most about twice what `check` does.
 *
 *   node out/bench/access.js [SIZE...]        (default: 1000 10000)
 *
 * Writes the table to docs/performance.md (between the markers) and prints it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeDocSection } from './docs';
import { generateWorkspace, writeWorkspace } from '../test/support/generate';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'bench', '.work');
const BIN = path.join(ROOT, 'bin', 'octopus-roles.js');
const ROUNDS = 3;

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', ...args], { cwd, stdio: 'ignore' });
}

/** The wall time of one command in a fresh process, in milliseconds. */
function time(cwd: string, args: readonly string[]): number {
  const t = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (run.status === null || run.status === 2) throw new Error(`octopus-roles ${args.join(' ')} failed: ${run.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A repository with the generated workspace as BASE and, as HEAD, one role widened and every tenth team edited. */
function repository(size: number): string {
  const dir = path.join(WORK, `access-${size}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = generateWorkspace({ files: size, seed: 42 });
  writeWorkspace(dir, files);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  let n = 0;
  for (const rel of [...files.keys()].sort()) {
    if (!rel.endsWith('.team.yaml') || n++ % 10 !== 0) continue;
    const full = path.join(dir, rel);
    writeFileSync(full, readFileSync(full, 'utf8').replace(/environments: \[[^\]]*\]/, 'environments: [Production]'));
  }
  git(dir, 'commit', '-qam', 'head');
  return dir;
}

function bench(size: number): string {
  const dir = repository(size);
  const samples = { check: [] as number[], whoCan: [] as number[], explain: [] as number[], diff: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    samples.check.push(time(dir, ['check', '--format', 'json']));
    samples.whoCan.push(time(dir, ['who-can', 'DeploymentCreate', '--format', 'json']));
    samples.explain.push(time(dir, ['explain', 'user:alice', '--format', 'json']));
    samples.diff.push(time(dir, ['diff', 'HEAD~1', 'HEAD', '--format', 'json']));
  }
  const check = median(samples.check);
  const cell = (ms: number) => `${ms.toFixed(0)} | ${(ms / check).toFixed(2)}`;
  return `| ${size.toLocaleString('en-US')} | ${check.toFixed(0)} | ${cell(median(samples.whoCan))} | ${cell(median(samples.explain))} | ${cell(median(samples.diff))} |`;
}

function main(): void {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const rows = (sizes.length ? sizes : [1000, 10000]).map(bench);
  const cpu = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const body = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu}, ${os.cpus().length} cores, Node ${process.version}.`,
    `Median of ${ROUNDS} rounds; each command in a fresh process (wall time, Node start included), alternating.`,
    '`diff` reads both revisions from git (`ls-tree`, `cat-file --batch`) and builds two models.',
    '',
    '| files | `check` ms | `who-can` ms | who-can / check | `explain` ms | explain / check | `diff HEAD~1 HEAD` ms | diff / check |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  writeDocSection('access', body);
  console.log(body);
}

main();
