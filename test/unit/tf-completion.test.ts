import * as assert from 'node:assert/strict';
import { ensureTerraform } from '../../server/src/node/terraform';
import { completionsAt, replacedText } from '../support/features';

describe('completion of built-in ids in Terraform', () => {
  before(async () => {
    await ensureTerraform();
  });

  const TEAM = `#= main.tf
resource "octopusdeploy_team" "finance" {
  name     = "Finance"
  space_id = "Spaces-2"
  user_role {
    user_role_id = "userroles-project$0"
    space_id     = "Spaces-2"
  }
}
`;

  it("offers every built-in role's id in user_role_id (and nowhere else), labelled with the role's name, replacing the id typed", () => {
    const entries = completionsAt(TEAM);
    const viewer = entries.find((e) => e.label === 'userroles-projectviewer');
    assert.ok(viewer, entries.map((e) => e.label).join(', '));
    assert.equal(viewer.group, 'Project Viewer');
    assert.ok(entries.some((e) => e.label === 'userroles-systemadministrator' && e.group === 'System Administrator'));
    assert.equal(entries.filter((e) => e.label.startsWith('userroles-')).length, entries.length);
    assert.equal(replacedText(TEAM, viewer), 'userroles-project');
    const inName = TEAM.replace('"Finance"', '"Fin$0ance"').replace('$0"\n    space_id', '"\n    space_id');
    assert.deepEqual(completionsAt(inName), [], 'no ids in other strings');
  });

  it('offers the built-in teams in team_id and space_managers_teams, with the Space Managers of the spaces the module names', () => {
    const scoped = `${TEAM.replace('$0', 'viewer')}
resource "octopusdeploy_scoped_user_role" "s" {
  team_id      = "teams-$0"
  user_role_id = "userroles-projectviewer"
  space_id     = "Spaces-1"
}
`;
    const labels = (src: string) => completionsAt(src).map((e) => `${e.label} (${e.group})`);
    const expected = [
      'teams-administrators (Octopus Administrators)',
      'teams-everyone (Everyone)',
      'teams-managers (Octopus Managers)',
      'teams-spacemanagers-Spaces-1 (Space Managers of Spaces-1)',
      'teams-spacemanagers-Spaces-2 (Space Managers of Spaces-2)',
    ];
    assert.deepEqual(labels(scoped).sort(), expected);
    const space = `${TEAM.replace('$0', 'viewer')}\nresource "octopusdeploy_space" "finance" {\n  name                 = "Finance"\n  space_managers_teams = ["teams-everyone", "$0"]\n}\n`;
    assert.deepEqual(labels(space).sort(), expected.filter((e) => !e.includes('Spaces-1')));
  });

  it('offers the built-in teams as the id of an import block that adopts a team resource, and nothing for other imports', () => {
    const adopt = (to: string, toFirst: boolean) =>
      `${TEAM.replace('$0', 'viewer')}
import {
${toFirst ? `  to = ${to}
` : ''}  id = "teams-$0"
${toFirst ? '' : `  to = ${to}
`}}
`;
    for (const toFirst of [true, false]) {
      const entries = completionsAt(adopt('octopusdeploy_team.finance', toFirst));
      assert.ok(entries.some((e) => e.label === 'teams-everyone'), entries.map((e) => e.label).join(', '));
      assert.ok(entries.some((e) => e.label === 'teams-spacemanagers-Spaces-2'));
      assert.ok(entries.every((e) => e.label.startsWith('teams-')));
    }
    assert.deepEqual(completionsAt(adopt('octopusdeploy_project.web', true)), []);
  });

  describe('users in a team resource and a space resource', () => {
    const BOB = 'one([for x in data.octopusdeploy_users.bob.users : x.id if x.username == "bob"])';
    const module = (teamUsers: string, managers: string) => `#= main.tf
resource "octopusdeploy_user" "alice" {
  username     = "alice"
  display_name = "Alice"
}

resource "octopusdeploy_team" "finance" {
  name  = "Finance"
  users = [${teamUsers}]
}

resource "octopusdeploy_space" "finance" {
  name                        = "Finance"
  space_managers_team_members = [${managers}]
}
`;
    const labels = (src: string) => completionsAt(src).map((e) => `${e.label}${e.detail ? ` (${e.detail})` : ''}`);

    it("offers the module's user resources and its lookups as references outside a string, replacing what is typed", () => {
      const src = module(`octopusdeploy_user.alice.id, "Users-42", ${BOB}`, 'octo$0');
      assert.deepEqual(labels(src), [`octopusdeploy_user.alice.id (user alice)`, `${BOB} (user bob)`]);
      const alice = completionsAt(src).find((e) => e.label.startsWith('octopusdeploy_user.'))!;
      assert.equal(replacedText(src, alice), 'octo');
    });

    it('offers the user ids the module lists inside a string, replacing the id typed', () => {
      const src = module(`octopusdeploy_user.alice.id, "Users-42", ${BOB}`, '"Users-4$0"');
      assert.deepEqual(labels(src), ['Users-42']);
      assert.equal(replacedText(src, completionsAt(src)[0]), 'Users-4');
    });

    it("leaves out the list's own items, and still completes after a lookup in the list", () => {
      assert.deepEqual(labels(module(`octopusdeploy_user.alice.id, ${BOB}, $0`, '"Users-42"')), []);
      assert.deepEqual(labels(module(`${BOB}, $0`, 'octopusdeploy_user.alice.id')), ['octopusdeploy_user.alice.id (user alice)']);
    });

    it("offers no Octopus user in another provider's resource, and still does in locals", () => {
      const other = module('octopusdeploy_user.alice.id', '"Users-42"') + `
resource "example_group" "ops" {
  users = [$0]
}
`;
      assert.deepEqual(labels(other), []);
      const local = module('octopusdeploy_user.alice.id', '"Users-42"') + `
locals {
  users = [$0]
}
`;
      assert.deepEqual(labels(local), ['octopusdeploy_user.alice.id (user alice)']);
    });

    it('offers nothing inside a lookup, or after the list is closed', () => {
      assert.deepEqual(labels(module(`one([for x in data.octopusdeploy_users.bob.users : x.id if x.username == "b$0"])`, 'octopusdeploy_user.alice.id')), []);
      assert.deepEqual(labels(module('"Users-42"', '"Users-42"').replace('name  = "Finance"', 'name  = "Finance"\n  description = $0')), []);
    });
  });
});

