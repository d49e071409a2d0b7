/**
 * `octopus-roles import` (SPEC section 10): every quirk of real dumps, deterministic output, the refusal to
 * overwrite, --dry-run, `check` on the imported files, and the golden round trip of examples/acme through
 * the API's shapes.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readDump } from '../../server/src/bridge/api';
import { convertDump } from '../../server/src/bridge/convert';
import { toApi, builtinRoleId } from '../../server/src/bridge/to-api';
import { importFiles, modelFiles } from '../../server/src/bridge/yaml';
import { allAccess, compareModels, DEFAULT_SETTINGS, teamsOf, type ModelIndex } from '../../server/src/service';
import { BUILTIN_ROLES_FACTS_IDS } from '../support/builtin-ids';
import { workspaceFromFiles, workspaceOf } from '../support/bridge';
import { DUMP, dumpFiles } from '../support/dump';
import { check, tree, filesIn } from '../support/folders';

const EXAMPLES = path.resolve(__dirname, '../../../examples/acme');


async function importDump(files: Record<string, string>, extra: string[] = []) {
  const dir = tree(Object.fromEntries(Object.entries(files).map(([k, v]) => [`dump/${k}`, v])));
  const r = await check(['import', '--from', 'dump', '--out', 'model', ...extra], dir);
  return { ...r, dir, out: path.join(dir, 'model') };
}

const side = (label: string, ws: ModelIndex) => ({ label, ws, settingsFor: () => DEFAULT_SETTINGS, display: (uri: string) => uri });

describe('octopus-roles import', () => {
  it('resolves ids to names across pages, bare arrays and single resources, with ids in any case', async () => {
    const r = await importDump(dumpFiles());
    assert.equal(r.code, 0, r.stderr);
    const deployers = readFileSync(path.join(r.out, 'teams/finance/finance-deployers.team.yaml'), 'utf8');
    // Teams-1's space is "spaces-1" and its Project Viewer role "USERROLES-PROJECTVIEWER": both resolve.
    assert.equal(deployers, 'name: Finance Deployers\ndescription: Ships finance\nspace: Finance\nmembers:\n  - alice\n  - bob\nroles:\n  - role: Deployer\n    environments: [Production]\n  - Project Viewer\n');
    const leads = readFileSync(path.join(r.out, 'teams/finance/finance-leads.team.yaml'), 'utf8');
    assert.match(leads, /role: Project Contributor\n {4}projectGroups: \[Back office\]\n {4}tenants: \[Acme\]/);
  });

  it('treats SpaceId null, missing and "" as the system level', async () => {
    const r = await importDump(dumpFiles());
    const auditors = readFileSync(path.join(r.out, 'teams/_system/auditors.team.yaml'), 'utf8');
    assert.doesNotMatch(auditors, /^space:/m, 'SpaceId "" is a system team');
    assert.match(auditors, /^ {2}- Auditor$/m, 'SpaceId null: a system-level assignment, short form');
    assert.match(auditors, /role: Project Viewer\n {4}space: Finance/, 'a space assignment of a system team names its space');
    assert.ok(existsSync(path.join(r.out, 'teams/_system/octopus-administrators.team.yaml')), 'SpaceId missing is a system team');
  });

  it('writes a built-in role only when this server changed it, as builtIn: true, and reports it', async () => {
    const r = await importDump(dumpFiles());
    assert.deepEqual(readdirSync(path.join(r.out, 'roles')).sort(), ['auditor.role.yaml', 'deployer.role.yaml', 'project-contributor.role.yaml']);
    const contributor = readFileSync(path.join(r.out, 'roles/project-contributor.role.yaml'), 'utf8');
    assert.match(contributor, /^name: Project Contributor\nbuiltIn: true\nspacePermissions:\n/);
    assert.doesNotMatch(contributor, /- ProjectEdit$/m);
    const report = readFileSync(path.join(r.out, '.octopus-roles/import-report.txt'), 'utf8');
    assert.match(report, /role "Project Contributor": .*lacks ProjectEdit.*builtIn: true/);
  });

  it('maps the built-in teams: Space Managers to the space, Everyone to its roles, Administrators to its members', async () => {
    const r = await importDump(dumpFiles());
    const teams = [...filesIn(path.join(r.out, 'teams')).keys()];
    assert.ok(!teams.some((t) => /space-managers/.test(t)), `no Space Managers team file: ${teams.join(', ')}`);
    const space = readFileSync(path.join(r.out, 'spaces/finance.space.yaml'), 'utf8');
    // carol from SpaceManagersTeamMembers, alice from the team's members; Teams-2 manages it too.
    assert.match(space, /managers:\n {2}members:\n {4}- alice\n {4}- carol\n {2}teams:\n {4}- Finance Leads\n/);
    assert.equal(readFileSync(path.join(r.out, 'teams/_system/everyone.team.yaml'), 'utf8'), 'name: Everyone\nroles:\n  - role: Project Viewer\n    space: Finance\n');
    assert.equal(readFileSync(path.join(r.out, 'teams/_system/octopus-administrators.team.yaml'), 'utf8'), 'name: Octopus Administrators\nmembers:\n  - bob\nroles:\n  - System Administrator\n');
  });

  it('reports what it cannot carry over instead of guessing: empty groups, unknown members, unknown ids, teams without roles', async () => {
    const r = await importDump(dumpFiles());
    const report = readFileSync(path.join(r.out, '.octopus-roles/import-report.txt'), 'utf8');
    assert.match(report, /team "Auditors": an external security group without an id/);
    assert.match(report, /team "Auditors": member "Users-99" is no user of the dump/);
    assert.match(report, /team "Idle": the dump has no scoped user roles for this team; its roles are unknown/);
    assert.match(report, /project "Projects-404" .* kept as the id/);
    // The unknown project stays (dropping it would widen the assignment); the empty group and the unknown member go.
    const auditors = readFileSync(path.join(r.out, 'teams/_system/auditors.team.yaml'), 'utf8');
    assert.match(auditors, /projects: \[Billing, Projects-404\]/);
    assert.match(auditors, /externalGroups:\n {2}- CN=Audit,DC=corp\nroles:/);
    assert.match(auditors, /members:\n {2}- alice\nexternalGroups/);
    assert.match(r.stderr, /wrote 2 roles and 1 modified built-in role, 6 teams, 1 space; 5 things not carried over/);
  });

  it('writes the import map: names to ids, the assignments by team and role', async () => {
    const r = await importDump(dumpFiles());
    const map = JSON.parse(readFileSync(path.join(r.out, '.octopus-roles/import-map.json'), 'utf8'));
    assert.deepEqual(map.spaces, [{ name: 'Finance', id: 'Spaces-1' }]);
    assert.deepEqual(map.teams.find((t: { name: string }) => t.name === 'Finance Deployers'), { name: 'Finance Deployers', space: 'Finance', id: 'Teams-1' });
    assert.deepEqual(map.roles.find((t: { name: string }) => t.name === 'Deployer'), { name: 'Deployer', id: 'UserRoles-1' });
    assert.deepEqual(map.scopedUserRoles.find((s: { id: string }) => s.id === 'ScopedUserRoles-3'), { team: 'Auditors', role: 'Auditor', id: 'ScopedUserRoles-3' });
    assert.deepEqual(map.environments[0], { name: 'Production', space: 'Finance', id: 'Environments-2' });
  });

  it('gives the same bytes for the same data, whatever the file names and order', async () => {
    const a = await importDump(dumpFiles());
    const renamed = Object.fromEntries(Object.entries(dumpFiles()).reverse().map(([k, v], i) => [`${i}-${k}`, v]));
    const b = await importDump(renamed);
    assert.deepEqual(filesIn(b.out), filesIn(a.out));
    for (const text of filesIn(a.out).values()) assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'), 'one trailing newline');
  });

  it('refuses to overwrite without --force, writes nothing with --dry-run', async () => {
    const first = await importDump(dumpFiles());
    const again = await check(['import', '--from', 'dump', '--out', 'model'], first.dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exist.* already .*nothing written.*--force/);
    const forced = await check(['import', '--from', 'dump', '--out', 'model', '--force'], first.dir);
    assert.equal(forced.code, 0, forced.stderr);
    const dry = await check(['import', '--from', 'dump', '--out', 'dry', '--dry-run'], first.dir);
    assert.equal(dry.code, 0);
    assert.ok(!existsSync(path.join(first.dir, 'dry')));
    assert.match(dry.stdout, /--- dry\/teams\/finance\/finance-deployers\.team\.yaml/);
    assert.match(dry.stderr, /would write/);
  });

  it('never crashes on bad input: not JSON, unknown shapes, nothing usable', async () => {
    const r = await importDump({ 'broken.json': '{"Items": [', 'other.json': '{"Hello": 1}', 'readme.txt': 'hi' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.json: not JSON/);
    assert.match(r.stderr, /other\.json: no user roles/);
    assert.match(r.stderr, /nothing written/);
    assert.ok(!existsSync(r.out));
  });

  it('gives files that check finds no error in; the one warning is the unknown project id the server data holds', async () => {
    const r = await importDump(dumpFiles());
    const c = await check(['check', 'model', '--format', 'json'], r.dir);
    assert.equal(c.code, 0, c.stdout);
    const findings = JSON.parse(c.stdout) as { severity: string; code: string; message: string }[];
    assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
    assert.deepEqual(findings.filter((f) => f.severity === 'warning').map((f) => [f.code, /Projects-404/.test(f.message)]), [['unknown-scope-value', true]]);
  });

  it('round-trips examples/acme through the API shapes: the same roles, teams, spaces and access', () => {
    const original = workspaceOf(EXAMPLES);
    const dump = JSON.parse(JSON.stringify(toApi(original)));
    const { dump: read, problems } = readDump([{ name: 'all.json', text: JSON.stringify(Object.values(dump).flat()) }]);
    assert.deepEqual(problems, []);
    const imported = convertDump(read);
    assert.deepEqual(imported.report, []);
    const back = workspaceFromFiles(modelFiles(imported));
    const result = compareModels(side('acme', original), side('imported', back));
    assert.deepEqual(result.objects.filter((o) => o.change !== 'changed' || o.details.some((d) => !/description/i.test(d))), [], JSON.stringify(result.objects, null, 1));
    assert.deepEqual(result.access, []);
    const key = (ws: ModelIndex) => [...allAccess(teamsOf(ws)).entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, a]) => [k, a.grants.map((g) => [g.permission, g.scope, g.space, JSON.stringify(Object.entries(g.restrictions).map(([d, v]) => [d, [...v!].sort()]).sort())])]);
    assert.deepEqual(key(back), key(original));
    assert.ok(importFiles(imported).has('.octopus-roles/import-map.json'));
  });

  it('imports a dump of examples/acme into files that check finds nothing wrong with', async () => {
    const dir = tree({ 'dump/all.json': JSON.stringify(toApi(workspaceOf(EXAMPLES))) });
    const r = await check(['import', '--from', 'dump', '--out', 'model'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /; 0 things not carried over\n$/);
    const c = await check(['check', 'model', '--format', 'json'], dir);
    assert.equal(c.code, 0, c.stdout);
    assert.deepEqual(JSON.parse(c.stdout).filter((f: { severity: string }) => f.severity === 'error' || f.severity === 'warning'), []);
  });

  it('numbers built-in roles as a current server does', () => {
    for (const [name, id] of BUILTIN_ROLES_FACTS_IDS) if (id !== null) assert.equal(builtinRoleId(name), id, name);
    assert.ok(DUMP['userroles.json']);
  });
});

describe('the import conversion', () => {
  const team = (o: Record<string, unknown>) => ({ MemberUserIds: [], ExternalSecurityGroups: [], ...o });
  const sur = (o: Record<string, unknown>) => ({ EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: [], TenantIds: [], ...o });
  const convert = (resources: unknown[]) => convertDump(readDump([{ name: 'all.json', text: JSON.stringify(resources) }]).dump);

  it("takes teams-managers for the Default space's Space Managers team, as servers that predate spaces keep it", () => {
    const m = convert([
      { Id: 'Spaces-1', Name: 'Default', SpaceManagersTeams: ['teams-managers'], SpaceManagersTeamMembers: [] },
      { Id: 'Users-1', Username: 'dora' },
      team({ Id: 'teams-managers', Name: 'Space Managers', SpaceId: 'Spaces-1', MemberUserIds: ['Users-1'], CanBeDeleted: false }),
      sur({ Id: 'ScopedUserRoles-1', UserRoleId: 'userroles-spacemanager', TeamId: 'teams-managers', SpaceId: 'Spaces-1' }),
      { Id: 'userroles-spacemanager', Name: 'Space Manager', GrantedSpacePermissions: [], GrantedSystemPermissions: [], CanBeDeleted: false },
    ]);
    assert.deepEqual(m.teams, []);
    assert.deepEqual(m.spaces[0].managers, { members: ['dora'], teams: [] });
  });

  it('reports a built-in role this product does not know, and an assignment outside its team\'s space', () => {
    const m = convert([
      { Id: 'Spaces-1', Name: 'A', SpaceManagersTeams: [], SpaceManagersTeamMembers: [] },
      { Id: 'Spaces-2', Name: 'B', SpaceManagersTeams: [], SpaceManagersTeamMembers: [] },
      { Id: 'userroles-legacy', Name: 'Legacy Role', GrantedSpacePermissions: ['ProjectView'], GrantedSystemPermissions: [], CanBeDeleted: false },
      team({ Id: 'Teams-1', Name: 'T', SpaceId: 'Spaces-1' }),
      sur({ Id: 'ScopedUserRoles-1', UserRoleId: 'userroles-legacy', TeamId: 'Teams-1', SpaceId: 'Spaces-2' }),
      sur({ Id: 'ScopedUserRoles-2', UserRoleId: 'UserRoles-404', TeamId: 'Teams-1', SpaceId: 'Spaces-1' }),
      sur({ Id: 'ScopedUserRoles-3', UserRoleId: 'userroles-legacy', TeamId: 'Teams-404', SpaceId: 'Spaces-1' }),
    ]);
    assert.deepEqual(m.roles.map((r) => [r.name, r.builtIn]), [['Legacy Role', false]]);
    assert.deepEqual(m.teams[0].roles, []);
    assert.equal(m.teams[0].rolesUnknown, false, 'the dump has scoped user roles for it, even if none could be written');
    assert.deepEqual(m.report, [
      'role "Legacy Role": built in on the server but not a built-in role this product knows; written as a custom role',
      'scoped user role "ScopedUserRoles-3": team "Teams-404" is not in the dump; left out',
      'team "T": role "Legacy Role" applies in space "B", not the team\'s own space; left out',
      'team "T": role "UserRoles-404" of scoped user role "ScopedUserRoles-2" is not in the dump; left out',
    ]);
  });
});

describe('the import on hostile dumps', () => {
  it('never throws, whatever shapes and types the resources have', () => {
    const keys = ['Id', 'Name', 'Username', 'SpaceId', 'UserRoleId', 'TeamId', 'MemberUserIds', 'ExternalSecurityGroups', 'GrantedSpacePermissions', 'GrantedSystemPermissions', 'SpaceManagersTeams', 'SpaceManagersTeamMembers', 'EnvironmentIds', 'ProjectIds', 'ProjectGroupIds', 'TenantIds', 'CanBeDeleted', 'Items', 'Description'];
    const ids = fc.constantFrom('Teams-1', 'teams-everyone', 'teams-administrators', 'teams-managers', 'teams-spacemanagers-Spaces-1', 'Spaces-1', 'Users-1', 'UserRoles-1', 'userroles-projectviewer', 'Environments-1', 'Projects-1', 'ProjectGroups-1', 'Tenants-1', '', ' ');
    const value = fc.oneof(ids, fc.string(), fc.constant(null), fc.integer(), fc.boolean(), fc.array(fc.oneof(ids, fc.constant({}), fc.record({ Id: ids }), fc.constant(null))));
    const resource = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 8 });
    fc.assert(
      fc.property(fc.array(resource, { maxLength: 12 }), (resources) => {
        const { dump } = readDump([{ name: 'x.json', text: JSON.stringify(resources) }, { name: 'y.json', text: JSON.stringify({ Items: resources }) }]);
        const files = importFiles(convertDump(dump));
        for (const text of files.values()) assert.ok(text.endsWith('\n'));
      }),
      { numRuns: 300 },
    );
  });
});
