/**
 * `explain`, `who-can` and `diff` from the command line (SPEC section 8): arguments, text and JSON output,
 * exit statuses, and `diff` against real git revisions made in a temporary repository.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli';
import { tree } from '../support/folders';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

const FILES = {
  'finance.space.yaml': 'name: Finance\nenvironments: [Test, Production]\nmanagers:\n  members: [carol]\n',
  'deployer.role.yaml': 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\nsystemPermissions: [UserView]\n',
  'teams.team.yaml': [
    'name: Testers',
    'space: Finance',
    'members: [alice]',
    'externalGroups: ["CN=Testers"]',
    'roles:',
    '  - role: Deployer',
    '    environments: [Test]',
    '---',
    'name: Releasers',
    'space: Finance',
    'members: [bob]',
    'roles:',
    '  - Deployer',
    '',
  ].join('\n'),
};

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
}

describe('octopus-roles explain', () => {
  it("prints a user's grants with their restrictions and sources, as SPEC section 8's JSON", async () => {
    const dir = tree(FILES);
    const r = await run(['explain', 'user:alice', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.principal, { kind: 'user', name: 'alice' });
    assert.deepEqual(out.teams, [{ name: 'Testers', space: 'Finance' }, { name: 'Everyone' }]);
    assert.deepEqual(out.grants.map((g: { permission: string; scope: string; space?: string; restrictions: object }) => [g.scope, g.space, g.permission, g.restrictions]), [
      ['system', undefined, 'UserView', {}],
      ['space', 'Finance', 'DeploymentCreate', { environments: ['Test'] }],
      ['space', 'Finance', 'ProjectView', {}],
    ]);
    assert.deepEqual(out.grants[0].via, [{ team: 'Testers', teamSpace: 'Finance', role: 'Deployer', file: 'teams.team.yaml', line: 6, implicit: true }]);
  });

  it('explains a space team by name, and a space manager through the built-in Space Managers team', async () => {
    const dir = tree(FILES);
    const team = await run(['explain', 'team:Releasers'], dir);
    assert.equal(team.code, 0);
    assert.match(team.stdout, /^team Releasers \(space Finance\)/);
    assert.match(team.stdout, /DeploymentCreate\n\s+via Deployer in team Releasers \(space Finance\): teams\.team\.yaml:13/);
    const carol = JSON.parse((await run(['explain', 'user:carol', '--format', 'json', '--space', 'Finance'], dir)).stdout);
    assert.ok(carol.grants.some((g: { permission: string; via: { team: string; file: string }[] }) => g.permission === 'ProjectEdit' && g.via[0].team === 'Space Managers' && g.via[0].file === 'finance.space.yaml'));
  });

  it('refuses an unknown principal with a suggestion and exit status 2', async () => {
    const dir = tree(FILES);
    const r = await run(['explain', 'user:alcie'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no user `alcie`.*did you mean user:alice/);
    const bare = await run(['explain', 'alcie'], dir);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /no team, user or group `alcie`.*did you mean user:alice/);
  });
});

describe('octopus-roles who-can', () => {
  it('lists every team, user and group holding a permission where asked, narrowed by a restriction value', async () => {
    const dir = tree(FILES);
    const all = JSON.parse((await run(['who-can', 'DeploymentCreate', '--format', 'json'], dir)).stdout);
    const names = (o: { principals: { kind: string; name: string }[] }) => o.principals.map((p) => `${p.kind}:${p.name}`);
    assert.deepEqual(names(all), ['team:Testers', 'team:Releasers', 'team:Space Managers', 'user:alice', 'user:bob', 'user:carol', 'group:CN=Testers']);
    const production = JSON.parse((await run(['who-can', 'DeploymentCreate', '--space', 'Finance', '--environment', 'Production', '--format', 'json'], dir)).stdout);
    // Testers are restricted to Test: a grant restricted in a dimension asked about must list the value.
    assert.deepEqual(names(production), ['team:Releasers', 'team:Space Managers', 'user:bob', 'user:carol']);
    assert.deepEqual(production.query, { permission: 'DeploymentCreate', space: 'Finance', restrictions: { environments: 'Production' } });
  });

  it('answers the capabilities no permission names: only Space Manager holders can export projects', async () => {
    const dir = tree(FILES);
    const r = await run(['who-can', 'export-projects'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /holders of Space Manager/);
    assert.match(r.stdout, /user carol\n\s+export-projects in space Finance/);
    assert.doesNotMatch(r.stdout, /alice|bob/);
  });

  it('refuses a name that is neither a permission nor a capability, suggesting the nearest', async () => {
    const r = await run(['who-can', 'ProjectExport'], tree(FILES));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /neither a permission.*did you mean/);
  });
});

describe('octopus-roles diff', () => {
  function repo(): string {
    const dir = tree(FILES);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'base');
    return dir;
  }

  it('exits 0 when nobody\'s access changed, and 3 with the gains when a restriction widens', async () => {
    const dir = repo();
    assert.equal((await run(['diff', 'HEAD'], dir)).code, 0);
    writeFileSync(path.join(dir, 'teams.team.yaml'), FILES['teams.team.yaml'].replace('environments: [Test]', 'environments: [Test, Production]'));
    const r = await run(['diff', 'HEAD', '--format', 'json'], dir);
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.objects.map((o: { kind: string; name: string; change: string }) => [o.kind, o.name, o.change]), [['team', 'Finance/Testers', 'changed']]);
    const who = out.access.map((a: { principal: { kind: string; name: string }; gains: { permission: string }[]; losses: unknown[] }) => [a.principal.kind, a.principal.name, a.gains.map((g) => g.permission), a.losses.length]);
    assert.deepEqual(who, [
      ['group', 'CN=Testers', ['DeploymentCreate'], 0],
      ['team', 'Finance/Testers', ['DeploymentCreate'], 0],
      ['user', 'alice', ['DeploymentCreate'], 0],
    ]);
  });

  it('compares two revisions without touching the working tree, and reports losses', async () => {
    const dir = repo();
    writeFileSync(path.join(dir, 'teams.team.yaml'), FILES['teams.team.yaml'].replace('members: [bob]', 'members: []'));
    git(dir, 'commit', '-qam', 'bob leaves');
    writeFileSync(path.join(dir, 'teams.team.yaml'), 'garbage: [\n');
    const r = await run(['diff', 'HEAD~1', 'HEAD'], dir);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /changed team Finance\/Releasers\n\s+member removed: bob/);
    assert.match(r.stdout, /user bob:\n  via Deployer in team Releasers \(space Finance\), server-wide from a space assignment: teams\.team\.yaml:13\n    - UserView server-wide\n  via Deployer in team Releasers \(space Finance\): teams\.team\.yaml:13\n    - DeploymentCreate, ProjectView in space Finance\n/);
  });

  it("reads each revision's own configuration files, as check reads them from disk, unless --config is given", async () => {
    const dir = tree({ ...FILES, '.octopus-roles.yaml': 'exclude:\n  - legacy/**\n', 'legacy/old.team.yaml': 'name: Old\nspace: Finance\nroles: [Nope]\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'base');
    writeFileSync(path.join(dir, 'teams.team.yaml'), FILES['teams.team.yaml'].replace('environments: [Test]', 'environments: [Test, Production]'));
    git(dir, 'commit', '-qam', 'widen');
    // The excluded file's unknown role is no error of either revision.
    const widened = await run(['diff', 'HEAD~1', 'HEAD'], dir);
    assert.equal(widened.code, 3, widened.stderr);
    // A revision whose configuration makes empty-role an error has errors.
    writeFileSync(path.join(dir, '.octopus-roles.yaml'), 'exclude:\n  - legacy/**\nrules:\n  empty-role: error\n');
    writeFileSync(path.join(dir, 'empty.role.yaml'), 'name: Empty\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'strict');
    const strict = await run(['diff', 'HEAD~1', 'HEAD'], dir);
    assert.equal(strict.code, 1, strict.stdout);
    assert.match(strict.stderr, /0 errors in HEAD~1, 1 in HEAD/);
    // --config replaces the configuration files of both sides: empty-role is a warning again.
    writeFileSync(path.join(dir, 'lenient.yaml'), 'exclude:\n  - legacy/**\n');
    assert.equal((await run(['diff', 'HEAD~1', 'HEAD', '--config', 'lenient.yaml'], dir)).code, 0);
  });

  it('compares two folders, writes markdown for a pull request, and exits 1 when a side has errors', async () => {
    const before = tree(FILES);
    const after = tree({ ...FILES, 'deployer.role.yaml': FILES['deployer.role.yaml'].replace('ProjectView', 'ProjectView, ReleaseCreate') });
    const md = await run(['diff', before, after, '--format', 'markdown'], before);
    assert.equal(md.code, 3);
    assert.match(md.stdout, /^### Octopus access: /);
    assert.match(md.stdout, /\| ✏️ \| role \| Deployer \| space permission added: ReleaseCreate \|/);
    assert.match(md.stdout, /```diff\nvia Deployer in team Releasers \(space Finance\): [^\n]*\n\+ ReleaseCreate in space Finance\n```/);
    const broken = tree({ ...FILES, 'teams.team.yaml': 'name: X\nspace: Finance\nroles: [Nope]\n' });
    assert.equal((await run(['diff', before, broken], before)).code, 1);
    assert.equal((await run(['diff', 'no-such-rev'], before)).code, 2);
  });
});
