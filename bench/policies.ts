/**
 * Access policies against `check` (issue 27, SPEC section 11): the time to analyse every file of a
 * generated workspace without policies and with a policy file of N policies (only, includes and
 * unrestricted: none over the workspace's own spaces, environments and teams), in the same process,
 * alternating, three rounds, median; and a keystroke in a team file: the time until the policy file's
 * diagnostics are known again. The machine is shared, so the figures to read are the ratios within a run.
 *
 *   node out/bench/policies.js [FILES] [POLICIES]        (default: 10000 200)
 */
import { performance } from 'node:perf_hooks';
import { Workspace, type SpaceDoc, type TeamDoc } from '../server/src/service';
import { generateWorkspace } from '../test/support/generate';

const ROUNDS = 3;
const PERMISSIONS = ['DeploymentCreate', 'ProjectView', 'VariableEdit', 'EnvironmentView', 'TaskView'];

/** A policy file of `count` policies over the spaces, environments and teams of `ws`. */
function policies(ws: Workspace, count: number): string {
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

/** Milliseconds to build the index of `files` and compute every file's diagnostics. */
function checkAll(files: ReadonlyMap<string, string>, extra?: [string, string]): { ms: number; ws: Workspace } {
  const t = performance.now();
  const ws = new Workspace();
  for (const [uri, text] of files) ws.setFile(uri, text);
  if (extra) ws.setFile(extra[0], extra[1]);
  for (const uri of ws.uris()) ws.diagnostics(uri);
  return { ms: performance.now() - t, ws };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const size = Number(process.argv[2] ?? 10000);
  const count = Number(process.argv[3] ?? 200);
  const generated = generateWorkspace({ files: size, seed: 27 });
  const files = new Map([...generated].map(([p, t]) => [`file:///bench/${p}`, t]));
  const policyUri = 'file:///bench/access.policy.yaml';
  const policyText = policies(checkAll(files).ws, count);
  const plain: number[] = [];
  const proved: number[] = [];
  let ws: Workspace | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(checkAll(files).ms);
    const run = checkAll(files, [policyUri, policyText]);
    proved.push(run.ms);
    ws = run.ws;
  }
  const team = [...files.keys()].find((u) => u.endsWith('.team.yaml'))!;
  const keystrokes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    ws!.setFile(team, files.get(team)! + `# ${i}\n`);
    ws!.diagnostics(team);
    ws!.diagnostics(policyUri);
    keystrokes.push(performance.now() - t);
  }
  const breached = ws!.diagnostics(policyUri).filter((d) => d.code === 'policy-breach').length;
  const p = median(plain);
  const q = median(proved);
  console.log(`${size} files, ${count} policies (${breached} breach findings): check ${p.toFixed(0)} ms, with policies ${q.toFixed(0)} ms (+${(((q - p) / p) * 100).toFixed(1)}%); keystroke in a team file re-proving them: median ${median(keystrokes).toFixed(1)} ms`);
}

main();
