/**
 * The editor features of issue 16 over JSON-RPC, against the shipped server: semantic tokens, document
 * highlights, formatting, the status notification, rule documentation that exists offline, showing a
 * file a fix created, and completion and fixes in `.octopus-roles.yaml`.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApplyWorkspaceEditParams, CodeAction, CompletionItem, DocumentHighlight, SemanticTokens, ShowDocumentParams, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { STATUS_METHOD, type Status } from '../../server/src/lsp/protocol';
import { PULL_CAPABILITIES, PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from './client';

const CAPS = { ...PUSH_CAPABILITIES, window: { showDocument: { support: true } }, workspace: { ...PUSH_CAPABILITIES.workspace, workspaceEdit: { documentChanges: true, resourceOperations: ['create' as const] } } };
const ROLE = 'name: Deployer\nspacePermissions: [ProjectView, ProjectVeiw]\n';
const TEAM = 'name: Ops\nspace: Finance\nroles:\n    - Deployer\n    - Project Viewer\n    - Deployer\n';
const SPACE = 'name: Finance\n';

/** Collects what the server asks the client to show. */
function showRequests(client: TestClient): ShowDocumentParams[] {
  const shown: ShowDocumentParams[] = [];
  client.connection.onRequest('window/showDocument', (p: ShowDocumentParams) => {
    shown.push(p);
    return { success: true };
  });
  return shown;
}

/** Resolves when `check` holds, polling on the server's messages through the client's own waiter. */
const until = (client: TestClient, what: string, check: () => boolean) => client.waitFor(what, check);

describe('editor features over JSON-RPC', function () {
  this.timeout(30000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  async function start(files: Record<string, string>, caps = CAPS) {
    dir = tempWorkspace(files);
    client = new TestClient();
    // The test client records the status notifications itself (one handler per method).
    const statuses: readonly Status[] = client.statuses;
    const shown = showRequests(client);
    const init = await client.initialize(dir, caps);
    return { init, statuses, shown };
  }

  it('advertises semantic tokens, highlights, formatting and its commands; tokens tell roles, spaces and permissions apart', async () => {
    const { init } = await start({ 'd.role.yaml': ROLE, 'ops.team.yaml': TEAM, 'f.space.yaml': SPACE });
    const legend = init.capabilities.semanticTokensProvider!.legend;
    assert.ok(init.capabilities.documentHighlightProvider && init.capabilities.documentFormattingProvider);
    assert.deepEqual(init.capabilities.executeCommandProvider?.commands, [
      'octopus-roles.showDocumentation',
      'octopus-roles.showFile',
      'octopus-roles.checkWorkspace',
      'octopus-roles.fixAllFiles',
      'octopus-roles.showAccess',
      'octopus-roles.accessDocument',
      'octopus-roles.whoCan',
      'octopus-roles.accessSubjects',
      'octopus-roles.showRoleUsers',
    ]);
    const uri = uriOf(dir, 'ops.team.yaml');
    await client.open(uri, TEAM);
    const tokens = (await client.connection.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } })) as SemanticTokens;
    // Decode the relative encoding into "line:char text type+modifiers".
    const lines = TEAM.split('\n');
    const decoded: string[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < tokens.data.length; i += 5) {
      const [dl, dc, len, type, mods] = tokens.data.slice(i, i + 5);
      char = dl === 0 ? char + dc : dc;
      line += dl;
      const names = legend.tokenModifiers.filter((_, b) => mods & (1 << b));
      decoded.push(`${line}:${char} ${lines[line].slice(char, char + len)} ${[legend.tokenTypes[type], ...names].join('+')}`);
    }
    assert.deepEqual(decoded, [
      '0:6 Ops struct+declaration',
      '1:7 Finance namespace',
      '3:6 Deployer class',
      '4:6 Project Viewer class+defaultLibrary',
      '5:6 Deployer class',
    ]);
    const highlights = (await client.connection.sendRequest('textDocument/documentHighlight', { textDocument: { uri }, position: { line: 5, character: 8 } })) as DocumentHighlight[];
    assert.deepEqual(highlights.map((h) => h.range.start.line), [3, 5]);
  });

  it('formats a document to the tab size the editor sends, keeping comments', async () => {
    await start({ 'ops.team.yaml': TEAM });
    const uri = uriOf(dir, 'ops.team.yaml');
    const text = `# the ops team\n${TEAM}`;
    await client.open(uri, text);
    const edits = (await client.connection.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as TextEdit[];
    const after = TextDocument.applyEdits(TextDocument.create(uri, 'octopus-roles', 1, text), edits);
    assert.equal(after, '# the ops team\nname: Ops\nspace: Finance\nroles:\n  - Deployer\n  - Project Viewer\n  - Deployer\n');
    const again = (await client.connection.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as TextEdit[];
    assert.ok(again.length > 0, 'the open text is still unformatted: the server formats what the editor holds');
  });

  it('sends the status: indexing, then the files read with their errors and warnings', async () => {
    const { statuses } = await start({ 'd.role.yaml': ROLE, 'ops.team.yaml': TEAM, 'f.space.yaml': SPACE });
    await until(client, 'a final status', () => statuses.some((s) => !s.indexing && s.files === 3));
    assert.ok(statuses[0].indexing, 'the first status says the workspace is being read');
    const last = statuses[statuses.length - 1];
    // unknown-permission (error) in the role; duplicate-assignment (warning) in the team.
    assert.deepEqual(last, { indexing: false, files: 3, errors: 1, warnings: 1 });
    assert.deepEqual(await client.connection.sendRequest(STATUS_METHOD), last);
  });

  it('links every diagnostic to its section of the shipped README, and shows it on request', async () => {
    const { shown } = await start({ 'd.role.yaml': ROLE });
    const uri = uriOf(dir, 'd.role.yaml');
    await client.open(uri, ROLE);
    await until(client, 'unknown-permission', () => client.codes(uri)?.includes('unknown-permission') === true);
    const d = client.published.get(uri)!.find((x) => x.code === 'unknown-permission')!;
    const href = new URL(d.codeDescription!.href);
    assert.equal(href.protocol, 'file:');
    const readme = fileURLToPath(href.href.replace(/#.*/, ''));
    assert.ok(existsSync(readme));
    const line = Number(/^#L(\d+)$/.exec(href.hash)![1]);
    assert.equal(readFileSync(readme, 'utf8').split('\n')[line - 1], '### `unknown-permission`');
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const docs = actions.find((a) => a.title === 'Show documentation for unknown-permission');
    assert.ok(docs?.command, actions.map((a) => a.title).join(', '));
    await client.connection.sendRequest('workspace/executeCommand', { command: docs.command.command, arguments: docs.command.arguments });
    assert.equal(shown.length, 1);
    assert.equal(shown[0].uri, href.href.replace(/#.*/, ''));
    assert.equal(shown[0].selection?.start.line, line - 1);
  });

  it('shows the file that a "create role" fix creates, after the client applied it', async () => {
    const team = 'name: Ops\nspace: Finance\nroles: [Release Wrangler]\n';
    const { shown } = await start({ 'ops.team.yaml': team, 'f.space.yaml': SPACE });
    const uri = uriOf(dir, 'ops.team.yaml');
    await client.open(uri, team);
    await until(client, 'unknown-role', () => client.codes(uri)?.includes('unknown-role') === true);
    const d = client.published.get(uri)!.find((x) => x.code === 'unknown-role')!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const create = actions.find((a) => a.edit?.documentChanges?.some((c) => 'kind' in c && c.kind === 'create'));
    assert.ok(create, actions.map((a) => a.title).join(', '));
    const created = create.edit!.documentChanges!.find((c): c is { kind: 'create'; uri: string } => 'kind' in c && c.kind === 'create')!.uri;
    assert.deepEqual(create.command?.arguments, [created]);
    await client.connection.sendRequest('workspace/executeCommand', { command: create.command!.command, arguments: create.command!.arguments });
    assert.deepEqual(shown, [{ uri: created, takeFocus: true }]);
  });

  it('does not attach a show command for a client that cannot show documents', async () => {
    const team = 'name: Ops\nspace: Finance\nroles: [Release Wrangler]\n';
    await start({ 'ops.team.yaml': team, 'f.space.yaml': SPACE }, { ...CAPS, window: { showDocument: { support: false } } });
    const uri = uriOf(dir, 'ops.team.yaml');
    await client.open(uri, team);
    await until(client, 'unknown-role', () => client.codes(uri)?.includes('unknown-role') === true);
    const d = client.published.get(uri)!.find((x) => x.code === 'unknown-role')!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    assert.ok(actions.some((a) => a.edit?.documentChanges));
    assert.ok(actions.every((a) => !a.command || a.command.command !== 'octopus-roles.showFile'));
  });

  it('fixes every file of the workspace in one edit, open or not', async () => {
    const role = 'name: R\nspacePermissions:\n  - ProjectView\n  # twice\n  - ProjectView\n  - TaskViewLog\n';
    const team = 'name: Ops\nspace: Finance\nroles: [R, R]\n';
    await start({ 'r.role.yaml': role, 'ops.team.yaml': team, 'f.space.yaml': SPACE, 'clean.role.yaml': 'name: C\nspacePermissions: [ProjectView]\n' });
    const edits: ApplyWorkspaceEditParams[] = [];
    client.connection.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams) => {
      edits.push(p);
      return { applied: true };
    });
    const result = (await client.connection.sendRequest('workspace/executeCommand', { command: 'octopus-roles.fixAllFiles' })) as { files: string[]; fixes: number; applied: boolean };
    const r = uriOf(dir, 'r.role.yaml');
    const t = uriOf(dir, 'ops.team.yaml');
    // TaskView in place of the retired TaskViewLog would grant TaskView in Finance to Ops: left to the user.
    assert.deepEqual(result, { files: [t, r].sort(), fixes: 2, applied: true });
    const after = (uri: string, text: string) => TextDocument.applyEdits(TextDocument.create(uri, 'x', 1, text), edits[0].edit.changes![uri]);
    assert.equal(after(r, role), 'name: R\nspacePermissions:\n  - ProjectView\n  - TaskViewLog\n');
    assert.equal(after(t, team), 'name: Ops\nspace: Finance\nroles: [R]\n');
  });

  it('checks the whole workspace again on request, reading changes no watcher reported', async () => {
    await start({ 'ops.team.yaml': 'name: Ops\nspace: Finance\nroles: [Deployer]\n', 'f.space.yaml': SPACE });
    const team = uriOf(dir, 'ops.team.yaml');
    await until(client, 'unknown-role', () => client.codes(team)?.[0] === 'unknown-role');
    writeFileSync(path.join(dir, 'd.role.yaml'), 'name: Deployer\nspacePermissions: [ProjectView]\n');
    await client.connection.sendRequest('workspace/executeCommand', { command: 'octopus-roles.checkWorkspace' });
    await until(client, 'the team to be clean', () => client.codes(team)?.length === 0);
  });

  it('completes and fixes .octopus-roles.yaml', async () => {
    const config = 'rules:\n  implicit-sytem-grant: off\n';
    await start({ '.octopus-roles.yaml': config, 'd.role.yaml': ROLE }, { ...CAPS, ...{ textDocument: PULL_CAPABILITIES.textDocument } });
    const uri = uriOf(dir, '.octopus-roles.yaml');
    await until(client, 'the configuration finding', () => client.codes(uri)?.includes('unknown-key') === true);
    await client.open(uri, `${config}  empty\n`);
    const items = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 7 } })) as CompletionItem[];
    assert.ok(items.some((i) => i.label === 'empty-role' && i.detail === 'default: warning'));
    const d = client.published.get(uri)!.find((x) => x.code === 'unknown-key')!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    assert.equal(actions[0].title, "Change to 'implicit-system-grant'");
    assert.deepEqual(actions[0].edit?.changes?.[uri], [{ range: d.range, newText: 'implicit-system-grant' }]);
    assert.ok(actions.some((a) => a.title === 'Show documentation for unknown-key'));
  });
});
