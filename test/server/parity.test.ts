/**
 * The checker and the language server read a folder through the same loader (SPEC section 4), so on the
 * same files they report the same findings: nested configuration files, `exclude`, a size limit set
 * in a subfolder, a `%` in a file name, a file reached twice through a linked folder.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../../server/src/cli';
import { generateWorkspace, writeWorkspace } from '../support/generate';
import { PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from './client';

const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];

describe('the checker and the server on the same folder', function () {
  this.timeout(30000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  it('report identical findings', async () => {
    dir = tempWorkspace({
      '.octopus-roles.yaml': 'rules:\n  duplicate-permission: error\nexclude:\n  - generated/**\nunknownKey: 1\n',
      '50% off.role.yaml': 'spacePermissions: [ProjectView, ProjectView]\n',
      'generated/g.role.yaml': 'name: G\nspacePermissions: [Nonsense]\n',
      'sub/.octopus-roles.yaml': '# maxFileSize: 1MB\nmaxFileSize: 120B\nrules:\n  empty-role: off\nexclude: [skip-*.role.yaml]\n',
      'sub/empty.role.yaml': 'name: Empty\n',
      'sub/dup.role.yaml': 'name: Dup\nspacePermissions: [TaskView, TaskView]\n',
      'sub/skip-me.role.yaml': 'name: Skipped\nspacePermissions: [Nonsense]\n',
      'sub/big.role.yaml': `name: Big\ndescription: ${'x'.repeat(200)}\n`,
      'sub/generated/kept.role.yaml': 'name: Kept\nspacePermissions: [Nonsense]\n',
      'teams/t.team.yaml': 'name: T\nspace: S\nroles: [Dup, Nobody]\n',
      'empty.role.yaml': 'name: Also Empty\n',
    });
    mkdirSync(path.join(dir, '.git'));
    symlinkSync(path.join(dir, 'sub'), path.join(dir, 'again'));

    let stdout = '';
    await runCli(['check', '--format', 'json'], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir });
    const checker = (JSON.parse(stdout) as { file: string; range: unknown; severity: string; code: string; message: string }[])
      .map((f) => JSON.stringify([pathToFileURL(path.join(dir, f.file)).href, f.range, f.severity, f.code, f.message]))
      .sort();

    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES);
    // A round trip after the scan: every diagnostic pushed with the scan has arrived before its answer.
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(dir, 'empty.role.yaml') }, position: { line: 0, character: 0 } });
    const server = [...client.published]
      .flatMap(([uri, ds]) => ds.map((d) => JSON.stringify([uri, d.range, SEVERITY[d.severity ?? 1], String(d.code), d.message])))
      .sort();

    assert.deepEqual(server, checker);
    // And the findings are the ones the configuration files ask for.
    const codes = checker.map((f) => JSON.parse(f) as [string, unknown, string, string]).map(([uri, , severity, code]) => `${decodeURIComponent(uri.slice(pathToFileURL(dir).href.length + 1))} ${severity} ${code}`);
    assert.deepEqual(codes.sort(), [
      '.octopus-roles.yaml warning unknown-key',
      '50% off.role.yaml error duplicate-permission',
      '50% off.role.yaml error missing-name',
      'empty.role.yaml warning empty-role',
      'sub/big.role.yaml warning file-too-large',
      'sub/dup.role.yaml error duplicate-permission',
      'sub/generated/kept.role.yaml error unknown-permission',
      'teams/t.team.yaml error unknown-role',
    ]);
  });
});

describe('the server while it scans', function () {
  this.timeout(60000);
  let client: TestClient;
  let dir: string;
  afterEach(async () => client?.dispose(dir));

  it('keeps answering hovers while it scans 3,000 files (it reads in slices and yields between them)', async () => {
    dir = tempWorkspace({});
    writeWorkspace(dir, generateWorkspace({ files: 3000, seed: 3 }));
    client = new TestClient();
    const started = performance.now();
    await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }], capabilities: PUSH_CAPABILITIES });
    await client.connection.sendNotification('initialized', {});
    const scratch = uriOf(dir, 'scratch.role.yaml');
    await client.open(scratch, 'name: Scratch\nspacePermissions: [ProjectView]\n');
    const scanned = () => client.logs.some((l) => l.startsWith('indexed '));
    // Hover after hover until the scan ends: none may wait for the rest of the scan.
    const latencies: number[] = [];
    while (!scanned()) {
      const sent = performance.now();
      const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: scratch }, position: { line: 1, character: 22 } });
      assert.ok(hover, 'the permission is hovered');
      latencies.push(performance.now() - sent);
    }
    const scan = performance.now() - started;
    assert.ok(latencies.length >= 5, `${latencies.length} hovers answered during a scan of ${Math.round(scan)} ms`);
    assert.ok(Math.max(...latencies) < scan / 3, `the slowest hover took ${Math.round(Math.max(...latencies))} ms of a ${Math.round(scan)} ms scan`);
  });
});
