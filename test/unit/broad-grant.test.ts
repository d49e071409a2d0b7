import * as assert from 'node:assert/strict';
import { ensureTerraform } from '../../server/src/node/terraform';
import { applyEdits, codeFixes, DEFAULT_SETTINGS, fixAll, Workspace } from '../../server/src/service';

describe('broad-grant (Everyone given more than viewing)', () => {
  before(async () => {
    await ensureTerraform();
  });

  const fixed = (ws: Workspace, uri: string, title: RegExp): string => {
    const d = ws.diagnostics(uri).find((x) => x.code === 'broad-grant');
    assert.ok(d, `no broad-grant in ${uri}`);
    const fix = codeFixes(ws, uri, d, DEFAULT_SETTINGS).find((f) => title.test(f.title));
    assert.ok(fix, codeFixes(ws, uri, d, DEFAULT_SETTINGS).map((f) => f.title).join('; '));
    return applyEdits(ws.text(uri)!, fix.change.edits.get(uri) ?? []);
  };

  it('removes the role from Everyone, or Everyone from the managers, and fix-all does neither', () => {
    const ws = new Workspace();
    const team = 'name: Everyone\nroles:\n  - role: Project Viewer\n    space: Finance\n  - role: Project Deployer\n    space: Finance\n';
    const space = 'name: Finance\nmanagers:\n  teams: [Everyone, Leads]\n';
    ws.setFile('/w/everyone.team.yaml', team);
    ws.setFile('/w/finance.space.yaml', space);
    ws.setFile('/w/leads.team.yaml', 'name: Leads\n');
    assert.equal(fixed(ws, '/w/everyone.team.yaml', /^Remove 'Project Deployer' from 'Everyone'/), 'name: Everyone\nroles:\n  - role: Project Viewer\n    space: Finance\n');
    assert.equal(fixed(ws, '/w/finance.space.yaml', /^Remove 'Everyone' from the managers of 'Finance'/), 'name: Finance\nmanagers:\n  teams: [Leads]\n');
    assert.equal(fixAll(ws, '/w/everyone.team.yaml', DEFAULT_SETTINGS)?.text ?? team, team);
    assert.equal(fixAll(ws, '/w/finance.space.yaml', DEFAULT_SETTINGS)?.text ?? space, space);
  });

  it('speaks of the scoped user role in a Terraform module that gives Everyone a deploying role', () => {
    const ws = new Workspace();
    const text = 'resource "octopusdeploy_scoped_user_role" "all_deploy" {\n  team_id      = "teams-everyone"\n  user_role_id = "userroles-deploymentcreator"\n  space_id     = "Spaces-1"\n}\n';
    ws.setFile('/m/main.tf', text);
    const d = ws.diagnostics('/m/main.tf').filter((x) => x.code === 'broad-grant');
    assert.deepEqual(d.map((x) => text.slice(x.span.start, x.span.end)), ['"userroles-deploymentcreator"']);
    assert.match(d[0].message, /`Deployment Creator` lets all of them change things: `DeploymentCreate` and `RunbookRunCreate`/);
    const viewer = text.replace('userroles-deploymentcreator', 'userroles-projectviewer');
    ws.setFile('/m/main.tf', viewer);
    assert.deepEqual(ws.diagnostics('/m/main.tf').filter((x) => x.code === 'broad-grant'), []);
  });
});
