import * as assert from 'node:assert/strict';
import type { CodeAction, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { PULL_CAPABILITIES, PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from './client';

const ROLES = 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n---\nname: Auditor\nsystemPermissions: [EventView]\n';
const SPACES = 'name: Finance\n---\nname: Platform\n';

/** The text of `uri` after the edits a WorkspaceEdit makes to it. */
function applied(edit: WorkspaceEdit, uri: string, text: string): string {
  const edits: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const c of edit.documentChanges ?? []) if ('textDocument' in c && c.textDocument.uri === uri) edits.push(...c.edits.filter((e): e is TextEdit => 'range' in e));
  return TextDocument.applyEdits(TextDocument.create(uri, 'octopus-roles', 1, text), edits);
}

describe('quick fixes over JSON-RPC', function () {
  this.timeout(30000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  it('offers a fix for a pushed diagnostic; applying it clears the diagnostic', async () => {
    const team = 'name: Ops\nroles:\n  - Deployer\n';
    dir = tempWorkspace({ 'r.role.yaml': ROLES, 's.space.yaml': SPACES, 'ops.team.yaml': team });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const uri = uriOf(dir, 'ops.team.yaml');
    await client.open(uri, team);
    await client.waitFor('space-required', () => client.codes(uri)?.[0] === 'space-required');
    const diagnostic = client.published.get(uri)![0];
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => a.title),
      [
        "Apply 'Deployer' in space 'Finance' (grants DeploymentCreate, ProjectView in Finance to team Ops)",
        "Apply 'Deployer' in space 'Platform' (grants DeploymentCreate, ProjectView in Platform to team Ops)",
        "Remove 'Deployer' from 'Ops'",
        "Suppress 'space-required' on this line",
        'Show documentation for space-required',
      ],
    );
    assert.equal(actions[0].isPreferred, true);
    assert.deepEqual(actions[0].diagnostics, [diagnostic]);
    const fixed = applied(actions[1].edit!, uri, team);
    assert.equal(fixed, 'name: Ops\nroles:\n  - role: Deployer\n    space: Platform\n');
    await client.change(uri, fixed, 2);
    await client.waitFor('the diagnostic to go', () => client.codes(uri)?.length === 0);
  });

  it('offers nothing for a diagnostic that an edit has since moved', async () => {
    const team = 'name: Ops\nspace: Finance\nroles: [Auditor]\n';
    dir = tempWorkspace({ 'r.role.yaml': ROLES, 's.space.yaml': SPACES, 'ops.team.yaml': team });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const uri = uriOf(dir, 'ops.team.yaml');
    await client.open(uri, team);
    await client.waitFor('system-role-in-space-team', () => client.codes(uri)?.[0] === 'system-role-in-space-team');
    const stale = client.published.get(uri)![0];
    await client.change(uri, `# a comment\n${team}`, 2);
    await client.waitFor('the moved diagnostic', () => client.published.get(uri)?.[0]?.range.start.line === 3);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: stale.range,
      context: { diagnostics: [stale] },
    })) as CodeAction[];
    assert.deepEqual(actions, []);
  });

  it('creates a missing role as a new file when the client can create files', async () => {
    const team = 'name: Ops\nspace: Finance\nroles: [Releaser]\n';
    dir = tempWorkspace({ 'roles/r.role.yaml': ROLES, 's.space.yaml': SPACES, 'teams/ops.team.yaml': team });
    const uri = uriOf(dir, 'teams/ops.team.yaml');
    const request = async (c: TestClient) => {
      await c.open(uri, team);
      return (await c.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 2, character: 8 }, end: { line: 2, character: 8 } },
        context: { diagnostics: [] },
      })) as CodeAction[];
    };
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    assert.ok(!(await request(client)).some((a) => a.title.startsWith('Create role')), 'not without resource operations');
    await client.dispose();

    client = new TestClient();
    await client.initialize(dir, { ...PULL_CAPABILITIES, workspace: { ...PULL_CAPABILITIES.workspace, workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } } });
    const create = (await request(client)).find((a) => a.title.startsWith("Create role 'Releaser'"));
    assert.ok(create, 'offered with resource operations');
    const changes = create.edit!.documentChanges!;
    const target = uriOf(dir, 'roles/releaser.role.yaml');
    assert.deepEqual(changes[0], { kind: 'create', uri: target, options: { overwrite: false, ignoreIfExists: false } });
    assert.match(applied(create.edit!, target, ''), /^name: Releaser\nspacePermissions:\n {2}- ProjectView/);
  });

  it('fixes every safe problem of a file in one source.fixAll action, and only when asked', async () => {
    const role = 'name: R\nspacePermissions:\n  - ProjectView\n  - UserView\n  - ProjectView\n  - ProjectVeiw\n';
    dir = tempWorkspace({ 'r.role.yaml': role });
    client = new TestClient();
    await client.initialize(dir, PULL_CAPABILITIES);
    const uri = uriOf(dir, 'r.role.yaml');
    await client.open(uri, role);
    const ask = (only?: string[]) =>
      client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], ...(only ? { only } : {}) },
      }) as Promise<CodeAction[]>;
    assert.ok(!(await ask()).some((a) => a.kind?.startsWith('source')), 'no source action in the lightbulb');
    const [fixAll] = await ask(['source.fixAll']);
    assert.equal(fixAll.kind, 'source.fixAll.octopus-roles');
    assert.equal(fixAll.title, 'Fix all safe Octopus Roles problems (2)');
    const fixed = applied(fixAll.edit!, uri, role);
    assert.equal(fixed, 'name: R\nspacePermissions:\n  - ProjectView\n  - ProjectVeiw\nsystemPermissions:\n  - UserView\n');
    assert.equal((await ask(['source.fixAll.octopus-roles'])).length, 1);
    assert.deepEqual(await ask(['quickfix.other']), []);
  });
});
