/**
 * `octopus-roles diff --live DIR` (SPEC section 10): drift between the workspace and a server's dump, as
 * `diff` prints it with the server as BASE. No drift right after an import; an edit shows who gains what;
 * teams the dump has no scoped user roles for are unknown, never removed.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { toApi } from '../../server/src/bridge/to-api';
import { workspaceOf } from '../support/bridge';
import { dumpFiles } from '../support/dump';
import { check, tree } from '../support/folders';

const EXAMPLES = path.resolve(__dirname, '../../../examples/acme');

async function imported() {
  const dir = tree(Object.fromEntries(Object.entries(dumpFiles()).map(([k, v]) => [`dump/${k}`, v])));
  const r = await check(['import', '--from', 'dump', '--out', 'model'], dir);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

interface Json {
  objects: { kind: string; name: string; change: string }[];
  access: { principal: { kind: string; name: string }; gains: { permission: string; space?: string; restrictions: Record<string, string[]> }[]; losses: unknown[] }[];
}

describe('octopus-roles diff --live', () => {
  it('finds no drift right after an import', async () => {
    const dir = await imported();
    const r = await check(['diff', '--live', 'dump', 'model', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { objects: [], access: [] });
  });

  it('finds no drift between examples/acme and a dump of the same model', async () => {
    const dump = toApi(workspaceOf(EXAMPLES));
    const dir = tree({ 'dump/all.json': JSON.stringify(dump) });
    const r = await check(['diff', '--live', path.join(dir, 'dump'), EXAMPLES, '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // examples/acme has access policies: the server holds them as the workspace does.
    assert.deepEqual(JSON.parse(r.stdout), { policies: [], objects: [], access: [] });
  });

  it('compares the YAML model only: a Terraform module beside it is not a second copy of the server', async () => {
    const dir = await imported();
    writeFileSync(
      path.join(dir, 'model/infra.tf'),
      'resource "octopusdeploy_team" "ops" {\n  name  = "Ops"\n  users = ["zed"]\n\n  user_role {\n    user_role_id = "userroles-systemmanager"\n  }\n}\n',
    );
    const r = await check(['diff', '--live', 'dump', 'model', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { objects: [], access: [] });
  });

  it('shows who gains what when the workspace widens an assignment', async () => {
    const dir = await imported();
    const file = path.join(dir, 'model/teams/finance/finance-deployers.team.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('environments: [Production]', 'environments: [Production, Test]'));
    const r = await check(['diff', '--live', 'dump', 'model', '--format', 'json'], dir);
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout) as Json;
    assert.deepEqual(out.objects.map((o) => [o.kind, o.name, o.change]), [['team', 'Finance/Finance Deployers', 'changed']]);
    const who = out.access.map((a) => `${a.principal.kind}:${a.principal.name}`).sort();
    // alice manages Finance (Space Manager, unrestricted), so only bob and the team gain.
    assert.deepEqual(who, ['team:Finance/Finance Deployers', 'user:bob']);
    const bob = out.access.find((a) => a.principal.name === 'bob')!;
    // The gain is the context that is new: Test (Production was admitted before).
    assert.deepEqual(bob.gains.map((g) => [g.permission, g.space, g.restrictions.environments]), [['DeploymentCreate', 'Finance', ['Test']]]);
    assert.equal(bob.losses.length, 0, 'a widened restriction is a gain only');
    const text = await check(['diff', '--live', 'dump', 'model'], dir);
    assert.match(text.stdout, /\n {4}role assignment changed: Deployer; environments: \+Test\n/);
    assert.match(text.stdout, /\n {4}\+ DeploymentCreate in space Finance \(only environments: Test\)\n {2}1 member of Finance\/Finance Deployers gains the same: bob\n/);
  });

  it('reports the roles of a team without scoped user roles in the dump as unknown, not removed', async () => {
    const dir = await imported();
    const file = path.join(dir, 'model/teams/finance/idle.team.yaml');
    writeFileSync(file, 'name: Idle\nspace: Finance\nroles:\n  - Deployer\n');
    const r = await check(['diff', '--live', 'dump', 'model', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(JSON.parse(r.stdout).access, []);
    assert.match(r.stderr, /team "Finance\/Idle": roles unknown/);
  });

  it('shows a loss when the workspace drops an assignment the dump has', async () => {
    const dir = await imported();
    const file = path.join(dir, 'model/teams/_system/auditors.team.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  - Auditor\n', ''));
    const r = await check(['diff', '--live', 'dump', 'model', '--format', 'json'], dir);
    assert.equal(r.code, 3);
    const out = JSON.parse(r.stdout) as Json;
    const team = out.access.find((a) => a.principal.name === 'Auditors')!;
    assert.equal(team.gains.length, 0);
    // UserView stays: Project Viewer, applied in Finance, grants it server-wide too.
    assert.deepEqual((team.losses as { permission: string; scope: string }[]).map((g) => [g.permission, g.scope]), [['EventView', 'system']]);
    assert.ok(out.access.some((a) => a.principal.kind === 'user' && a.principal.name === 'alice'));
  });

  it('says how to use it', async () => {
    const r = await check(['diff', '--live'], tree({}));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--live needs a folder/);
    const help = await check(['diff', '--live', '--help'], tree({}));
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: octopus-roles diff --live DIR/);
  });
});
