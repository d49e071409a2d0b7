import * as assert from 'node:assert/strict';
import type { CodeAction, CompletionItem, Hover } from 'vscode-languageserver-protocol';
import { PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from './client';

const ROLES = `resource "octopusdeploy_user_role" "auditors" {
  name                       = "Auditors"
  granted_system_permissions = ["UserView"]
}
`;
const AUDITORS_WITH_SPACE = ROLES.replace('granted_system_permissions = ["UserView"]', 'granted_space_permissions  = ["ProjectView"]');
const TEAMS = `resource "octopusdeploy_team" "finance" {
  name     = "Finance"
  space_id = var.space_id

  user_role {
    user_role_id = octopusdeploy_user_role.auditors.id
    space_id     = var.space_id
  }
}
`;
const NEW_ROLE = `resource "octopusdeploy_user_role" "deployers" {
  name                       = "Deployers"
  granted_space_permissions  = ["ProjectView", "UserView", "Dep"]
  granted_system_permissions = ["TeamView"]
}
`;

const hoverText = (h: Hover | null): string => (h?.contents as { value: string } | undefined)?.value ?? '';

describe('language server on Terraform modules (languageId terraform)', function () {
  this.timeout(30000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  it('pushes findings for a module read from disk and follows a role change across its files', async () => {
    // Same addresses in another module: a different model, which the change must not touch.
    dir = tempWorkspace({ 'infra/roles.tf': ROLES, 'infra/teams.tf': TEAMS, 'other/roles.tf': AUDITORS_WITH_SPACE, 'other/teams.tf': TEAMS });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const teams = uriOf(dir, 'infra/teams.tf');
    const roles = uriOf(dir, 'infra/roles.tf');
    await client.waitFor('the space team to be refused the system-only role', () => client.codes(teams)?.[0] === 'system-role-in-space-team');
    const d = client.published.get(teams)![0];
    // On `user_role_id`'s value, with a link to the role's name in the other file.
    assert.deepEqual(d.range, { start: { line: 5, character: 19 }, end: { line: 5, character: 54 } });
    assert.equal(d.relatedInformation?.[0].location.uri, roles);
    assert.equal(client.published.has(uriOf(dir, 'other/teams.tf')), false);

    await client.open(roles, ROLES, 1, 'terraform');
    await client.change(roles, AUDITORS_WITH_SPACE, 2);
    await client.waitFor('the team to be clean again', () => client.codes(teams)?.length === 0);
  });

  it("leaves a .tf file's HCL syntax errors to HashiCorp's server (tf-syntax is the checker's), and still reports the rest", async () => {
    dir = tempWorkspace({ 'README.md': 'no Terraform here\n' });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const uri = uriOf(dir, 'main.tf');
    const broken = 'resource "octopusdeploy_user_role" "broken" {\n  name = "Broken"\n  granted_space_permissions = ["ProjectView" "ReleaseView"]\n}\n\n';
    await client.open(uri, broken + NEW_ROLE, 1, 'terraform');
    await client.waitFor('diagnostics of the file', () => client.codes(uri)?.includes('wrong-level') === true);
    assert.deepEqual(client.codes(uri)!.sort(), ['unknown-permission', 'wrong-level']);
  });

  it('reads a .tf file opened before the grammar was loaded, completes permissions in the granted lists and hovers them', async () => {
    dir = tempWorkspace({ 'README.md': 'no Terraform here\n' });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const uri = uriOf(dir, 'main.tf');
    await client.open(uri, NEW_ROLE, 1, 'terraform');
    await client.waitFor('diagnostics of the new file', () => client.codes(uri)?.includes('wrong-level') === true);
    assert.deepEqual(client.codes(uri)!.sort(), ['unknown-permission', 'wrong-level']);

    // Inside the quotes of "Dep": space and both-level names, without those present, labelled by level.
    const items = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 61 } })) as CompletionItem[];
    const create = items.find((i) => i.label === 'DeploymentCreate');
    assert.equal(create?.labelDetails?.description, 'Space');
    assert.deepEqual(create?.textEdit && 'range' in create.textEdit ? create.textEdit.range : undefined, { start: { line: 2, character: 60 }, end: { line: 2, character: 63 } });
    assert.equal(items.find((i) => i.label === 'TaskView')?.labelDetails?.description, 'Both');
    assert.ok(!items.some((i) => i.label === 'ProjectView'), 'a permission already in the list');
    assert.ok(!items.some((i) => i.label === 'UserView' || i.label === 'AdministerSystem'), 'system-only permissions');
    // Outside a granted list there is nothing to complete.
    const none = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 33 } })) as CompletionItem[];
    assert.deepEqual(none, []);

    const h = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 50 } })) as Hover;
    assert.match(hoverText(h), /\*\*UserView\*\* · system permission/);
    assert.deepEqual(h.range, { start: { line: 2, character: 47 }, end: { line: 2, character: 57 } });
  });

  it('hovers role references by address and by built-in id, and moves a permission to the other list', async () => {
    const scoped = `resource "octopusdeploy_scoped_user_role" "finance_viewer" {
  team_id      = octopusdeploy_team.finance.id
  user_role_id = "userroles-projectviewer"
  space_id     = var.space_id
}
`;
    dir = tempWorkspace({ 'm/roles.tf': ROLES, 'm/teams.tf': TEAMS, 'm/scoped.tf': scoped, 'm/new.tf': NEW_ROLE });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const teams = uriOf(dir, 'm/teams.tf');
    const h = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: teams }, position: { line: 5, character: 30 } })) as Hover;
    assert.match(hoverText(h), /\*\*Auditors\*\* · custom role/);
    assert.match(hoverText(h), /System-only role/);
    const s = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(dir, 'm/scoped.tf') }, position: { line: 2, character: 22 } })) as Hover;
    assert.match(hoverText(s), /\*\*Project Viewer\*\* · built-in role/);

    const uri = uriOf(dir, 'm/new.tf');
    await client.waitFor('the wrong level', () => client.codes(uri)?.includes('wrong-level') === true);
    const diagnostic = client.published.get(uri)!.find((d) => d.code === 'wrong-level')!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    const move = actions.find((a) => a.title === "Move 'UserView' to 'granted_system_permissions'");
    assert.ok(move, actions.map((a) => a.title).join('; '));
    const edits = move.edit?.changes?.[uri] ?? [];
    const text = applyLspEdits(NEW_ROLE, edits);
    assert.match(text, /granted_space_permissions {2}= \["ProjectView", "Dep"\]/);
    assert.match(text, /granted_system_permissions = \["TeamView", "UserView"\]/);
  });
});

/** Applies LSP text edits (single-line ranges are enough here) to a text. */
function applyLspEdits(text: string, edits: readonly { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
