import * as assert from 'node:assert/strict';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ResponseError, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from './client';

// Every file long enough that its text is dropped (its line codes are less than half its length).
const FILES = {
  'roles/deployer.role.yaml': 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n',
  'spaces/finance.space.yaml': 'name: Finance\ndescription: The finance department\n',
  'teams/a.team.yaml': 'name: Team A\nspace: Finance\nroles: [Deployer, Project Viewer]\n',
  'teams/b.team.yaml': 'name: Team B\r\nroles:\r\n  - role: "Deployer"\r\n    space: Finance\r\n',
  'teams/c.team.yaml': 'name: Team C\nspace: Finance\nroles:\n  - Deployer # deploys\n',
};
type Name = keyof typeof FILES;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('texts of files nobody has open, over JSON-RPC', function () {
  this.timeout(30000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  const textsKept = async () => ((await client.connection.sendRequest('octopusRoles/memoryUsage')) as { textsKept: number }).textsKept;
  /** Waits until the server keeps `n` texts: a close is handled after the requests before it. */
  const keeping = async (n: number) => {
    for (let i = 0; i < 100 && (await textsKept()) !== n; i++) await sleep(50);
    assert.equal(await textsKept(), n);
  };
  const request = <T>(method: string, uri: string, position: { line: number; character: number }, more: object = {}) =>
    client.connection.sendRequest(method, { textDocument: { uri }, position, ...more }) as Promise<T>;
  const applied = (edit: WorkspaceEdit, name: Name) => {
    const uri = uriOf(dir, name);
    return TextDocument.applyEdits(TextDocument.create(uri, 'octopus-roles', 1, readFileSync(path.join(dir, name), 'utf8')), edit.changes![uri] ?? []);
  };
  const renamedFiles = (edit: WorkspaceEdit) => Object.keys(edit.changes!).map((u) => path.relative(dir, new URL(u).pathname)).sort();

  it('keeps the text of open files only, and answers as when every text is kept', async () => {
    dir = tempWorkspace(FILES);
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    await keeping(0);
    const a = uriOf(dir, 'teams/a.team.yaml');
    const role = uriOf(dir, 'roles/deployer.role.yaml');
    await client.open(a, FILES['teams/a.team.yaml']);
    await keeping(1);
    const onDeployer = { line: 2, character: 10 };
    const ask = async () => ({
      hover: await request('textDocument/hover', a, onDeployer),
      hoverUnopened: await request('textDocument/hover', role, { line: 0, character: 8 }),
      definition: await request('textDocument/definition', a, onDeployer),
      references: await request('textDocument/references', a, onDeployer, { context: { includeDeclaration: true } }),
      prepare: await request('textDocument/prepareRename', role, { line: 0, character: 8 }),
      rename: await request<WorkspaceEdit>('textDocument/rename', a, onDeployer, { newName: 'Release Deployer' }),
    });
    const dropped = await ask();
    assert.equal(await textsKept(), 1);
    assert.deepEqual(renamedFiles(dropped.rename), ['roles/deployer.role.yaml', 'teams/a.team.yaml', 'teams/b.team.yaml', 'teams/c.team.yaml']);
    assert.equal(applied(dropped.rename, 'teams/b.team.yaml'), 'name: Team B\r\nroles:\r\n  - role: "Release Deployer"\r\n    space: Finance\r\n');
    assert.equal(applied(dropped.rename, 'teams/c.team.yaml'), 'name: Team C\nspace: Finance\nroles:\n  - Release Deployer # deploys\n');
    assert.equal(applied(dropped.rename, 'roles/deployer.role.yaml'), 'name: Release Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n');
    // Every file open: every text kept. The same answers, to the byte.
    for (const name of Object.keys(FILES) as Name[]) if (name !== 'teams/a.team.yaml') await client.open(uriOf(dir, name), FILES[name]);
    await keeping(Object.keys(FILES).length);
    assert.deepEqual(await ask(), dropped);
    // Closed again: dropped again.
    for (const name of Object.keys(FILES) as Name[]) await client.close(uriOf(dir, name));
    await keeping(0);
  });

  it('computes no edit from stale offsets for a file changed on disk unseen, and reads it again', async () => {
    dir = tempWorkspace(FILES);
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const a = uriOf(dir, 'teams/a.team.yaml');
    const role = uriOf(dir, 'roles/deployer.role.yaml');
    await client.open(role, FILES['roles/deployer.role.yaml']);
    // Changed behind the server's back (no watcher event), keeping its length and lines: the role's name moved.
    const changed = 'name: Team A\nspace: Finance\nroles: [Project Viewer, Deployer]\n';
    writeFileSync(path.join(dir, 'teams/a.team.yaml'), changed);
    const onName = { line: 0, character: 8 };
    await assert.rejects(request('textDocument/rename', role, onName, { newName: 'Release Deployer' }), (err: unknown) => {
      assert.ok(err instanceof ResponseError);
      assert.match(err.message, /a\.team\.yaml changed on disk since it was read, or cannot be read; it is being read again/);
      return true;
    });
    await client.waitFor('the file read again', () => client.logs.some((l) => l.startsWith(`${a}: it changed on disk since it was read; reading it again`)));
    // Read again: the rename now edits the file as it is.
    let edit: WorkspaceEdit | undefined;
    for (let i = 0; i < 100 && !edit; i++) edit = await request<WorkspaceEdit>('textDocument/rename', role, onName, { newName: 'Release Deployer' }).catch(() => sleep(50).then(() => undefined));
    assert.ok(edit);
    assert.equal(applied(edit, 'teams/a.team.yaml'), 'name: Team A\nspace: Finance\nroles: [Project Viewer, Release Deployer]\n');
  });

  it('answers a rename with an error, not a crash, when a file cannot be read back, and forgets a deleted one', async () => {
    dir = tempWorkspace(FILES);
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const b = uriOf(dir, 'teams/b.team.yaml');
    const role = uriOf(dir, 'roles/deployer.role.yaml');
    await client.open(role, FILES['roles/deployer.role.yaml']);
    unlinkSync(path.join(dir, 'teams/b.team.yaml'));
    const onName = { line: 0, character: 8 };
    await assert.rejects(request('textDocument/rename', role, onName, { newName: 'Release Deployer' }), /b\.team\.yaml changed on disk since it was read, or cannot be read/);
    await client.waitFor('the file read again', () => client.logs.some((l) => l.startsWith(`${b}: it is gone from the workspace folders`)));
    let edit: WorkspaceEdit | undefined;
    for (let i = 0; i < 100 && !edit; i++) edit = await request<WorkspaceEdit>('textDocument/rename', role, onName, { newName: 'Release Deployer' }).catch(() => sleep(50).then(() => undefined));
    assert.ok(edit);
    assert.deepEqual(renamedFiles(edit), ['roles/deployer.role.yaml', 'teams/a.team.yaml', 'teams/c.team.yaml']);
  });
});
