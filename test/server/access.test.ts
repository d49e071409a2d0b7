/**
 * Effective access over JSON-RPC, against the shipped server: code lenses on teams and roles, inlay hints
 * after role references, and the commands any client can run (the access document, who-can).
 */
import * as assert from 'node:assert/strict';
import type { CodeLens, InlayHint } from 'vscode-languageserver-protocol';
import { ACCESS_COMMANDS, type SubjectPrincipal } from '../../server/src/lsp/protocol';
import { PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from './client';

const FILES = {
  'finance.space.yaml': 'name: Finance\nenvironments: [Test, Production]\nmanagers:\n  members: [carol]\n',
  'deployer.role.yaml': 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\nsystemPermissions: [UserView]\n',
  'teams.team.yaml': 'name: Testers\nspace: Finance\nmembers: [alice]\nroles:\n  - role: Deployer\n    environments: [Test]\n  - System Manager\n',
};

describe('effective access over JSON-RPC', function () {
  this.timeout(30000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  async function start() {
    dir = tempWorkspace(FILES);
    client = new TestClient();
    const init = await client.initialize(dir, PUSH_CAPABILITIES);
    return init;
  }

  it('advertises code lenses, inlay hints and the access commands', async () => {
    const init = await start();
    assert.ok(init.capabilities.codeLensProvider);
    assert.ok(init.capabilities.inlayHintProvider);
    for (const c of Object.values(ACCESS_COMMANDS)) assert.ok(init.capabilities.executeCommandProvider?.commands.includes(c), c);
  });

  it("puts a lens on a team with its counts that opens its access, and on a role with the teams that use it", async () => {
    await start();
    const teams = uriOf(dir, 'teams.team.yaml');
    await client.open(teams, FILES['teams.team.yaml']);
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: teams } })) as CodeLens[];
    assert.equal(lenses.length, 1);
    assert.deepEqual(lenses[0].range, { start: { line: 0, character: 6 }, end: { line: 0, character: 13 } });
    assert.equal(lenses[0].command!.title, '1 system permission · 2 space permissions — effective access');
    const markdown = (await client.connection.sendRequest('workspace/executeCommand', { command: lenses[0].command!.command, arguments: lenses[0].command!.arguments })) as string;
    assert.match(markdown, /^# Team Testers \(space Finance\): effective access/);
    assert.match(markdown, /\| DeploymentCreate \| environments: Test \| Deployer in Testers \|/);
    const role = uriOf(dir, 'deployer.role.yaml');
    await client.open(role, FILES['deployer.role.yaml']);
    const roleLens = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: role } })) as CodeLens[];
    assert.equal(roleLens[0].command!.title, 'used by 1 team');
    const users = (await client.connection.sendRequest('workspace/executeCommand', { command: roleLens[0].command!.command, arguments: roleLens[0].command!.arguments })) as { uri: string }[];
    assert.deepEqual(users.map((u) => u.uri), [teams]);
  });

  it('hints after each role reference where it applies, refused assignments included', async () => {
    await start();
    const teams = uriOf(dir, 'teams.team.yaml');
    await client.open(teams, FILES['teams.team.yaml']);
    const hints = (await client.connection.sendRequest('textDocument/inlayHint', { textDocument: { uri: teams }, range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } } })) as InlayHint[];
    assert.deepEqual(
      hints.map((h) => [h.position.line, h.label]),
      [
        [4, 'Finance + server-wide UserView'],
        [6, 'not applied'],
      ],
    );
  });

  it('answers who can, with the source of each right, for any client', async () => {
    await start();
    const who = (await client.connection.sendRequest('workspace/executeCommand', { command: ACCESS_COMMANDS.whoCan, arguments: ['DeploymentCreate', 'Finance'] })) as { principal: string; locations: { uri: string }[] }[];
    assert.deepEqual(who.map((w) => w.principal), ['team:Finance/Testers', 'team:Finance/Space Managers', 'user:alice', 'user:carol']);
    assert.equal(who[0].locations[0].uri, uriOf(dir, 'teams.team.yaml'));
    const subjects = (await client.connection.sendRequest('workspace/executeCommand', { command: ACCESS_COMMANDS.accessSubjects, arguments: [] })) as { capabilities: { name: string }[]; spaces: string[] };
    assert.deepEqual(subjects.capabilities.map((c) => c.name), ['export-projects', 'import-projects']);
    assert.deepEqual(subjects.spaces, ['Finance']);
  });

  it('lists every principal for Explain Principal..., each key opening its access', async () => {
    await start();
    const subjects = (await client.connection.sendRequest('workspace/executeCommand', { command: ACCESS_COMMANDS.accessSubjects, arguments: [] })) as { principals: SubjectPrincipal[] };
    const keys = subjects.principals.map((p) => p.key);
    for (const key of ['team:Finance/Testers', 'team:Finance/Space Managers', 'team:Everyone', 'team:Octopus Administrators', 'user:alice', 'user:carol']) assert.ok(keys.includes(key), `${key} in ${keys.join(', ')}`);
    assert.deepEqual(subjects.principals.find((p) => p.key === 'team:Finance/Testers'), { key: 'team:Finance/Testers', kind: 'team', name: 'Testers', space: 'Finance' });
    const markdown = (await client.connection.sendRequest('workspace/executeCommand', { command: ACCESS_COMMANDS.accessDocument, arguments: ['user:alice'] })) as string;
    assert.match(markdown, /^# User alice: effective access/);
  });
});
