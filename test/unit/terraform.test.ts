import * as assert from 'node:assert/strict';
import { ensureTerraform } from '../../server/src/node/terraform';
import { applyEdits, codeFixes, DEFAULT_SETTINGS, fixAll, Workspace } from '../../server/src/service';
import { parseHcl } from '../support/hcl';

// The fixtures of test/fixtures/terraform and the Terraform rules' own run with every other fixture
// (rules.test.ts, in the fast lane).

const ROLES = `resource "octopusdeploy_user_role" "auditors" {
  name                       = "Auditors"
  granted_system_permissions = ["UserView"]
}
`;
const TEAMS = `resource "octopusdeploy_team" "finance" {
  name     = "Finance"
  space_id = "Spaces-1"

  user_role {
    user_role_id = octopusdeploy_user_role.auditors.id
    space_id     = "Spaces-1"
  }
}
`;
const codesOf = (ws: Workspace, uri: string) => ws.diagnostics(uri).map((d) => d.code);

describe('Terraform modules in the workspace index', () => {
  before(async () => {
    await ensureTerraform();
  });

  it('re-checks the files of a module that refer to a changed role, and no other module', () => {
    const ws = new Workspace();
    ws.setFile('/repo/a/roles.tf', ROLES);
    ws.setFile('/repo/a/teams.tf', TEAMS);
    ws.setFile('/repo/a/unrelated.tf', 'resource "octopusdeploy_user_role" "other" {\n  name = "Other"\n  granted_space_permissions = ["ProjectView"]\n}\n');
    ws.setFile('/repo/b/roles.tf', ROLES);
    ws.setFile('/repo/b/teams.tf', TEAMS);
    assert.deepEqual(codesOf(ws, '/repo/a/teams.tf'), ['system-role-in-space-team']);
    const affected = ws.setFile('/repo/a/roles.tf', ROLES.replace('granted_system_permissions = ["UserView"]', 'granted_space_permissions = ["ProjectView"]'));
    assert.deepEqual([...affected].sort(), ['/repo/a/roles.tf', '/repo/a/teams.tf']);
    assert.deepEqual(codesOf(ws, '/repo/a/teams.tf'), []);
    assert.deepEqual(codesOf(ws, '/repo/b/teams.tf'), ['system-role-in-space-team']);
    // Removing the role leaves the reference unresolved: Terraform's to report, so no finding here.
    ws.removeFile('/repo/a/roles.tf');
    assert.deepEqual(codesOf(ws, '/repo/a/teams.tf'), []);
  });

  it('re-checks a scoped user role when the team resource it targets appears or goes', () => {
    const ws = new Workspace();
    ws.setFile('/m/roles.tf', ROLES.replace('granted_system_permissions = ["UserView"]', 'granted_space_permissions = ["ProjectView"]'));
    const scoped = 'resource "octopusdeploy_scoped_user_role" "x" {\n  team_id      = octopusdeploy_team.finance.id\n  user_role_id = var.role\n}\n';
    ws.setFile('/m/scoped.tf', scoped);
    assert.deepEqual(codesOf(ws, '/m/scoped.tf'), []);
    assert.ok(ws.setFile('/m/teams.tf', TEAMS).has('/m/scoped.tf'));
    assert.deepEqual(codesOf(ws, '/m/scoped.tf'), ['tf-inline-and-scoped-assignments']);
    assert.deepEqual(codesOf(ws, '/m/teams.tf'), []);
    assert.ok(ws.removeFile('/m/teams.tf').has('/m/scoped.tf'));
    assert.deepEqual(codesOf(ws, '/m/scoped.tf'), []);
  });

  it('keeps YAML files and modules apart: a team in YAML does not see a role defined in Terraform', () => {
    const ws = new Workspace();
    ws.setFile('/repo/tf/roles.tf', ROLES);
    ws.setFile('/repo/yaml/finance.team.yaml', 'name: Finance\nspace: Finance\nroles:\n  - Auditors\n');
    assert.deepEqual(codesOf(ws, '/repo/yaml/finance.team.yaml'), ['unknown-role']);
  });
});

describe('Terraform quick fixes', () => {
  before(async () => {
    await ensureTerraform();
  });

  const fixed = (text: string, code: string, title: RegExp): string => {
    const ws = new Workspace();
    ws.setFile('/m/main.tf', text);
    const d = ws.diagnostics('/m/main.tf').find((x) => x.code === code);
    assert.ok(d, `no ${code}`);
    const fixes = codeFixes(ws, '/m/main.tf', d, DEFAULT_SETTINGS);
    const fix = fixes.find((f) => title.test(f.title));
    assert.ok(fix, fixes.map((f) => f.title).join('; '));
    return applyEdits(text, fix.change.edits.get('/m/main.tf') ?? []);
  };

  it('replaces an unknown or retired name inside its quotes', () => {
    const role = (p: string) => `resource "octopusdeploy_user_role" "r" {\n  name = "R"\n  granted_space_permissions = [${p}, "EnvironmentView"]\n}\n`;
    assert.equal(fixed(role('"ProjectVeiw"'), 'unknown-permission', /ProjectView/), role('"ProjectView"'));
    assert.equal(fixed(role('"TaskViewLog"'), 'retired-permission', /TaskView/), role('"TaskView"'));
  });

  it('moves a permission to the other list, one per line when the list is written so', () => {
    const text = `resource "octopusdeploy_user_role" "r" {
  name = "R"
  granted_space_permissions = [
    "ProjectView",
    "UserView",
  ]
  granted_system_permissions = [
    "TeamView",
  ]
}
`;
    assert.equal(
      fixed(text, 'wrong-level', /^Move 'UserView'/),
      `resource "octopusdeploy_user_role" "r" {
  name = "R"
  granted_space_permissions = [
    "ProjectView",
  ]
  granted_system_permissions = [
    "TeamView",
    "UserView",
  ]
}
`,
    );
    // No system list yet: one is added after the space list.
    const short = 'resource "octopusdeploy_user_role" "r" {\n  name = "R"\n  granted_space_permissions = ["ProjectView", "UserView"]\n}\n';
    assert.equal(
      fixed(short, 'wrong-level', /^Move 'UserView'/),
      'resource "octopusdeploy_user_role" "r" {\n  name = "R"\n  granted_space_permissions = ["ProjectView"]\n  granted_system_permissions = ["UserView"]\n}\n',
    );
  });

  it('moves a scoped user role into the team resource it targets, keeping every line of it as written', async () => {
    const team = 'resource "octopusdeploy_team" "ops" {\n  name = "Ops"\n\n  user_role {\n    user_role_id = "userroles-systemmanager"\n  }\n}\n';
    const scoped =
      'resource "octopusdeploy_scoped_user_role" "viewer" {\n  # read-only, for the audit\n  team_id      = octopusdeploy_team.ops.id\n  user_role_id = "userroles-projectviewer"\n  space_id     = "Spaces-1"\n  project_ids  = ["Projects-1", "Projects-\\u0024{x}"] # two\n}\n';
    const moved =
      'resource "octopusdeploy_team" "ops" {\n  name = "Ops"\n\n  user_role {\n    user_role_id = "userroles-systemmanager"\n  }\n\n  user_role {\n    # read-only, for the audit\n    user_role_id = "userroles-projectviewer"\n    space_id     = "Spaces-1"\n    project_ids  = ["Projects-1", "Projects-\\u0024{x}"] # two\n  }\n}\n';
    assert.equal(fixed(`${team}\n${scoped}`, 'tf-inline-and-scoped-assignments', /^Move this role into 'octopusdeploy_team\.ops'/), moved);
    // In two files: the resource goes from one, the block comes into the other; the team keeps its access.
    const ws = new Workspace();
    ws.setFile('/m/teams.tf', team);
    ws.setFile('/m/scoped.tf', scoped);
    const d = ws.diagnostics('/m/scoped.tf').find((x) => x.code === 'tf-inline-and-scoped-assignments')!;
    const fix = codeFixes(ws, '/m/scoped.tf', d, DEFAULT_SETTINGS).find((f) => f.title.startsWith('Move'))!;
    assert.equal(applyEdits(scoped, fix.change.edits.get('/m/scoped.tf')!), '');
    assert.equal(applyEdits(team, fix.change.edits.get('/m/teams.tf')!), moved);
    // Nobody gains anything by it (the fix engine measures access before and after), and HashiCorp's
    // parser reads the result, whose one user_role block now holds the role.
    assert.ok(!fix.grants && !fix.safe);
    const parsed = (await parseHcl(moved)) as { resource: { octopusdeploy_team: { ops: { user_role: unknown[] }[] } } };
    assert.equal(parsed.resource.octopusdeploy_team.ops[0].user_role.length, 2);
  });

  it('removes a computed attribute, and fix-all applies only the safe fixes', () => {
    const text = 'resource "octopusdeploy_user_role" "r" {\n  name           = "R"\n  can_be_deleted = true\n  granted_space_permissions = ["ProjectView", "ProjectView", "ProjectVeiw"]\n}\n';
    assert.equal(fixed(text, 'tf-readonly-attribute', /can_be_deleted/), text.replace('  can_be_deleted = true\n', ''));
    const ws = new Workspace();
    ws.setFile('/m/main.tf', text);
    const all = fixAll(ws, '/m/main.tf', DEFAULT_SETTINGS);
    assert.equal(all?.text, 'resource "octopusdeploy_user_role" "r" {\n  name           = "R"\n  granted_space_permissions = ["ProjectView", "ProjectVeiw"]\n}\n');
  });
});

describe("Terraform findings in the provider's words", () => {
  before(async () => {
    await ensureTerraform();
  });

  const MODULE = `resource "octopusdeploy_user_role" "ops" {
  name                       = "Ops"
  granted_space_permissions  = ["ProjectView", "UserView", "ProjectView"]
  granted_system_permissions = ["ProjectEdit"]
}
resource "octopusdeploy_user_role" "audit" {
  name                       = "Audit"
  granted_system_permissions = ["TeamView"]
}
resource "octopusdeploy_user_role" "empty" {
  name = "Empty"
}
resource "octopusdeploy_team" "admins" {
  name = "Admins"
  user_role {
    user_role_id = octopusdeploy_user_role.ops.id
  }
  user_role {
    user_role_id = octopusdeploy_user_role.audit.id
    space_id     = "Spaces-1"
  }
}
`;

  it('names the provider\'s attributes in messages and fix titles, never the YAML fields', () => {
    const ws = new Workspace();
    ws.setFile('/m/main.tf', MODULE);
    const found = ws.diagnostics('/m/main.tf');
    const message = (code: string) => found.find((d) => d.code === code)?.message ?? `no ${code}`;
    assert.match(message('wrong-level'), /cannot be granted in `granted_space_permissions`; move it to `granted_system_permissions`/);
    assert.match(message('duplicate-permission'), /already listed in `granted_space_permissions`/);
    assert.match(message('empty-role'), /add `granted_space_permissions` or `granted_system_permissions`/);
    assert.match(message('space-required'), /must be applied in a space: set its `space_id`/);
    assert.match(message('space-not-allowed'), /Remove `space_id`/);
    for (const d of found) assert.doesNotMatch(d.message, /spacePermissions|systemPermissions|`space`|space: \.\.\.|long form/, d.message);
    const wrong = found.find((d) => d.code === 'wrong-level')!;
    assert.equal(codeFixes(ws, '/m/main.tf', wrong, DEFAULT_SETTINGS)[0]?.title, "Move 'UserView' to 'granted_system_permissions'");
    const notAllowed = found.find((d) => d.code === 'space-not-allowed')!;
    assert.ok(codeFixes(ws, '/m/main.tf', notAllowed, DEFAULT_SETTINGS).some((f) => f.title.startsWith("Remove 'space_id' from this assignment")));
  });

  it('keeps the YAML words in YAML files', () => {
    const ws = new Workspace();
    ws.setFile('/w/r.role.yaml', 'name: Ops\nspacePermissions: [ProjectView, UserView]\n');
    assert.match(ws.diagnostics('/w/r.role.yaml').find((d) => d.code === 'wrong-level')!.message, /in `spacePermissions`; move it to `systemPermissions`/);
  });
});

describe('Terraform input that is not well formed', () => {
  before(async () => {
    await ensureTerraform();
  });

  const inputs: Record<string, string> = {
    'an unterminated string': 'resource "octopusdeploy_user_role" "r" {\n  name = "R\n  granted_space_permissions = ["ProjectVeiw", "Dep\n',
    'binary data': 'octopusdeploy_' + String.fromCharCode(...Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)),
    'lists nested 20,000 deep': `resource "octopusdeploy_user_role" "r" {\n  granted_space_permissions = ${'['.repeat(20000)}${']'.repeat(20000)}\n}\n`,
    'blocks nested 5,000 deep': `resource "octopusdeploy_team" "t" {\n  name = "T"\n${'user_role {\n'.repeat(5000)}${'}\n'.repeat(5000)}}\n`,
    'a list of 100,000 permissions': `resource "octopusdeploy_user_role" "r" {\n  name = "R"\n  granted_space_permissions = [${'"ProjectView", '.repeat(100000)}]\n}\n`,
    'an escape past the last code point': 'resource "octopusdeploy_user_role" "r" {\n  name = "\\UFFFFFFFF"\n  granted_space_permissions = ["\\U00110000"]\n}\n',
  };
  for (const [name, text] of Object.entries(inputs)) {
    it(`reads ${name} without throwing, in bounded time`, () => {
      const ws = new Workspace();
      const started = Date.now();
      ws.setFile('/m/main.tf', text);
      ws.diagnostics('/m/main.tf');
      assert.ok(Date.now() - started < 10000, `${Date.now() - started} ms`);
    });
  }

  it('drops rule findings where the grammar recovered from an error, where the syntax error is the finding', () => {
    const ws = new Workspace();
    ws.setFile('/m/main.tf', 'resource "octopusdeploy_user_role" "r" {\n  name = "R"\n  granted_space_permissions = ["ProjectVeiw" "x" = ]\n}\n');
    assert.deepEqual(new Set(codesOf(ws, '/m/main.tf')), new Set(['tf-syntax']));
  });
});
