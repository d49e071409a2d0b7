/**
 * *Octopus Roles: Access Diff with Branch...*: pick a branch of the workspace's repository, compare the
 * working tree's access model with it using the bundled command line (`octopus-roles diff BRANCH
 * --format markdown`, the report a pull request gets), and show the report beside the editor. It runs git,
 * which reads the repository's own configuration, so it runs only in a trusted workspace.
 */
import * as vscode from 'vscode';
import { accessDiff, listBranches } from './branch-diff';

/** The workspace folder to compare: the active file's, the only one, or the one the user picks. */
async function folderToCompare(): Promise<vscode.WorkspaceFolder | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const own = active && vscode.workspace.getWorkspaceFolder(active);
  if (own) return own;
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.length > 1 ? vscode.window.showWorkspaceFolderPick({ placeHolder: 'Compare the access model of which folder?' }) : folders[0];
}

/** Runs the command; `show` opens the report (a read-only Markdown preview). */
export async function accessDiffCommand(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, show: (title: string, markdown: string) => Promise<void>): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Octopus Roles: Access Diff with Branch runs git in the workspace; trust the workspace to use it.');
    return;
  }
  const folder = await folderToCompare();
  if (!folder || folder.uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('Octopus Roles: open a folder of a git repository to compare its access with a branch.');
    return;
  }
  const cwd = folder.uri.fsPath;
  const branches = await listBranches(cwd);
  if (!branches.length) {
    void vscode.window.showWarningMessage(`Octopus Roles: ${folder.name} is not in a git repository with branches.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    branches.map((b) => ({ label: b.name, description: b.current ? 'current branch: uncommitted changes only' : b.remote ? 'remote branch' : '', branch: b.name })),
    { title: 'Access diff with branch', placeHolder: `Compare the access model of ${folder.name} (working tree) with...` },
  );
  if (!picked) return;
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Octopus Roles: comparing access with ${picked.branch}` }, () =>
    accessDiff(context.asAbsolutePath('bin/octopus-roles.js'), cwd, picked.branch),
  );
  if (result.kind === 'failed') {
    output.error(`Access diff with ${picked.branch}: ${result.message}`);
    void vscode.window.showErrorMessage(`Octopus Roles: the access diff with ${picked.branch} failed: ${result.message}`);
    return;
  }
  if (result.errors) {
    output.warn(`Access diff with ${picked.branch}: ${result.errors}`);
    void vscode.window.showWarningMessage(`Octopus Roles: ${result.errors}; assignments Octopus would refuse grant nothing on that side.`);
  }
  await show(`access diff with ${picked.branch}`, result.markdown);
}
