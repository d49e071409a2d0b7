/**
 * Effective access in Terraform modules (SPEC sections 8 and 9): each module a model of its own, built from
 * team resources, their inline `user_role` blocks and scoped user roles; refused and computed assignments
 * grant nothing, computed ones with a note; and the editor's lenses, hints and hovers on `.tf` files.
 */
import * as assert from 'node:assert/strict';
import { ensureTerraform } from '../../server/src/node/terraform';
import { accessHints, accessLenses, accessNotes, accessOf, accessTeams, hover, notesFor, principalKey, teamsOf, whoCan, Workspace, type Access, type Principal } from '../../server/src/service';

const MODULE = 'file:///repo/infra/';

const ROLES = `resource "octopusdeploy_user_role" "deployers" {
  name                       = "Deployers"
  granted_space_permissions  = ["DeploymentCreate", "ProjectView", "EnvironmentView"]
  granted_system_permissions = ["UserView"]
}

resource "octopusdeploy_user_role" "auditors" {
  name                       = "Auditors"
  granted_system_permissions = ["EventView"]
}

resource "octopusdeploy_user_role" "dynamic" {
  name                      = "Dynamic"
  granted_space_permissions = var.permissions
}
`;

const TEAMS = `resource "octopusdeploy_team" "release" {
  name  = "Release"
  users = ["alice", "bob"]

  external_security_group {
    id = "CN=Release"
  }

  user_role {
    user_role_id    = octopusdeploy_user_role.deployers.id
    space_id        = "Spaces-1"
    environment_ids = ["Environments-2"]
  }

  user_role {
    user_role_id = octopusdeploy_user_role.dynamic.id
    space_id     = "Spaces-1"
  }
}

resource "octopusdeploy_team" "finance" {
  name     = "Finance"
  space_id = "Spaces-1"
  users    = ["carol"]

  user_role {
    user_role_id = octopusdeploy_user_role.auditors.id
    space_id     = "Spaces-1"
  }

  user_role {
    user_role_id = var.role_id
    space_id     = "Spaces-1"
  }
}

resource "octopusdeploy_scoped_user_role" "everyone_viewer" {
  team_id      = "teams-everyone"
  user_role_id = "userroles-projectviewer"
  space_id     = "Spaces-2"
}

resource "octopusdeploy_scoped_user_role" "finance_deployers" {
  team_id      = octopusdeploy_team.finance.id
  user_role_id = octopusdeploy_user_role.deployers.id
  space_id     = "Spaces-1"
  project_ids  = ["Projects-7"]
}

resource "octopusdeploy_team" "per_environment" {
  for_each = var.environments
  name     = "Deployers \${each.key}"
}
`;

/** A YAML model beside the module, with a user of the same name. */
const YAML_TEAM = 'name: Ops\nmembers: [alice]\nroles:\n  - System Manager\n';

function workspace(): Workspace {
  const ws = new Workspace();
  ws.setFile(`${MODULE}roles.tf`, ROLES);
  ws.setFile(`${MODULE}teams.tf`, TEAMS);
  ws.setFile('file:///repo/ops.team.yaml', YAML_TEAM);
  return ws;
}

const inModule = (p: Omit<Principal, 'module'>): Principal => ({ ...p, module: MODULE });
const lines = (a: Access) => a.grants.map((g) => `${g.scope}${g.space ? `/${g.space}` : ''} ${g.permission}${Object.keys(g.restrictions).length ? ' ' + JSON.stringify(g.restrictions) : ''}`);

describe('effective access in Terraform modules', () => {
  before(async () => {
    await ensureTerraform();
  });

  it('grants an inline role in its space_id, keeping environment_ids only for permissions that support environments', () => {
    const teams = accessTeams(workspace());
    assert.deepEqual(lines(accessOf(teams, inModule({ kind: 'team', name: 'Release' }))), [
      'system UserView',
      'space/Spaces-1 DeploymentCreate {"environments":["Environments-2"]}',
      'space/Spaces-1 EnvironmentView {"environments":["Environments-2"]}',
      // ProjectView supports projects and tenants only: the environment restriction does not narrow it.
      'space/Spaces-1 ProjectView',
    ]);
  });

  it('adds a scoped user role to the team it targets, and a refused assignment grants nothing', () => {
    const finance = accessOf(accessTeams(workspace()), inModule({ kind: 'team', name: 'Finance', space: 'Spaces-1' }));
    // Auditors is system-only: Octopus refuses it in a space team, so no EventView. The scoped user role
    // adds Deployers restricted to a project, which EnvironmentView does not support.
    assert.deepEqual(lines(finance), [
      'system UserView',
      'space/Spaces-1 DeploymentCreate {"projects":["Projects-7"]}',
      'space/Spaces-1 EnvironmentView',
      'space/Spaces-1 ProjectView {"projects":["Projects-7"]}',
    ]);
    assert.equal(finance.teams.length, 1, 'the team resource and the scoped user role are one team');
  });

  it("reaches every user of the module with a scoped user role on teams-everyone, and no one else's", () => {
    const teams = accessTeams(workspace());
    for (const user of ['alice', 'bob', 'carol']) {
      const access = accessOf(teams, inModule({ kind: 'user', name: user }));
      assert.ok(lines(access).includes('space/Spaces-2 ProjectView'), `${user} views projects in Spaces-2 through Everyone`);
    }
    // The YAML model's alice is another principal: the module's Everyone does not reach her.
    const yamlAlice = accessOf(teams, { kind: 'user', name: 'alice' });
    assert.deepEqual(yamlAlice.teams.map((t) => t.name), ['Ops', 'Everyone']);
    assert.ok(!lines(yamlAlice).some((l) => l.includes('Spaces-')));
    assert.ok(lines(yamlAlice).includes('system SpaceCreate'), 'System Manager from the YAML team');
    assert.ok(!lines(accessOf(teams, inModule({ kind: 'user', name: 'alice' }))).includes('system SpaceCreate'));
  });

  it('keeps a name of two models apart: two principals, two keys', () => {
    const teams = accessTeams(workspace());
    const yaml = { kind: 'user', name: 'alice' } as const;
    assert.notEqual(principalKey(yaml), principalKey(inModule(yaml)));
    assert.ok(!teamsOf(workspace()).some((t) => t.module !== undefined), 'the YAML model holds no module team');
    const owners = teams.filter((t) => t.name === 'Everyone').map((t) => t.module ?? 'yaml');
    assert.deepEqual(owners, ['yaml', MODULE], 'each model has its own Everyone');
  });

  it('counts the built-in Octopus Administrators of a module', () => {
    const admins = accessOf(accessTeams(workspace()), inModule({ kind: 'team', name: 'Octopus Administrators' }));
    assert.ok(lines(admins).includes('system AdministerSystem'));
  });

  it('grants nothing from a team resource Octopus refuses: a second of one name, or one named like a built-in team', () => {
    const ws = new Workspace();
    const team = (label: string, name: string, user: string) =>
      `resource "octopusdeploy_team" "${label}" {\n  name  = "${name}"\n  users = ["${user}"]\n\n  user_role {\n    user_role_id = "userroles-systemmanager"\n  }\n}\n`;
    ws.setFile(`${MODULE}main.tf`, team('ops', 'Ops', 'ann') + team('ops_again', 'ops', 'ben') + team('everyone', 'Everyone', 'cid'));
    const teams = accessTeams(ws);
    assert.ok(lines(accessOf(teams, inModule({ kind: 'user', name: 'ann' }))).includes('system SpaceCreate'));
    for (const user of ['ben', 'cid']) {
      const access = accessOf(teams, inModule({ kind: 'user', name: user }));
      assert.deepEqual(access.grants, [], `${user} is in no team Octopus would create`);
    }
    const uri = `${MODULE}main.tf`;
    assert.match(hover(ws, uri, ws.text(uri)!.indexOf('"Everyone"') + 1)!.markdown, /Octopus refuses this team resource/);
  });

  it("counts a group of an external_security_group block, which holds Everyone's grants too (every member is a user)", () => {
    const group = accessOf(accessTeams(workspace()), inModule({ kind: 'group', name: 'CN=Release' }));
    assert.deepEqual(group.teams.map((t) => t.name), ['Release', 'Everyone']);
  });

  it('grants nothing from what is computed, and notes each such part where it is', () => {
    const ws = workspace();
    const notes = accessNotes(ws);
    const text = (uri: string, start: number) => ws.text(uri)!.slice(start, start + 60);
    const described = notes.map((n) => [n.team?.name, text(n.uri, n.span.start).split('\n')[0].trim()]);
    assert.deepEqual(described, [
      ['Release', 'octopusdeploy_user_role.dynamic.id'],
      ['Finance', 'user_role {'],
      [undefined, 'resource "octopusdeploy_team" "per_environment" {'],
    ]);
    // No grant was made up for the computed role: Finance holds only what the scoped user role gives.
    const teams = accessTeams(ws);
    const carol = accessOf(teams, inModule({ kind: 'user', name: 'carol' }));
    // carol's notes: her team's computed assignment and the repeated team (it may hold anyone), not Release's.
    assert.deepEqual(notesFor(accessNotes(ws, MODULE), carol.teams).map((n) => n.team?.name ?? '(module)'), ['Finance', '(module)']);
  });

  it('counts an assignment in a computed space in that symbolic space, the same expression being one space', () => {
    const ws = new Workspace();
    ws.setFile(
      `${MODULE}main.tf`,
      'resource "octopusdeploy_team" "t" {\n  name = "T"\n  users = ["dave"]\n  user_role {\n    user_role_id = "userroles-projectviewer"\n    space_id     = var.space_id\n  }\n}\n' +
        'resource "octopusdeploy_team" "u" {\n  name = "U"\n  space_id = var.space_id\n  users = ["erin"]\n  user_role {\n    user_role_id = "userroles-projectdeployer"\n  }\n}\n',
    );
    const teams = accessTeams(ws);
    const dave = lines(accessOf(teams, inModule({ kind: 'user', name: 'dave' })));
    const space = '`var.space_id` (not known from the module)';
    assert.ok(dave.includes(`space/${space} ProjectView`), dave.join('\n'));
    // System permissions the role grants server-wide from a space count wherever the space is (rule 3).
    assert.ok(dave.includes('system TeamView'), dave.join('\n'));
    // A space team's assignment without space_id is in the team's own space: the same symbolic space.
    const erin = lines(accessOf(teams, inModule({ kind: 'user', name: 'erin' })));
    assert.ok(erin.includes(`space/${space} DeploymentCreate`), erin.join('\n'));
    assert.deepEqual(accessNotes(ws), []);
    assert.deepEqual(whoCan(ws, 'ProjectView', { space })?.filter((e) => e.principal.kind === 'user').map((e) => e.principal.name), ['dave', 'erin']);
  });

  it('notes a scoped user role whose team is repeated, and counts nothing of it', () => {
    const ws = new Workspace();
    ws.setFile(
      `${MODULE}main.tf`,
      'resource "octopusdeploy_team" "each" {\n  for_each = var.teams\n  name     = each.key\n}\n\nresource "octopusdeploy_scoped_user_role" "r" {\n  team_id      = octopusdeploy_team.each.id\n  user_role_id = "userroles-systemmanager"\n}\n',
    );
    assert.deepEqual(accessNotes(ws).map((n) => n.reason.split(':')[0]), ['`octopusdeploy_team.each`', '`octopusdeploy_scoped_user_role.r`']);
    // System Manager (SpaceCreate among its permissions) reaches no team: only the built-in Octopus
    // Administrators and Octopus Managers hold SpaceCreate.
    assert.deepEqual(accessTeams(ws).filter((t) => t.grants.some((g) => g.permission === 'SpaceCreate')).map((t) => t.name), ['Octopus Administrators', 'Octopus Managers']);
  });

  it('lists module principals in who-can, each with its module', () => {
    const entries = whoCan(workspace(), 'DeploymentCreate')!;
    assert.deepEqual(entries.map((e) => `${e.principal.kind}:${e.principal.name}@${e.principal.module ?? 'yaml'}`), [
      `team:Release@${MODULE}`,
      `team:Finance@${MODULE}`,
      `user:alice@${MODULE}`,
      `user:bob@${MODULE}`,
      `user:carol@${MODULE}`,
      `group:CN=Release@${MODULE}`,
    ]);
    assert.ok(entries[0].grants[0].via.every((v) => v.module === MODULE && v.uri === `${MODULE}teams.tf`));
  });

  it('puts lenses on team and role resources, and a hint after each role reference saying where it applies', () => {
    const ws = workspace();
    const titles = (uri: string) => accessLenses(ws, uri).map((l) => [ws.text(uri)!.slice(l.span.start, l.span.end), l.title]);
    assert.deepEqual(titles(`${MODULE}teams.tf`), [
      ['"Release"', '1 system permission · 3 space permissions — effective access'],
      ['"Finance"', '1 system permission · 3 space permissions — effective access'],
    ]);
    assert.deepEqual(titles(`${MODULE}roles.tf`), [
      ['"Deployers"', 'used by 2 teams'],
      ['"Auditors"', 'used by 1 team'],
    ]);
    const uri = `${MODULE}teams.tf`;
    const hints = accessHints(ws, uri).map((h) => [ws.text(uri)!.slice(0, h.offset).split('\n').pop()!.trim(), h.label]);
    assert.deepEqual(hints, [
      ['user_role_id    = octopusdeploy_user_role.deployers.id', 'Spaces-1 + server-wide UserView'],
      ['user_role_id = octopusdeploy_user_role.auditors.id', 'not applied'],
      ['user_role_id = "userroles-projectviewer"', 'Spaces-2 + server-wide TeamView, UserRoleView +1'],
      ['user_role_id = octopusdeploy_user_role.deployers.id', 'Spaces-1 + server-wide UserView'],
    ]);
  });

  it("hovers a module's team and member with their access within the module, and what was not counted", () => {
    const ws = workspace();
    const uri = `${MODULE}teams.tf`;
    const at = (needle: string) => ws.text(uri)!.indexOf(needle) + 1;
    const team = hover(ws, uri, at('"Finance"'))!.markdown;
    assert.match(team, /In space Spaces-1 \(3\): `DeploymentCreate` \(only projects: Projects-7\)/);
    assert.match(team, /Not counted, computed \(2\)/);
    const member = hover(ws, uri, at('"carol"'))!.markdown;
    assert.match(member, /Member of: Finance \(space Spaces-1\), Everyone\./);
    assert.match(member, /In space Spaces-2 \(\d+\): .*`ProjectView`/);
  });
  it('names a user the module declares by its username, in access, who-can and the member hover', () => {
    const ws = new Workspace();
    ws.setFile(`${MODULE}users.tf`, 'resource "octopusdeploy_user" "dana" {\n  username     = "dana"\n  display_name = "Dana Scully"\n}\n');
    ws.setFile(
      `${MODULE}teams.tf`,
      'resource "octopusdeploy_team" "auditors" {\n  name  = "Auditors"\n  users = [octopusdeploy_user.dana.id, "Users-9"]\n\n  user_role {\n    user_role_id = "userroles-systemmanager"\n  }\n}\n',
    );
    const dana = accessOf(accessTeams(ws), inModule({ kind: 'user', name: 'dana' }));
    assert.deepEqual(dana.teams.map((t) => t.name).sort(), ['Auditors', 'Everyone']);
    assert.ok(dana.grants.some((g) => g.permission === 'UserView' && g.scope === 'system'), JSON.stringify(lines(dana)));
    // A user listed by id stays an id: the module does not say who it is.
    assert.equal(accessOf(accessTeams(ws), inModule({ kind: 'user', name: 'Users-9' })).teams.length, 2);
    assert.deepEqual(
      whoCan(ws, 'UserView')!.filter((e) => e.principal.kind === 'user').map((e) => e.principal.name).sort(),
      ['Users-9', 'dana'],
    );
    const uri = `${MODULE}teams.tf`;
    const member = hover(ws, uri, ws.text(uri)!.indexOf('octopusdeploy_user.dana') + 1)!.markdown;
    assert.match(member, /^\*\*dana\*\* · user/);
    assert.match(member, /Member of: Auditors, Everyone\./);
  });
});
