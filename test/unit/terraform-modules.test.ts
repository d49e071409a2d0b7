/**
 * Terraform modules as administrators write them (SPEC section 9; issue 23), read whole from
 * test/fixtures/terraform-modules (one folder per module): spaces with their managers, literal locals,
 * variable defaults and `*.tfvars`, symbolic spaces, and teams adopted with `import` blocks. The findings
 * and the `explain`/`who-can` answers asserted here come from how Octopus and Terraform behave.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureTerraform } from '../../server/src/node/terraform';
import { accessNotes, accessOf, accessTeams, hover, whoCan, Workspace, type Access, type Principal } from '../../server/src/service';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'terraform-modules');

/** A module of the fixtures in a workspace of its own, and its folder's URI. */
function moduleOf(name: string): { ws: Workspace; module: string } {
  const ws = new Workspace();
  const module = `file:///modules/${name}/`;
  for (const file of readdirSync(path.join(FIXTURES, name)).sort()) ws.setFile(`${module}${file}`, readFileSync(path.join(FIXTURES, name, file), 'utf8'));
  return { ws, module };
}

const lines = (a: Access) => a.grants.map((g) => `${g.scope}${g.space ? `/${g.space}` : ''} ${g.permission}${Object.keys(g.restrictions).length ? ' ' + JSON.stringify(g.restrictions) : ''}`);
const findings = (ws: Workspace) => [...ws.uris()].flatMap((u) => ws.diagnostics(u).filter((d) => d.severity !== 'information').map((d) => `${u.split('/').pop()}: ${d.code}`));

describe('Terraform modules as administrators write them', () => {
  before(async () => {
    await ensureTerraform();
  });

  describe('octopusdeploy_space: the space and its managers', () => {
    it("hovers the teams a space's space_managers_teams names: a built-in id and a team resource's address", () => {
      const { ws, module } = moduleOf('space-managers');
      const uri = `${module}spaces.tf`;
      const text = ws.text(uri)!;
      const at = (needle: string) => hover(ws, uri, text.indexOf(needle) + 2)?.markdown ?? '';
      const everyone = at('"teams-everyone"');
      assert.match(everyone, /^\*\*Everyone\*\* · built-in system team/);
      assert.ok(everyone.includes('Holds every user'), everyone);
      const admins = at('octopusdeploy_team.finance_admins.id');
      assert.match(admins, /^\*\*[^*]+\*\* · team of this module/);
      // The team manages Finance: Space Manager there, so it can edit accounts in Finance.
      assert.match(admins, /AccountEdit/);
      // A manager named in space_managers_team_members is the user the module declares: ann, Space Manager of Platform.
      const ann = at('octopusdeploy_user.ann.id');
      assert.match(ann, /^\*\*ann\*\* · user/);
      assert.match(ann, /Space Managers \(space Platform\)/);
    });

    it('makes every user a Space Manager of a space whose space_managers_teams holds teams-everyone', () => {
      const { ws, module } = moduleOf('space-managers');
      const entries = whoCan(ws, 'export-projects', { space: 'Platform' })!;
      const names = entries.map((e) => `${e.principal.kind}:${e.principal.name}`);
      for (const p of ['team:Everyone', 'user:ann', 'user:bob', 'user:carl']) assert.ok(names.includes(p), `${p} in ${names.join(', ')}`);
      assert.ok(entries.every((e) => e.principal.module === module));
      const carl = lines(accessOf(accessTeams(ws), { kind: 'user', name: 'carl', module }));
      assert.ok(carl.includes('space/Platform AccountCreate'), carl.join('\n'));
    });

    it('gives Space Manager to the members of space_managers_team_members and the teams it names, in that space only', () => {
      const { ws, module } = moduleOf('space-managers');
      const teams = accessTeams(ws);
      const managers = accessOf(teams, { kind: 'team', name: 'Space Managers', space: 'Platform', module });
      assert.ok(lines(managers).includes('space/Platform AccountCreate'));
      const bob = lines(accessOf(teams, { kind: 'user', name: 'bob', module }));
      assert.ok(bob.includes('space/Finance AccountCreate'), bob.join('\n'));
      // carl is a developer in Finance: Project Viewer there (the space's id read as its name), no Space Manager.
      const carl = lines(accessOf(teams, { kind: 'user', name: 'carl', module }));
      assert.ok(carl.includes('space/Finance ProjectView') && !carl.includes('space/Finance AccountCreate'), carl.join('\n'));
      assert.deepEqual(accessOf(teams, { kind: 'user', name: 'ann', module }).teams.map((t) => `${t.name}/${t.space ?? ''}`).sort(), ['Everyone/', 'Space Managers/Platform']);
      // Everyone as Platform's manager is what broad-grant warns about (SPEC section 4); nothing else is found.
      assert.deepEqual(findings(ws), ['spaces.tf: broad-grant']);
      assert.deepEqual(accessNotes(ws), []);
    });
  });

  describe('values that are literals in the module, and symbolic spaces', () => {
    const principal = (module: string, name: string): Principal => ({ kind: 'user', name, module });

    it('reads locals, a default, and tfvars (auto.tfvars over terraform.tfvars, the later name winning)', () => {
      const { ws, module } = moduleOf('variables');
      const olga = lines(accessOf(accessTeams(ws), principal(module, 'olga')));
      assert.ok(olga.includes('space/Spaces-2 ProjectView'), 'local.ops_space');
      // local.alias_space is var.space_id, whose default is Spaces-1; environment_ids from terraform.tfvars.
      assert.ok(olga.includes('space/Spaces-1 DeploymentCreate {"environments":["Environments-1"]}'), olga.join('\n'));
      assert.ok(olga.includes('space/Spaces-9 ReleaseCreate'), olga.join('\n'));
      assert.ok(!olga.some((l) => /Spaces-[38] /.test(l)), olga.join('\n'));
      assert.deepEqual(findings(ws), []);
    });

    it('counts a remote-state space as one symbolic space, with the system grants the role gives from it', () => {
      const { ws, module } = moduleOf('variables');
      const space = '`data.terraform_remote_state.core.outputs.space_id` (not known from the module)';
      const cora = lines(accessOf(accessTeams(ws), principal(module, 'cora')));
      assert.ok(cora.includes(`space/${space} DeploymentCreate`), cora.join('\n'));
      // Project Deployer grants TeamView and UserView server-wide from any space (SPEC section 8 rule 3).
      assert.ok(cora.includes('system TeamView') && cora.includes('system UserView'), cora.join('\n'));
      assert.deepEqual(whoCan(ws, 'DeploymentCreate', { space })!.map((e) => `${e.principal.kind}:${e.principal.name}`), ['team:Core', 'user:cora']);
      assert.deepEqual(accessNotes(ws), []);
    });

    it('reads a tfvars file that changes after the module, and forgets it when it goes', () => {
      const { ws, module } = moduleOf('variables');
      const olga = () => lines(accessOf(accessTeams(ws), principal(module, 'olga')));
      ws.setFile(`${module}z.auto.tfvars`, 'release_space_id = "Spaces-7"\n');
      assert.ok(olga().includes('space/Spaces-7 ReleaseCreate'));
      ws.removeFile(`${module}z.auto.tfvars`);
      ws.removeFile(`${module}a.auto.tfvars`);
      assert.ok(olga().includes('space/Spaces-3 ReleaseCreate'), olga().join('\n'));
    });
  });

  describe('import blocks that adopt built-in teams', () => {
    it('counts an adopted team as the built-in team, its members and roles included, without a builtin-team error', () => {
      const { ws, module } = moduleOf('imports');
      assert.deepEqual(findings(ws), []);
      const teams = accessTeams(ws);
      const dana = accessOf(teams, { kind: 'user', name: 'dana', module });
      assert.deepEqual(dana.teams.map((t) => `${t.name}/${t.space ?? ''}`).sort(), ['Everyone/', 'Space Managers/Spaces-1']);
      assert.ok(lines(dana).includes('space/Spaces-1 AccountCreate'), lines(dana).join('\n'));
      // Everyone's inline role reaches every user, eve too.
      assert.ok(lines(accessOf(teams, { kind: 'user', name: 'eve', module })).includes('space/Spaces-1 ProjectView'));
      assert.equal(teams.filter((t) => t.module === module && t.name === 'Everyone').length, 1, 'one Everyone');
    });

    it("hovers an import block's id with the built-in team it adopts and that team's access", () => {
      const { ws, module } = moduleOf('imports');
      const uri = `${module}imports.tf`;
      const text = ws.text(uri)!;
      const at = (needle: string) => hover(ws, uri, text.indexOf(needle) + 2)?.markdown ?? '';
      const managers = at('"teams-spacemanagers-Spaces-1"');
      assert.match(managers, /^\*\*Space Managers\*\* · built-in team of the space `Spaces-1`/);
      assert.match(managers, /AccountCreate/);
      const everyone = at('"teams-everyone"');
      assert.match(everyone, /^\*\*Everyone\*\* · built-in system team/);
      assert.match(everyone, /ProjectView/);
    });

    it('reports a built-in team resource that no import block adopts, with Terraform advice', () => {
      const { ws, module } = moduleOf('imports');
      ws.removeFile(`${module}imports.tf`);
      const found = ws.diagnostics(`${module}teams.tf`);
      assert.deepEqual(found.filter((d) => d.severity === 'error').map((d) => d.code).sort(), ['builtin-team', 'tf-builtin-team-resource']);
      const second = found.find((d) => d.code === 'builtin-team')!.message;
      assert.match(second, /`import` block .*`space_managers_team_members`/);
      assert.doesNotMatch(second, /managers:|members: \[/);
    });
  });
});
