import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  LSPErrorCodes,
  ResponseError,
  SymbolKind,
  type DocumentSymbol,
  type Location,
  type PrepareRenameResult,
  type SymbolInformation,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { PULL_CAPABILITIES, PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from './client';

const FILES = {
  'roles/deployer.role.yaml': 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n',
  'spaces.space.yaml': 'name: Finance\n',
  'teams/a.team.yaml': 'name: A\nspace: Finance\nroles: [Deployer, Project Viewer]\n',
  'teams/b.team.yaml': 'name: B\nroles:\n  - role: "Deployer"\n    space: Finance\n',
};

/** `path:line:character`, relative to the workspace. */
const where = (dir: string, l: Location) => `${path.relative(dir, new URL(l.uri).pathname)}:${l.range.start.line}:${l.range.start.character}`;

describe('navigation over JSON-RPC', function () {
  this.timeout(30000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  it('renames a role from an open file in files that are not open', async () => {
    dir = tempWorkspace(FILES);
    client = new TestClient();
    const init = await client.initialize(dir, PUSH_CAPABILITIES);
    assert.deepEqual(init.capabilities.renameProvider, { prepareProvider: true });
    assert.equal(init.capabilities.definitionProvider, true);
    const role = uriOf(dir, 'roles/deployer.role.yaml');
    await client.open(role, FILES['roles/deployer.role.yaml']);
    const position = { line: 0, character: 8 };
    const prepared = (await client.connection.sendRequest('textDocument/prepareRename', { textDocument: { uri: role }, position })) as PrepareRenameResult;
    assert.deepEqual(prepared, { range: { start: { line: 0, character: 6 }, end: { line: 0, character: 14 } }, placeholder: 'Deployer' });

    const edit = (await client.connection.sendRequest('textDocument/rename', { textDocument: { uri: role }, position, newName: 'Release Deployer' })) as WorkspaceEdit;
    assert.deepEqual(Object.keys(edit.changes!).map((u) => path.relative(dir, new URL(u).pathname)).sort(), ['roles/deployer.role.yaml', 'teams/a.team.yaml', 'teams/b.team.yaml']);
    const after = (name: keyof typeof FILES) => {
      const uri = uriOf(dir, name);
      return TextDocument.applyEdits(TextDocument.create(uri, 'octopus-roles', 1, readFileSync(path.join(dir, name), 'utf8')), edit.changes![uri] ?? []);
    };
    assert.equal(after('roles/deployer.role.yaml'), 'name: Release Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n');
    assert.equal(after('teams/a.team.yaml'), 'name: A\nspace: Finance\nroles: [Release Deployer, Project Viewer]\n');
    assert.equal(after('teams/b.team.yaml'), 'name: B\nroles:\n  - role: "Release Deployer"\n    space: Finance\n');
  });

  it('refuses to rename a built-in role, or to take a built-in name, with an error the editor shows', async () => {
    dir = tempWorkspace(FILES);
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const team = uriOf(dir, 'teams/a.team.yaml');
    const onBuiltin = { textDocument: { uri: team }, position: { line: 2, character: 22 } };
    await assert.rejects(client.connection.sendRequest('textDocument/prepareRename', onBuiltin), (err: unknown) => {
      assert.ok(err instanceof ResponseError);
      assert.equal(err.code, LSPErrorCodes.RequestFailed);
      assert.match(err.message, /^Built-in roles cannot be renamed/);
      return true;
    });
    const onCustom = { textDocument: { uri: team }, position: { line: 2, character: 9 }, newName: 'space manager' };
    await assert.rejects(client.connection.sendRequest('textDocument/rename', onCustom), /`Space Manager` is the name of a built-in role/);
  });

  it('answers definition, references, document symbols and workspace symbols across files', async () => {
    dir = tempWorkspace(FILES);
    client = new TestClient();
    const init = await client.initialize(dir, PULL_CAPABILITIES);
    assert.equal(init.capabilities.referencesProvider, true);
    assert.equal(init.capabilities.documentSymbolProvider, true);
    assert.equal(init.capabilities.workspaceSymbolProvider, true);
    const b = uriOf(dir, 'teams/b.team.yaml');
    await client.open(b, FILES['teams/b.team.yaml']);

    const onRole = { textDocument: { uri: b }, position: { line: 2, character: 12 } };
    const defs = (await client.connection.sendRequest('textDocument/definition', onRole)) as Location[];
    assert.deepEqual(defs.map((l) => where(dir, l)), ['roles/deployer.role.yaml:0:6']);
    const onSpace = { textDocument: { uri: b }, position: { line: 3, character: 12 } };
    assert.deepEqual(((await client.connection.sendRequest('textDocument/definition', onSpace)) as Location[]).map((l) => where(dir, l)), ['spaces.space.yaml:0:6']);

    const refs = (await client.connection.sendRequest('textDocument/references', { ...onRole, context: { includeDeclaration: true } })) as Location[];
    assert.deepEqual(refs.map((l) => where(dir, l)), ['roles/deployer.role.yaml:0:6', 'teams/a.team.yaml:2:8', 'teams/b.team.yaml:2:10']);
    const spaceRefs = (await client.connection.sendRequest('textDocument/references', { ...onSpace, context: { includeDeclaration: false } })) as Location[];
    assert.deepEqual(spaceRefs.map((l) => where(dir, l)), ['teams/a.team.yaml:1:7', 'teams/b.team.yaml:3:11']);

    const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: b } })) as DocumentSymbol[];
    assert.equal(symbols.length, 1);
    assert.equal(symbols[0].name, 'B');
    assert.equal(symbols[0].kind, SymbolKind.Struct);
    assert.equal(symbols[0].detail, 'system team');
    assert.deepEqual(symbols[0].selectionRange, { start: { line: 0, character: 6 }, end: { line: 0, character: 7 } });
    assert.deepEqual(
      symbols[0].children!.map((c) => [c.name, c.kind, c.detail]),
      [['Deployer', SymbolKind.Field, 'in Finance']],
    );

    const found = (await client.connection.sendRequest('workspace/symbol', { query: 'dep' })) as SymbolInformation[];
    assert.deepEqual(
      found.map((s) => [s.name, s.kind, s.containerName, where(dir, s.location)]),
      [['Deployer', SymbolKind.Class, 'deployer.role.yaml', 'roles/deployer.role.yaml:0:6']],
    );
    const all = (await client.connection.sendRequest('workspace/symbol', { query: '' })) as SymbolInformation[];
    assert.deepEqual(all.map((s) => s.name).sort(), ['A', 'B', 'Deployer', 'Finance']);
  });
});
