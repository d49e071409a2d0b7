/**
 * Effective access (SPEC section 8) on small workspaces, with every expected grant worked out by hand
 * from the SPEC's rules and the permission facts (which dimensions each permission supports).
 */
import * as assert from 'node:assert/strict';
import { accessOf, CAPABILITIES, matches, principalsOf, teamsOf, Workspace, type Access, type Principal } from '../../server/src/service';

function ws(files: Record<string, string>): Workspace {
  const w = new Workspace();
  for (const [uri, text] of Object.entries(files)) w.setFile(`file:///w/${uri}`, text);
  return w;
}

const of = (w: Workspace, p: Principal): Access => accessOf(teamsOf(w), p);
/** Grants as `scope[/space] permission {dim=a|b}` lines, for exact comparison. */
const lines = (a: Access, only?: (perm: string) => boolean): string[] =>
  a.grants
    .filter((g) => !only || only(g.permission))
    .map((g) => {
      const r = Object.entries(g.restrictions).map(([d, v]) => `${d}=${v!.join('|')}`).join(' ');
      return `${g.scope === 'system' ? 'system' : `space/${g.space}`} ${g.permission}${r ? ` {${r}}` : ''}${g.via.every((v) => v.implicit) ? ' implicit' : ''}`;
    });

const DEPLOYER = 'name: Deployer\nspacePermissions: [DeploymentCreate, CertificateView, LifecycleView]\nsystemPermissions: [UserView]\n';

describe('effective access', () => {
  it('keeps a restriction for the permissions that support its dimension and drops it for the others (rule 3)', () => {
    const w = ws({
      'r.role.yaml': DEPLOYER,
      't.team.yaml': 'name: Finance Deployers\nspace: Finance\nroles:\n  - role: Deployer\n    environments: [Test]\n    projects: [Billing]\n',
    });
    assert.deepEqual(lines(of(w, { kind: 'team', name: 'Finance Deployers', space: 'Finance' })), [
      'system UserView implicit',
      'space/Finance CertificateView {environments=Test}',
      'space/Finance DeploymentCreate {projects=Billing environments=Test}',
      'space/Finance LifecycleView',
    ]);
  });

  it('counts a project-group restriction for every permission that supports projects', () => {
    const w = ws({
      'r.role.yaml': 'name: Viewer\nspacePermissions: [ProjectView, EnvironmentView, ProjectCreate]\n',
      't.team.yaml': 'name: Back Office\nspace: Finance\nroles:\n  - role: Viewer\n    projectGroups: [Back office]\n',
    });
    assert.deepEqual(lines(of(w, { kind: 'team', name: 'Back Office', space: 'Finance' })), [
      'space/Finance EnvironmentView',
      'space/Finance ProjectCreate {projectGroups=Back office}',
      'space/Finance ProjectView {projectGroups=Back office}',
    ]);
  });

  it('grants a system-only role at the system level, unrestricted, and leaves Platform Hub out of space assignments', () => {
    const w = ws({
      'h.role.yaml': 'name: Hub\nspacePermissions: [ProjectView]\nsystemPermissions: [PlatformHubView, TeamView]\n',
      't.team.yaml': 'name: Platform\nroles:\n  - System Manager\n  - role: Hub\n    space: Finance\n',
    });
    const a = of(w, { kind: 'team', name: 'Platform' });
    assert.deepEqual(lines(a, (p) => ['PlatformHubView', 'PlatformHubEdit', 'TeamView', 'ProjectView'].includes(p)), [
      'system PlatformHubEdit',
      'system PlatformHubView',
      'system TeamView',
      'space/Finance ProjectView',
    ]);
    // TeamView comes both from System Manager (system level) and from Hub (implicitly): one grant, two sources.
    const teamView = a.grants.find((g) => g.permission === 'TeamView')!;
    assert.deepEqual(teamView.via.map((v) => [v.role, v.implicit]), [['System Manager', false], ['Hub', true]]);
  });

  it('grants nothing for an assignment Octopus refuses (rule 1)', () => {
    const w = ws({
      's.space.yaml': 'name: Finance\n',
      't.team.yaml': [
        'name: Refused',
        'space: Finance',
        'roles:',
        '  - System Manager',
        '  - Nope',
        '  - role: Deployment Creator',
        '    space: Finance',
        '---',
        'name: Also Refused',
        'roles:',
        '  - Deployment Creator',
        '  - role: Deployment Creator',
        '    space: Retail',
        '',
      ].join('\n'),
    });
    assert.deepEqual(lines(of(w, { kind: 'team', name: 'Refused', space: 'Finance' })), []);
    assert.deepEqual(lines(of(w, { kind: 'team', name: 'Also Refused' })), []);
  });

  it("keeps one restriction record per assignment for a user of several teams, never one merged list (rule 5)", () => {
    const w = ws({
      't.team.yaml': [
        'name: Testers',
        'space: Finance',
        'members: [alice]',
        'roles:',
        '  - role: Deployment Creator',
        '    environments: [Test]',
        '---',
        'name: Releasers',
        'space: Finance',
        'members: [alice, bob]',
        'roles:',
        '  - role: Deployment Creator',
        '    environments: [Production]',
        '    tenants: [Acme]',
        '',
      ].join('\n'),
    });
    const alice = of(w, { kind: 'user', name: 'alice' });
    // Octopus allows Production only for Acme: a merged [Production, Test] x [Acme] would also lose Test
    // for other tenants, and an unrestricted tenant list would invent Production for every tenant.
    assert.deepEqual(lines(alice, (p) => p === 'DeploymentCreate'), ['space/Finance DeploymentCreate {environments=Test}', 'space/Finance DeploymentCreate {environments=Production tenants=Acme}']);
    assert.deepEqual(alice.grants.filter((g) => g.permission === 'DeploymentCreate').map((g) => g.via.map((v) => v.team)), [['Testers'], ['Releasers']]);
    const bob = of(w, { kind: 'user', name: 'bob' });
    assert.deepEqual(lines(bob, (p) => p === 'DeploymentCreate'), ['space/Finance DeploymentCreate {environments=Production tenants=Acme}']);
  });

  it("gives every user Everyone's roles, and Octopus Administrators always System Administrator (rule 4)", () => {
    const w = ws({
      't.team.yaml': [
        'name: Everyone',
        'roles:',
        '  - role: Project Viewer',
        '    space: Finance',
        '---',
        'name: Octopus Administrators',
        'members: [frank]',
        'roles: [System Administrator, System Manager]',
        '---',
        'name: Others',
        'members: [carol]',
        'roles: []',
        '',
      ].join('\n'),
    });
    const carol = of(w, { kind: 'user', name: 'carol' });
    assert.deepEqual(lines(carol), ['system TeamView implicit', 'system UserRoleView implicit', 'system UserView implicit', ...lines(of(w, { kind: 'team', name: 'Everyone' })).filter((l) => l.startsWith('space/'))]);
    assert.ok(carol.grants.some((g) => g.permission === 'ProjectView' && g.space === 'Finance'));
    const frank = of(w, { kind: 'user', name: 'frank' });
    assert.ok(frank.grants.some((g) => g.permission === 'AdministerSystem' && g.scope === 'system'));
    // System Manager on Octopus Administrators is refused (builtin-team): only System Administrator's sources.
    assert.ok(frank.grants.filter((g) => g.scope === 'system').every((g) => g.via.some((v) => v.role === 'System Administrator')));
    assert.ok(!frank.holdings.some((h) => h.role === 'System Manager'));
  });

  it("gives a space's managers Space Manager in it, unrestricted, and with it export and import of projects (rules 4 and 6)", () => {
    const w = ws({
      'f.space.yaml': 'name: Finance\nmanagers:\n  members: [carol]\n  teams: [Leads]\n',
      'r.space.yaml': 'name: Retail\n',
      't.team.yaml': 'name: Leads\nspace: Finance\nmembers: [dave]\nroles: []\n---\nname: Deployers\nspace: Retail\nmembers: [erin]\nroles:\n  - role: Space Manager\n',
    });
    for (const user of ['carol', 'dave']) {
      const a = of(w, { kind: 'user', name: user });
      assert.ok(a.holdings.some((h) => h.role === 'Space Manager' && h.space === 'Finance' && Object.keys(h.restrictions).length === 0), user);
      assert.ok(a.grants.some((g) => g.permission === 'ProjectEdit' && g.space === 'Finance'), user);
    }
    const spaceManagers = of(w, { kind: 'team', name: 'Space Managers', space: 'Retail' });
    assert.deepEqual(spaceManagers.teams.map((t) => t.members), [[]]);
    assert.deepEqual(CAPABILITIES.map((c) => c.id), ['export-projects', 'import-projects']);
    const holders = principalsOf(teamsOf(w)).filter((p) =>
      of(w, p).holdings.some((h) => h.role === 'Space Manager' && matches(h, { space: 'Retail' }) && h.scope === 'space' && h.space === 'Retail'),
    );
    assert.deepEqual(holders.map((p) => `${p.kind}:${p.name}`), ['team:Deployers', 'team:Space Managers', 'user:erin']);
  });

  it("uses the workspace's version of a built-in role (builtIn: true)", () => {
    const w = ws({
      'v.role.yaml': 'name: Project Viewer\nbuiltIn: true\nspacePermissions: [ProjectView]\n',
      't.team.yaml': 'name: Viewers\nspace: Finance\nroles: [Project Viewer]\n',
    });
    assert.deepEqual(lines(of(w, { kind: 'team', name: 'Viewers', space: 'Finance' })), ['space/Finance ProjectView']);
  });

  it('recomputes a team only when an edit affects it', () => {
    const w = ws({ 'r.role.yaml': DEPLOYER, 't.team.yaml': 'name: T\nspace: F\nroles: [Deployer]\n', 'u.team.yaml': 'name: U\nspace: F\nroles: [Deployment Creator]\n' });
    const before = teamsOf(w);
    const u0 = before.find((t) => t.name === 'U')!.grants;
    w.setFile('file:///w/r.role.yaml', 'name: Deployer\nspacePermissions: [ProjectView]\n');
    const after = teamsOf(w);
    assert.equal(after.find((t) => t.name === 'U')!.grants, u0, 'an unrelated team keeps its computed grants');
    assert.deepEqual(lines(accessOf(after, { kind: 'team', name: 'T', space: 'F' })), ['space/F ProjectView']);
  });
});
