/**
 * Access policies in the editor, over JSON-RPC against the shipped server (SPEC section 11): diagnostics
 * of a policy file pushed without opening it, re-proved when a team file changes, a code lens per policy,
 * completion of principals and hover on a policy's name.
 */
import * as assert from 'node:assert/strict';
import type { CodeLens, CompletionItem, CompletionList, Hover } from 'vscode-languageserver-protocol';
import { PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from './client';

const OPS_TEST = 'name: Ops\nspace: Finance\nmembers: [bob]\nroles:\n  - role: Deployer\n    environments: [Test]\n';
const OPS_PROD = OPS_TEST.replace('[Test]', '[Production]');
const POLICY = [
  'policies:',
  '  - name: Only space managers deploy to production',
  '    permission: DeploymentCreate',
  '    space: Finance',
  '    environment: Production',
  '    only: ["team:Finance/Space Managers"]',
  '  - name: Ops deploys to test',
  '    permission: DeploymentCreate',
  '    space: Finance',
  '    environment: Test',
  '    includes: [team:Ops]',
  '',
].join('\n');
const FILES = {
  'finance.space.yaml': 'name: Finance\nenvironments: [Test, Production]\n',
  'deployer.role.yaml': 'name: Deployer\nspacePermissions: [DeploymentCreate]\n',
  'ops.team.yaml': OPS_TEST,
  'access.policy.yaml': POLICY,
};

describe('access policies over JSON-RPC', function () {
  this.timeout(30000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  async function start() {
    dir = tempWorkspace(FILES);
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
  }

  it('re-proves a policy file that is not open when a team file changes, with the assignment as related information', async () => {
    await start();
    const policy = uriOf(dir, 'access.policy.yaml');
    const ops = uriOf(dir, 'ops.team.yaml');
    await client.open(ops, OPS_TEST);
    await client.change(ops, OPS_PROD, 2);
    await client.waitFor('the policy to break', () => (client.codes(policy) ?? []).filter((c) => c === 'policy-breach').length === 2);
    const d = client.published.get(policy)!.find((x) => String(x.message).includes('Only space managers'))!;
    assert.deepEqual(d.range, { start: { line: 1, character: 10 }, end: { line: 1, character: 50 } });
    assert.deepEqual(d.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]), [[ops, 4]]);
    await client.change(ops, OPS_TEST, 3);
    await client.waitFor('the policy to hold again', () => client.codes(policy)?.length === 0);
  });

  it('shows a lens per policy: "holds", or how many breaches, opening the assignments', async () => {
    await start();
    const policy = uriOf(dir, 'access.policy.yaml');
    await client.open(policy, POLICY);
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: policy } })) as CodeLens[];
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title]), [[1, 'holds'], [6, 'holds']]);
    const ops = uriOf(dir, 'ops.team.yaml');
    await client.open(ops, OPS_TEST);
    await client.change(ops, OPS_PROD, 2);
    await client.waitFor('the policy to break', () => (client.codes(policy) ?? []).length === 2);
    const after = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: policy } })) as CodeLens[];
    assert.deepEqual(after.map((l) => l.command?.title), ['2 breaches', '1 breach']);
    const [, , locations] = after[0].command!.arguments as [string, unknown, { uri: string }[]];
    assert.deepEqual(locations.map((l) => l.uri), [ops]);
  });

  it('completes principals in `only` and hovers a policy with its result', async () => {
    await start();
    const policy = uriOf(dir, 'access.policy.yaml');
    const text = POLICY.replace('only: ["team:Finance/Space Managers"]', 'only: [us]');
    await client.open(policy, text);
    const line = 5;
    const character = text.split('\n')[line].indexOf('us') + 2;
    const result = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri: policy }, position: { line, character } })) as CompletionList | CompletionItem[];
    const labels = (Array.isArray(result) ? result : result.items).map((i) => i.label);
    for (const p of ['user:bob', 'team:Ops', 'Everyone', 'team:Finance/Space Managers']) assert.ok(labels.includes(p), `${p} in ${labels.join(', ')}`);
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: policy }, position: { line: 6, character: 14 } })) as Hover;
    assert.match(JSON.stringify(hover.contents), /Policy Ops deploys to test.*Holds on every model/);
  });
});
