import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Project, pathToUri } from '../../server/src/node/project';
import { CONFIG_FILE_NAME, compileGlob, normaliseEditorSettings } from '../../server/src/service';

describe("the server's project (files, settings, exclusions)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-project-'));
    for (const [name, text] of Object.entries({
      'roles/r.role.yaml': 'name: R\nspacePermissions: [ProjectView]\n',
      'generated/g.role.yaml': 'name: G\n',
      'teams/t.team.yaml': 'name: T\nspace: S\nroles: [R]\n',
    })) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves out files that octopusRoles.exclude matches', async () => {
    const project = new Project(() => undefined);
    project.addFolder(pathToUri(dir), normaliseEditorSettings({ exclude: ['generated/**'] }));
    await project.scan();
    assert.equal(project.ws.has(pathToUri(path.join(dir, 'generated/g.role.yaml'))), false);
    assert.equal(project.ws.has(pathToUri(path.join(dir, 'roles/r.role.yaml'))), true);
  });

  it('ignores watcher events for files below node_modules and dot-folders, as the scan does', async () => {
    const project = new Project(() => undefined);
    project.addFolder(pathToUri(dir), normaliseEditorSettings({}));
    await project.scan();
    for (const name of ['node_modules/pkg/x.role.yaml', '.history/r.role.yaml']) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), 'name: R\nspacePermissions: [ProjectView]\n');
      const uri = pathToUri(path.join(dir, name));
      assert.deepEqual([...(await project.loadFromDisk(uri))], []);
      assert.equal(project.ws.has(uri), false, name);
    }
    // No duplicate-name from the copies: the real role is alone.
    assert.deepEqual(project.ws.diagnostics(pathToUri(path.join(dir, 'roles/r.role.yaml'))), []);
  });

  it('prefers the editor text of an open file, and goes back to the disk when it closes', async () => {
    const project = new Project(() => undefined);
    project.addFolder(pathToUri(dir), normaliseEditorSettings({}));
    await project.scan();
    const team = pathToUri(path.join(dir, 'teams/t.team.yaml'));
    project.edited(team, 'name: T\nspace: S\nroles: [Nobody]\n');
    assert.deepEqual(project.ws.diagnostics(team).map((d) => d.code), ['unknown-role']);
    await project.closed(team);
    assert.deepEqual(project.ws.diagnostics(team).map((d) => d.code), []);
  });

  it('reads no file outside the workspace folders, through a symbolic link or a file event', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'octopus-roles-outside-'));
    try {
      writeFileSync(path.join(outside, 'secret.role.yaml'), 'name: Secret\n');
      writeFileSync(path.join(outside, CONFIG_FILE_NAME), 'rules:\n  empty-role: off\n');
      symlinkSync(path.join(outside, 'secret.role.yaml'), path.join(dir, 'roles/link.role.yaml'));
      symlinkSync(path.join(outside, CONFIG_FILE_NAME), path.join(dir, CONFIG_FILE_NAME));
      const project = new Project(() => undefined);
      project.addFolder(pathToUri(dir), normaliseEditorSettings({}));
      await project.scan();
      const link = pathToUri(path.join(dir, 'roles/link.role.yaml'));
      assert.equal(project.ws.has(link), false);
      // A watcher reporting the link as changed, or a file that is in no folder at all, is not read either.
      assert.deepEqual([...(await project.loadFromDisk(link))], []);
      assert.deepEqual([...(await project.loadFromDisk(pathToUri(path.join(outside, 'secret.role.yaml'))))], []);
      assert.equal(project.ws.size, 3);
      // The linked configuration file is not read: a finding says why, and its rule setting does not apply.
      const configs = [...project.configDiagnostics().values()];
      assert.deepEqual(configs.map((c) => [c.text, c.diagnostics.map((d) => d.code)]), [['', ['unreadable-file']]]);
      assert.match(configs[0].diagnostics[0].message, /outside the repository/);
      assert.equal(project.settingsFor(pathToUri(path.join(dir, 'roles/r.role.yaml'))).rules['empty-role'], undefined);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('turns globs into path matchers as .gitignore does', () => {
    assert.ok(compileGlob('generated/**').test('generated/a/b.role.yaml'));
    assert.ok(compileGlob('*.team.yaml').test('deep/x.team.yaml'));
    assert.ok(!compileGlob('roles/*.role.yaml').test('roles/sub/x.role.yaml'));
    assert.ok(compileGlob('{a,b}/*.yaml').test('b/x.yaml'));
    assert.ok(compileGlob('{roles/{x,y},teams}/*.yaml').test('roles/y/z.yaml'));
    assert.ok(compileGlob('**/gen/*').test('a/b/gen/c.role.yaml') && compileGlob('**/gen/*').test('gen/c.role.yaml'));
    assert.ok(compileGlob('gen').test('x/gen/a.role.yaml') && !compileGlob('gen').test('x/generated/a.role.yaml'));
    assert.ok(compileGlob('r?.role.yaml').test('r1.role.yaml') && !compileGlob('r?.role.yaml').test('r/.role.yaml'));
    // A brace without its partner is a character, not an error that stops the server.
    assert.ok(compileGlob('{a,{b}').test('{a,b'));
    assert.ok(compileGlob('odd}{.yaml').test('odd}{.yaml'));
  });

  it('matches hostile globs in linear time (a workspace can set octopusRoles.exclude)', () => {
    const started = performance.now();
    assert.equal(compileGlob('*a'.repeat(12) + '*c').test('a'.repeat(60) + '.role.yaml'), false);
    assert.equal(compileGlob('**/'.repeat(20) + 'x').test('a/'.repeat(200) + 'y'), false);
    assert.ok(performance.now() - started < 500);
  });
});
