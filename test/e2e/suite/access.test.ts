/**
 * End-to-end: effective access in the real editor (issue 12). The team's code lens, run as a user clicks
 * it, opens the team's effective access as a readable Markdown document.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { when } from './when';

const folder = () => vscode.workspace.workspaceFolders![0].uri;

describe('effective access in the editor (issue 12)', () => {
  it("opens a team's effective access from its code lens", async () => {
    const uri = vscode.Uri.joinPath(folder(), 'teams.team.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    // The lenses are there once the server has read the workspace and checked the file.
    await when('the diagnostics of teams.team.yaml', () => (vscode.languages.getDiagnostics(uri).length ? true : undefined), vscode.languages.onDidChangeDiagnostics as vscode.Event<unknown>);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const finance = lenses.find((l) => l.range.start.line === 0);
    assert.ok(finance?.command, `no lens on the first team: ${lenses.map((l) => l.command?.title).join('; ')}`);
    assert.match(finance.command.title, /^\d+ system permissions? · \d+ space permissions? — effective access$/);
    await vscode.commands.executeCommand(finance.command.command, ...(finance.command.arguments ?? []));
    const shown = await when(
      'the access document',
      () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'octopus-roles-access'),
      vscode.workspace.onDidOpenTextDocument as vscode.Event<unknown>,
    );
    const text = shown.getText();
    assert.match(text, /^# Team Finance Team \(space Finance\): effective access/);
    // Refused assignments grant nothing: System Manager in a space team is not in the document.
    assert.doesNotMatch(text, /System Manager in Finance Team/);
    assert.match(text, /## In space Finance/);
  });

  it("opens a Terraform team's effective access from its lens, and hints where each user_role_id applies", async () => {
    const uri = vscode.Uri.joinPath(folder(), 'access.tf');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await when('the diagnostics of access.tf', () => (vscode.languages.getDiagnostics(uri).length ? true : undefined), vscode.languages.onDidChangeDiagnostics as vscode.Event<unknown>);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const line = doc.getText().split('\n').findIndex((l) => l.includes('name     = "Release managers"'));
    const team = lenses.find((l) => l.range.start.line === line && l.command?.command === 'octopus-roles.showAccess');
    assert.ok(team?.command, `no lens on the team: ${lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`).join('; ')}`);
    await vscode.commands.executeCommand(team.command.command, ...(team.command.arguments ?? []));
    const shown = await when(
      'the access document of the module\'s team',
      () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'octopus-roles-access' && d.getText().includes('Release managers')),
      vscode.workspace.onDidOpenTextDocument as vscode.Event<unknown>,
    );
    const text = shown.getText();
    assert.match(text, /^# Team Release managers \(space Spaces-1\): effective access/);
    assert.match(text, /In the Terraform module `/);
    // The inline role and the scoped user role (Release Creator) make one team.
    assert.match(text, /\| ReleaseCreate \| everything \| Release managers in Release managers; Release Creator in Release managers \|/);
    const hints = (await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, new vscode.Range(0, 0, doc.lineCount, 0))) ?? [];
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.ok(labels.includes('Spaces-1'), `hints: ${labels.join('; ')}`);
  });
});
