/**
 * End-to-end tests in a real editor: the extension starts the server, which checks the workspace the
 * runner opened (a copy of examples/showcase). Every wait is for an editor event, with a timeout.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const folder = () => vscode.workspace.workspaceFolders![0].uri;

function diagnosticsOf(uri: vscode.Uri, check: (ds: readonly vscode.Diagnostic[]) => boolean, what: string): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const now = vscode.languages.getDiagnostics(uri);
    if (check(now)) return resolve(now);
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}; have ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.code))}`));
    }, 45000);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const ds = vscode.languages.getDiagnostics(uri);
      if (!check(ds)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(ds);
    });
  });
}

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

describe('Octopus Roles in a real editor', () => {
  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'octopus-roles');
    assert.ok(ext, 'the extension is installed');
    await ext.activate();
  });

  it('shows the diagnostics of a broken team file that was never opened', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'teams.team.yaml');
    const ds = await diagnosticsOf(uri, (d) => d.some((x) => codeOf(x) === 'unknown-role'), 'unknown-role on teams.team.yaml');
    const unknown = ds.find((d) => codeOf(d) === 'unknown-role')!;
    assert.equal(unknown.range.start.line, 4);
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
    assert.match(unknown.message, /Did you mean `Release Deployer`\?/);
  });

  it('updates them as the file is edited in the editor', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'teams.team.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'octopus-roles');
    const line = doc.lineAt(4);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, line.range, '  - Release Deployer');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await diagnosticsOf(uri, (d) => !d.some((x) => codeOf(x) === 'unknown-role'), 'unknown-role to go away');
  });

  it('completes permission names, labelled by level', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'scratch.role.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('name: Scratch\nspacePermissions:\n  - Deploy\n'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const list = (await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, new vscode.Position(2, 10))) as vscode.CompletionList;
    const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'DeploymentCreate');
    assert.ok(item, 'DeploymentCreate is offered');
    assert.equal(typeof item.label === 'string' ? undefined : item.label.description, 'Space');
    assert.ok(!list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'UserView'), 'system permissions are not offered in spacePermissions');
  });

  it('explains a permission on hover', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'roles.role.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.getText().split('\n').findIndex((l) => l.trim() === '- DeploymentCreate');
    const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(line, 8))) as vscode.Hover[];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /DeploymentCreate\*\* · space permission/);
    assert.match(text, /Can be restricted by projects, environments, tenants/);
  });

  it('applies a quick fix from the lightbulb, and the diagnostic goes', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'fixme.team.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('name: Fixme\nroles:\n  - Space Manager\n'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const [d] = await diagnosticsOf(uri, (ds) => ds.some((x) => codeOf(x) === 'space-required'), 'space-required on fixme.team.yaml');
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred, `a preferred fix among ${actions.map((a) => a.title).join(', ')}`);
    // Applying the role grants it: the title says so, as the fix engine titles every fix that grants.
    assert.match(preferred.title, /^Apply 'Space Manager' in space '(.+)' \(grants Space Manager in \1 and server-wide to team Fixme\)$/);
    assert.ok(await vscode.workspace.applyEdit(preferred.edit!));
    assert.match(doc.getText(), /^ {2}- role: Space Manager\n {4}space: .+\n$/m);
    await diagnosticsOf(uri, (ds) => !ds.some((x) => codeOf(x) === 'space-required'), 'space-required to go away');
  });

  it('offers fix-all as a source action for codeActionsOnSave', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'fixall.role.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('name: Fix all\nspacePermissions:\n  - ProjectView\n  - ProjectView\n  - TaskViewLog\n'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await diagnosticsOf(uri, (ds) => ds.some((x) => codeOf(x) === 'duplicate-permission'), 'duplicate-permission on fixall.role.yaml');
    const range = new vscode.Range(0, 0, 0, 0);
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, range, 'source.fixAll.octopus-roles')) as vscode.CodeAction[];
    const fixAll = actions.find((a) => a.kind?.value === 'source.fixAll.octopus-roles');
    assert.ok(fixAll, 'the fix-all source action');
    assert.ok(await vscode.workspace.applyEdit(fixAll.edit!));
    assert.equal(doc.getText(), 'name: Fix all\nspacePermissions:\n  - ProjectView\n  - TaskView\n');
    await diagnosticsOf(uri, (ds) => ds.length === 0, 'a clean role');
  });

  it('goes to a role from a team, and renames it in a file that is not open', async () => {
    const role = vscode.Uri.joinPath(folder(), 'navigator.role.yaml');
    const team = vscode.Uri.joinPath(folder(), 'navigator.team.yaml');
    await vscode.workspace.fs.writeFile(role, new TextEncoder().encode('name: Navigator\nspacePermissions: [ProjectView]\n'));
    // The duplicate assignment is a warning to wait for: it shows that the server has read the file.
    await vscode.workspace.fs.writeFile(team, new TextEncoder().encode('name: Navigators\nspace: Finance\nroles:\n  - Navigator\n  - Navigator\n'));
    await diagnosticsOf(team, (ds) => ds.some((x) => codeOf(x) === 'duplicate-assignment'), 'the team file to be read');
    const roleDoc = await vscode.workspace.openTextDocument(role);
    await vscode.window.showTextDocument(roleDoc);

    const definitions = (await vscode.commands.executeCommand('vscode.executeDefinitionProvider', team, new vscode.Position(3, 6))) as (vscode.Location | vscode.LocationLink)[];
    assert.equal(definitions.length, 1);
    const target = 'targetUri' in definitions[0] ? definitions[0].targetUri : definitions[0].uri;
    assert.equal(target.toString(), role.toString());

    const edit = (await vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', role, new vscode.Position(0, 8), 'Pathfinder')) as vscode.WorkspaceEdit;
    assert.deepEqual(edit.entries().map(([u, edits]) => [u.toString(), edits.length]).sort(), [[role.toString(), 1], [team.toString(), 2]].sort());
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(roleDoc.getText(), 'name: Pathfinder\nspacePermissions: [ProjectView]\n');
    assert.equal((await vscode.workspace.openTextDocument(team)).getText(), 'name: Navigators\nspace: Finance\nroles:\n  - Pathfinder\n  - Pathfinder\n');
  });

  it('checks a Terraform module, completes inside a granted list and hovers a role reference', async () => {
    // examples/showcase/access.tf, never opened: its findings arrive as for YAML files.
    const access = vscode.Uri.joinPath(folder(), 'access.tf');
    const ds = await diagnosticsOf(access, (d) => d.some((x) => codeOf(x) === 'tf-inline-and-scoped-assignments'), 'the Terraform findings of access.tf');
    assert.deepEqual([...new Set(ds.map(codeOf))].sort(), ['tf-builtin-team-resource', 'tf-inline-and-scoped-assignments', 'tf-readonly-attribute']);

    const uri = vscode.Uri.joinPath(folder(), 'scratch.tf');
    const text = 'resource "octopusdeploy_user_role" "scratch" {\n  name                      = "Scratch"\n  granted_space_permissions = ["ProjectView", "UserView", "Deploy"]\n}\n';
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await diagnosticsOf(uri, (d) => d.some((x) => codeOf(x) === 'wrong-level'), 'wrong-level on UserView');
    const line = doc.lineAt(2).text;
    const list = (await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, new vscode.Position(2, line.indexOf('Deploy') + 6))) as vscode.CompletionList;
    const label = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);
    const item = list.items.find((i) => label(i) === 'DeploymentCreate');
    assert.ok(item, 'DeploymentCreate is offered');
    assert.equal(typeof item.label === 'string' ? undefined : item.label.description, 'Space');
    assert.ok(!list.items.some((i) => label(i) === 'ProjectView'), 'a permission already listed is not offered');

    const teams = (await vscode.workspace.openTextDocument(access)).getText().split('\n');
    const row = teams.findIndex((l) => l.includes('user_role_id = octopusdeploy_user_role.release_managers.id'));
    const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', access, new vscode.Position(row, teams[row].indexOf('octopusdeploy_') + 3))) as vscode.Hover[];
    const shown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(shown, /\*\*Release managers\*\* · custom role/);
  });
});
