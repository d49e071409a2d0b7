/**
 * Issue 28, "a file or folder argument breaks the model": PATHs select what `check`, `explain`, `who-can`
 * and `diff` report, and the model is always the whole workspace (the git repository, the folder below it
 * whose `.octopus-roles.yaml` sets `root: true`, or the current folder outside git).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { check, scratchTrees } from '../support/folders';

interface JsonFinding {
  file: string;
  range: { start: { line: number; character: number } };
  code: string;
  severity: string;
}

const findingsOf = (stdout: string) => (JSON.parse(stdout) as JsonFinding[]).map((f) => `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.code}`);

/** A small workspace as a new user would write it: roles, spaces and teams in folders of their own. */
const WORKSPACE = {
  '.git/': '',
  'roles/delivery.role.yaml': 'name: Release Deployer\nspacePermissions: [ProjectView, DeploymentCreate]\n---\nname: Payments Auditor\nspacePermissions: [ProjectView, EventView]\n',
  'roles/legacy.role.yaml': 'name: Release Deployer\nspacePermissions: [ProjectView]\n',
  'spaces/payments.space.yaml': 'name: Payments\nenvironments: [Test, Production]\n',
  'spaces/operations.space.yaml': 'name: Operations\n',
  'teams/payments.team.yaml': [
    'name: Payments Deployers',
    'space: Payments',
    'members: [alice]',
    'roles:',
    '  - Release Deployer',
    '  - role: Payments Auditor',
    '    environments: [Production]',
    '  - Deployr',
    '',
  ].join('\n'),
  'teams/operations.team.yaml': 'name: Operations\nspace: Operations\nmembers: [bob]\nroles: [Release Deployer, System Manager]\n',
  'infra/octopus/main.tf': 'resource "octopusdeploy_user_role" "viewers" {\n  name = "Viewers"\n  granted_space_permissions = ["ProjectView", "ProjectView"]\n}\n',
};

describe('PATHs select what is reported; the model is the whole workspace (issue 28)', () => {
  const ws = scratchTrees();

  it('a pre-commit-style `check FILE...` reports exactly the findings of those files, cross-file ones computed with the whole model', async () => {
    const dir = ws(WORKSPACE);
    const all = await check(['check', '--format', 'json'], dir);
    assert.equal(all.code, 1, all.stderr);
    const named = ['teams/payments.team.yaml', 'roles/legacy.role.yaml', 'infra/octopus/main.tf'];
    const some = await check(['check', '--format', 'json', ...named], dir);
    assert.equal(some.code, 1, some.stderr);
    const expected = findingsOf(all.stdout).filter((f) => named.some((n) => f.startsWith(n + ':')));
    assert.deepEqual(findingsOf(some.stdout), expected);
    // What those are: the one real unknown role (no false ones for the roles of roles/), the duplicate
    // name that only the other role file makes, and the module's duplicate permission.
    assert.deepEqual(expected, [
      'infra/octopus/main.tf:3:47 warning duplicate-permission',
      'roles/legacy.role.yaml:1:7 error duplicate-name',
      'teams/payments.team.yaml:8:5 error unknown-role',
    ]);
  });

  it('`cd teams && octopus-roles check` reports the folder as a check of everything reports it', async () => {
    const dir = ws(WORKSPACE);
    const all = findingsOf((await check(['check', '--format', 'json'], dir)).stdout).filter((f) => f.startsWith('teams/'));
    const run = await check(['check', '--format', 'json'], path.join(dir, 'teams'));
    assert.deepEqual(findingsOf(run.stdout), all.map((f) => f.slice('teams/'.length)));
    assert.deepEqual(all, ['teams/operations.team.yaml:4:27 error system-role-in-space-team', 'teams/payments.team.yaml:8:5 error unknown-role']);
    const text = await check(['check'], path.join(dir, 'teams'));
    assert.match(text.stdout, /\n2 errors in 2 files checked\n$/);
  });

  it('explain and who-can with a PATH count the roles defined outside it', async () => {
    const dir = ws({ ...WORKSPACE, 'roles/legacy.role.yaml': 'name: Legacy\nspacePermissions: [ProjectView]\n', 'teams/payments.team.yaml': WORKSPACE['teams/payments.team.yaml'].replace('  - Deployr\n', '') });
    const who = await check(['who-can', 'DeploymentCreate', 'teams', '--format', 'json'], dir);
    assert.equal(who.code, 0, who.stderr);
    const names = (JSON.parse(who.stdout) as { principals: { kind: string; name: string }[] }).principals.map((p) => `${p.kind}:${p.name}`);
    assert.ok(names.includes('team:Payments Deployers') && names.includes('user:alice'), names.join(', '));
    // The module is another model, which the PATH does not cover.
    assert.ok(!names.some((n) => n.includes('Viewers')));
    const alice = await check(['explain', 'user:alice', 'teams/payments.team.yaml'], dir);
    assert.match(alice.stdout, /EventView \(only environments: Production\)\n\s+via Payments Auditor in team Payments Deployers \(space Payments\): teams\/payments\.team\.yaml:6/);
  });

  it('`diff HEAD~1 HEAD teams` computes access with the custom roles defined outside the PATH', async () => {
    const files: Record<string, string> = { ...WORKSPACE, 'roles/legacy.role.yaml': 'name: Legacy\nspacePermissions: [ProjectView]\n', 'teams/operations.team.yaml': 'name: Operations\nspace: Operations\nroles: [Release Deployer]\n', 'teams/payments.team.yaml': WORKSPACE['teams/payments.team.yaml'].replace('  - Deployr\n', '') };
    delete files['.git/'];
    const dir = ws(files);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    writeFileSync(path.join(dir, 'teams/payments.team.yaml'), files['teams/payments.team.yaml'].replace('members: [alice]', 'members: [alice, carol]'));
    git('commit', '-qam', 'carol joins');
    const r = await check(['diff', 'HEAD~1', 'HEAD', 'teams', '--format', 'json'], dir);
    assert.equal(r.code, 3, r.stderr);
    const access = (JSON.parse(r.stdout) as { access: { principal: { kind: string; name: string }; gains: { permission: string; restrictions: object }[] }[] }).access;
    assert.deepEqual(access.map((a) => `${a.principal.kind}:${a.principal.name}`), ['user:carol']);
    assert.deepEqual(access[0].gains.map((g) => [g.permission, g.restrictions]).sort(), [
      ['DeploymentCreate', {}],
      ['EventView', { environments: ['Production'] }],
      ['ProjectView', {}],
    ]);
  });

  it('outside git, the workspace is the current folder, never the whole file system when that is `/`', async () => {
    const files: Record<string, string> = { ...WORKSPACE };
    delete files['.git/'];
    const dir = ws(files);
    const inside = await check(['check', '--format', 'json', 'teams'], dir);
    assert.deepEqual(findingsOf(inside.stdout), ['teams/operations.team.yaml:4:27 error system-role-in-space-team', 'teams/payments.team.yaml:8:5 error unknown-role']);
    // A container's working folder is often `/`: the workspace is then the PATH's folder.
    const started = Date.now();
    const fromRoot = await check(['check', '--format', 'json', dir], '/');
    assert.equal(fromRoot.stderr, '');
    assert.equal((JSON.parse(fromRoot.stdout) as unknown[]).length, findingsOf((await check(['check', '--format', 'json'], dir)).stdout).length);
    assert.ok(Date.now() - started < 10000);
  });

  it('a folder whose configuration sets `root: true` is a workspace of its own, checked as one model', async () => {
    const dir = ws({
      '.git/': '',
      'deployer.role.yaml': 'name: Deployer\nspacePermissions: [DeploymentCreate]\n',
      '.octopus-roles.yaml': 'rules:\n  empty-role: error\n',
      'sandbox/.octopus-roles.yaml': 'root: true\n',
      'sandbox/deployer.role.yaml': 'name: Deployer\nspacePermissions: [ProjectView]\n',
      'sandbox/empty.role.yaml': 'name: Empty\n',
      'sandbox/team.team.yaml': 'name: Sandbox\nroles: [Outer Only]\n',
      'outer.role.yaml': 'name: Outer Only\nsystemPermissions: [UserView]\n',
    });
    // No duplicate-name across the two; the sandbox does not see the outer role, nor the outer configuration.
    const run = await check(['check', '--format', 'json'], dir);
    assert.deepEqual(findingsOf(run.stdout), ['sandbox/empty.role.yaml:1:7 warning empty-role', 'sandbox/team.team.yaml:2:9 error unknown-role']);
    assert.deepEqual(findingsOf((await check(['check', '--format', 'json', 'sandbox/team.team.yaml'], dir)).stdout), ['sandbox/team.team.yaml:2:9 error unknown-role']);
    assert.deepEqual(findingsOf((await check(['check', '--format', 'json', 'deployer.role.yaml'], dir)).stdout), []);
  });
});
