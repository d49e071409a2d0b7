/**
 * The user first (issue 25), over JSON-RPC: an opened file's diagnostics go out before other work and
 * before the workspace is read; a text that a newer one replaced while it waited is never published; a
 * burst of configuration changes costs one re-evaluation, and requests are answered while it waits; a
 * hover in one file is answered while a large file is typed into.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { generateWorkspace, writeWorkspace } from '../support/generate';
import { PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from './client';

const ROLE = 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n';
const DUPLICATE = 'name: Twice\nspacePermissions: [ProjectView, ProjectView]\n';
const hoverText = (h: Hover | null): string => (h?.contents as { value: string } | undefined)?.value ?? '';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Sends the hover on the role's DeploymentCreate, and says whether it was answered about it. */
const hoverRole = async (client: TestClient, uri: string) =>
  /DeploymentCreate/.test(hoverText((await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 22 } })) as Hover | null));

describe('the server puts the user first', function () {
  this.timeout(120000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  it('publishes an opened file\'s diagnostics before it answers the next request, long before the workspace is read', async () => {
    dir = tempWorkspace({});
    writeWorkspace(dir, generateWorkspace({ files: 4000, seed: 5 }));
    client = new TestClient();
    await client.start(dir, PUSH_CAPABILITIES);
    const uri = uriOf(dir, 'mine.role.yaml');
    await client.open(uri, 'name: Mine\nspacePermissions: [ProjectVeiw]\n');
    await client.connection.sendRequest('octopusRoles/status');
    // Messages arrive in order: the diagnostics came before the answer to the request sent after the file was opened.
    assert.equal(client.published.has(uri), true);
    assert.deepEqual(client.codes(uri), ['unknown-permission']);
    assert.equal(client.logs.some((l) => l.startsWith('indexed ')), false, 'published while the workspace is still being read');
    await client.scanned(120000);
  });

  it('keeps the text of a file opened while the workspace is read, though the scan reaches the file on disk later', async () => {
    dir = tempWorkspace({ 'zz/last.role.yaml': ROLE });
    writeWorkspace(dir, generateWorkspace({ files: 4000, seed: 8 }));
    client = new TestClient();
    await client.start(dir, PUSH_CAPABILITIES);
    // Files are being read (the walk that lists them is over); `zz/` comes last.
    await client.waitFor('the first files read', () => client.statuses.some((st) => st.indexing && st.files > 0), 60000);
    const uri = uriOf(dir, 'zz/last.role.yaml');
    await client.open(uri, 'name: Deployer\nspacePermissions: [ProjectVeiw]\n');
    await client.waitFor('complete diagnostics', () => client.statuses.some((st) => !st.indexing), 120000);
    await client.connection.sendRequest('octopusRoles/status');
    assert.deepEqual(client.codes(uri), ['unknown-permission'], 'the editor\'s text, not the disk\'s');
  });

  it('never publishes a text that a newer one replaced while it waited behind other work', async () => {
    dir = tempWorkspace({ 'r.role.yaml': ROLE });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const uri = uriOf(dir, 'r.role.yaml');
    await client.open(uri, ROLE);
    // The first Terraform file loads the grammar (WebAssembly, compiled asynchronously): the edits that
    // arrive meanwhile wait for it.
    writeFileSync(path.join(dir, 'main.tf'), 'resource "octopusdeploy_user_role" "r" {\n  name = "R"\n}\n');
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(dir, 'main.tf'), type: 1 }] });
    for (let v = 2; v <= 12; v++) void client.change(uri, `name: Deployer\nspacePermissions: [Bogus${v}]\n`, v);
    const mentions = (ds: Diagnostic[] | undefined, name: string) => ds?.some((d) => String(d.message).includes(`${name}\``) || String(d.message).includes(`${name} `)) ?? false;
    await client.waitFor('the newest text\'s diagnostics', () => mentions(client.published.get(uri), 'Bogus12'), 60000);
    await client.connection.sendRequest('octopusRoles/status');
    const stale = client.publications.filter((p) => p.uri === uri && [...Array(10).keys()].some((i) => mentions(p.diagnostics, `Bogus${i + 2}`)));
    assert.deepEqual(stale, []);
  });

  /**
   * A server on a generated workspace of 300 files (`seed`) plus `extra`, a role with a duplicate permission
   * and an open role file, once the duplicate is reported.
   */
  async function startWithDuplicate(extra: Record<string, string>, seed: number): Promise<{ twice: string; role: string }> {
    dir = tempWorkspace({ ...extra, 'twice.role.yaml': DUPLICATE, 'r.role.yaml': ROLE });
    writeWorkspace(dir, generateWorkspace({ files: 300, seed }));
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    const twice = uriOf(dir, 'twice.role.yaml');
    const role = uriOf(dir, 'r.role.yaml');
    await client.open(role, ROLE);
    await client.waitFor('the duplicate', () => client.codes(twice)?.includes('duplicate-permission') ?? false);
    return { twice, role };
  }

  it('re-reads the workspace once for a burst of 300 configuration-file changes, and answers a hover before that', async () => {
    const { twice, role } = await startWithDuplicate({ '.octopus-roles.yaml': '# nothing set\n' }, 6);
    const seen = client.publications.length;
    writeFileSync(path.join(dir, '.octopus-roles.yaml'), 'rules:\n  duplicate-permission: warning\n');
    for (let i = 0; i < 300; i++) void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(dir, '.octopus-roles.yaml'), type: 2 }] });
    assert.equal(await hoverRole(client, role), true);
    const published = () => client.publications.slice(seen).filter((p) => p.uri === twice);
    assert.equal(published().length, 0, 'the hover is answered before the workspace is re-read');
    await client.waitFor('the new severity', () => published().some((p) => p.diagnostics.some((d) => d.code === 'duplicate-permission' && d.severity === 2)), 60000);
    await sleep(1500);
    await client.connection.sendRequest('octopusRoles/status');
    assert.equal(published().length, 1, 'one re-evaluation publishes the file once');
  });

  it('takes in a burst of 300 didChangeConfiguration in one re-evaluation, with the newest settings', async () => {
    const { twice, role } = await startWithDuplicate({}, 7);
    const seen = client.publications.length;
    for (let i = 0; i < 300; i++) {
      const severity = i === 299 ? 'hint' : ['warning', 'information'][i % 2];
      void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { octopusRoles: { rules: { 'duplicate-permission': severity } } } });
    }
    assert.equal(await hoverRole(client, role), true);
    const published = () => client.publications.slice(seen).filter((p) => p.uri === twice);
    await client.waitFor('the newest severity', () => published().some((p) => p.diagnostics.some((d) => d.code === 'duplicate-permission' && d.severity === 4)), 60000);
    await sleep(1500);
    await client.connection.sendRequest('octopusRoles/status');
    assert.deepEqual(
      published().map((p) => p.diagnostics.map((d) => d.severity)),
      [[4]],
      'published once, with the last setting',
    );
  });

  it("answers hovers in one file while a file of 30,000 documents is typed into, and publishes its newest text's diagnostics within two analyses of the last keystroke", async () => {
    const docs: string[] = [];
    for (let i = 0; i < 30000; i++) docs.push(`---\nname: Big ${i}\nspacePermissions: [ProjectView${i === 29999 ? ', P' : ''}]\n`);
    const big = docs.join('');
    dir = tempWorkspace({ 'big.role.yaml': big, 'r.role.yaml': ROLE });
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES, 60000);
    const [bigUri, role] = [uriOf(dir, 'big.role.yaml'), uriOf(dir, 'r.role.yaml')];
    await client.open(role, ROLE);
    await client.open(bigUri, big);
    await client.waitFor('the large file', () => client.published.has(bigUri), 60000);
    const lines = big.split('\n');
    const line = lines.length - 2;
    const column = lines[line].length - 1;
    const typed = 'PVeiwxyz';
    let seen = client.publications.length;
    const hovers: Promise<boolean>[] = [];
    for (let k = 1; k < typed.length; k++) {
      const at = { line, character: column + k - 1 };
      if (k === typed.length - 1) seen = client.publications.length;
      void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: bigUri, version: 1 + k }, contentChanges: [{ range: { start: at, end: at }, text: typed[k] }] });
      hovers.push(hoverRole(client, role));
      await sleep(20);
    }
    assert.deepEqual(await Promise.all(hovers), Array(typed.length - 1).fill(true));
    const newest = (p: { uri: string; diagnostics: Diagnostic[] }) => p.uri === bigUri && p.diagnostics.some((d) => String(d.message).includes(typed));
    await client.waitFor('the newest text\'s diagnostics', () => client.publications.slice(seen).some(newest), 60000);
    // An analysis begun before the last keystroke (typing paused for longer than the debounce on a busy
    // machine) may still publish its older text; the next analysis is the newest text's.
    const afterLast = client.publications.slice(seen).filter((p) => p.uri === bigUri);
    assert.ok(afterLast.findIndex(newest) <= 1, `${afterLast.length} publishes after the last keystroke`);
  });
});
