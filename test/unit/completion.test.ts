import * as assert from 'node:assert/strict';
import { checkCompletion, completionsAt, replacedText } from '../support/features';

describe('completion', () => {
  describe('permission names', () => {
    it('offers space and both permissions in spacePermissions, labelled by level, without those already there', () => {
      const src = 'name: R\nspacePermissions:\n  - ProjectView\n  - $0\n';
      const entries = checkCompletion(src, { includes: ['ReleaseCreate', 'TaskView', 'TeamView'], excludes: ['ProjectView', 'UserView', 'AdministerSystem'] });
      const task = entries.find((e) => e.label === 'TaskView')!;
      assert.equal(task.group, 'Both');
      assert.equal(entries.find((e) => e.label === 'ReleaseCreate')!.group, 'Space');
      assert.match(task.documentation!, /Can be restricted by projects, environments, tenants/);
      // Space permissions sort before the ones that apply at both levels.
      assert.equal(entries[0].group, 'Space');
    });

    it('offers system and both permissions in systemPermissions', () => {
      checkCompletion('name: R\nsystemPermissions: [UserView, $0]\n', { includes: ['UserRoleView', 'TeamView', 'AdministerSystem'], excludes: ['UserView', 'ProjectView'] });
    });

    it('leaves out a system or space permission already in the other list, but not a both one', () => {
      checkCompletion('name: R\nsystemPermissions: [UserView, TeamView]\nspacePermissions:\n  - $0\n', { includes: ['TeamView'], excludes: ['UserView'] });
    });

    it('replaces the whole name being typed, in block and flow lists', () => {
      const block = 'name: R\nspacePermissions:\n  - Proj$0ectVie\n';
      const [first] = completionsAt(block);
      assert.equal(replacedText(block, first), 'ProjectVie');
      const flow = 'name: R\nspacePermissions: [ProjectView, Rel$0 ]\n';
      assert.equal(replacedText(flow, completionsAt(flow)[0]), 'Rel');
    });
  });

  describe('keys', () => {
    it('offers the keys of the kind that are not present yet', () => {
      checkCompletion('name: R\n$0\n', { exactly: ['description', 'spacePermissions', 'systemPermissions', 'builtIn', 'kind'] }, 'r.role.yaml');
      checkCompletion('name: S\nenvironments: [A]\n$0\n', { exactly: ['description', 'projects', 'projectGroups', 'tenants', 'managers', 'kind'] }, 's.space.yaml');
    });

    it('offers assignment keys inside a long-form role assignment', () => {
      checkCompletion('name: T\nroles:\n  - role: Build Server\n    $0\n', { exactly: ['space', 'projects', 'projectGroups', 'environments', 'tenants'] }, 't.team.yaml');
    });
  });

  describe('in teams', () => {
    const WS = `#= r.role.yaml
name: Release Deployer
spacePermissions: [DeploymentCreate]
---
name: User Auditor
systemPermissions: [UserView]
#= s.space.yaml
name: Finance
environments: [Dev, Test, Production]
---
name: Platform
environments: [Prod]
`;
    it('offers custom and built-in roles with their kind, system-only roles last in a space team', () => {
      const entries = checkCompletion(WS + '#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - $0\n', { includes: ['Release Deployer', 'Space Manager', 'System Manager'] });
      assert.equal(entries[0].label, 'Release Deployer');
      assert.equal(entries.find((e) => e.label === 'Space Manager')!.group, 'mixed · built-in');
      assert.equal(entries.at(-1)!.detail, 'system-only role: a space team cannot use it');
      checkCompletion(WS + '#= t.team.yaml\nname: T\nroles:\n  - role: $0\n', { includes: ['User Auditor', 'Project Viewer'] });
    });

    it('offers declared spaces in `space`', () => {
      checkCompletion(WS + '#= t.team.yaml\nname: T\nspace: $0\n', { exactly: ['Finance', 'Platform'] });
      checkCompletion(WS + '#= t.team.yaml\nname: T\nroles:\n  - role: Release Deployer\n    space: F$0\n', { exactly: ['Finance', 'Platform'] });
    });

    it("offers the assignment's space's declared values in restrictions, without those already given", () => {
      checkCompletion(WS + '#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - role: Release Deployer\n    environments: [Test, $0]\n', { exactly: ['Dev', 'Production'] });
      checkCompletion(WS + '#= t.team.yaml\nname: T\nroles:\n  - role: Release Deployer\n    space: Platform\n    environments:\n      - $0\n', { exactly: ['Prod'] });
    });

    it('offers nothing in free text such as names and descriptions', () => {
      checkCompletion(WS + '#= t.team.yaml\nname: T$0\n', { exactly: [] });
      checkCompletion(WS + '#= t.team.yaml\nname: T\nmembers: [al$0]\n', { exactly: [] });
    });
  });
});
