/**
 * Effective access as Octopus computes it (SPEC section 8, rule 5; issue 22): one restriction record per
 * assignment, never merged into a cross product. Each case is a workspace a new user would try, in YAML
 * and in Terraform where it applies, and asserts the answer Octopus gives: it allows an action in a
 * context when any one record admits it.
 */
import * as assert from 'node:assert/strict';
import { runCli } from '../../server/src/cli';
import { ensureTerraform } from '../../server/src/node/terraform';
import { readDump } from '../../server/src/bridge/api';
import { convertDump } from '../../server/src/bridge/convert';
import { modelFiles } from '../../server/src/bridge/yaml';
import { accessDocument, accessLenses, accessOf, accessTeams, compareIndexes, complete, getBuiltinRole, hover, Workspace, type Grant, type Principal } from '../../server/src/service';
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

  it("prints a record another admits entirely under it: after `covers` in text, in the record's `covers` in JSON", async () => {
    const dir = tree({ ...TWO_TEAMS, 'c.team.yaml': team('C', 'alice', restricted(['Production', 'Test'], ['Billing'])) });
    const json = JSON.parse((await run(['explain', 'user:alice', '--format', 'json'], dir)).stdout) as { grants: GrantJson[] };
    const deploy = json.grants.filter((g) => g.permission === 'DeploymentCreate');
    assert.deepEqual(deploy.map((g) => [shape(g), (g.covers ?? []).map(shape), g.via.map((v) => v.team)]), [
      ['projects=Billing environments=Production|Test', ['projects=Billing environments=Production'], ['C']],
      ['projects=Payroll environments=Test', [], ['B']],
    ]);
    assert.deepEqual(deploy[0].covers![0].via.map((v) => [v.team, v.file, v.line]), [['A', 'a.team.yaml', 5]]);
    const text = (await run(['explain', 'user:alice'], dir)).stdout;
    assert.match(text, /DeploymentCreate \(only projects: Billing; environments: Production, Test\)\n {6}via Deployer in team C \(space Finance\): c\.team\.yaml:5\n {6}covers \(only projects: Billing; environments: Production\)\n {8}via Deployer in team A \(space Finance\): a\.team\.yaml:5\n/);
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
    assert.match(text, /user alice:\n {2}via Deployer in team C \(space Finance\): c\.team\.yaml:5\n {4}\+ DeploymentCreate in space Finance \(only projects: (Billing; environments: Test|Payroll; environments: Production)\)/);
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

describe('Octopus Managers, a built-in system team', () => {
  const MANAGERS = { 'managers.team.yaml': 'name: Octopus Managers\nmembers: [mia]\n', 'finance.space.yaml': 'name: Finance\nmanagers:\n  teams: [Octopus Managers]\n' };

  it('gives the members a workspace lists System Manager, and counts the team where the workspace does not define it', async () => {
    const dir = tree(MANAGERS);
    const check = await run(['check', '--format', 'json'], dir);
    assert.deepEqual(JSON.parse(check.stdout), [], 'a space managed by Octopus Managers names a team that exists');
    const mia = JSON.parse((await run(['explain', 'user:mia', '--format', 'json'], dir)).stdout) as { teams: { name: string }[]; grants: GrantJson[] };
    assert.ok(mia.teams.some((t) => t.name === 'Octopus Managers'));
    const spaceCreate = mia.grants.find((g) => g.permission === 'SpaceCreate')!;
    assert.deepEqual(spaceCreate.via.map((v) => [v.team, v.role, v.file]), [['Octopus Managers', 'System Manager', 'managers.team.yaml']]);
    // Managing Finance, the team holds Space Manager there too.
    assert.ok(mia.grants.some((g) => g.permission === 'ProjectEdit' && g.space === 'Finance'));
    const who = JSON.parse((await run(['who-can', 'SpaceCreate', '--format', 'json'], tree({ 'x.team.yaml': 'name: X\nroles: []\n' }))).stdout);
    assert.deepEqual(who.principals.map((p: { kind: string; name: string }) => `${p.kind}:${p.name}`), ['team:Octopus Administrators', 'team:Octopus Managers']);
  });

  it('reports what a new member of Octopus Managers gains, with exit status 3', async () => {
    const before = tree({ 'managers.team.yaml': 'name: Octopus Managers\nmembers: []\n' });
    const after = tree(MANAGERS);
    const r = await run(['diff', before, after, '--format', 'json'], before);
    assert.equal(r.code, 3, r.stderr);
    const mia = (JSON.parse(r.stdout) as { access: { principal: { name: string }; gains: GrantJson[] }[] }).access.find((a) => a.principal.name === 'mia')!;
    assert.ok(mia.gains.some((g) => g.permission === 'SpaceCreate' && g.scope === 'system'));
  });

  it("is the team of the id teams-managers in Terraform, and holds System Manager there too", async () => {
    await ensureTerraform();
    const w = new Workspace();
    w.setFile('file:///repo/infra/main.tf', 'resource "octopusdeploy_scoped_user_role" "viewers" {\n  team_id      = "teams-managers"\n  user_role_id = "userroles-projectviewer"\n  space_id     = "Spaces-1"\n}\n');
    const team = accessOf(accessTeams(w), { kind: 'team', name: 'Octopus Managers', module: 'file:///repo/infra/' });
    assert.ok(team.grants.some((g) => g.permission === 'ProjectView' && g.space === 'Spaces-1'));
    assert.ok(team.grants.some((g) => g.permission === 'SpaceCreate' && g.scope === 'system'));
  });

  it('is imported from a dump as the system team Octopus Managers, with its members', () => {
    const { dump } = readDump([
      {
        name: 'all.json',
        text: JSON.stringify([
          { Id: 'Users-1', Username: 'mia' },
          { Id: 'userroles-systemmanager', Name: 'System Manager', GrantedSpacePermissions: [], GrantedSystemPermissions: [...getBuiltinRole('System Manager')!.systemPermissions], CanBeDeleted: false },
          { Id: 'teams-managers', Name: 'Octopus Managers', SpaceId: null, MemberUserIds: ['Users-1'], ExternalSecurityGroups: [], CanBeDeleted: false },
          { Id: 'ScopedUserRoles-1', UserRoleId: 'userroles-systemmanager', TeamId: 'teams-managers', SpaceId: null, EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
        ]),
      },
    ]);
    const imported = convertDump(dump);
    assert.deepEqual(imported.report, []);
    assert.equal(modelFiles(imported).get('teams/_system/octopus-managers.team.yaml'), 'name: Octopus Managers\nmembers:\n  - mia\nroles:\n  - System Manager\n');
  });

  it('is a built-in system team in the hover of its definition', () => {
    const w = new Workspace();
    w.setFile('file:///w/m.team.yaml', MANAGERS['managers.team.yaml']);
    const text = hover(w, 'file:///w/m.team.yaml', 8)!.markdown;
    assert.match(text, /built-in system team/);
    assert.match(text, /System Manager/);
  });
});

describe('external groups and the limits of a user answer', () => {
  const FILES = {
    'everyone.team.yaml': 'name: Everyone\nroles:\n  - role: Project Viewer\n    space: Finance\n',
    'ops.team.yaml': 'name: Ops\nspace: Finance\nmembers: [alice]\nexternalGroups: ["CN=Ops"]\nroles: [Deployment Creator]\n',
  };

  it("gives an external group Everyone's grants: every member of a group is a user", async () => {
    const json = JSON.parse((await run(['explain', 'group:CN=Ops', '--format', 'json'], tree(FILES))).stdout) as { teams: { name: string }[]; grants: GrantJson[] };
    assert.deepEqual(json.teams.map((t) => t.name).sort(), ['Everyone', 'Ops']);
    assert.ok(json.grants.some((g) => g.permission === 'ProjectView' && g.via.some((v) => v.team === 'Everyone')));
  });

  it('says in text and JSON that a user answer leaves out access through external groups', async () => {
    const dir = tree(FILES);
    const json = JSON.parse((await run(['explain', 'user:alice', '--format', 'json'], dir)).stdout) as { notIncluded?: string };
    assert.match(json.notIncluded ?? '', /external groups is not included/);
    assert.match((await run(['explain', 'user:alice'], dir)).stdout, /^user alice\n {2}through .*\n {2}\(access through external groups is not included: the workspace does not say who is in a group\)/);
    assert.doesNotMatch((await run(['explain', 'team:Ops'], dir)).stdout, /not included/);
    assert.match((await run(['who-can', 'DeploymentCreate'], dir)).stdout, /For users, access through external groups is not included/);
  });
});

describe('who-can --untenanted', () => {
  it('lists only records unrestricted in tenants: a record restricted to tenants does not admit untenanted work', async () => {
    const dir = tree({
      'deployer.role.yaml': DEPLOYER,
      'a.team.yaml': team('A', 'alice', '    tenants: [Acme]'),
      'b.team.yaml': team('B', 'bob', restricted(['Production'], [])),
    });
    const r = await run(['who-can', 'DeploymentCreate', '--untenanted', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.query, { permission: 'DeploymentCreate', untenanted: true });
    assert.deepEqual(json.principals.map((p: { kind: string; name: string }) => `${p.kind}:${p.name}`), ['team:B', 'user:bob']);
    assert.equal((await run(['who-can', 'DeploymentCreate', '--untenanted', '--tenant', 'Acme'], dir)).code, 2);
  });
});

describe('a space that maps project groups to projects', () => {
  // carol manages the space: a Space Managers team with nobody in it is left out of who-can.
  const SPACE = 'name: Finance\nenvironments: [Test, Production]\nprojectGroups: { Back office: [Billing, Payroll], Web: [Shop] }\nmanagers: { members: [carol] }\n';
  const FILES = {
    'finance.space.yaml': SPACE,
    'deployer.role.yaml': DEPLOYER,
    'back.team.yaml': 'name: Back\nspace: Finance\nmembers: [alice]\nroles:\n  - role: Deployer\n    projectGroups: [Back office]\n',
  };

  it('admits exactly the projects of the group in who-can and explain', async () => {
    const dir = tree(FILES);
    assert.deepEqual(JSON.parse((await run(['check', '--format', 'json'], dir)).stdout), []);
    const shop = JSON.parse((await run(['who-can', 'DeploymentCreate', '--project', 'Shop', '--format', 'json'], dir)).stdout);
    const names = (o: { principals: { name: string }[] }) => o.principals.map((p) => p.name);
    // The space's own Space Managers hold it everywhere in Finance; Back and alice only in Back office.
    assert.deepEqual(names(shop), ['Space Managers', 'carol'], 'Shop is not in Back office');
    const billing = JSON.parse((await run(['who-can', 'DeploymentCreate', '--project', 'Billing', '--format', 'json'], dir)).stdout);
    assert.deepEqual(names(billing), ['Back', 'Space Managers', 'alice', 'carol']);
    const json = JSON.parse((await run(['explain', 'user:alice', '--format', 'json'], dir)).stdout) as { grants: (GrantJson & { groupProjects?: string[] })[] };
    assert.deepEqual(json.grants.find((g) => g.permission === 'DeploymentCreate')!.groupProjects, ['Billing', 'Payroll']);
    assert.match((await run(['explain', 'user:alice'], dir)).stdout, /DeploymentCreate \(only project groups: Back office \(projects Billing, Payroll\)\)/);
  });

  it('compares a group with its projects by what they admit in diff: the same projects are no change, a project moved into the group is a gain', async () => {
    const before = tree(FILES);
    const same = tree({ ...FILES, 'back.team.yaml': FILES['back.team.yaml'].replace('projectGroups: [Back office]', 'projects: [Billing, Payroll]') });
    const r = JSON.parse((await run(['diff', before, same, '--format', 'json'], before)).stdout) as { access: { principal: { kind: string } }[] };
    assert.ok(!r.access.some((a) => a.principal.kind === 'user'), JSON.stringify(r.access));
    const moved = tree({ ...FILES, 'finance.space.yaml': SPACE.replace('Back office: [Billing, Payroll], Web: [Shop]', 'Back office: [Billing, Payroll, Shop], Web: []') });
    const m = await run(['diff', before, moved, '--format', 'json'], before);
    assert.equal(m.code, 3, m.stderr);
    const alice = (JSON.parse(m.stdout) as { access: { principal: { name: string }; gains: GrantJson[] }[] }).access.find((a) => a.principal.name === 'alice')!;
    assert.deepEqual(alice.gains.map((g) => [g.permission, g.restrictions]), [['DeploymentCreate', { projects: ['Shop'] }]]);
  });

  it('reports a project in two groups as invalid-value', async () => {
    const dir = tree({ 'finance.space.yaml': 'name: Finance\nprojectGroups:\n  Back office: [Billing]\n  Web: [Shop, Billing]\n' });
    const findings = JSON.parse((await run(['check', '--format', 'json'], dir)).stdout) as { code: string; message: string; range: { start: { line: number; character: number } } }[];
    assert.deepEqual(findings.map((f) => [f.code, f.range.start.line, f.range.start.character]), [['invalid-value', 3, 14]]);
    assert.match(findings[0].message, /already in `Back office`/);
  });

  it('is written by import from the projects of the dump (ProjectGroupId)', () => {
    const { dump } = readDump([
      {
        name: 'all.json',
        text: JSON.stringify([
          { Id: 'Spaces-1', Name: 'Finance', SpaceManagersTeams: [], SpaceManagersTeamMembers: [] },
          { Id: 'ProjectGroups-1', Name: 'Back office', SpaceId: 'Spaces-1' },
          { Id: 'ProjectGroups-2', Name: 'Web', SpaceId: 'Spaces-1' },
          { Id: 'Projects-1', Name: 'Billing', SpaceId: 'Spaces-1', ProjectGroupId: 'ProjectGroups-1' },
          { Id: 'Projects-2', Name: 'Payroll', SpaceId: 'Spaces-1', ProjectGroupId: 'ProjectGroups-1' },
          { Id: 'Projects-3', Name: 'Shop', SpaceId: 'Spaces-1', ProjectGroupId: 'projectgroups-2' },
        ]),
      },
    ]);
    const imported = convertDump(dump);
    assert.deepEqual(imported.report, []);
    const text = modelFiles(imported).get('spaces/finance.space.yaml')!;
    assert.equal(text, 'name: Finance\nprojectGroups:\n  Back office: [Billing, Payroll]\n  Web: [Shop]\n');
    // What import writes, the product reads as the same map.
    const w = new Workspace();
    w.setFile('file:///w/finance.space.yaml', text);
    const space = w.resolveSpace('Finance')!.doc;
    assert.deepEqual(space.groupProjects?.map((g) => [g.name.value, g.projects.items.map((i) => i.value)]), [['Back office', ['Billing', 'Payroll']], ['Web', ['Shop']]]);
    assert.deepEqual(space.scopes.projects?.items.map((i) => i.value), ['Billing', 'Payroll', 'Shop']);
  });
});

describe('restriction records in the editor', () => {
  function twoTeams(): Workspace {
    const w = new Workspace();
    for (const [file, text] of Object.entries(TWO_TEAMS)) w.setFile(`file:///w/${file}`, text);
    w.setFile('file:///w/c.team.yaml', team('C', 'alice', restricted(['Production', 'Test'], ['Billing'])));
    return w;
  }

  it("writes the access document one row per record, a covered record under the record that admits it, and a user's caveat", () => {
    const doc = accessDocument(twoTeams(), 'user:alice')!;
    assert.match(doc, /\| DeploymentCreate \| projects: Billing; environments: Production, Test \| Deployer in C \|\n\| ↳ covered \| projects: Billing; environments: Production \| Deployer in A \|\n\| DeploymentCreate \| projects: Payroll; environments: Test \| Deployer in B \|/);
    assert.match(doc, /Note: access through external groups is not included/);
    assert.doesNotMatch(accessDocument(twoTeams(), 'team:Finance/C')!, /external groups/);
  });

  it('counts a permission of several records once in lenses and hovers, and lists each record in the hover', () => {
    const w = new Workspace();
    w.setFile('file:///w/deployer.role.yaml', DEPLOYER);
    w.setFile('file:///w/t.team.yaml', team('T', 'alice', restricted(['Production'], ['Billing']), restricted(['Test'], ['Payroll'])));
    assert.deepEqual(accessLenses(w, 'file:///w/t.team.yaml').map((l) => l.title), ['0 system permissions · 1 space permission — effective access']);
    const text = w.text('file:///w/t.team.yaml')!;
    const h = hover(w, 'file:///w/t.team.yaml', text.indexOf('alice') + 1)!.markdown;
    assert.match(h, /In space Finance \(1\): `DeploymentCreate` \(only projects: Billing; environments: Production\), `DeploymentCreate` \(only projects: Payroll; environments: Test\)/);
    assert.match(h, /external groups is not included/);
  });

  it("completes a group of a space's projectGroups map with the space's projects that no group holds yet", () => {
    const w = new Workspace();
    const text = 'name: Finance\nprojects: [Billing, Payroll, Shop]\nprojectGroups:\n  Back office: [Billing, ]\n  Web: []\n';
    w.setFile('file:///w/f.space.yaml', text);
    const at = text.indexOf('Billing, ]') + 'Billing, '.length;
    assert.deepEqual(complete(w, 'file:///w/f.space.yaml', at).map((e) => e.label), ['Payroll', 'Shop']);
    const web = text.indexOf('Web: [') + 'Web: ['.length;
    assert.deepEqual(complete(w, 'file:///w/f.space.yaml', web).map((e) => e.label), ['Payroll', 'Shop']);
    // Restrictions in the space's teams complete the groups of the map.
    w.setFile('file:///w/t.team.yaml', 'name: T\nspace: Finance\nroles:\n  - role: Project Viewer\n    projectGroups: []\n');
    const t = w.text('file:///w/t.team.yaml')!;
    assert.deepEqual(complete(w, 'file:///w/t.team.yaml', t.indexOf('[]') + 1).map((e) => e.label), ['Back office', 'Web']);
  });
});

describe('records on hostile input (SPEC section 7)', () => {
  /** A team of `n` assignments, each restricted to its own environment; `shift` moves every one by one. */
  function workspaceOf(n: number, shift: number): Workspace {
    const w = new Workspace();
    w.setFile('file:///w/deployer.role.yaml', DEPLOYER);
    const lines = ['name: T', 'space: Finance', 'members: [alice]', 'roles:'];
    for (let i = 0; i < n; i++) lines.push(`  - role: Deployer\n    environments: [E${i + shift}]\n    projects: [P${i % 7}]`);
    w.setFile('file:///w/t.team.yaml', lines.join('\n') + '\n');
    return w;
  }

  it('explains and compares thousands of records of one permission in about linear time (pairwise took 55 s for 5,000)', () => {
    const time = (n: number): number => {
      let best = Infinity;
      for (let run = 0; run < 2; run++) {
        const [before, after] = [workspaceOf(n, 0), workspaceOf(n, 1)];
        const started = process.hrtime.bigint();
        const records = accessOf(accessTeams(after), { kind: 'user', name: 'alice' }).grants.filter((g) => g.permission === 'DeploymentCreate');
        const alice = compareIndexes(before, after).access.find((a) => a.principal.name === 'alice')!;
        best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
        assert.equal(records.length, n);
        // Each record moved to the next environment, where the record before had another project: all are new.
        assert.equal(alice.gains.length, n);
      }
      return best;
    };
    const small = time(2000);
    const large = time(8000);
    // Four times the records: about four times the time when linear, sixteen when quadratic.
    assert.ok(large / small < 9, `2,000 records: ${small.toFixed(0)} ms, 8,000 records: ${large.toFixed(0)} ms`);
  });
});
