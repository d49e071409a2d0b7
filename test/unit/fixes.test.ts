import * as assert from 'node:assert/strict';
import { codeFixes, DEFAULT_SETTINGS, fileTooLarge, fixAll, Workspace, type Settings } from '../../server/src/service';
import { checkFix, fixesAtCursor, fixTitles } from '../support/fixcheck';
import { parseFixture, workspaceOf } from '../support/fixture';

describe('quick fixes', () => {
  describe('permissions', () => {
    it('replaces an unknown permission with a suggestion, keeping quotes', () => {
      checkFix('name: R\nspacePermissions:\n  - ProjectVeiw$0\n  - "DeploymentCreat"\n', {
        code: 'unknown-permission',
        title: "Change to 'ProjectView'",
        after: 'name: R\nspacePermissions:\n  - ProjectView\n  - "DeploymentCreat"\n',
      });
      checkFix('name: R\nspacePermissions: [ProjectView, "DeploymentCreat$0"]\n', {
        code: 'unknown-permission',
        title: "Change to 'DeploymentCreate'",
        after: 'name: R\nspacePermissions: [ProjectView, "DeploymentCreate"]\n',
      });
    });

    it('replaces a retired permission, or removes it when its replacement is listed', () => {
      const fix = checkFix('name: R\nspacePermissions:\n  - TaskViewLog$0\n', {
        code: 'retired-permission',
        title: "Change to 'TaskView'",
        after: 'name: R\nspacePermissions:\n  - TaskView\n',
      });
      assert.ok(fix.safe && fix.preferred);
      checkFix('name: R\nspacePermissions:\n  - TaskViewLog$0 # old\n  - TaskView\n', {
        code: 'retired-permission',
        title: "Remove 'TaskViewLog' ('TaskView' is already listed)",
        after: 'name: R\nspacePermissions:\n  - TaskView\n',
      });
    });

    it('moves a permission to the list of its level, in the style of the file', () => {
      checkFix('name: R\nspacePermissions:\n  - ProjectView\n  - UserView$0\nsystemPermissions:\n  - TeamView\n', {
        code: 'wrong-level',
        title: "Move 'UserView' to 'systemPermissions'",
        after: 'name: R\nspacePermissions:\n  - ProjectView\nsystemPermissions:\n  - TeamView\n  - UserView\n',
      });
      checkFix('name: R\nspacePermissions: [ProjectView, UserView$0]\nsystemPermissions: [TeamView]\n', {
        code: 'wrong-level',
        title: "Move 'UserView' to 'systemPermissions'",
        after: 'name: R\nspacePermissions: [ProjectView]\nsystemPermissions: [TeamView, UserView]\n',
      });
      // No target list yet: it is written after the source list, with the same indentation.
      checkFix('name: R\nspacePermissions:\n    - ProjectView\n    - UserView$0\ndescription: d\n', {
        code: 'wrong-level',
        title: "Move 'UserView' to 'systemPermissions'",
        after: 'name: R\nspacePermissions:\n    - ProjectView\nsystemPermissions:\n    - UserView\ndescription: d\n',
      });
      checkFix('name: R\nsystemPermissions: [UserView, EnvironmentView$0]\nspacePermissions: []\n', {
        code: 'wrong-level',
        title: "Move 'EnvironmentView' to 'spacePermissions'",
        after: 'name: R\nsystemPermissions: [UserView]\nspacePermissions: [EnvironmentView]\n',
      });
      checkFix('name: R\r\nsystemPermissions:\r\n  - UserView\r\n  - EnvironmentView$0\r\nspacePermissions:\r\n', {
        code: 'wrong-level',
        title: "Move 'EnvironmentView' to 'spacePermissions'",
        after: 'name: R\r\nsystemPermissions:\r\n  - UserView\r\nspacePermissions:\r\n  - EnvironmentView\r\n',
      });
    });

    it('does not move a permission when that would break the teams that use the role', () => {
      // Moving UserView away leaves the role with no space permission, so the space team could no
      // longer use it: only the suppression comment is offered.
      const src = '#= r.role.yaml\nname: R\nspacePermissions:\n  - UserView$0\n#= t.team.yaml\nname: T\nspace: S\nroles: [R]\n';
      assert.deepEqual(fixTitles(src, 'wrong-level'), ["Suppress 'wrong-level' on this line"]);
    });

    it('removes a duplicate permission, block or flow', () => {
      // The comment above the duplicate describes it and goes with it; the one above the next item stays.
      checkFix('name: R\nspacePermissions:\n  - ProjectView\n  # for the portal\n  - ProjectView$0 # twice\n  # keep this comment\n  - TaskView\n', {
        code: 'duplicate-permission',
        title: "Remove the duplicate 'ProjectView'",
        after: 'name: R\nspacePermissions:\n  - ProjectView\n  # keep this comment\n  - TaskView\n',
      });
      checkFix('name: R\nspacePermissions: [ProjectView, TaskView, ProjectView$0]\n', {
        code: 'duplicate-permission',
        title: "Remove the duplicate 'ProjectView'",
        after: 'name: R\nspacePermissions: [ProjectView, TaskView]\n',
      });
    });
  });

  describe('documents', () => {
    it('renames an unknown key to the nearest known one', () => {
      checkFix('name: R\nspacePermission$0:\n  - ProjectView\n', {
        code: 'unknown-key',
        title: "Change the key to 'spacePermissions'",
        after: 'name: R\nspacePermissions:\n  - ProjectView\n',
      });
    });

    it("makes 'kind' agree with the file suffix", () => {
      checkFix('#= r.role.yaml\nkind: Tea$0m\nname: R\nspacePermissions: [ProjectView]\n', {
        code: 'kind-mismatch',
        title: "Change 'kind' to 'Role'",
        after: '#= r.role.yaml\nkind: Role\nname: R\nspacePermissions: [ProjectView]\n',
      });
    });

    it('names a nameless document after its file', () => {
      checkFix('#= release-deployers.role.yaml\nspacePermissions$0: [ProjectView]\n', {
        code: 'missing-name',
        title: "Name it 'Release Deployers'",
        after: '#= release-deployers.role.yaml\nname: Release Deployers\nspacePermissions: [ProjectView]\n',
      });
      checkFix('#= ops.team.yaml\nna$0me: # who?\nroles: [System Manager]\n', {
        code: 'missing-name',
        title: "Name it 'Ops' (grants System Manager server-wide to team Ops)",
        after: '#= ops.team.yaml\nname: Ops # who?\nroles: [System Manager]\n',
      });
    });
  });

  describe('teams', () => {
    const ROLES = '#= roles.role.yaml\nname: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n---\nname: Auditor\nsystemPermissions: [EventView]\n';
    const SPACES = '#= spaces.space.yaml\nname: Finance\nenvironments: [Test, Production]\n---\nname: Platform\n';

    it('replaces an unknown role with a suggestion, creates it, or removes it', () => {
      const src = `${ROLES}#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - Deployr$0\n  - Project Viewer\n`;
      checkFix(src, { code: 'unknown-role', title: "Change to 'Deployer' (grants DeploymentCreate in Finance to team Finance/T)", after: '#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - Deployer\n  - Project Viewer\n' });
      checkFix(src, { code: 'unknown-role', title: "Remove 'Deployr' from 'T'", after: '#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - Project Viewer\n' });
      checkFix(src, {
        code: 'unknown-role',
        title: "Create role 'Deployr' (a space role with ProjectView to start)",
        after: '#= deployr.role.yaml\nname: Deployr\nspacePermissions:\n  - ProjectView # a start: list what this role may do in a space\nsystemPermissions: []\n',
      });
    });

    it('does not suggest a role that would be an error where it is assigned', () => {
      // Auditor is system-only, so a space team cannot use it.
      const titles = fixTitles(`${ROLES}#= t.team.yaml\nname: T\nspace: Finance\nroles: [Audito$0]\n`, 'unknown-role');
      assert.ok(!titles.includes("Change to 'Auditor'"), titles.join(', '));
    });

    it('replaces or creates an unknown space', () => {
      const src = `${SPACES}#= t.team.yaml\nname: T\nspace: Finanse$0\nroles: [Project Viewer]\n`;
      checkFix(src, { code: 'unknown-space', title: "Change to 'Finance' (grants Project Viewer in Finance and server-wide to team Finance/T)", after: '#= t.team.yaml\nname: T\nspace: Finance\nroles: [Project Viewer]\n' });
      checkFix(src, { code: 'unknown-space', title: /^Create space 'Finanse' \(grants Space Manager in Finanse and server-wide; Project Viewer in Finanse and server-wide to team Finanse\/Space Managers and team Finanse\/T\)$/, after: '#= finanse.space.yaml\nname: Finanse\n' });
    });

    it('makes a space team a system team, moving its space onto the assignments that need one', () => {
      const src = `${ROLES}${SPACES}#= t.team.yaml
name: T
space: Finance
roles:
  - Auditor$0
  - Deployer
  - role: Project Viewer
    environments: [Test]
  - role: Deployer
    space: Platform
`;
      const fix = checkFix(src, {
        code: 'system-role-in-space-team',
        title: "Make 'T' a system team (its roles keep space 'Finance') (grants EventView server-wide; Project Viewer in Finance and server-wide and 1 more to team T)",
        after: `#= t.team.yaml
name: T
roles:
  - Auditor
  - role: Deployer
    space: Finance
  - role: Project Viewer
    space: Finance
    environments: [Test]
  - role: Deployer
    space: Platform
`,
      });
      assert.ok(fix.preferred && !fix.safe);
      checkFix(`${ROLES}#= t.team.yaml\nname: T\nspace: "Finance"\nroles: [Auditor$0, Deployer]\n`, {
        code: 'system-role-in-space-team',
        title: /^Make 'T' a system team/,
        after: '#= t.team.yaml\nname: T\nroles: [Auditor, {role: Deployer, space: "Finance"}]\n',
      });
      checkFix(`${ROLES}#= t.team.yaml\nname: T\nspace: Finance\nroles: [Auditor$0, Deployer]\n`, {
        code: 'system-role-in-space-team',
        title: "Remove 'Auditor' from 'T'",
        after: '#= t.team.yaml\nname: T\nspace: Finance\nroles: [Deployer]\n',
      });
    });

    it('drops restrictions from system-only roles when making a system team, and refuses a name clash', () => {
      const src = `${ROLES}#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - role: Auditor$0\n    environments: [Test]\n`;
      checkFix(src, { code: 'system-role-in-space-team', title: /^Make 'T' a system team/, after: '#= t.team.yaml\nname: T\nroles:\n  - role: Auditor\n' });
      const clash = `${src}#= other.team.yaml\nname: T\nroles: [Auditor]\n`;
      assert.ok(!fixTitles(clash, 'system-role-in-space-team').some((t) => t.startsWith('Make')));
    });

    it('applies a space role in a chosen space, one action per space, the likeliest first', () => {
      const src = `${ROLES}${SPACES}#= t.team.yaml\nname: T\nroles:\n  - Deployer$0\n  - role: Project Viewer\n    space: Platform\n`;
      const { fixes } = fixesAtCursor(src, 'space-required');
      assert.deepEqual(
        fixes.map((f) => f.title),
        [
          "Apply 'Deployer' in space 'Platform' (grants DeploymentCreate in Platform to team T)",
          "Apply 'Deployer' in space 'Finance' (grants DeploymentCreate, ProjectView in Finance to team T)",
          "Remove 'Deployer' from 'T'",
          "Suppress 'space-required' on this line",
        ],
      );
      assert.ok(fixes[0].preferred);
      checkFix(src, {
        code: 'space-required',
        title: "Apply 'Deployer' in space 'Finance' (grants DeploymentCreate, ProjectView in Finance to team T)",
        after: '#= t.team.yaml\nname: T\nroles:\n  - role: Deployer\n    space: Finance\n  - role: Project Viewer\n    space: Platform\n',
      });
      checkFix(`${ROLES}${SPACES}#= t.team.yaml\nname: T\nroles:\n  - role: Deployer$0\n    environments: [Test]\n`, {
        code: 'space-required',
        title: /^Apply 'Deployer' in space 'Finance' \(grants DeploymentCreate, ProjectView in Finance to team T\)$/,
        after: '#= t.team.yaml\nname: T\nroles:\n  - role: Deployer\n    space: Finance\n    environments: [Test]\n',
      });
      checkFix(`${ROLES}${SPACES}#= t.team.yaml\nname: T\nroles: [{role: Deployer$0}]\n`, {
        code: 'space-required',
        title: "Apply 'Deployer' in space 'Platform' (grants DeploymentCreate, ProjectView in Platform to team T)",
        after: '#= t.team.yaml\nname: T\nroles: [{role: Deployer, space: Platform}]\n',
      });
    });

    it('removes a space that is not allowed', () => {
      checkFix(`${ROLES}${SPACES}#= t.team.yaml\nname: T\nroles:\n  - space$0: Finance\n    role: Auditor\n`, {
        code: 'space-not-allowed',
        title: "Remove 'space' from this assignment (grants EventView server-wide to team T)",
        after: '#= t.team.yaml\nname: T\nroles:\n  - role: Auditor\n',
      });
      const fix = checkFix(`${ROLES}${SPACES}#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - role: Deployer\n    space$0: Finance\n`, {
        code: 'space-not-allowed',
        title: "Remove 'space' from this assignment (grants DeploymentCreate, ProjectView in Finance to team Finance/T)",
        after: '#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - role: Deployer\n',
      });
      // Octopus refuses the assignment as written (SPEC section 8, rule 1), so it grants nothing until the
      // space goes: the fix grants, and is the user's choice, never fix-all's.
      assert.ok(!fix.safe, 'the refused assignment starts to grant');
      const moved = checkFix(`${ROLES}${SPACES}#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - role: Deployer\n    space$0: Platform\n`, {
        code: 'space-not-allowed',
        title: "Remove 'space' from this assignment (grants DeploymentCreate, ProjectView in Finance to team Finance/T)",
        after: '#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - role: Deployer\n',
      });
      assert.ok(!moved.safe, 'another space: the role would move, a person decides');
      // A comment line above the key, at its indentation, goes with it (CRLF kept).
      checkFix(`${ROLES}${SPACES}#= t.team.yaml\nname: T\r\nroles:\r\n  - role: Auditor\r\n    # where it applies\r\n    space$0: Finance\r\n`, {
        code: 'space-not-allowed',
        title: "Remove 'space' from this assignment (grants EventView server-wide to team T)",
        after: '#= t.team.yaml\nname: T\r\nroles:\r\n  - role: Auditor\r\n',
      });
    });

    it('removes restrictions that restrict nothing or that Octopus refuses', () => {
      const certs = '#= c.role.yaml\nname: Certs\nspacePermissions: [CertificateView]\n';
      const fix = checkFix(`${certs}#= t.team.yaml\nname: T\nspace: S\nroles:\n  - role: Certs\n    projects$0: [Billing]\n    environments: [Test]\n`, {
        code: 'restriction-not-supported',
        title: 'Remove the projects restriction, which restricts nothing',
        after: '#= t.team.yaml\nname: T\nspace: S\nroles:\n  - role: Certs\n    environments: [Test]\n',
      });
      assert.ok(fix.safe);
      checkFix('#= t.team.yaml\nname: T\nroles:\n  - role: System Manager\n    environments$0:\n      - Test\n', {
        code: 'restriction-at-system-level',
        title: 'Remove the environments restriction, which restricts nothing',
        after: '#= t.team.yaml\nname: T\nroles:\n  - role: System Manager\n',
      });
      const widening = checkFix('#= t.team.yaml\nname: T\nspace: S\nroles:\n  - role: Space Manager\n    environments$0: [Test]\n', {
        code: 'unrestrictable-role',
        title: "Remove the environments restriction (the team gets Space Manager in the whole space) (grants Space Manager in S to team S/T)",
        after: '#= t.team.yaml\nname: T\nspace: S\nroles:\n  - role: Space Manager\n',
      });
      assert.ok(!widening.safe, 'widening access is never automatic');
    });

    it('replaces an undeclared environment with a declared one', () => {
      checkFix(`${SPACES}#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - role: Project Viewer\n    environments: [Test, Prodution$0]\n`, {
        code: 'unknown-scope-value',
        title: "Change to 'Production' (grants Project Viewer in Finance to team Finance/T)",
        after: '#= t.team.yaml\nname: T\nspace: Finance\nroles:\n  - role: Project Viewer\n    environments: [Test, Production]\n',
      });
    });

    it('removes a duplicate assignment', () => {
      checkFix('#= t.team.yaml\nname: T\nspace: S\nroles:\n  - role: Project Viewer\n    environments: [Test]\n  - Project Viewer\n  - role: Project Viewer$0\n    environments: [Test]\n', {
        code: 'duplicate-assignment',
        title: "Remove the duplicate assignment of 'Project Viewer'",
        after: '#= t.team.yaml\nname: T\nspace: S\nroles:\n  - role: Project Viewer\n    environments: [Test]\n  - Project Viewer\n',
      });
    });
  });

  describe('suppression', () => {
    it('adds a comment above the line, with its indentation, or extends one already there', () => {
      checkFix('name: R\nspacePermissions:\n  - ProjectVeiw$0\n', {
        code: 'unknown-permission',
        title: "Suppress 'unknown-permission' on this line",
        after: 'name: R\nspacePermissions:\n  # octopus-roles-disable-next-line unknown-permission\n  - ProjectVeiw\n',
      });
      checkFix('name: R\nspacePermissions:\n  # octopus-roles-disable-next-line wrong-level -- legacy\n  - ProjectVeiw$0\n', {
        code: 'unknown-permission',
        title: "Suppress 'unknown-permission' on this line",
        after: 'name: R\nspacePermissions:\n  # octopus-roles-disable-next-line wrong-level, unknown-permission -- legacy\n  - ProjectVeiw\n',
      });
    });

    it('offers nothing for a file that was not analysed', () => {
      const ws = new Workspace();
      ws.setProblem('big.role.yaml', fileTooLarge(3e6, 2e6));
      assert.deepEqual(codeFixes(ws, 'big.role.yaml', ws.diagnostics('big.role.yaml')[0], DEFAULT_SETTINGS), []);
    });
  });

  describe('fix-all', () => {
    function fixAllOf(source: string): { text: string; applied: readonly string[]; settings: Settings } | undefined {
      const files = parseFixture(source, 'fixture.role.yaml');
      const { ws, settings } = workspaceOf(files);
      const path = files[files.length - 1].path;
      const before = ws.text(path);
      const result = fixAll(ws, path, settings);
      assert.equal(ws.text(path), before, 'fix-all leaves the workspace as it was');
      return result && { ...result, settings };
    }

    it('applies every safe fix of a file and nothing that needs a choice', () => {
      const result = fixAllOf(`name: R
spacePermissions:
  - ProjectView
  - UserView
  - ProjectView
  - TaskViewLog
  - ProjectVeiw
systemPermissions: [TeamView, EnvironmentView]
`)!;
      assert.equal(
        result.text,
        'name: R\nspacePermissions:\n  - ProjectView\n  - TaskView\n  - ProjectVeiw\n  - EnvironmentView\nsystemPermissions: [TeamView, UserView]\n',
      );
      assert.equal(result.applied.length, 4);
    });

    it('applies fixes of different rules together and keeps CRLF line endings', () => {
      const result = fixAllOf('name: R\r\nspacePermissions:\r\n  - TaskViewLog\r\n  - TaskViewLog\r\n')!;
      assert.equal(result.text, 'name: R\r\nspacePermissions:\r\n  - TaskView\r\n');
    });

    it('removes the comment lines that describe a removed item, and no other comment', () => {
      const result = fixAllOf(`# Deployers of the portal
name: R
spacePermissions:
  - ProjectView
  # Needed by the release train;
  # see the wiki.
  - ProjectView # twice
    # deeper: not the item's comment
  - TaskView

  # after a blank line
  - TaskView
`)!;
      assert.equal(
        result.text,
        "# Deployers of the portal\nname: R\nspacePermissions:\n  - ProjectView\n    # deeper: not the item's comment\n  - TaskView\n\n",
      );
    });

    it('returns undefined when nothing is safe to fix', () => {
      assert.equal(fixAllOf('name: R\nspacePermissions: [ProjectVeiw]\n'), undefined);
    });
  });
});

describe('quick-fix verification', () => {
  it('leaves the workspace as it was: every file its diagnostics, and the file it tried the fixes in its own model, not read again', () => {
    const ws = new Workspace();
    ws.setFile('/w/r.role.yaml', 'name: Ops\nspacePermissions: [ProjectVeiw, UserView]\n---\nname: Audit\nsystemPermissions: [TeamView]\n');
    ws.setFile('/w/t.team.yaml', 'name: T\nspace: Nowhere\nroles: [Ops, Opps]\n');
    const before = new Map([...ws.uris()].map((u) => [u, ws.diagnostics(u)]));
    const model = ws.model('/w/r.role.yaml');
    let offered = 0;
    for (const uri of ['/w/r.role.yaml', '/w/t.team.yaml']) {
      for (const d of ws.diagnostics(uri)) offered += codeFixes(ws, uri, d, DEFAULT_SETTINGS).length;
    }
    assert.ok(offered >= 4, `${offered} fixes offered`);
    assert.equal(ws.model('/w/r.role.yaml'), model, 'the role file was put back, not parsed again');
    for (const [u, ds] of before) assert.deepEqual(ws.diagnostics(u), ds, u);
  });
});
