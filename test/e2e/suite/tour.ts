/**
 * A scripted tour for the README's screenshots, run instead of the tests when OCTOPUS_ROLES_TOUR names
 * a folder: each step sets the editor up, logs `tour:NAME`, and waits until the runner has taken its
 * screenshot (it writes NAME.done into that folder).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

async function shot(dir: string, name: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 1500)); // let the widget render before the picture
  console.log(`tour:${name}`);
  await until(() => existsSync(path.join(dir, `${name}.done`)), 20000);
}

export async function tour(dir: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders![0].uri;
  await vscode.extensions.all.find((e) => e.packageJSON.name === 'octopus-roles')?.activate();
  await vscode.commands.executeCommand('workbench.action.closeSidebar').then(undefined, () => undefined);

  const teams = vscode.Uri.joinPath(folder, 'teams.team.yaml');
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(teams));
  await until(() => vscode.languages.getDiagnostics(teams).length > 0, 20000);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  editor.selection = new vscode.Selection(6, 8, 6, 8);
  await vscode.commands.executeCommand('editor.action.showHover');
  await shot(dir, 'diagnostics');

  await vscode.commands.executeCommand('workbench.action.closePanel').then(undefined, () => undefined);
  editor.selection = new vscode.Selection(25, 8, 25, 8);
  editor.revealRange(new vscode.Range(18, 0, 34, 0));
  await vscode.commands.executeCommand('editor.action.quickFix');
  await shot(dir, 'quickfix');
  await vscode.commands.executeCommand('hideCodeActionWidget').then(undefined, () => undefined);

  const roles = vscode.Uri.joinPath(folder, 'roles.role.yaml');
  const roleDoc = await vscode.workspace.openTextDocument(roles);
  const roleEditor = await vscode.window.showTextDocument(roleDoc);
  const line = roleDoc.getText().split('\n').findIndex((l) => l.trim() === '- DeploymentCreate');
  roleEditor.selection = new vscode.Selection(line, 8, line, 8);
  await vscode.commands.executeCommand('editor.action.showHover');
  await shot(dir, 'hover');

  const scratch = vscode.Uri.joinPath(folder, 'new.role.yaml');
  await vscode.workspace.fs.writeFile(scratch, new TextEncoder().encode('name: Release Approver\nspacePermissions:\n  - Interr\n'));
  const scratchEditor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(scratch));
  scratchEditor.selection = new vscode.Selection(2, 10, 2, 10);
  await vscode.commands.executeCommand('editor.action.triggerSuggest');
  await new Promise((r) => setTimeout(r, 1000));
  await vscode.commands.executeCommand('toggleSuggestionDetails').then(undefined, () => undefined);
  await shot(dir, 'completion');

  await vscode.commands.executeCommand('hideSuggestWidget').then(undefined, () => undefined);

  // The language status item (the runner opens its hover), then a rule's documentation.
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(teams));
  await shot(dir, 'status');
  await vscode.commands.executeCommand('octopusRoles.showDocumentation', 'unknown-role');
  await shot(dir, 'documentation');

  // Effective access: the team's code lens and the inlay hints, and the access document it opens beside it.
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const accessEditor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(teams));
  accessEditor.revealRange(new vscode.Range(0, 0, 20, 0));
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', teams)) ?? [];
  const lens = lenses.find((l) => l.range.start.line === 0)?.command;
  if (lens) await vscode.commands.executeCommand(lens.command, ...(lens.arguments ?? []));
  await shot(dir, 'access');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');

  const tf = vscode.Uri.joinPath(folder, 'deployers.tf');
  await vscode.workspace.fs.writeFile(
    tf,
    new TextEncoder().encode(
      'resource "octopusdeploy_user_role" "deployers" {\n' +
        '  name                      = "Deployers"\n' +
        '  granted_space_permissions = ["ProjectView", "DeploymentCreate", "UserView"]\n' +
        '}\n\n' +
        'resource "octopusdeploy_team" "finance" {\n' +
        '  name     = "Finance"\n' +
        '  space_id = var.space_id\n\n' +
        '  user_role {\n' +
        '    user_role_id = "userroles-systemmanager"\n' +
        '    space_id     = var.space_id\n' +
        '  }\n' +
        '}\n',
    ),
  );
  const tfEditor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(tf));
  await until(() => vscode.languages.getDiagnostics(tf).length >= 2, 20000);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  tfEditor.selection = new vscode.Selection(2, 70, 2, 70);
  await vscode.commands.executeCommand('editor.action.showHover');
  await shot(dir, 'terraform');
}
