/**
 * Checking a Terraform module: a generated module of N roles and teams (default 500 + 500, half the teams
 * with an inline `user_role` block, half with an `octopusdeploy_scoped_user_role`) in ten files, checked with `octopus-roles check` in a
 * fresh Node process, three rounds, median reported. The time includes loading the Terraform grammar
 * (WebAssembly), which is also reported on its own; module loading is excluded, as in bench/check.ts.
 *
 *   node out/bench/terraform.js [RESOURCES...]        (default: 1000)
 *
 * Writes the table to docs/performance.md (between the markers) and prints it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { allPermissions } from '../server/src/service/catalog';
import { writeDocSection } from './docs';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'bench', '.work', 'terraform');
const ROUNDS = 3;
const FILES = 10;

/** A module of `resources` roles and teams, about 2% of them breaking a rule. */
function generate(resources: number): Map<string, string> {
  const space = [...allPermissions()].filter((p) => p.level !== 'system').map((p) => p.name);
  const system = [...allPermissions()].filter((p) => p.level === 'system').map((p) => p.name);
  const roles = Math.ceil(resources / 2);
  const teams = resources - roles;
  const files = new Map<string, string[]>();
  const add = (i: number, text: string) => {
    const name = `access-${i % FILES}.tf`;
    files.set(name, [...(files.get(name) ?? []), text]);
  };
  for (let i = 0; i < roles; i++) {
    const perms = Array.from({ length: 3 + (i % 5) }, (_, k) => space[(i * 7 + k * 13) % space.length]);
    if (i % 50 === 0) perms.push(system[i % system.length]); // wrong-level
    const sys = i % 4 === 0 ? `\n  granted_system_permissions = ["${system[i % system.length]}"]` : '';
    add(i, `resource "octopusdeploy_user_role" "role_${i}" {\n  name                      = "Role ${i}"\n  granted_space_permissions = [${[...new Set(perms)].map((p) => `"${p}"`).join(', ')}]${sys}\n}\n`);
  }
  for (let i = 0; i < teams; i++) {
    const spaceTeam = i % 3 !== 0;
    const spaceId = spaceTeam ? '\n  space_id = var.space_id' : '';
    // Half the teams assign inline, half with a scoped user role in another file (never both).
    const inline = i % 2 === 0;
    const block = `\n\n  user_role {\n    user_role_id    = octopusdeploy_user_role.role_${(i * 3) % roles}.id\n    space_id        = var.space_id\n    environment_ids = ["Environments-${i % 7}"]\n  }`;
    add(i, `resource "octopusdeploy_team" "team_${i}" {\n  name = "Team ${i}"${spaceId}${inline ? block : ''}\n}\n`);
    if (!inline) {
      add(i + 1, `resource "octopusdeploy_scoped_user_role" "team_${i}_role" {\n  team_id      = octopusdeploy_team.team_${i}.id\n  user_role_id = octopusdeploy_user_role.role_${(i * 3) % roles}.id\n  space_id     = var.space_id\n}\n`);
    }
  }
  return new Map([...files].map(([name, parts]) => [name, parts.join('\n')]));
}

interface Sample {
  ms: number;
  /** CPU time of the check (user + system): less sensitive than wall time to other load on the machine. */
  cpuMs: number;
  grammarMs: number;
  rssMB: number;
  count: number;
}

const CHECK = `
const { runCli } = require('./dist/cli.js');
(async () => {
  const t = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let out = '';
  await runCli(['check', process.argv[1], '--format', 'json'], { stdout: (s) => (out += s), stderr: () => {}, cwd: process.cwd() });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, rssMB: process.resourceUsage().maxRSS / 1024, count: JSON.parse(out).length }));
})();`;

const GRAMMAR = `
const { ensureTerraform } = require('./out/server/src/node/terraform.js');
(async () => {
  const t = process.hrtime.bigint();
  await ensureTerraform();
  console.log(JSON.stringify({ grammarMs: Number(process.hrtime.bigint() - t) / 1e6 }));
})();`;

function child<T>(code: string, dir: string): T {
  const run = spawnSync(process.execPath, ['-e', code, dir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (!run.stdout.includes('{')) throw new Error(`benchmark child failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as T;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bench(resources: number): string {
  const dir = path.join(WORK, String(resources), 'module');
  rmSync(path.dirname(dir), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  for (const [name, text] of generate(resources)) {
    writeFileSync(path.join(dir, name), text);
    bytes += Buffer.byteLength(text);
  }
  const samples: Sample[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const s = child<Omit<Sample, 'grammarMs'>>(CHECK, dir);
    samples.push({ ...s, grammarMs: child<{ grammarMs: number }>(GRAMMAR, dir).grammarMs });
  }
  const wall: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, [path.join(ROOT, 'bin', 'octopus-roles.js'), 'check', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    wall.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const scoped = Math.floor(resources / 4);
  return `| ${resources.toLocaleString('en')} + ${scoped.toLocaleString('en')} scoped | ${FILES} | ${(bytes / 1024).toFixed(0)} | ${median(samples.map((s) => s.grammarMs)).toFixed(0)} | ${median(samples.map((s) => s.ms)).toFixed(0)} | ${median(samples.map((s) => s.cpuMs)).toFixed(0)} | ${median(wall).toFixed(0)} | ${Math.max(...samples.map((s) => s.rssMB)).toFixed(0)} | ${samples[0].count} |`;
}

function main(): void {
  if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('run `npm run build` first');
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const rows = (sizes.length ? sizes : [1000]).map(bench);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()}.`,
    `Median of ${ROUNDS} runs, each in a fresh process (module loading excluded; the wall column includes it); load average ${os.loadavg()[0].toFixed(1)} when done.`,
    '',
    '| roles and teams | files | KB | grammar load ms | check ms (grammar included) | check CPU ms | `octopus-roles check` wall ms | peak RSS MB | diagnostics |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  console.log(table);
  writeDocSection('terraform', table);
}

main();
