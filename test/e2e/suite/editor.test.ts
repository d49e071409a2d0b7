/**
 * End-to-end tests of what only VS Code shows (issue 16): the language status item fed by the server,
 * the rule documentation view, the links of diagnostics to the shipped README, the walkthrough, the
 * language's indentation defaults and formatter, and showing a file that a fix creates.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { when } from './when';
import type { OctopusRolesApi } from '../../../client/src/extension';
import type { StatusView } from '../../../client/src/status';

const folder = () => vscode.workspace.workspaceFolders![0].uri;
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));


const activeTab = () => vscode.window.tabGroups.activeTabGroup.activeTab;
const tabsChanged = vscode.window.tabGroups.onDidChangeTabs as vscode.Event<unknown>;

describe('the editor experience (issue 16)', () => {
  let api: OctopusRolesApi;
  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'octopus-roles')!;
    api = (await ext.activate()) as OctopusRolesApi;
  });

  it('shows a status item with the files checked and their errors and warnings; it opens the Problems panel', async () => {
    const view = await when<StatusView>(
      'the status after indexing',
      () => {
        const v = api.status();
        return /^\d+ files? checked$/.test(v.text) ? v : undefined;
      },
      api.onDidChangeStatus,
    );
    assert.equal(view.busy, false);
    const m = /^(\d+) errors?, (\d+) warnings?$/.exec(view.detail);
    assert.ok(m, view.detail);
    // examples/showcase is made of findings: errors and warnings both.
    assert.ok(Number(m[1]) > 0 && Number(m[2]) > 0, view.detail);
    assert.equal(view.command, 'workbench.actions.view.problems');
  });

  it('links a diagnostic to its section of the README shipped in the extension', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'docs.team.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('name: Readers\nroles: [Release Wrangler]\n'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const d = await when(
      'unknown-role',
      () => vscode.languages.getDiagnostics(uri).find((x) => codeOf(x) === 'unknown-role'),
      vscode.languages.onDidChangeDiagnostics as vscode.Event<unknown>,
    );
    assert.equal(typeof d.code, 'object');
    const target = (d.code as { target: vscode.Uri }).target;
    assert.equal(target.scheme, 'file');
    const line = Number(/^L(\d+)$/.exec(target.fragment)![1]);
    const readme = await vscode.workspace.openTextDocument(target.with({ fragment: '' }));
    assert.equal(readme.lineAt(line - 1).text, '### `unknown-role`');
  });

  it('opens a rule\'s documentation, rendered, from the code action and from the command', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'docs.team.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const d = vscode.languages.getDiagnostics(uri).find((x) => codeOf(x) === 'unknown-role')!;
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
    const docs = actions.find((a) => a.title === 'Show documentation for unknown-role');
    assert.ok(docs?.command, actions.map((a) => a.title).join(', '));
    await vscode.commands.executeCommand(docs.command.command, ...(docs.command.arguments ?? []));
    const preview = await when(
      'the Markdown preview of unknown-role',
      () => {
        const tab = activeTab();
        return tab?.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType) && /unknown-role/.test(tab.label) ? tab : undefined;
      },
      tabsChanged,
    );
    assert.match(preview.label, /Preview/);
    await vscode.commands.executeCommand('octopusRoles.showDocumentation', 'wrong-level');
    await when('the preview of wrong-level', () => (/wrong-level/.test(activeTab()?.label ?? '') ? true : undefined), tabsChanged);
    const text = (await vscode.workspace.openTextDocument(vscode.Uri.parse('octopus-roles-docs:/wrong-level.md'))).getText();
    assert.match(text, /^### `wrong-level`\n/);
    assert.ok(!text.includes('### `duplicate-permission`'), 'only the one section');
  });

  it('offers a walkthrough in six steps', async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'octopus-roles')!;
    const [walkthrough] = ext.packageJSON.contributes.walkthroughs as { id: string; steps: { title: string }[] }[];
    assert.deepEqual(walkthrough.steps.map((s) => s.title), ['Open a workspace', 'Fix a finding', "See a team's access", 'Check Terraform modules', 'Ask from the command line', 'Check every change in CI']);
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${ext.id}#${walkthrough.id}`, false);
    await when('the walkthrough', () => (/Welcome|Get started/i.test(activeTab()?.label ?? '') ? true : undefined), tabsChanged);
  });

  it('indents with two spaces and formats role files', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'format.role.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('name: Format\nspacePermissions:\n    # first\n    - ProjectView\n'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    assert.equal(vscode.workspace.getConfiguration('editor', { languageId: 'octopus-roles' }).get('tabSize'), 2);
    assert.equal(vscode.workspace.getConfiguration('editor', { languageId: 'octopus-roles' }).get('insertSpaces'), true);
    await when('the file to be read', () => (vscode.languages.getDiagnostics(uri) ? true : undefined));
    const edits = (await vscode.commands.executeCommand('vscode.executeFormatDocumentProvider', uri, { tabSize: 2, insertSpaces: true })) as vscode.TextEdit[];
    assert.ok(edits?.length, 'a formatter answers');
    await editor.edit((b) => edits.forEach((e) => b.replace(e.range, e.newText)));
    assert.equal(doc.getText(), 'name: Format\nspacePermissions:\n  # first\n  - ProjectView\n');
  });

  it('shows the file that the "create role" fix creates', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'creator.team.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('name: Creators\nroles: [Release Wrangler]\n'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const d = await when(
      'unknown-role on creator.team.yaml',
      () => vscode.languages.getDiagnostics(uri).find((x) => codeOf(x) === 'unknown-role'),
      vscode.languages.onDidChangeDiagnostics as vscode.Event<unknown>,
    );
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value)) as vscode.CodeAction[];
    const create = actions.find((a) => /^Create/.test(a.title));
    assert.ok(create?.edit && create.command, actions.map((a) => a.title).join(', '));
    // What the light bulb does: apply the edit, then run the command.
    assert.ok(await vscode.workspace.applyEdit(create.edit));
    await vscode.commands.executeCommand(create.command.command, ...(create.command.arguments ?? []));
    const shown = await when(
      'the new role file in the editor',
      () => (vscode.window.activeTextEditor?.document.uri.path.endsWith('.role.yaml') ? vscode.window.activeTextEditor.document : undefined),
      vscode.window.onDidChangeActiveTextEditor as vscode.Event<unknown>,
    );
    assert.match(shown.getText(), /^name: Release Wrangler\n/);
  });

  // Last: it fixes the whole showcase.
  it('fixes all files from the command palette, saving the files that had no unsaved changes', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'fixallfiles.role.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('name: Fix all files\nspacePermissions:\n  - ProjectView\n  # the same again\n  - ProjectView\n'));
    await when(
      'duplicate-permission on the new file',
      () => (vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === 'duplicate-permission') ? true : undefined),
      vscode.languages.onDidChangeDiagnostics as vscode.Event<unknown>,
    );
    await vscode.commands.executeCommand('octopusRoles.fixAllFiles');
    const disk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.equal(disk, 'name: Fix all files\nspacePermissions:\n  - ProjectView\n');
  });
});
