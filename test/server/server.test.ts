import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CompletionItem, Hover, DocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { PULL_CAPABILITIES, PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from './client';

const ROLE = 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n';
const SYSTEM_ROLE = 'name: Deployer\nsystemPermissions: [UserView]\n';
const TEAM = 'name: Finance\nspace: Finance\nroles:\n  - Deployer\n';

describe('language server over JSON-RPC (stdio)', function () {
  this.timeout(30000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  it('declares pull diagnostics only to clients that can pull', async () => {
    dir = tempWorkspace({ 'r.role.yaml': ROLE });
    client = new TestClient();
    const pull = await client.initialize(dir, PULL_CAPABILITIES);
    assert.equal(pull.capabilities.diagnosticProvider && typeof pull.capabilities.diagnosticProvider === 'object' && pull.capabilities.diagnosticProvider.interFileDependencies, true);
    assert.ok(pull.capabilities.completionProvider);
    assert.equal(pull.capabilities.hoverProvider, true);
    await client.dispose();
    client = new TestClient();
    const push = await client.initialize(dir, PUSH_CAPABILITIES);
    assert.equal(push.capabilities.diagnosticProvider, undefined);
  });

  it('pushes diagnostics for files that were never opened, and updates a team when a role it uses changes', async () => {
    dir = tempWorkspace({ 'roles/r.role.yaml': ROLE, 'teams/t.team.yaml': TEAM, 'teams/broken.team.yaml': 'name: X\nspace: S\nroles: [Nobody]\n' });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const broken = uriOf(dir, 'teams/broken.team.yaml');
    const team = uriOf(dir, 'teams/t.team.yaml');
    const role = uriOf(dir, 'roles/r.role.yaml');
    await client.waitFor('broken team diagnostics', () => client.codes(broken)?.[0] === 'unknown-role');
    // The rule's section of the README that ships beside the server, not a web page (editor.test.ts).
    assert.match(client.published.get(broken)![0].codeDescription!.href, /^file:\/\/.*\/README\.md#L\d+$/);
    assert.equal(client.published.has(team), false);

    await client.open(role, ROLE);
    await client.change(role, SYSTEM_ROLE, 2);
    await client.waitFor('the team to break', () => client.codes(team)?.[0] === 'system-role-in-space-team');
    const d = client.published.get(team)![0];
    assert.deepEqual(d.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 12 } });
    assert.equal(d.relatedInformation?.[0].location.uri, role);

    await client.change(role, ROLE, 3);
    await client.waitFor('the team to be clean again', () => client.codes(team)?.length === 0);
  });

  it('follows deletions and creations reported by file watchers', async () => {
    dir = tempWorkspace({ 'r.role.yaml': ROLE, 't.team.yaml': TEAM });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const team = uriOf(dir, 't.team.yaml');
    const role = uriOf(dir, 'r.role.yaml');
    rmSync(path.join(dir, 'r.role.yaml'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: role, type: 3 }] });
    await client.waitFor('unknown-role after deletion', () => client.codes(team)?.[0] === 'unknown-role');

    writeFileSync(path.join(dir, 'r.role.yaml'), ROLE);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: role, type: 1 }] });
    await client.waitFor('clean after re-creation', () => client.codes(team)?.length === 0);

    rmSync(path.join(dir, 't.team.yaml'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: role, type: 3 }, { uri: team, type: 3 }] });
    await client.waitFor('no diagnostics left for the deleted team', () => client.codes(team)?.length === 0);
  });

  it('answers pull requests for open files and asks for a refresh when another file changes them', async () => {
    dir = tempWorkspace({ 'r.role.yaml': ROLE, 't.team.yaml': TEAM });
    client = new TestClient();
    await client.initialize(dir, PULL_CAPABILITIES);
    const team = uriOf(dir, 't.team.yaml');
    const role = uriOf(dir, 'r.role.yaml');
    await client.open(team, TEAM);
    const pullTeam = () => client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri: team } }) as Promise<DocumentDiagnosticReport & { items: { code: string }[] }>;
    assert.deepEqual((await pullTeam()).items, []);
    await client.open(role, ROLE);
    const before = client.refreshes;
    await client.change(role, SYSTEM_ROLE, 2);
    await client.waitFor('a diagnostic refresh', () => client.refreshes > before);
    assert.deepEqual((await pullTeam()).items.map((d) => d.code), ['system-role-in-space-team']);
    assert.equal(client.published.has(team), false, 'an open file is pulled, not pushed');
  });

  it('answers a pull that follows an edit with the new diagnostics, never "unchanged"', async () => {
    dir = tempWorkspace({ 'r.role.yaml': ROLE });
    client = new TestClient();
    await client.initialize(dir, PULL_CAPABILITIES);
    const uri = uriOf(dir, 'r.role.yaml');
    await client.open(uri, ROLE);
    type Report = { kind: string; resultId: string; items?: { code: string }[] };
    const pullRole = (previousResultId?: string) => client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId }) as Promise<Report>;
    const first = await pullRole();
    assert.deepEqual(first.items, []);
    assert.equal((await pullRole(first.resultId)).kind, 'unchanged');
    await client.change(uri, ROLE.replace('ProjectView', 'ProjectVeiw'), 2);
    const second = await pullRole(first.resultId);
    assert.equal(second.kind, 'full');
    assert.deepEqual(second.items!.map((d) => d.code), ['unknown-permission']);
  });

  it('serves the other files through workspace diagnostics, holding the request until something changes', async () => {
    dir = tempWorkspace({ 'r.role.yaml': ROLE, 't.team.yaml': TEAM, 'x.team.yaml': 'name: X\nspace: S\nroles: [Nobody]\n' });
    client = new TestClient();
    await client.initialize(dir, PULL_CAPABILITIES);
    type Report = { items: { uri: string; resultId: string; items: { code: string }[] }[] };
    const first = (await client.connection.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as Report;
    const byUri = new Map(first.items.map((i) => [i.uri, i]));
    assert.deepEqual(byUri.get(uriOf(dir, 'x.team.yaml'))!.items.map((d) => d.code), ['unknown-role']);
    assert.deepEqual(byUri.get(uriOf(dir, 't.team.yaml'))!.items, []);
    assert.equal(byUri.size, 3);
    // Nothing has changed, so the next request waits; a deleted role answers it with the team it breaks.
    const next = client.connection.sendRequest('workspace/diagnostic', { previousResultIds: first.items.map((i) => ({ uri: i.uri, value: i.resultId })) }) as Promise<Report>;
    rmSync(path.join(dir, 'r.role.yaml'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(dir, 'r.role.yaml'), type: 3 }] });
    const second = await next;
    // x.team.yaml comes again because its did-you-mean candidates depend on the roles that exist.
    assert.deepEqual(second.items.map((i) => [path.basename(i.uri), i.items.map((d) => d.code)]).sort(), [
      ['r.role.yaml', []],
      ['t.team.yaml', ['unknown-role']],
      ['x.team.yaml', ['unknown-role']],
    ]);
    assert.equal(client.published.size, 0, 'a pull client gets nothing pushed');
  });

  it('obeys .octopus-roles.yaml at the folder root, over the editor settings', async () => {
    dir = tempWorkspace({ '.octopus-roles.yaml': 'rules:\n  unknown-role: warning\n', 't.team.yaml': 'name: T\nspace: S\nroles: [Nobody, System Manager]\n' });
    client = new TestClient();
    client.settings = { rules: { 'unknown-role': 'off', 'system-role-in-space-team': 'hint' } };
    await client.initialize(dir, PULL_CAPABILITIES);
    const report = (await client.connection.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as { items: { uri: string; items: { code: string; severity: number }[] }[] };
    const team = report.items.find((i) => i.uri === uriOf(dir, 't.team.yaml'))!;
    assert.deepEqual(team.items.map((d) => [d.code, d.severity]), [
      ['unknown-role', 2],
      ['system-role-in-space-team', 4],
    ]);
  });

  it('follows workspace folders being added and removed (multi-root)', async () => {
    dir = tempWorkspace({ 'a/r.role.yaml': ROLE, 'b/t.team.yaml': TEAM });
    client = new TestClient();
    await client.initialize(path.join(dir, 'a'), PULL_CAPABILITIES);
    type Report = { items: { uri: string; resultId: string; items: { code: string }[] }[] };
    const team = uriOf(dir, 'b/t.team.yaml');
    const folderB = { uri: uriOf(dir, 'b'), name: 'b' };
    const first = (await client.connection.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as Report;
    assert.deepEqual(first.items.map((i) => path.basename(i.uri)), ['r.role.yaml']);
    const previousResultIds = first.items.map((i) => ({ uri: i.uri, value: i.resultId }));
    const next = client.connection.sendRequest('workspace/diagnostic', { previousResultIds }) as Promise<Report>;
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folderB], removed: [] } });
    const added = await next;
    assert.deepEqual(added.items.find((i) => i.uri === team)?.items, [], 'one model across folders: the team finds its role');
    const ids = [...previousResultIds, ...added.items.map((i) => ({ uri: i.uri, value: i.resultId }))];
    const after = client.connection.sendRequest('workspace/diagnostic', { previousResultIds: ids }) as Promise<Report>;
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: uriOf(dir, 'a'), name: 'a' }] } });
    const removed = await after;
    assert.deepEqual(removed.items.map((i) => [path.basename(i.uri), i.items.map((d) => d.code)]).sort(), [
      ['r.role.yaml', []],
      ['t.team.yaml', ['unknown-role']],
    ]);
  });

  it('completes permission names with their level and hovers them', async () => {
    dir = tempWorkspace({});
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const uri = uriOf(dir, 'new.role.yaml');
    await client.open(uri, 'name: New\nspacePermissions:\n  - Release\n');
    const items = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 11 } })) as CompletionItem[];
    const release = items.find((i) => i.label === 'ReleaseCreate')!;
    assert.equal(release.labelDetails?.description, 'Space');
    assert.deepEqual(release.textEdit && 'range' in release.textEdit ? release.textEdit.range : undefined, { start: { line: 2, character: 4 }, end: { line: 2, character: 11 } });
    assert.ok(!items.some((i) => i.label === 'UserView'));
    const h = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 6 } })) as Hover;
    assert.match((h.contents as { value: string }).value, /Not a permission of current Octopus/);
    await client.change(uri, 'name: New\nspacePermissions:\n  - ReleaseCreate\n', 2);
    const h2 = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 6 } })) as Hover;
    assert.match((h2.contents as { value: string }).value, /\*\*ReleaseCreate\*\* · space permission/);
  });

  it('logs a handler that throws, answers it with an empty result, and keeps serving', async () => {
    dir = tempWorkspace({ 'r.role.yaml': ROLE });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const bad = await client.connection.sendRequest('textDocument/completion', { position: { line: 0, character: 0 } });
    assert.deepEqual(bad, []);
    await client.waitFor('the error in the log', () => client.logs.some((l) => l.startsWith('completion failed: TypeError')));
    const uri = uriOf(dir, 'r.role.yaml');
    await client.open(uri, ROLE);
    const h = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 22 } });
    assert.ok(h);
  });
});
