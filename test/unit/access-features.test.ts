/** Effective access in the editor, at the service level: code lenses, inlay hints, the access document, who-can, member hovers. */
import * as assert from 'node:assert/strict';
import { accessDocument, accessHints, accessLenses, whoCan, Workspace } from '../../server/src/service';
import { hoverAt } from '../support/features';

const FILES: Record<string, string> = {
  'file:///w/finance.space.yaml': 'name: Finance\nmanagers:\n  members: [carol]\n',
  'file:///w/mixed.role.yaml': 'name: Mixed\nspacePermissions: [DeploymentCreate]\nsystemPermissions: [UserView, TeamView, UserRoleView]\n',
  'file:///w/teams.team.yaml': [
    'name: Deployers',
    'space: Finance',
    'members: [alice]',
    'roles:',
    '  - role: Mixed',
    '    environments: [Test]',
    '  - System Manager',
    '---',
    'name: Platform',
    'roles:',
    '  - System Manager',
    '  - role: Deployment Creator',
    '    space: Finance',
    '',
  ].join('\n'),
};

function ws(): Workspace {
  const w = new Workspace();
  for (const [uri, text] of Object.entries(FILES)) w.setFile(uri, text);
  return w;
}

describe('effective access in the editor', () => {
  it("puts a lens on each team with its permission counts, and on each role with the teams that use it", () => {
    const w = ws();
    const teams = accessLenses(w, 'file:///w/teams.team.yaml');
    // Deployers: UserView, TeamView and UserRoleView server-wide (implicit) and DeploymentCreate in Finance;
    // System Manager is refused in a space team.
    assert.deepEqual(teams.map((l) => l.title), ['3 system permissions · 1 space permission — effective access', '27 system permissions · 15 space permissions — effective access']);
    assert.deepEqual(teams[0].target, { kind: 'principal', principal: 'team:Finance/Deployers' });
    const role = accessLenses(w, 'file:///w/mixed.role.yaml');
    assert.equal(role[0].title, 'used by 1 team');
    assert.equal(role[0].target.kind === 'role' && role[0].target.users.length, 1);
  });

  it('hints after each role reference where it applies', () => {
    const w = ws();
    const text = FILES['file:///w/teams.team.yaml'];
    const hints = accessHints(w, 'file:///w/teams.team.yaml').map((h) => [text.slice(0, h.offset).split('\n').pop()!.trim(), h.label]);
    assert.deepEqual(hints, [
      ['- role: Mixed', 'Finance + server-wide UserView, TeamView +1'],
      ['- System Manager', 'not applied'],
      ['- System Manager', 'system'],
      ['- role: Deployment Creator', 'Finance'],
    ]);
  });

  it("writes a principal's access as a readable document, with restrictions and sources", () => {
    const doc = accessDocument(ws(), 'team:Finance/Deployers')!;
    assert.match(doc, /^# Team Deployers \(space Finance\): effective access/);
    assert.match(doc, /Members: alice\./);
    assert.match(doc, /## In space Finance[\s\S]*\| DeploymentCreate \| environments: Test \| Mixed in Deployers \|/);
    assert.match(doc, /\| UserView \| everything \| Mixed in Deployers \(server-wide from a space\) \|/);
    assert.equal(accessDocument(ws(), 'user:nobody'), undefined);
  });

  it('answers who can do something, with go-to-source locations', () => {
    const entries = whoCan(ws(), 'DeploymentCreate', { space: 'Finance', values: { environments: 'Production' } })!;
    assert.deepEqual(entries.map((e) => e.key), ['team:Platform', 'team:Finance/Space Managers', 'user:carol']);
    assert.deepEqual(entries[0].sources.map((s) => s.uri), ['file:///w/teams.team.yaml']);
    assert.deepEqual(whoCan(ws(), 'import-projects')!.map((e) => e.key), ['team:Finance/Space Managers', 'user:carol']);
    assert.equal(whoCan(ws(), 'NoSuchPermission'), undefined);
  });

  it("shows a member's teams and effective access when hovering the name", () => {
    const h = hoverAt('#= s.space.yaml\nname: Finance\nmanagers:\n  members: [car$0ol]\n')!;
    assert.match(h.markdown, /\*\*carol\*\* · user/);
    assert.match(h.markdown, /Member of: Everyone, Space Managers \(space Finance\)\./);
    assert.match(h.markdown, /In space Finance \(120\): `AccountCreate`/);
  });

  it("shows restrictions in a team's hover, so a deployer restricted to Test does not read as deploying anywhere", () => {
    const h = hoverAt('#= t.team.yaml\nname: Fin$0ance Deployers\nspace: Finance\nroles:\n  - role: Deployment Creator\n    environments: [Development, Test]\n')!;
    assert.match(h.markdown, /`DeploymentCreate` \(only environments: Development, Test\)/);
  });
});
