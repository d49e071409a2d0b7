/**
 * who-can leaves out what cannot matter for the question (SPEC section 8): a space's built-in Space Managers
 * team with nobody in it, and notes about an assignment whose known role cannot hold what is asked.
 */
import * as assert from 'node:assert/strict';
import { runCli } from '../../server/src/cli';
import { whoCan, Workspace } from '../../server/src/service';
import { tree } from '../support/folders';

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

describe('who-can: only what can matter for the question', () => {
  it("leaves out a space's Space Managers team when the space lists no managers, and keeps one with members", () => {
    const ws = new Workspace();
    ws.setFile('/w/finance.space.yaml', 'name: Finance\n');
    ws.setFile('/w/payroll.space.yaml', 'name: Payroll\nmanagers:\n  members: [alice]\n');
    ws.setFile('/w/leads.team.yaml', 'name: Leads\nmembers: [bob]\nroles:\n  - role: Project Lead\n    space: Finance\n');
    const who = (subject: string) => whoCan(ws, subject)!.map((e) => `${e.principal.kind}:${e.principal.name}${e.principal.space ? `@${e.principal.space}` : ''}`);
    assert.deepEqual(who('ProjectView'), ['team:Leads', 'team:Space Managers@Payroll', 'user:alice', 'user:bob']);
    assert.deepEqual(who('export-projects'), ['team:Space Managers@Payroll', 'user:alice']);
  });

  it("leaves out a note about an assignment whose role cannot hold the permission asked, and keeps the others", async () => {
    const dir = tree({
      'main.tf': `variable "space_id" {}

resource "octopusdeploy_team" "viewers" {
  name  = "Viewers"
  users = ["carol"]

  user_role {
    user_role_id    = "userroles-projectviewer"
    space_id        = "Spaces-1"
    environment_ids = var.environments
  }

  user_role {
    user_role_id = var.role
    space_id     = "Spaces-1"
  }
}
`,
    });
    const notes = async (subject: string) => {
      const r = await run(['who-can', subject, '--format', 'json'], dir);
      assert.equal(r.code, 0, r.stderr);
      return ((JSON.parse(r.stdout) as { notes?: { line: number }[] }).notes ?? []).map((n) => n.line).sort((a, b) => a - b);
    };
    // Project Viewer holds ProjectView, so where it applies (its environments are computed) matters; it cannot
    // deploy, so for DeploymentCreate only the assignment of an unknown role is worth a note. (A space id that
    // stays computed is a symbolic space, not a note: SPEC section 9.)
    assert.deepEqual(await notes('ProjectView'), [7, 13]);
    assert.deepEqual(await notes('DeploymentCreate'), [13]);
    assert.deepEqual(await notes('export-projects'), [13]);
  });
});

describe('who-can over a Terraform module with a policy file beside it', () => {
  it('lists the built-in teams once, as the module has them: a policy file is no YAML model', async () => {
    const dir = tree({
      'main.tf': 'resource "octopusdeploy_team" "ops" {\n  name  = "Ops"\n  users = ["bob"]\n  user_role {\n    user_role_id = "userroles-systemadministrator"\n  }\n}\n',
      'access.policy.yaml': 'policies:\n  - name: Only Ops administers\n    permission: AdministerSystem\n    only: [team:Ops, team:Octopus Administrators]\n',
    });
    const r = await run(['who-can', 'AdministerSystem', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const principals = (JSON.parse(r.stdout) as { principals: { kind: string; name: string; module?: string }[] }).principals;
    assert.deepEqual(principals.map((p) => `${p.kind}:${p.name}:${p.module === undefined ? 'yaml' : 'module'}`), ['team:Ops:module', 'team:Octopus Administrators:module', 'user:bob:module']);
  });
});
