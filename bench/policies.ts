/**
 * Access policies against `check` (issue 27, SPEC section 11): the time to analyse every file of a
 * generated workspace without policies and with a policy file of N policies (only, includes and
 * unrestricted: none over the workspace's own spaces, environments and teams), in the same process,
 * alternating, nine rounds, medians; and keystrokes of four kinds in a team file (`keystrokes`), each timed
 * until every file it affects, the policy file among them, has its diagnostics again; then the command
 * itself (`commandRuns`), as a CI step runs it. The machine is shared, so the figures to read are the
 * ratios within a run. Writes its rows into docs/performance.md.
 *
 *   node out/bench/policies.js [FILES] [POLICIES]        (default: 10000 200)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Workspace, type SpaceDoc, type TeamDoc } from '../server/src/service';
import * as model from '../server/src/service/model/policies';
import { generateWorkspace, writeWorkspace } from '../test/support/generate';
import { writeDocSection } from './docs';

/**
 * Rounds of each, alternating: `check` takes 400-600 ms and the machine is shared, so the difference of two
 * medians of five moved by twenty points between runs; nine (seven for the command, a second a process)
 * steady it.
 */
const ROUNDS = 9;
const COMMAND_ROUNDS = 7;
const PERMISSIONS = ['DeploymentCreate', 'ProjectView', 'VariableEdit', 'EnvironmentView', 'TaskView'];

/** A policy file of `count` policies over the spaces, environments and teams of `ws`. */
export function policies(ws: Workspace, count: number): string {
  const spaces: SpaceDoc[] = [];
  const teams: TeamDoc[] = [];
  for (const uri of ws.uris()) for (const d of ws.model(uri)?.docs ?? []) (d.kind === 'space' ? spaces : d.kind === 'team' ? teams : []).push(d as never);
  const lines = ['policies:'];
  for (let i = 0; i < count; i++) {
    const space = spaces[i % spaces.length];
    const env = space?.scopes.environments?.items[i % Math.max(1, space.scopes.environments.items.length)]?.value;
    const team = teams[i % teams.length];
    lines.push(`  - name: "policy ${i}"`, `    permission: ${PERMISSIONS[i % PERMISSIONS.length]}`);
    if (space?.name) lines.push(`    space: ${JSON.stringify(space.name.value)}`);
    if (env && i % 2 === 0) lines.push(`    environment: ${JSON.stringify(env)}`);
    const principal = JSON.stringify(`team:${team?.space ? `${team.space.value}/` : ''}${team?.name?.value ?? 'Everyone'}`);
    lines.push(i % 3 === 0 ? `    only: [${principal}]` : i % 3 === 1 ? `    includes: [${principal}]` : '    unrestricted: none');
  }
  return lines.join('\n') + '\n';
}

/**
 * Milliseconds to build the index of `files` and compute every file's diagnostics, and of those the
 * milliseconds of the extra file's diagnostics (the policy file's: the proof of its policies).
 */
function checkAll(files: ReadonlyMap<string, string>, extra?: [string, string]): { ms: number; extraMs: number; ws: Workspace } {
  const t = performance.now();
  const ws = new Workspace();
  for (const [uri, text] of files) ws.setFile(uri, text);
  if (extra) ws.setFile(extra[0], extra[1]);
  let extraMs = 0;
  for (const uri of ws.uris()) {
    if (uri !== extra?.[0]) {
      ws.diagnostics(uri);
      continue;
    }
    const s = performance.now();
    ws.diagnostics(uri);
    extraMs = performance.now() - s;
  }
  return { ms: performance.now() - t, extraMs, ws };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];

/**
 * Keystrokes in a team file, each undone by the next of its kind: a comment typed at its end, a user of
 * the workspace joining its last team, a tenant added to the first tenant restriction of its last team (or
 * a restriction to one tenant added to its last assignment), a letter typed in its last team's name (which
 * re-proves every policy: names decide which team counts and how one is written).
 */
function keystrokes(text: string, user: string): Record<'comment' | 'member' | 'restriction' | 'name', (i: number) => string> {
  const role = text.lastIndexOf('  - role: ');
  const line = text.indexOf('\n', role) + 1;
  const members = text.lastIndexOf('members: [');
  const name = text.lastIndexOf('name: ');
  const tenants = text.indexOf('tenants: [', name);
  const nameEnd = text.indexOf('\n', name);
  const at = (i: number, pos: number, insert: string) => (i % 2 === 0 ? text.slice(0, pos) + insert + text.slice(pos) : text);
  return {
    comment: (i) => `${text}# ${i}\n`,
    member: (i) => (members < 0 ? `${text}members: [${user}]\n` : at(i, members + 'members: ['.length, `${user}, `)),
    restriction: (i) => (tenants < 0 ? at(i, line, '    tenants: [Acme]\n') : at(i, tenants + 'tenants: ['.length, 'Acme, ')),
    name: (i) => at(i, nameEnd, 'x'),
  };
}

/** Policies proved so far, where the code counts them (not before issue 27's performance work). */
const proofs = () => (model as { policyProofs?: { count: number } }).policyProofs?.count ?? NaN;

/**
 * Times a keystroke until every file it affects has its diagnostics again (the policy file among them),
 * with how many policies it proved again.
 */
function keystroke(ws: Workspace, uri: string, text: string): { ms: number; proved: number } {
  const before = proofs();
  const t = performance.now();
  for (const u of ws.setFile(uri, text)) ws.diagnostics(u);
  return { ms: performance.now() - t, proved: proofs() - before };
}

const EDITS = 10;

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The command a CI step runs, `octopus-roles check DIR --format json`, on the workspace written to disk
 * without and with the policy file, alternating, seven rounds: median wall time and CPU time (user and
 * system, every thread, as the process reports them at exit), each a fresh process with a cold engine.
 */
function commandRuns(files: ReadonlyMap<string, string>, policyText: string): { plain: { wall: number; cpu: number }; withPolicies: { wall: number; cpu: number } } {
  const dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-bench-'));
  try {
    const plainDir = path.join(dir, 'plain');
    const policyDir = path.join(dir, 'policies');
    const relative = new Map([...files].map(([uri, text]) => [uri.slice('file:///bench/'.length), text]));
    writeWorkspace(plainDir, relative);
    writeWorkspace(policyDir, relative);
    writeFileSync(path.join(policyDir, 'access.policy.yaml'), policyText);
    // Reports the process's CPU time on exit, on a line of its own on stderr.
    const report = path.join(dir, 'cpu.js');
    writeFileSync(report, "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write(`\\ncpu-us ${u.user + u.system}\\n`); });\n");
    const run = (cwd: string) => {
      const t = performance.now();
      const r = spawnSync(process.execPath, ['--require', report, path.join(ROOT, 'bin', 'octopus-roles.js'), 'check', '.', '--format', 'json'], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
      const wall = performance.now() - t;
      const cpu = Number(/cpu-us (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1000;
      if (r.status !== 0 && r.status !== 1) throw new Error(`check exited with ${r.status}: ${r.stderr.slice(0, 500)}`);
      return { wall, cpu };
    };
    const plain: { wall: number; cpu: number }[] = [];
    const withPolicies: { wall: number; cpu: number }[] = [];
    for (let r = 0; r < COMMAND_ROUNDS; r++) {
      plain.push(run(plainDir));
      withPolicies.push(run(policyDir));
    }
    const mid = (xs: { wall: number; cpu: number }[]) => ({ wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) });
    return { plain: mid(plain), withPolicies: mid(withPolicies) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const size = Number(process.argv[2] ?? 10000);
  const count = Number(process.argv[3] ?? 200);
  const generated = generateWorkspace({ files: size, seed: 27 });
  const files = new Map([...generated].map(([p, t]) => [`file:///bench/${p}`, t]));
  const policyUri = 'file:///bench/access.policy.yaml';
  const policyText = policies(checkAll(files).ws, count);
  const plain: number[] = [];
  const withPolicies: number[] = [];
  const proving: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(checkAll(files).ms);
    const run = checkAll(files, [policyUri, policyText]);
    withPolicies.push(run.ms);
    proving.push(run.extraMs);
  }
  // The keystrokes type into a workspace of their own: no timed run keeps its workspace alive through the
  // next (a plain run would carry a whole workspace more than the run before it).
  const ws = checkAll(files, [policyUri, policyText]).ws;
  const team = [...files.keys()].find((u) => u.endsWith('.team.yaml'))!;
  const other = [...files.keys()].reverse().find((u) => u.endsWith('.team.yaml') && /members: \[(\w+)/.test(files.get(u)!))!;
  const user = /members: \[(\w+)/.exec(files.get(other)!)![1];
  const kinds = keystrokes(files.get(team)!, user);
  const times: Record<string, number[]> = {};
  const proved: Record<string, number[]> = {};
  const all: number[] = [];
  for (const [kind, edit] of Object.entries(kinds)) {
    // An even number of edits: each kind ends on the file's own text.
    for (let i = 0; i < EDITS; i++) {
      const k = keystroke(ws, team, edit(i));
      (times[kind] ??= []).push(k.ms);
      (proved[kind] ??= []).push(k.proved);
      all.push(k.ms);
    }
  }
  const breached = ws.diagnostics(policyUri).filter((d) => d.code === 'policy-breach').length;
  const p = median(plain);
  const q = median(withPolicies);
  const each = Object.entries(times).map(([k, xs]) => `${k} ${median(xs).toFixed(1)} (${median(proved[k])} proved)`).join(', ');
  const own = median(proving);
  console.log(`${size} files, ${count} policies (${breached} breach findings): check ${p.toFixed(0)} ms, with policies ${q.toFixed(0)} ms (+${(((q - p) / p) * 100).toFixed(1)}%); the policy file's diagnostics ${own.toFixed(0)} ms (${((own / p) * 100).toFixed(0)}% of check)`);
  console.log(`keystroke in a team file to every affected file's diagnostics, medians of ${EDITS}: ${each} ms; all ${all.length}: p95 ${p95(all).toFixed(1)} ms`);
  const cmd = commandRuns(files, policyText);
  const added = (a: number, b: number) => `+${(((b - a) / a) * 100).toFixed(0)}%`;
  console.log(
    `the command check DIR --format json, medians of ${COMMAND_ROUNDS}: wall ${cmd.plain.wall.toFixed(0)} ms, with policies ${cmd.withPolicies.wall.toFixed(0)} ms (${added(cmd.plain.wall, cmd.withPolicies.wall)}); CPU ${cmd.plain.cpu.toFixed(0)} ms, with policies ${cmd.withPolicies.cpu.toFixed(0)} ms (${added(cmd.plain.cpu, cmd.withPolicies.cpu)})`,
  );
  const f = (n: number) => Math.round(n).toLocaleString('en-US');
  const row = `| ${f(size)} | ${count} | ${f(p)} ms | ${f(q)} ms | +${(((q - p) / p) * 100).toFixed(0)}% | ${f(own)} ms (${((own / p) * 100).toFixed(0)}%) | ${['comment', 'member', 'restriction', 'name'].map((k) => `${median(times[k]).toFixed(0)} ms (${median(proved[k])})`).join(' | ')} | ${p95(all).toFixed(0)} ms |`;
  writeDocSection(
    'policies',
    [
      `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} (a shared machine: read the ratios).`,
      '',
      `In process, alternating, medians of ${ROUNDS}; "policy file" is the policy file's own diagnostics within the runs with it (the proof of its policies, and its share of \`check\`). Keystrokes: median time, with the median number of policies proved again in parentheses.`,
      '',
      '| files | policies | check | with policies | added | policy file | keystroke: comment | member | restriction | name | p95 of all |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      row,
      '',
      `The command \`octopus-roles check DIR --format json\` on the same files written to disk, without and with the policy file, a fresh process each, alternating, medians of ${COMMAND_ROUNDS}:`,
      '',
      '| | check | with policies | added |',
      '| --- | ---: | ---: | ---: |',
      `| wall | ${f(cmd.plain.wall)} ms | ${f(cmd.withPolicies.wall)} ms | ${added(cmd.plain.wall, cmd.withPolicies.wall)} |`,
      `| CPU (every thread) | ${f(cmd.plain.cpu)} ms | ${f(cmd.withPolicies.cpu)} ms | ${added(cmd.plain.cpu, cmd.withPolicies.cpu)} |`,
    ].join('\n'),
  );
}

// Imported for its policy file by bench/policy-workspace.ts: run only as a script.
if (require.main === module) main();
