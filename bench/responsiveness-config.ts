/**
 * Bursts of configuration changes (bench/responsiveness.ts, `config`): on a generated workspace of 2,000
 * files, 300 change events for `.octopus-roles.yaml` sent back to back (as a branch switch or a formatter
 * run gives), then 300 `workspace/didChangeConfiguration`. After each burst a hover is sent at once and
 * timed, and a file with findings is watched: how many times it is published until its diagnostics
 * follow the new setting (one re-evaluation publishes it once).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PUSH_CAPABILITIES, TestClient, uriOf } from '../test/server/client';
import { generateWorkspace, writeWorkspace } from '../test/support/generate';

const ROOT = path.resolve(__dirname, '..', '..');
const SIZE = 2000;
const BURST = 300;
const OTHER = 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n';

function workspace(): string {
  const dir = path.join(ROOT, 'bench', '.work', `config-${SIZE}`);
  if (existsSync(path.join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = generateWorkspace({ files: SIZE - 2, seed: 42 });
  files.set('other.role.yaml', OTHER);
  writeWorkspace(dir, files);
  writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}

/** The most frequent finding's code, and a file that has it. */
function target(client: TestClient): { code: string; uri: string } {
  const counts = new Map<string, number>();
  for (const ds of client.published.values()) for (const d of ds) counts.set(String(d.code), (counts.get(String(d.code)) ?? 0) + 1);
  const code = [...counts].sort((a, b) => b[1] - a[1])[0][0];
  const uri = [...client.published].find(([, ds]) => ds.some((d) => String(d.code) === code))![0];
  return { code, uri };
}

interface BurstResult {
  hoverMs: number;
  publishes: number;
  correctMs: number;
}

/** Sends `burst`, then a hover; waits for the finding `code` of `uri` to have the severity `severity`. */
async function measureBurst(client: TestClient, otherUri: string, uri: string, code: string, severity: number, burst: () => void): Promise<BurstResult> {
  const seen = client.publications.length;
  burst();
  const t = performance.now();
  await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: otherUri }, position: { line: 1, character: 22 } });
  const hoverMs = performance.now() - t;
  const correct = (p: { uri: string; diagnostics: { code?: unknown; severity?: number }[] }) => p.uri === uri && p.diagnostics.some((d) => String(d.code) === code && d.severity === severity);
  await client.waitFor('diagnostics after the burst', () => client.publications.slice(seen).some(correct), 600000);
  const correctMs = performance.now() - t;
  // Anything still coming from the burst arrives within a few seconds.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const publishes = client.publications.slice(seen).filter((p) => p.uri === uri).length;
  return { hoverMs, publishes, correctMs };
}

/** Both bursts, as report lines. */
export async function configBurst(): Promise<string> {
  const dir = workspace();
  const config = path.join(dir, '.octopus-roles.yaml');
  writeFileSync(config, '# no settings\n');
  const configUri = uriOf(dir, '.octopus-roles.yaml');
  const client = new TestClient();
  try {
    await client.initialize(dir, PUSH_CAPABILITIES, 600000);
    await client.waitFor('complete diagnostics', () => client.statuses.some((st) => !st.indexing), 600000);
    const otherUri = uriOf(dir, 'other.role.yaml');
    await client.open(otherUri, OTHER);
    const { code, uri } = target(client);
    const was = client.published.get(uri)!.find((d) => String(d.code) === code)!.severity!;
    // The new severity: information, or hint if it was information already (a rule turned off would not be published again).
    const [now, name] = was === 3 ? [4, 'hint'] : [3, 'information'];
    const events = () => {
      for (let i = 0; i < BURST; i++) void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    };
    writeFileSync(config, `rules:\n  ${code}: ${name}\n`);
    const file = await measureBurst(client, otherUri, uri, code, now, events);
    writeFileSync(config, '# no settings\n');
    await measureBurst(client, otherUri, uri, code, was, () => void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] }));
    const settings = () => {
      for (let i = 0; i < BURST; i++) {
        const rules = i === BURST - 1 || i % 2 === 1 ? { [code]: name } : {};
        void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { octopusRoles: { rules } } });
      }
    };
    const editor = await measureBurst(client, otherUri, uri, code, now, settings);
    const line = (what: string, r: BurstResult) =>
      `- ${what}: hover answered ${r.hoverMs.toFixed(0)} ms after the burst; a file with ${code} (set to ${name}) published ${r.publishes} time${r.publishes === 1 ? '' : 's'}, correct after ${r.correctMs.toFixed(0)} ms`;
    return [
      `Bursts of ${BURST} configuration changes on ${SIZE.toLocaleString('en')} files:`,
      line(`${BURST} \`.octopus-roles.yaml\` change events`, file),
      line(`${BURST} \`workspace/didChangeConfiguration\``, editor),
    ].join('\n');
  } finally {
    await client.dispose();
    writeFileSync(config, '# no settings\n');
  }
}
