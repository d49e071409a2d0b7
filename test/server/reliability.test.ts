/**
 * The server's manners over JSON-RPC (SPEC section 5, last bullet): the protocol's lifecycle errors,
 * dynamic registrations only where the client supports them, progress and a status while the workspace is
 * read, no cross-file finding before every file is read, and no starvation while a large file is typed into.
 */
import * as assert from 'node:assert/strict';
import { CancellationTokenSource, type CodeAction, type Hover, type WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { PULL_CAPABILITIES, PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from './client';

const ROLE = 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n';
const errorCode = (code: number) => (err: unknown) => (err as { code?: number }).code === code;

describe('server lifecycle, registrations, progress and status over JSON-RPC', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  it('refuses requests before initialize with ServerNotInitialized and after shutdown with InvalidRequest', async () => {
    dir = tempWorkspace({ 'r.role.yaml': ROLE });
    client = new TestClient();
    const uri = uriOf(dir, 'r.role.yaml');
    const hoverRole = () => client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 22 } }) as Promise<Hover | null>;
    await assert.rejects(hoverRole(), errorCode(-32002));
    await assert.rejects(client.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri } }), errorCode(-32002), 'a method the server does not serve');
    await client.initialize(dir, PUSH_CAPABILITIES);
    await client.open(uri, ROLE);
    assert.match(((await hoverRole()) as { contents: { value: string } }).contents.value, /DeploymentCreate/);
    await assert.rejects(client.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri } }), errorCode(-32601), 'unknown methods are MethodNotFound once running');
    await client.connection.sendRequest('shutdown');
    await assert.rejects(hoverRole(), errorCode(-32600));
    await assert.rejects(client.connection.sendRequest('octopusRoles/status'), errorCode(-32600));
  });

  it('registers file watchers and configuration dynamically only where the client declares that it can', async () => {
    dir = tempWorkspace({ 'r.role.yaml': ROLE });
    client = new TestClient();
    await client.initialize(dir, {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false }, didChangeWatchedFiles: { dynamicRegistration: false } },
      textDocument: PUSH_CAPABILITIES.textDocument,
    });
    assert.deepEqual(client.registrations, [], 'Eglot declares no dynamic registration and warns about each one');
    await client.dispose();
    client = new TestClient();
    await client.initialize(dir, {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
      textDocument: PUSH_CAPABILITIES.textDocument,
    });
    assert.deepEqual([...client.registrations].sort(), ['workspace/didChangeConfiguration', 'workspace/didChangeWatchedFiles']);
  });

  it('reports progress while reading the workspace, logs what a user can act on, and tells its status', async () => {
    const files: Record<string, string> = {
      '.octopus-roles.yaml': 'rules:\n  unknown-key: error\n',
      't.team.yaml': 'name: T\nroles: [Nobody]\ncolour: blue\n',
      'dup.role.yaml': 'name: Dup\nspacePermissions: [ProjectView, ProjectView]\n',
      'bin.role.yaml': 'name: Bin\u0000\n',
    };
    for (let i = 0; i < 400; i++) files[`roles/r${i}.role.yaml`] = `name: Role ${i}\nspacePermissions: [ProjectView]\n`;
    dir = tempWorkspace(files);
    client = new TestClient();
    await client.initialize(dir, { ...PUSH_CAPABILITIES, window: { workDoneProgress: true } });
    await client.waitFor('the end of the progress', () => client.progress.some((p) => p.value.kind === 'end'));
    assert.equal(client.progressTokens.length, 1, 'the server creates one progress with window/workDoneProgress/create');
    assert.ok(client.progress.every((p) => p.token === client.progressTokens[0]));
    const kinds = client.progress.map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    assert.ok(client.progress.filter((p) => p.value.kind === 'report').every((p) => /^\d+ files read$/.test(p.value.message ?? '')));

    assert.ok(client.logs.some((l) => /^indexed 403 files in \d+ ms/.test(l)), client.logs.join('\n'));
    assert.ok(client.logs.includes('configuration file: .octopus-roles.yaml'), client.logs.join('\n'));
    assert.ok(client.logs.some((l) => l.startsWith('not analysed: bin.role.yaml: ') && /binary data/.test(l)), client.logs.join('\n'));

    // Errors: unknown-role, unknown-key (an error by the configuration file), unreadable-file; one warning.
    const expected = { indexing: false, files: 403, errors: 3, warnings: 1 };
    assert.deepEqual(await client.connection.sendRequest('octopusRoles/status'), expected);
    assert.equal(client.statuses[0]?.indexing, true, 'the first status says the workspace is being read');
    await client.waitFor('the final status notification', () => JSON.stringify(client.statuses.at(-1)) === JSON.stringify(expected));

    await client.dispose();
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    assert.deepEqual(client.progressTokens, [], 'no progress for a client that does not declare window.workDoneProgress');
  });
});

describe('diagnostics while the workspace is read, over JSON-RPC', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  /** 3,000 system-only roles: long enough to read that a file opened at once is opened while indexing. */
  const workspace = () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`roles/r${i}.role.yaml`] = `name: Role ${i}\nsystemPermissions: [UserView]\n`;
    files['teams/clean.team.yaml'] = 'name: Clean\nroles:\n  - Role 2999\n';
    files['teams/mixed.team.yaml'] = 'name: Mixed\nroles:\n  - Role 1500\n  - Missing Role\ncolour: blue\n';
    return files;
  };
  const indexed = () => client.logs.some((l) => l.startsWith('indexed '));

  it('pushes only file-local findings until every file is read, and an empty publish for a clean opened file', async () => {
    const files = workspace();
    dir = tempWorkspace(files);
    client = new TestClient();
    await client.start(dir, PUSH_CAPABILITIES);
    const clean = uriOf(dir, 'teams/clean.team.yaml');
    const mixed = uriOf(dir, 'teams/mixed.team.yaml');
    await client.open(clean, files['teams/clean.team.yaml']);
    await client.open(mixed, files['teams/mixed.team.yaml']);
    await client.waitFor('a publish for each opened file', () => client.published.has(clean) && client.published.has(mixed));
    assert.equal(indexed(), false, 'the files were opened and published while the workspace was read');
    assert.deepEqual(client.codes(clean), [], 'a clean opened file gets an empty publish');
    assert.deepEqual(client.codes(mixed), ['unknown-key'], 'only the finding no other file can change');

    await client.scanned();
    await client.waitFor('the cross-file finding once every file is read', () => client.codes(mixed)?.length === 2);
    assert.deepEqual(client.codes(mixed)!.sort(), ['unknown-key', 'unknown-role']);
    const roleFindings = client.publications.filter((p) => p.uri !== mixed).flatMap((p) => p.diagnostics);
    assert.deepEqual(roleFindings, [], 'no false unknown-role for a role not read yet, nor anything else');
  });

  it('answers pulls with file-local findings while reading, then asks the client to pull again', async () => {
    const files = workspace();
    dir = tempWorkspace(files);
    client = new TestClient();
    await client.start(dir, PULL_CAPABILITIES);
    const mixed = uriOf(dir, 'teams/mixed.team.yaml');
    await client.open(mixed, files['teams/mixed.team.yaml']);
    type Report = { kind: string; resultId: string; items: { code: string }[] };
    const pull = (previousResultId?: string) => client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri: mixed }, previousResultId }) as Promise<Report>;
    const early = await pull();
    assert.equal(indexed(), false, 'pulled while the workspace was read');
    assert.deepEqual(early.items.map((d) => d.code), ['unknown-key']);
    await client.scanned();
    await client.waitFor('a refresh once every file is read', () => client.refreshes > 0);
    const late = await pull(early.resultId);
    assert.equal(late.kind, 'full');
    assert.deepEqual(late.items.map((d) => d.code).sort(), ['unknown-key', 'unknown-role']);
  });
});

describe('workspace-wide requests while the workspace is read, over JSON-RPC', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  it('renames only once every file is read, and answers a cancelled rename with RequestCancelled', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`roles/r${i}.role.yaml`] = `name: Role ${i}\nsystemPermissions: [UserView]\n`;
    for (let i = 0; i < 50; i++) files[`teams/t${i}.team.yaml`] = `name: Team ${i}\nroles:\n  - Role 5\n`;
    dir = tempWorkspace(files);
    client = new TestClient();
    await client.start(dir, PUSH_CAPABILITIES);
    const role = uriOf(dir, 'roles/r5.role.yaml');
    await client.open(role, files['roles/r5.role.yaml']);
    const position = { line: 0, character: 8 };
    const source = new CancellationTokenSource();
    const cancelled = client.connection.sendRequest('textDocument/rename', { textDocument: { uri: role }, position, newName: 'Never' }, source.token);
    const renamed = client.connection.sendRequest('textDocument/rename', { textDocument: { uri: role }, position, newName: 'Role Five' }) as Promise<WorkspaceEdit>;
    source.cancel();
    await assert.rejects(cancelled, errorCode(-32800));
    const edit = await renamed;
    assert.ok(client.logs.some((l) => l.startsWith('indexed ')), 'answered after the workspace was read');
    assert.equal(Object.keys(edit.changes ?? {}).length, 51, 'the role and all 50 teams, including the files read last');
  });
});

describe('typing into a 2 MB file over JSON-RPC', function () {
  this.timeout(120000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  it('answers hovers and code actions in other files at once, analyses only the newest text, and answers the large file from it', async () => {
    // 44,000 small role documents in one file: about 2 MB that parse slowly and yield no finding.
    const docs: string[] = [];
    for (let i = 0, size = 0; size < 1_950_000; i++) size += docs[docs.push(`---\nname: Big ${i}\nspacePermissions: [ProjectView]\n`) - 1].length;
    // One finding (a duplicate permission) so that every server publishes the file when it is opened.
    docs[0] = '---\nname: Big 0\nspacePermissions: [ProjectView, ProjectView]\n';
    const big = docs.join('');
    const typo = 'name: Typo\nspacePermissions: [ProjectVeiw]\n';
    dir = tempWorkspace({ 'big.role.yaml': big, 'other.role.yaml': ROLE, 'typo.role.yaml': typo });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES, 60000);
    const bigUri = uriOf(dir, 'big.role.yaml');
    const otherUri = uriOf(dir, 'other.role.yaml');
    const typoUri = uriOf(dir, 'typo.role.yaml');
    await client.open(otherUri, ROLE);
    await client.open(typoUri, typo);
    await client.open(bigUri, big);
    const first = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: bigUri }, position: { line: 1, character: 8 } })) as Hover;
    assert.match((first.contents as { value: string }).value, /Big 0/, 'the large file is analysed on opening');
    // Published twice: from the disk when the workspace was read, and when it was opened.
    await client.waitFor('the large file published on opening', () => client.publications.filter((p) => p.uri === bigUri).length === 2, 60000);

    // Ten keystrokes at the end of the last line: `ProjectView` becomes `ProjectViewx`, ..., `ProjectViewxxxxxxxxxx`.
    const lines = big.split('\n');
    const line = lines.length - 2;
    const column = lines[line].length - 1;
    const before = client.publications.filter((p) => p.uri === bigUri).length;
    for (let k = 0; k < 10; k++) {
      const at = { line, character: column + k };
      void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: bigUri, version: 2 + k }, contentChanges: [{ range: { start: at, end: at }, text: 'x' }] });
    }
    const published = () => client.publications.filter((p) => p.uri === bigUri).length - before;
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: otherUri }, position: { line: 1, character: 22 } })) as Hover;
    assert.match((hover.contents as { value: string }).value, /DeploymentCreate/);
    assert.equal(published(), 0, 'the hover in the other file was answered before the large file was analysed again');

    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: typoUri },
      range: { start: { line: 1, character: 19 }, end: { line: 1, character: 19 } },
      context: { diagnostics: [] },
    })) as CodeAction[];
    assert.ok(actions.some((a) => a.title.includes('ProjectView')), `a fix in the other file: ${actions.map((a) => a.title).join('; ')}`);
    assert.equal(published(), 0, 'the code action in the other file was answered before the large file was analysed again');

    // A request about the large file itself waits for its newest text, and answers from it.
    const last = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: bigUri }, position: { line, character: column } })) as Hover;
    assert.match((last.contents as { value: string }).value, /ProjectViewxxxxxxxxxx/);
    await client.waitFor('the newest text\'s finding', () => client.published.get(bigUri)?.some((d) => String(d.message).includes('ProjectViewxxxxxxxxxx')) ?? false, 60000);
    assert.ok(published() < 10, `work on old versions is dropped: ${published()} analyses for 10 keystrokes`);
  });
});
