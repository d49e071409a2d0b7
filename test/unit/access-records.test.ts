/**
 * Effective access as Octopus computes it (SPEC section 8, rule 5; issue 22): one restriction record per
 * assignment, never merged into a cross product. Each case is a workspace a new user would try, in YAML
 * and in Terraform where it applies, and asserts the answer Octopus gives: it allows an action in a
 * context when any one record admits it.
 */
import * as assert from 'node:assert/strict';
import { runCli } from '../../server/src/cli';
import { ensureTerraform } from '../../server/src/node/terraform';
import { accessOf, accessTeams, Workspace, type Grant, type Principal } from '../../server/src/service';
import { tree } from '../support/folders';

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

interface GrantJson {
  permission: string;
  scope: string;
  space?: string;
  restrictions: Record<string, string[]>;
  except?: Record<string, string[]>;
  via: { team: string; role: string; file?: string; line?: number }[];
  covers?: GrantJson[];
}

const DEPLOYER = 'name: Deployer\nspacePermissions: [DeploymentCreate]\n';

/** A space team of Finance with one member and Deployer restricted as given. */
const team = (name: string, member: string, ...assignments: string[]) =>
  [`name: ${name}`, 'space: Finance', `members: [${member}]`, 'roles:', ...assignments.map((a) => `  - role: Deployer${a ? `\n${a}` : ''}`), ''].join('\n');
const restricted = (environments: string[], projects: string[]) =>
  [environments.length ? `    environments: [${environments.join(', ')}]` : '', projects.length ? `    projects: [${projects.join(', ')}]` : ''].filter(Boolean).join('\n');

/** Team A: [Production] x [Billing]; team B: [Test] x [Payroll]; alice in both (the issue's first case). */
const TWO_TEAMS = {
  'deployer.role.yaml': DEPLOYER,
  'a.team.yaml': team('A', 'alice', restricted(['Production'], ['Billing'])),
  'b.team.yaml': team('B', 'alice', restricted(['Test'], ['Payroll'])),
};

/** A grant's restrictions as `environments=a|b projects=c`, for exact comparison. */
const shape = (g: Pick<GrantJson, 'restrictions'>) =>
  Object.entries(g.restrictions)
    .map(([d, v]) => `${d}=${v.join('|')}`)
    .join(' ');

const deployRecords = (grants: readonly GrantJson[]) => grants.filter((g) => g.permission === 'DeploymentCreate').map(shape);

describe('restriction records (SPEC rule 5)', () => {
  it('explains two teams as two records: Payroll is not deployable to Production, nor Billing to Test', async () => {
    const dir = tree(TWO_TEAMS);
    const json = JSON.parse((await run(['explain', 'user:alice', '--format', 'json'], dir)).stdout) as { grants: GrantJson[] };
    assert.deepEqual(deployRecords(json.grants), ['projects=Billing environments=Production', 'projects=Payroll environments=Test']);
    assert.deepEqual(json.grants.filter((g) => g.permission === 'DeploymentCreate').map((g) => g.via.map((v) => v.team)), [['A'], ['B']]);
    const text = (await run(['explain', 'user:alice'], dir)).stdout;
    assert.match(text, /DeploymentCreate \(only projects: Billing; environments: Production\)\n\s+via Deployer in team A \(space Finance\): a\.team\.yaml:5\n\s+DeploymentCreate \(only projects: Payroll; environments: Test\)\n\s+via Deployer in team B/);
    assert.doesNotMatch(text, /Billing, Payroll|Production, Test/);
  });

  it('does not make [Production] on all projects and [Payroll] in all environments an unrestricted grant', async () => {
    const dir = tree({
      'deployer.role.yaml': DEPLOYER,
      'a.team.yaml': team('A', 'alice', restricted(['Production'], [])),
      'b.team.yaml': team('B', 'alice', restricted([], ['Payroll'])),
    });
    const json = JSON.parse((await run(['explain', 'user:alice', '--format', 'json'], dir)).stdout) as { grants: GrantJson[] };
    assert.deepEqual(deployRecords(json.grants), ['environments=Production', 'projects=Payroll']);
    // Billing to Test: neither record admits it, so alice cannot.
    const who = JSON.parse((await run(['who-can', 'DeploymentCreate', '--space', 'Finance', '--environment', 'Test', '--project', 'Billing', '--format', 'json'], dir)).stdout);
    assert.deepEqual(who.principals, []);
    const payroll = JSON.parse((await run(['who-can', 'DeploymentCreate', '--environment', 'Test', '--project', 'Payroll', '--format', 'json'], dir)).stdout);
    assert.deepEqual(
      payroll.principals.map((p: { kind: string; name: string; grants: GrantJson[] }) => `${p.kind}:${p.name} ${p.grants.map(shape).join(', ')}`),
      ['team:B projects=Payroll', 'user:alice projects=Payroll'],
    );
  });

  it('keeps two assignments of one team as two records, and shows a record another admits entirely under it', () => {
    const w = new Workspace();
    w.setFile('file:///w/deployer.role.yaml', DEPLOYER);
    w.setFile('file:///w/t.team.yaml', team('T', 'alice', restricted(['Production'], ['Billing']), restricted(['Test'], ['Payroll']), restricted(['Test'], [])));
    const access = accessOf(accessTeams(w), { kind: 'team', name: 'T', space: 'Finance' });
    const records = access.grants.filter((g) => g.permission === 'DeploymentCreate');
    const show = (g: Grant): string => `${shape(g as unknown as GrantJson)}${g.covers ? ` covers[${g.covers.map(show).join(', ')}]` : ''}`;
    // [Test] on all projects admits [Test] x [Payroll] entirely: that record is shown under it, with its source.
    assert.deepEqual(records.map(show), ['projects=Billing environments=Production', 'environments=Test covers[projects=Payroll environments=Test]']);
    const text = w.text('file:///w/t.team.yaml')!;
    assert.equal(text.slice(0, records[1].covers![0].via[0].span!.start).split('\n').length, 8, 'the covered record keeps its own source: the second assignment');
  });

  it('shows one record with all its sources for identical restrictions, and who-can prints each record', async () => {
    const dir = tree({ ...TWO_TEAMS, 'c.team.yaml': team('C', 'alice', restricted(['Production'], ['Billing'])) });
    const who = JSON.parse((await run(['who-can', 'DeploymentCreate', '--format', 'json'], dir)).stdout);
    const alice = who.principals.find((p: { name: string }) => p.name === 'alice') as { grants: GrantJson[] };
    assert.deepEqual(alice.grants.map(shape), ['projects=Billing environments=Production', 'projects=Payroll environments=Test']);
    assert.deepEqual(alice.grants[0].via.map((v) => v.team), ['A', 'C']);
    const text = (await run(['who-can', 'DeploymentCreate'], dir)).stdout;
    assert.match(text, /user alice\n\s+DeploymentCreate in space Finance \(only projects: Billing; environments: Production\)\n\s+via Deployer in team A[^\n]*\n\s+via Deployer in team C[^\n]*\n\s+DeploymentCreate in space Finance \(only projects: Payroll; environments: Test\)/);
  });

  it("reports the gains of one team [Production, Test] x [Billing, Payroll] replacing the two, with exit status 3", async () => {
    const before = tree(TWO_TEAMS);
    const after = tree({ 'deployer.role.yaml': DEPLOYER, 'c.team.yaml': team('C', 'alice', restricted(['Production', 'Test'], ['Billing', 'Payroll'])) });
    const r = await run(['diff', before, after, '--format', 'json'], before);
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout) as { access: { principal: { kind: string; name: string }; gains: GrantJson[]; losses: GrantJson[] }[] };
    const alice = out.access.find((a) => a.principal.kind === 'user' && a.principal.name === 'alice')!;
    assert.ok(alice, 'alice gains');
    assert.deepEqual(alice.gains.map(shape).sort(), ['projects=Billing environments=Test', 'projects=Payroll environments=Production']);
    assert.deepEqual(alice.gains.map((g) => g.via.map((v) => v.team)), [['C'], ['C']]);
    assert.deepEqual(alice.losses, []);
    const text = (await run(['diff', before, after], before)).stdout;
    assert.match(text, /user alice:\n {2}\+ DeploymentCreate in space Finance \(only projects: (Billing; environments: Test|Payroll; environments: Production)\)/);
    // Splitting records differently over the same contexts is neither a gain nor a loss.
    const splitBefore = tree({ 'deployer.role.yaml': DEPLOYER, 'c.team.yaml': team('C', 'alice', restricted(['Production', 'Test'], ['Billing'])) });
    const splitAfter = tree({
      'deployer.role.yaml': DEPLOYER,
      'a.team.yaml': team('A', 'alice', restricted(['Production'], ['Billing'])),
      'b.team.yaml': team('B', 'alice', restricted(['Test'], ['Billing'])),
    });
    const split = JSON.parse((await run(['diff', splitBefore, splitAfter, '--format', 'json'], splitBefore)).stdout) as { access: { principal: { kind: string; name: string } }[] };
    assert.ok(!split.access.some((a) => a.principal.kind === 'user'), JSON.stringify(split.access));
  });

  it('says what a gain leaves out of an open dimension: a restriction dropped gains every other value', async () => {
    const before = tree({ 'deployer.role.yaml': DEPLOYER, 'c.team.yaml': team('C', 'alice', restricted(['Test'], [])) });
    const after = tree({ 'deployer.role.yaml': DEPLOYER, 'c.team.yaml': team('C', 'alice', '') });
    const out = JSON.parse((await run(['diff', before, after, '--format', 'json'], before)).stdout) as { access: { principal: { name: string }; gains: GrantJson[] }[] };
    const alice = out.access.find((a) => a.principal.name === 'alice')!;
    assert.deepEqual(alice.gains.map((g) => [g.restrictions, g.except]), [[{}, { environments: ['Test'] }]]);
    assert.match((await run(['diff', before, after], before)).stdout, /\+ DeploymentCreate in space Finance \(only environments: all but Test\)/);
  });
});

describe('restriction records in Terraform modules', () => {
  before(async () => {
    await ensureTerraform();
  });

  const MODULE = 'file:///repo/infra/';
  const inModule = (p: Omit<Principal, 'module'>): Principal => ({ ...p, module: MODULE });
  const records = (w: Workspace, p: Principal) =>
    accessOf(accessTeams(w), inModule(p))
      .grants.filter((g) => g.permission === 'DeploymentCreate')
      .map((g) => shape(g as unknown as GrantJson));

  it('keeps the inline user_role blocks of two teams as two records', () => {
    const w = new Workspace();
    const block = (env: string, project: string) =>
      `  user_role {\n    user_role_id    = "userroles-projectdeployer"\n    space_id        = "Spaces-1"\n    environment_ids = ["${env}"]\n    project_ids     = ["${project}"]\n  }\n`;
    w.setFile(
      `${MODULE}teams.tf`,
      `resource "octopusdeploy_team" "a" {\n  name  = "A"\n  users = ["alice"]\n${block('Environments-1', 'Projects-1')}}\n\nresource "octopusdeploy_team" "b" {\n  name  = "B"\n  users = ["alice"]\n${block('Environments-2', 'Projects-2')}}\n`,
    );
    assert.deepEqual(records(w, { kind: 'user', name: 'alice' }), ['projects=Projects-1 environments=Environments-1', 'projects=Projects-2 environments=Environments-2']);
  });

  it("keeps an inline user_role and a scoped user role of one team apart: the inline block's project restriction stays", () => {
    const w = new Workspace();
    w.setFile(
      `${MODULE}teams.tf`,
      [
        'resource "octopusdeploy_team" "a" {',
        '  name  = "A"',
        '  users = ["alice"]',
        '  user_role {',
        '    user_role_id    = "userroles-projectdeployer"',
        '    space_id        = "Spaces-1"',
        '    environment_ids = ["Environments-1"]',
        '    project_ids     = ["Projects-1"]',
        '  }',
        '}',
        '',
        'resource "octopusdeploy_scoped_user_role" "more" {',
        '  team_id         = octopusdeploy_team.a.id',
        '  user_role_id    = "userroles-projectdeployer"',
        '  space_id        = "Spaces-1"',
        '  environment_ids = ["Environments-2"]',
        '}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(records(w, { kind: 'team', name: 'A' }), ['projects=Projects-1 environments=Environments-1', 'environments=Environments-2']);
  });
});
