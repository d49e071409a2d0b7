/**
 * `explain`, `who-can` and `diff` over Terraform modules (SPEC sections 8 and 9): each module answers as a
 * model of its own, its principals labelled with the module in text and JSON, computed assignments noted,
 * and `diff` of two git revisions (and of two folders) of a module.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli';
import { tree } from '../support/folders';

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
}

const TEAMS = `resource "octopusdeploy_team" "release" {
  name  = "Release"
  users = ["alice"]

  user_role {
    user_role_id    = "userroles-projectdeployer"
    space_id        = "Spaces-1"
    environment_ids = ["Environments-1"]
  }

  user_role {
    user_role_id = var.extra_role
    space_id     = "Spaces-1"
  }
}
`;

const FILES = {
  'ops.team.yaml': 'name: Ops\nmembers: [alice]\nroles:\n  - role: Project Deployer\n    space: Default\n',
  'infra/octopus/teams.tf': TEAMS,
};

interface GrantJson {
  permission: string;
  scope: string;
  space?: string;
  restrictions: Record<string, string[]>;
  via: { team: string; module?: string; file?: string; line?: number }[];
}

describe('explain and who-can over Terraform modules', () => {
  it('shows a principal named in the YAML model and in a module as two, the module one labelled', async () => {
    const dir = tree(FILES);
    const text = await run(['explain', 'user:alice'], dir);
    assert.equal(text.code, 0, text.stderr);
    const headings = text.stdout.split('\n').filter((l) => l.startsWith('user '));
    assert.deepEqual(headings, ['user alice', 'user alice (module infra/octopus)']);
    // The module's alice deploys in Spaces-1, the YAML one in Default: neither gets the other's.
    const [yaml, module] = text.stdout.split('user alice (module infra/octopus)');
    assert.match(yaml, /in space Default:/);
    assert.doesNotMatch(yaml, /Spaces-1/);
    assert.match(module, /in space Spaces-1:\n(.*\n)*? {4}DeploymentCreate \(only environments: Environments-1\)\n {6}via Project Deployer in team Release: infra\/octopus\/teams\.tf:6/);
    assert.doesNotMatch(module, /Default/);

    const json = await run(['explain', 'user:alice', '--format', 'json'], dir);
    const out = JSON.parse(json.stdout) as { principal: object; grants: GrantJson[]; notes?: { file: string; line: number; reason: string }[] }[];
    assert.ok(Array.isArray(out) && out.length === 2);
    assert.deepEqual(out[0].principal, { kind: 'user', name: 'alice' });
    assert.deepEqual(out[1].principal, { kind: 'user', name: 'alice', module: 'infra/octopus' });
    assert.ok(out[0].grants.every((g) => g.via.every((v) => v.module === undefined && v.file === 'ops.team.yaml')));
    assert.ok(out[1].grants.every((g) => g.via.every((v) => v.module === 'infra/octopus' && v.file === 'infra/octopus/teams.tf')));
    assert.equal(out[0].notes, undefined);
    assert.deepEqual(out[1].notes?.map((n) => [n.file, n.line]), [['infra/octopus/teams.tf', 11]]);
  });

  it('answers with one object for a principal of one model, and says what a computed assignment kept out', async () => {
    const dir = tree(FILES);
    const json = await run(['explain', 'team:Release', '--format', 'json'], dir);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.deepEqual(out.principal, { kind: 'team', name: 'Release', module: 'infra/octopus' });
    const text = await run(['explain', 'team:Release'], dir);
    assert.match(text.stdout, /^team Release \(system team, module infra\/octopus\)\n/);
    assert.match(text.stdout, /not counted \(computed, known only when Terraform runs\):\n {4}infra\/octopus\/teams\.tf:11: an assignment whose role, space or restrictions are computed/);
  });

  it('lists who holds a permission in every model, with the module on principals and sources', async () => {
    const dir = tree(FILES);
    const r = await run(['who-can', 'DeploymentCreate', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { principals: { kind: string; name: string; module?: string; grants: GrantJson[] }[]; notes: { module: string }[] };
    assert.deepEqual(out.principals.map((p) => `${p.kind}:${p.name}:${p.module ?? ''}`), ['team:Ops:', 'user:alice:', 'team:Release:infra/octopus', 'user:alice:infra/octopus']);
    assert.deepEqual(out.principals[3].grants.map((g) => [g.space, g.restrictions]), [['Spaces-1', { environments: ['Environments-1'] }]]);
    assert.deepEqual(out.notes.map((n) => n.module), ['infra/octopus']);
  });
});

describe('diff over Terraform modules', () => {
  it('compares two revisions of a module: its principals gain and lose, labelled with the module', async () => {
    const dir = tree(FILES);
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    // Production joins the restriction, and a scoped user role gives Everyone Project Viewer in Spaces-2.
    writeFileSync(
      path.join(dir, 'infra/octopus/teams.tf'),
      TEAMS.replace('["Environments-1"]', '["Environments-1", "Environments-2"]') +
        '\nresource "octopusdeploy_scoped_user_role" "viewers" {\n  team_id      = "teams-everyone"\n  user_role_id = "userroles-projectviewer"\n  space_id     = "Spaces-2"\n}\n',
    );
    git(dir, 'commit', '-q', '-am', 'head');
    const r = await run(['diff', 'HEAD~1', 'HEAD', '--format', 'json'], dir);
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout) as { access: { principal: { kind: string; name: string; module?: string }; gains: GrantJson[]; losses: GrantJson[] }[]; notes: { base: unknown[]; head: unknown[] } };
    const who = out.access.map((a) => `${a.principal.kind}:${a.principal.name}:${a.principal.module ?? ''}`);
    assert.deepEqual(who, ['team:Everyone:infra/octopus', 'team:Release:infra/octopus', 'user:alice:infra/octopus']);
    const release = out.access[1];
    const deploy = release.gains.find((g) => g.permission === 'DeploymentCreate')!;
    // The gain is the context that is new: Environments-2 (Environments-1 was admitted before).
    assert.deepEqual(deploy.restrictions, { environments: ['Environments-2'] });
    assert.deepEqual(release.losses, []);
    assert.ok(out.access[2].gains.some((g) => g.permission === 'ProjectView' && g.space === 'Spaces-2'), 'alice gains what Everyone gains');
    assert.equal(out.notes.head.length, 1);
    // The YAML alice, Ops and the YAML Everyone are untouched.
    assert.ok(!who.some((w) => w.endsWith(':')));

    const text = await run(['diff', 'HEAD~1', 'HEAD'], dir);
    assert.match(text.stdout, /^team Release \(module infra\/octopus\):\n( {2}.*\n)*? {4}\+ (\w+, )*DeploymentCreate(, \w+)* in space Spaces-1 \(only environments: Environments-2\)/m);
    // The note both revisions have is printed once (issue 28).
    assert.equal(text.stdout.match(/Not counted in/g)?.length, 1, text.stdout);
    assert.match(text.stdout, /\nNot counted in HEAD~1 and HEAD \(computed in Terraform modules[^\n]*\n {2}infra\/octopus\/teams\.tf:11: /);
  });

  it('reads the modules of two revisions in a fresh process, where nothing has loaded the Terraform grammar yet', () => {
    const dir = tree(FILES);
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    writeFileSync(path.join(dir, 'infra/octopus/teams.tf'), TEAMS.replace('users = ["alice"]', 'users = ["alice", "erin"]'));
    git(dir, 'commit', '-q', '-am', 'head');
    const bin = path.resolve(__dirname, '..', '..', '..', 'bin', 'octopus-roles.js');
    const r = spawnSync(process.execPath, [bin, 'diff', 'HEAD~1', 'HEAD', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 3, r.stderr);
    const out = JSON.parse(r.stdout) as { objects: { name: string; module?: string; details: string[] }[]; access: { principal: { kind: string; name: string; module?: string } }[] };
    assert.deepEqual(out.objects.map((o) => [o.name, o.module, o.details]), [['Release', 'infra/octopus', ['member added: erin']]]);
    assert.deepEqual(out.access.map((a) => a.principal), [{ kind: 'user', name: 'erin', module: 'infra/octopus' }]);
  });

  it('matches the modules of two folders by their place in each, so nothing is added or removed', async () => {
    const dir = tree({ 'old/infra/teams.tf': TEAMS, 'new/infra/teams.tf': TEAMS.replace('"userroles-projectdeployer"', '"userroles-projectviewer"') });
    const r = await run(['diff', 'old', 'new', '--format', 'json'], dir);
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout) as { objects: { kind: string; name: string; module?: string; change: string }[]; access: { principal: { name: string; module?: string }; losses: GrantJson[] }[] };
    assert.deepEqual(out.objects.map((o) => [o.kind, o.name, o.module, o.change]), [['team', 'Release', 'infra', 'changed']]);
    assert.deepEqual(out.access.map((a) => [a.principal.name, a.principal.module]), [['Release', 'infra'], ['alice', 'infra']]);
    assert.ok(out.access[0].losses.some((l) => l.permission === 'DeploymentCreate'));
  });
});
