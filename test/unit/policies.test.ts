/**
 * Proving access policies (SPEC section 11) on the records model (section 8, rule 5): each kind of policy
 * holding and breaking on YAML and Terraform models, a user breaching through an unlisted team, Everyone,
 * an external group, a record covered by another, the untenanted context, and the editor's re-proof when
 * a team file changes. Expected results come from SPEC section 11 and how Octopus grants access.
 */
import * as assert from 'node:assert/strict';
import { ensureTerraform } from '../../server/src/node/terraform';
import { applyEdits, codeFixes, complete, DEFAULT_SETTINGS, definition, fixAll, rename, Workspace, type Diagnostic } from '../../server/src/service';
import { provePolicies } from '../../server/src/service/model/policies';

const ROLE = 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n';
const SPACE = 'name: Finance\nenvironments: [Test, Production]\ntenants: [Acme]\nmanagers:\n  teams: [Octopus Administrators]\n';
const POLICY = 'file:///w/access.policy.yaml';

/** A space team of Finance. */
function team(name: string, members: string[], assignments: string[], extra = ''): string {
  const roles = assignments.map((a) => `  - role: Deployer${a ? `\n    ${a}` : ''}`).join('\n');
  return `name: ${name}\nspace: Finance\nmembers: [${members.join(', ')}]\n${extra}roles:\n${roles}\n`;
}

/** A workspace of the role, the space, the given team files and one policy. */
function workspace(teams: Record<string, string>, policy: string): Workspace {
  const ws = new Workspace();
  ws.setFile('file:///w/deployer.role.yaml', ROLE);
  ws.setFile('file:///w/finance.space.yaml', SPACE);
  for (const [name, text] of Object.entries(teams)) ws.setFile(`file:///w/${name}.team.yaml`, text);
  ws.setFile(POLICY, `policies:\n  - name: P\n${policy.replace(/^/gm, '    ')}\n`);
  return ws;
}

const breaches = (ws: Workspace) => ws.diagnostics(POLICY).filter((d) => d.code === 'policy-breach');
const errors = (ws: Workspace) => ws.diagnostics(POLICY).filter((d) => d.severity === 'error');
const names = (d: Diagnostic | undefined) => [...(d?.data?.candidates ?? [])].sort();

describe('access policies: proof on the records model (SPEC section 11)', () => {
  const prod = 'permission: DeploymentCreate\nspace: Finance\nenvironment: Production';
  const managers = '"team:Finance/Space Managers", team:Octopus Administrators';

  it('`only` holds when every holder in the context is listed (Space Managers hold everything in their space)', () => {
    const ws = workspace({ rm: team('Release Managers', ['alice'], ['environments: [Production]']), ops: team('Ops', ['bob'], ['environments: [Test]']) }, `${prod}\nonly: [team:Release Managers, ${managers}]`);
    assert.deepEqual(errors(ws), []);
    assert.deepEqual(provePolicies(ws, POLICY).proofs.get(0)?.map((p) => ({ module: p.module, breaches: p.breaches })), [{ module: undefined, breaches: [] }]);
  });

  it('`only` breaks on an unlisted team, naming it, its members and groups, with the assignment as related information', () => {
    const ws = workspace(
      { rm: team('Release Managers', ['alice'], ['environments: [Production]']), ops: team('Ops', ['bob'], ['environments: [Production]'], 'externalGroups: ["CN=Ops,DC=corp"]\n') },
      `${prod}\nonly: [team:Release Managers, ${managers}]`,
    );
    const [d] = breaches(ws);
    assert.deepEqual(names(d), ['group:CN=Ops,DC=corp', 'team:Finance/Ops', 'user:bob']);
    assert.ok(d.message.includes('`Finance/Ops`'));
    assert.deepEqual(d.related?.map((r) => r.uri), ['file:///w/ops.team.yaml']);
    const text = 'file:///w/ops.team.yaml';
    assert.equal(d.related![0].span.start, ws.text(text)!.indexOf('Deployer'));
  });

  it('a user listed holds it through any team; an unlisted user breaches through an unlisted team even when also in a listed one', () => {
    const teams = { rm: team('Release Managers', ['alice', 'bob'], ['environments: [Production]']), ops: team('Ops', ['bob'], ['environments: [Production]']) };
    const ws = workspace(teams, `${prod}\nonly: [team:Release Managers, team:Ops, ${managers}]`);
    assert.deepEqual(errors(ws), []);
    const ws2 = workspace(teams, `${prod}\nonly: [team:Release Managers, user:bob, ${managers}]`);
    // Ops itself holds it; bob is listed; alice holds it only through a listed team.
    assert.deepEqual(names(breaches(ws2)[0]), ['team:Finance/Ops']);
  });

  it('holding it through Everyone is a breach unless Everyone is listed', () => {
    const everyone = 'name: Everyone\nroles:\n  - role: Deployer\n    space: Finance\n';
    const ws = workspace({ rm: team('Release Managers', ['alice'], ['']), everyone }, `${prod}\nonly: [team:Release Managers, ${managers}]`);
    const listed = names(breaches(ws)[0]);
    assert.ok(listed.includes('Everyone'), listed.join());
    // alice is in a listed team, but holds it through Everyone too.
    assert.ok(listed.includes('user:alice'), listed.join());
    assert.deepEqual(errors(workspace({ rm: team('Release Managers', ['alice'], ['']), everyone }, `${prod}\nonly: [Everyone, team:Release Managers, ${managers}]`)), []);
  });

  it('an external group breaches through the team that lists it, and holds through a listed one', () => {
    const teams = { ops: team('Ops', [], [''], 'externalGroups: ["CN=Ops"]\n') };
    assert.deepEqual(names(breaches(workspace(teams, `${prod}\nonly: ["group:CN=Ops", ${managers}]`))[0]), ['team:Finance/Ops']);
    assert.deepEqual(errors(workspace(teams, `${prod}\nonly: [team:Ops, ${managers}]`)), []);
  });

  it('a team restricted to other environments does not hold it in the context', () => {
    const ws = workspace({ ops: team('Ops', ['bob'], ['environments: [Test]']) }, `${prod}\nonly: [${managers}]`);
    assert.deepEqual(errors(ws), []);
    assert.equal(breaches(workspace({ ops: team('Ops', ['bob'], ['environments: [Test]']) }, `permission: DeploymentCreate\nspace: Finance\nonly: [${managers}]`)).length, 1);
  });

  it('untenanted work: a record restricted in tenants does not admit it', () => {
    const teams = { acme: team('Acme Deployers', ['bob'], ['tenants: [Acme]']) };
    assert.deepEqual(errors(workspace(teams, `permission: DeploymentCreate\nspace: Finance\nuntenanted: true\nonly: [${managers}]`)), []);
    assert.equal(breaches(workspace(teams, `permission: DeploymentCreate\nspace: Finance\ntenant: Acme\nonly: [${managers}]`)).length, 1);
    assert.equal(breaches(workspace(teams, `permission: DeploymentCreate\nspace: Finance\nuntenanted: true\nincludes: [team:Acme Deployers]`)).length, 1);
  });

  it('`includes` holds through a record that covers a narrower one, and breaks when only narrow records admit the context', () => {
    const covered = team('Deployers', ['bob'], ['environments: [Production]', '']);
    assert.deepEqual(errors(workspace({ d: covered }, 'permission: DeploymentCreate\nspace: Finance\nincludes: [team:Deployers, user:bob]')), []);
    const narrow = team('Deployers', ['bob'], ['environments: [Production]', 'environments: [Test]']);
    // Two records, Production and Test: each admits part of the space, neither all of it (never merged).
    const d = breaches(workspace({ d: narrow }, 'permission: DeploymentCreate\nspace: Finance\nincludes: [team:Deployers, user:bob]'));
    assert.equal(d.length, 1);
    assert.ok(d[0].message.includes('`Finance/Deployers`') && d[0].message.includes('`bob`'), d[0].message);
    assert.deepEqual(d[0].related?.map((r) => r.uri), [POLICY, POLICY]);
    assert.deepEqual(errors(workspace({ d: narrow }, 'permission: DeploymentCreate\nspace: Finance\nenvironment: Test\nincludes: [team:Deployers, user:bob]')), []);
  });

  it('`unrestricted: none` breaks on a team holding it unrestricted, not on restricted records', () => {
    // ProjectView supports no environment restriction: one in environments would restrict nothing.
    const restricted = team('Ops', ['bob'], ['projects: [Billing]']);
    const policy = 'permission: ProjectView\nspace: Finance\nunrestricted: none';
    const d = breaches(workspace({ ops: restricted }, policy));
    // Octopus Administrators manage Finance (its managers' teams): Space Manager there, unrestricted, so
    // they can view every project. The space's own Space Managers team has nobody in it: no holder.
    assert.equal(d.length, 1);
    assert.ok(d[0].message.includes('`Octopus Administrators`') && !d[0].message.includes('Ops') && !d[0].message.includes('Space Managers'), d[0].message);
    const open = breaches(workspace({ ops: team('Ops', ['bob'], ['']) }, policy));
    assert.ok(open[0].message.includes('`Finance/Ops`'), open[0].message);
  });

  it('capabilities: only Space Manager holders can export projects', () => {
    const ws = workspace({}, `capability: export-projects\nspace: Finance\nonly: [${managers}]`);
    assert.deepEqual(errors(ws), []);
    const sm = 'name: Exporters\nspace: Finance\nmembers: [dave]\nroles: [Space Manager]\n';
    const d = breaches(workspace({ sm }, `capability: export-projects\nspace: Finance\nonly: [${managers}]`));
    assert.deepEqual(names(d[0]), ['team:Finance/Exporters', 'user:dave']);
  });

  it('re-proves the policy when a team file changes, and the change reports the policy file as affected', () => {
    const ws = workspace({ ops: team('Ops', ['bob'], ['environments: [Test]']) }, `${prod}\nonly: [${managers}]`);
    assert.deepEqual(errors(ws), []);
    const affected = ws.setFile('file:///w/ops.team.yaml', team('Ops', ['bob'], ['environments: [Production]']));
    assert.ok(affected.has(POLICY));
    assert.equal(breaches(ws).length, 1);
    ws.removeFile('file:///w/ops.team.yaml');
    assert.deepEqual(errors(ws), []);
  });

  it('an unknown principal is unknown-principal with the nearest name; a known one that holds nothing is not', () => {
    const ws = workspace({ ops: team('Ops', ['bob'], ['environments: [Test]']) }, `${prod}\nonly: [team:Opps, user:bob, ${managers}]`);
    const d = ws.diagnostics(POLICY).filter((x) => x.code === 'unknown-principal');
    assert.equal(d.length, 1);
    assert.deepEqual(d[0].data?.candidates, ['team:Ops']);
  });

  it('offers to list the breaching principals in `only`, never as a safe fix: fix-all leaves the policy alone', () => {
    const ws = workspace({ ops: team('Ops', ['bob'], ['environments: [Production]']) }, `${prod}\nonly: [${managers}]`);
    const [d] = breaches(ws);
    const fixes = codeFixes(ws, POLICY, d, DEFAULT_SETTINGS);
    const all = fixes.find((f) => f.title.startsWith("List 'team:Finance/Ops', 'user:bob'"));
    assert.ok(all, fixes.map((f) => f.title).join(' | '));
    assert.ok(fixes.filter((f) => f.diagnostic.code === 'policy-breach').every((f) => !f.safe));
    ws.setFile(POLICY, applyEdits(ws.text(POLICY)!, all.change.edits.get(POLICY)!));
    assert.deepEqual(errors(ws), []);
    const before = workspace({ ops: team('Ops', ['bob'], ['environments: [Production]']) }, `${prod}\nonly: [team:Opps, ${managers}]`);
    const result = fixAll(before, POLICY, DEFAULT_SETTINGS);
    assert.deepEqual(result?.applied ?? [], []);
  });

  it('renaming a team or a space updates the policies that name them, and the policies still hold', () => {
    const ws = workspace({ rm: team('Release Managers', ['alice'], ['environments: [Production]']) }, `${prod}\nonly: [team:Release Managers, ${managers}]\nincludes: ["team:Finance/Release Managers"]`);
    assert.deepEqual(errors(ws), []);
    const teamFile = 'file:///w/rm.team.yaml';
    const change = rename(ws, teamFile, ws.text(teamFile)!.indexOf('Release'), 'Deployers');
    assert.ok(!('error' in change));
    const policyEdits = change.edits.get(POLICY)!;
    ws.setFile(teamFile, applyEdits(ws.text(teamFile)!, change.edits.get(teamFile)!));
    ws.setFile(POLICY, applyEdits(ws.text(POLICY)!, policyEdits));
    assert.match(ws.text(POLICY)!, /only: \["?team:Deployers"?, "team:Finance\/Space Managers"/);
    assert.match(ws.text(POLICY)!, /includes: \["team:Finance\/Deployers"\]/);
    assert.deepEqual(errors(ws), []);
    const spaceFile = 'file:///w/finance.space.yaml';
    const moved = rename(ws, spaceFile, ws.text(spaceFile)!.indexOf('Finance'), 'Money');
    assert.ok(!('error' in moved));
    for (const [uri, edits] of moved.edits) ws.setFile(uri, applyEdits(ws.text(uri)!, edits));
    assert.match(ws.text(POLICY)!, /space: Money/);
    assert.match(ws.text(POLICY)!, /team:Money\/Space Managers/);
    assert.deepEqual(errors(ws), []);
  });

  it('goes to the definition of a principal: a team to its name, a user to the teams listing it', () => {
    const ws = workspace({ rm: team('Release Managers', ['alice'], ['']) }, `${prod}\nonly: [team:Release Managers, user:alice, ${managers}]`);
    const text = ws.text(POLICY)!;
    assert.deepEqual(definition(ws, POLICY, text.indexOf('team:Release') + 6), [{ uri: 'file:///w/rm.team.yaml', span: { start: 6, end: 22 } }]);
    const alice = definition(ws, POLICY, text.indexOf('user:alice') + 6);
    assert.deepEqual(alice.map((l) => [l.uri, ws.text(l.uri)!.slice(l.span.start, l.span.end)]), [['file:///w/rm.team.yaml', 'alice']]);
    assert.deepEqual(definition(ws, POLICY, text.indexOf('Finance') + 1).map((l) => l.uri), ['file:///w/finance.space.yaml']);
  });

  it('completes fields, permissions and context values in a policy file', () => {
    const ws = new Workspace();
    ws.setFile('file:///w/finance.space.yaml', SPACE);
    const text = 'policies:\n  - name: P\n    permission: Deploy\n    space: Finance\n    environment: Pro\n    unr\n';
    ws.setFile(POLICY, text);
    const labels = (needle: string, after: number) => complete(ws, POLICY, text.indexOf(needle) + after).map((e) => e.label);
    assert.ok(labels('Deploy', 6).includes('DeploymentCreate'));
    assert.deepEqual(labels('Pro', 3), ['Production', 'Test']);
    assert.ok(labels('unr', 3).includes('unrestricted') && !labels('unr', 3).includes('permission'));
  });

  describe('in Terraform modules: held to the policies of their folder and its parents', () => {
    before(async () => {
      await ensureTerraform();
    });

    const MODULE_ROLE = 'resource "octopusdeploy_user_role" "deployer" {\n  name = "Deployer"\n  granted_space_permissions = ["DeploymentCreate"]\n}\n';
    const moduleTeam = (name: string, env: string) =>
      `resource "octopusdeploy_team" "t" {\n  name  = "${name}"\n  users = ["erin"]\n  user_role {\n    user_role_id    = octopusdeploy_user_role.deployer.id\n    space_id        = "Spaces-1"\n    environment_ids = ["${env}"]\n  }\n}\n`;

    function tf(policyFolder: string, env: string): { ws: Workspace; uri: string } {
      const ws = new Workspace();
      ws.setFile('file:///repo/infra/prod/main.tf', MODULE_ROLE + moduleTeam('Platform', env));
      const uri = `${policyFolder}access.policy.yaml`;
      ws.setFile(uri, 'policies:\n  - name: Only release deploys to production\n    permission: DeploymentCreate\n    space: Spaces-1\n    environment: Environments-2\n    only: [team:Release]\n');
      return { ws, uri };
    }

    it('breaks in a module below the policy file, naming the module, and holds when the module does not grant it there', () => {
      const { ws, uri } = tf('file:///repo/', 'Environments-2');
      const d = ws.diagnostics(uri).filter((x) => x.code === 'policy-breach');
      assert.equal(d.length, 1);
      assert.ok(d[0].message.includes('Terraform module `infra/prod`'), d[0].message);
      assert.deepEqual(names(d[0]), ['team:Platform', 'user:erin']);
      assert.equal(d[0].related?.[0].uri, 'file:///repo/infra/prod/main.tf');
      const held = tf('file:///repo/', 'Environments-1');
      assert.deepEqual(held.ws.diagnostics(held.uri).filter((x) => x.code === 'policy-breach'), []);
    });

    it('does not hold a module to the policies of a folder beside it', () => {
      const { ws, uri } = tf('file:///repo/infra/staging/', 'Environments-2');
      assert.deepEqual(ws.diagnostics(uri).filter((x) => x.code === 'policy-breach'), []);
      const proofs = provePolicies(ws, uri).proofs.get(0)!;
      assert.deepEqual(proofs.map((p) => p.module), []);
    });
  });
});

describe('access policies and a space Space Managers team with nobody in it', () => {
  const SPACE_ONLY = 'name: Finance\nenvironments: [Test, Production]\n';
  const POLICIES = 'file:///p/access.policy.yaml';
  const OPS = 'name: Ops\nspace: Finance\nmembers: [bob]\nroles:\n  - role: Deployer\n    environments: [Test]\n';
  const policies = 'policies:\n  - name: Nobody deploys everywhere\n    permission: DeploymentCreate\n    space: Finance\n    unrestricted: none\n  - name: Only Ops deploys to test\n    permission: DeploymentCreate\n    space: Finance\n    environment: Test\n    only: [team:Ops]\n';

  function proved(space: string): string[] {
    const ws = new Workspace();
    ws.setFile('file:///p/deployer.role.yaml', ROLE);
    ws.setFile('file:///p/finance.space.yaml', space);
    ws.setFile('file:///p/ops.team.yaml', OPS);
    ws.setFile(POLICIES, policies);
    return ws.diagnostics(POLICIES).filter((d) => d.code === 'policy-breach').map((d) => d.message);
  }

  it('holds as who-can answers: nobody holds anything through an empty Space Managers team', () => {
    assert.deepEqual(proved(SPACE_ONLY), []);
  });

  it('breaks once the space has a manager, who holds every permission of the space unrestricted', () => {
    const messages = proved(`${SPACE_ONLY}managers: { members: [carol] }\n`);
    assert.equal(messages.length, 2, messages.join('\n'));
    assert.ok(messages.every((m) => m.includes('Space Managers')), messages.join('\n'));
  });
});
