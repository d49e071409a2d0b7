/**
 * The one loader (server/src/node): configuration discovery as SPEC section 4 says, `exclude` as a
 * configuration key, one check per real file, and the checker and the server's project agreeing on all of
 * it. The server over JSON-RPC is compared with the checker in test/server/parity.test.ts.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FileIds, readSafely, type FileId } from '../../server/src/node/files';
import { Project, pathToUri } from '../../server/src/node/project';
import { check, scratchTrees } from '../support/folders';
import { fileURLToPath } from 'node:url';
import { finalDiagnostics, normaliseEditorSettings, parseConfig } from '../../server/src/service';

/** The server's project on `dir` as an editor opens it (one workspace folder), scanned. */
async function editor(dir: string, settings: unknown = {}): Promise<Project> {
  const project = new Project(() => undefined);
  project.addFolder(pathToUri(dir), normaliseEditorSettings(settings));
  await project.scan();
  return project;
}

/** `file:code` for every finding the project reports, as the editor shows them. */
function editorFindings(project: Project, dir: string): string[] {
  const found: string[] = [];
  for (const uri of project.ws.uris()) {
    for (const d of finalDiagnostics(project.ws, uri, project.settingsFor(uri))) found.push(`${path.relative(dir, fileURLToPath(uri))}:${d.code}`);
  }
  return found.sort();
}

const EMPTY = (name: string) => `name: ${name}\n`;
const DUPLICATE = 'name: Dup\nspacePermissions: [ProjectView, ProjectView]\n';

describe('the loader: configuration files', () => {
  const ws = scratchTrees();

  it('obeys a .octopus-roles.yaml in a subfolder in the editor as in the checker (examples/showcase had 119 findings against 1)', async () => {
    const dir = ws({
      '.git/': '',
      '.octopus-roles.yaml': 'rules:\n  duplicate-permission: error\n',
      'top.role.yaml': EMPTY('Top'),
      'sub/.octopus-roles.yaml': 'rules:\n  empty-role: off\n',
      'sub/inner.role.yaml': EMPTY('Inner'),
      'sub/dup.role.yaml': DUPLICATE,
    });
    const expected = ['sub/dup.role.yaml:duplicate-permission', 'top.role.yaml:empty-role'];
    assert.deepEqual(editorFindings(await editor(dir), dir), expected);
    // Key by key: the deeper file turns one rule off and keeps the upper file's severity for another.
    const project = await editor(dir);
    assert.equal(finalDiagnostics(project.ws, pathToUri(path.join(dir, 'sub/dup.role.yaml')), project.settingsFor(pathToUri(path.join(dir, 'sub/dup.role.yaml'))))[0].severity, 'error');
    const json = JSON.parse((await check(['check', '--format', 'json'], dir)).stdout) as { file: string; code: string }[];
    assert.deepEqual(json.map((f) => `${f.file}:${f.code}`).sort(), expected);
    // Given the subfolder, the checker still reads the root's file (up to the repository root).
    const sub = JSON.parse((await check(['check', 'sub', '--format', 'json'], dir)).stdout) as { file: string; code: string; severity: string }[];
    assert.deepEqual(sub.map((f) => `${f.file}:${f.code}:${f.severity}`), ['sub/dup.role.yaml:duplicate-permission:error']);
  });

  it('reads the configuration files above an editor folder up to the repository root, and none above that', async () => {
    const dir = ws({
      '.octopus-roles.yaml': 'rules:\n  empty-role: error\n', // above the repository: never read
      'repo/.git/': '',
      'repo/.octopus-roles.yaml': 'rules:\n  empty-role: off\n',
      'repo/project/a.role.yaml': EMPTY('A'),
    });
    const project = await editor(path.join(dir, 'repo/project'));
    assert.deepEqual(editorFindings(project, path.join(dir, 'repo/project')), []);
    const outer = await editor(path.join(dir, 'repo'), { rules: { 'empty-role': 'hint' } });
    assert.equal(outer.settingsFor(pathToUri(path.join(dir, 'repo/project/a.role.yaml'))).rules['empty-role'], 'off', 'a configuration file wins over the editor');
  });

  it('takes `exclude` from the configuration file, relative to its folder, in the editor and the checker alike', async () => {
    const dir = ws({
      '.git/': '',
      '.octopus-roles.yaml': 'exclude:\n  - generated/**\n',
      'generated/g.role.yaml': DUPLICATE,
      'roles/r.role.yaml': DUPLICATE.replace('Dup', 'R'),
      'roles/.octopus-roles.yaml': 'exclude: [old-*.role.yaml]\n',
      'roles/old-x.role.yaml': DUPLICATE.replace('Dup', 'X'),
    });
    const expected = ['roles/r.role.yaml:duplicate-permission'];
    assert.deepEqual(editorFindings(await editor(dir), dir), expected);
    const run = await check(['check', '--format', 'json'], dir);
    assert.deepEqual((JSON.parse(run.stdout) as { file: string; code: string }[]).map((f) => `${f.file}:${f.code}`), expected);
    // A file named on the command line is checked whatever `exclude` says.
    const named = await check(['check', 'generated/g.role.yaml', '--format', 'json'], dir);
    assert.equal((JSON.parse(named.stdout) as unknown[]).length, 1);
  });

  it('counts a key as set only when it is there: a commented-out maxFileSize leaves the editor setting in force', async () => {
    const dir = ws({ '.git/': '', '.octopus-roles.yaml': '# maxFileSize: 4KB\nrules: {}\n', 'big.role.yaml': `name: Big\ndescription: ${'x'.repeat(300)}\n` });
    const project = await editor(dir, { maxFileSize: 100 });
    assert.deepEqual(editorFindings(project, dir), ['big.role.yaml:file-too-large']);
  });

  it('reads a configuration file only if it is a regular UTF-8 file of at most 1 MB inside the repository, saying why not', async () => {
    const outside = ws({ '.octopus-roles.yaml': 'rules:\n  secret-rule-name: off\n' });
    const dir = ws({
      '.git/': '',
      'fifo/': '',
      'latin1/.octopus-roles.yaml': Buffer.from('# caf\xe9\nrules:\n  empty-role: off\n', 'latin1'),
      'big/.octopus-roles.yaml': `# ${'x'.repeat(1024 * 1024)}\n`,
      'fifo/a.role.yaml': EMPTY('A'),
      'latin1/b.role.yaml': EMPTY('B'),
      'big/c.role.yaml': EMPTY('C'),
      'out/d.role.yaml': EMPTY('D'),
      'stdin/e.role.yaml': EMPTY('E'),
    });
    execFileSync('mkfifo', [path.join(dir, 'fifo/.octopus-roles.yaml')]);
    symlinkSync(path.join(outside, '.octopus-roles.yaml'), path.join(dir, 'out/.octopus-roles.yaml'));
    symlinkSync('/dev/stdin', path.join(dir, 'stdin/.octopus-roles.yaml'));
    const run = await check(['check'], dir); // hung forever on the pipe before
    assert.doesNotMatch(run.stdout + run.stderr, /secret-rule-name/);
    const configLines = run.stdout.split('\n').filter((l) => l.includes('.octopus-roles.yaml:'));
    assert.deepEqual(
      configLines.map((l) => l.replace(/: This file.*$/, '')),
      [
        'big/.octopus-roles.yaml:1:1: warning file-too-large',
        'fifo/.octopus-roles.yaml:1:1: error unreadable-file',
        'latin1/.octopus-roles.yaml:1:1: error unreadable-file',
        'out/.octopus-roles.yaml:1:1: error unreadable-file',
        'stdin/.octopus-roles.yaml:1:1: error unreadable-file',
      ],
    );
    assert.match(run.stdout, /latin1\/\.octopus-roles\.yaml.*not valid UTF-8/);
    assert.match(run.stdout, /out\/\.octopus-roles\.yaml.*outside the repository/);
    // None was applied: every role is reported empty.
    assert.equal((run.stdout.match(/empty-role/g) ?? []).length, 5);
    const project = await editor(dir);
    assert.deepEqual(editorFindings(project, dir).filter((f) => f.endsWith('empty-role')).length, 5);
  });

  it('ends when the root configuration file is a named pipe (it waited forever for a writer)', async () => {
    const dir = ws({ '.git/': '', 'a.role.yaml': EMPTY('A') });
    execFileSync('mkfifo', [path.join(dir, '.octopus-roles.yaml')]);
    const run = await check(['check'], dir);
    assert.match(run.stdout, /^\.octopus-roles\.yaml:1:1: error unreadable-file: .*not a regular file/m);
    assert.match(run.stdout, /^a\.role\.yaml:1:\d+: warning empty-role/m);
  });

  it('parses a configuration file of 30,000 keys in linear time, reporting a duplicate key', () => {
    const keys = (n: number) => `rules:\n${Array.from({ length: n }, (_, i) => `  made-up-rule-${i}: off\n`).join('')}  made-up-rule-0: off\n`;
    const started = performance.now();
    const big = parseConfig(keys(30000));
    const ms = performance.now() - started;
    assert.equal(big.diagnostics.filter((d) => d.code === 'unknown-key').length, 30000);
    assert.deepEqual(big.diagnostics.filter((d) => d.code === 'yaml-syntax').map((d) => d.message), ['YAML syntax error: the key `made-up-rule-0` is set twice; map keys must be unique']);
    // The parser's own duplicate check made this 16 seconds; linear work takes about half a second.
    assert.ok(ms < 8000, `${Math.round(ms)} ms`);
  });
});

describe('the loader: files', () => {
  const ws = scratchTrees();

  it('checks one file once, however many paths lead to it (no duplicate-name with itself)', async () => {
    const dir = ws({ '.git/': '', 'roles/r.role.yaml': 'name: R\nspacePermissions: [ProjectView]\n', 'other/': '' });
    symlinkSync(path.join(dir, 'roles/r.role.yaml'), path.join(dir, 'alias.role.yaml'));
    linkSync(path.join(dir, 'roles/r.role.yaml'), path.join(dir, 'other/hard.role.yaml'));
    const run = await check(['check'], dir);
    assert.equal(run.stdout, '1 file checked, no problems\n');
    assert.equal(run.code, 0);
    // The server: a watcher event for a path through a linked folder does not bring a second copy in.
    symlinkSync(path.join(dir, 'roles'), path.join(dir, 'linked'));
    const project = await editor(dir);
    assert.equal(project.ws.size, 1);
    await project.loadFromDisk(pathToUri(path.join(dir, 'linked/r.role.yaml')));
    await project.loadFromDisk(pathToUri(path.join(dir, 'alias.role.yaml')));
    assert.deepEqual(editorFindings(project, dir), []);
    // It keeps a name of its own (either hard link), not one through a symbolic link.
    assert.deepEqual([...project.ws.uris()].map((u) => path.relative(dir, fileURLToPath(u))).filter((p) => p !== 'other/hard.role.yaml' && p !== 'roles/r.role.yaml'), []);
  });

  it('names each file by its device and inode, as a number where that is exact, never two files alike', () => {
    const ids = new FileIds();
    const seen = new Map<FileId, string>();
    const add = (dev: number, ino: number) => {
      const id = ids.of(dev, ino);
      assert.equal(ids.of(dev, ino), id, `${dev}:${ino} again`);
      const other = seen.get(id);
      assert.ok(other === undefined || other === `${dev}:${ino}`, `${dev}:${ino} and ${other} alike`);
      seen.set(id, `${dev}:${ino}`);
      return id;
    };
    // Inodes that differ by the device count, devices seen in any order, on 20 devices (16 numbered).
    for (let dev = 0; dev < 20; dev++) for (const ino of [0, 1, 15, 16, 17, 6687000, 2 ** 27, 2 ** 49 - 1, 2 ** 49, 2 ** 53 - 1]) add(dev * 1000 + 7, ino);
    assert.equal(typeof add(7, 6687000), 'number');
    assert.equal(add(19007, 1), '19007:1');
    // Past 2^53 when multiplied: a string, exact as the inode itself.
    assert.equal(add(7, 2 ** 50), `7:${2 ** 50}`);
    // Files read from disk carry such ids; the usual inode (below 134 million) is a number.
    const dir = ws({ 'a.role.yaml': 'name: A\n', 'b.role.yaml': 'name: B\n' });
    const [a, b] = ['a.role.yaml', 'b.role.yaml'].map((f) => readSafely(path.join(dir, f), 1000).id);
    assert.notEqual(a, b);
    linkSync(path.join(dir, 'a.role.yaml'), path.join(dir, 'c.role.yaml'));
    assert.equal(readSafely(path.join(dir, 'c.role.yaml'), 1000).id, a);
    if (statSync(path.join(dir, 'a.role.yaml')).ino < 2 ** 27) assert.equal(typeof a, 'number');
  });

  it('checks a file once when two editor folders reach it (one through a link)', async () => {
    const dir = ws({ '.git/': '', 'a/': '', 'b/r.role.yaml': 'name: R\nspacePermissions: [ProjectView]\n' });
    symlinkSync(path.join(dir, 'b'), path.join(dir, 'a/b'));
    const project = new Project(() => undefined);
    project.addFolder(pathToUri(path.join(dir, 'a')), normaliseEditorSettings({}));
    project.addFolder(pathToUri(path.join(dir, 'b')), normaliseEditorSettings({}));
    await project.scan();
    assert.deepEqual(editorFindings(project, dir), []);
    assert.equal(project.ws.size, 1);
  });

  it('keys files by URI: a `%` or a `#` in a file name is fixed and reported like any other', async () => {
    // Without a name, the file's name is read for the name fix that is offered (not applied: it is a guess).
    const nameless = 'spacePermissions: [ProjectView, ProjectView]\n';
    const dir = ws({ '.git/': '', '50% off.role.yaml': nameless, 'a#b%20c.role.yaml': nameless });
    const run = await check(['check', '--fix'], dir);
    assert.doesNotMatch(run.stderr, /URIError|internal error/);
    assert.match(run.stdout, /^50% off\.role\.yaml: fixed 1 problem$/m);
    assert.match(run.stdout, /^a#b%20c\.role\.yaml: fixed 1 problem$/m);
    assert.match(run.stdout, /^50% off\.role\.yaml:1:1: error missing-name/m);
  });

  it('escapes control characters in file names and messages in text output (a newline cannot forge a line)', async () => {
    const dir = ws({ '.git/': '', 'evil\nfake.role.yaml:1:1: error forged: gotcha\n.role.yaml': EMPTY('E\u001b[31m') });
    const run = await check(['check'], dir);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2, run.stdout);
    assert.match(lines[0], /^evil\\nfake\.role\.yaml:1:1: error forged: gotcha\\n\.role\.yaml:1:\d+: warning empty-role: .*E\\x1b\[31m/);
    assert.doesNotMatch(run.stdout, /\u001b/);
  });

  it('refreshes exclusions when the configuration changes (files leave and come back)', async () => {
    const dir = ws({ '.git/': '', 'gen/g.role.yaml': DUPLICATE, 'r.role.yaml': EMPTY('R') });
    const project = await editor(dir);
    assert.equal(project.ws.size, 2);
    writeFileSync(path.join(dir, '.octopus-roles.yaml'), 'exclude: gen\n');
    const affected = await project.reloadConfig();
    assert.ok(affected.has(pathToUri(path.join(dir, 'gen/g.role.yaml'))), 'the excluded file is among the affected, so its diagnostics are cleared');
    assert.deepEqual([...project.ws.uris()], [pathToUri(path.join(dir, 'r.role.yaml'))]);
    rmSync(path.join(dir, '.octopus-roles.yaml'));
    await project.reloadConfig();
    assert.equal(project.ws.size, 2);
  });
});
