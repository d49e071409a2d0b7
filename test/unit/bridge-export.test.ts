/**
 * `octopus-roles export --format terraform` (SPEC section 10): only attributes the provider documents, no
 * inline `user_role` blocks, built-in teams referred to and never created, lookups by exact name with a
 * postcondition, the system level without `space_id` (`""` for labs), import blocks from the import map,
 * and a workspace with errors refused.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { toApi } from '../../server/src/bridge/to-api';
import { workspaceOf } from '../support/bridge';
import { check, tree } from '../support/folders';
import { loadPaths } from '../../server/src/cli/load';
import type { RoleDoc, TeamDoc } from '../../server/src/service';
import { explainAll } from '../support/explain-all';
import { formatHcl, literalOf, parseHcl, terraformValue, wellFormed } from '../support/hcl';
import { HOSTILE_NAMES } from '../support/hostile-names';

const EXAMPLES = path.resolve(__dirname, '../../../examples/acme');

/**
 * The arguments and blocks each type may have, from the provider's generated documentation
 * (OctopusDeploy/terraform-provider-octopusdeploy: docs/resources/user_role.md, team.md,
 * scoped_user_role.md; docs/data-sources/space.md, user_roles.md, users.md, environments.md, projects.md,
 * project_groups.md), Required and Optional only (Read-Only attributes are computed and never written), less
 * the deprecated and computed ones this product never writes (can_be_deleted, space_permission_descriptions,
 * system_permission_descriptions, supported_restrictions, id).
 */
const SCHEMA: Record<string, readonly string[]> = {
  'resource octopusdeploy_user_role': ['name', 'description', 'granted_space_permissions', 'granted_system_permissions'],
  'resource octopusdeploy_team': ['name', 'description', 'space_id', 'users', 'external_security_group', 'user_role'],
  'resource octopusdeploy_scoped_user_role': ['team_id', 'user_role_id', 'space_id', 'environment_ids', 'project_ids', 'project_group_ids', 'tenant_ids'],
  'data octopusdeploy_space': ['name'],
  'data octopusdeploy_user_roles': ['ids', 'partial_name', 'skip', 'space_id', 'take'],
  'data octopusdeploy_users': ['filter', 'ids', 'skip', 'take'],
  'data octopusdeploy_environments': ['ids', 'name', 'partial_name', 'skip', 'space_id', 'take'],
  'data octopusdeploy_projects': ['cloned_from_project_id', 'ids', 'is_clone', 'name', 'partial_name', 'skip', 'space_id', 'take'],
  'data octopusdeploy_project_groups': ['ids', 'partial_name', 'skip', 'space_id', 'take'],
  'data octopusdeploy_tenants': ['cloned_from_tenant_id', 'ids', 'is_clone', 'is_disabled', 'name', 'partial_name', 'project_id', 'skip', 'space_id', 'tags', 'take'],
};
/** Meta-arguments Terraform itself defines. */
const META = ['lifecycle'];

interface Block {
  kind: string;
  type: string;
  label: string;
  names: string[];
  body: string;
}

/** The top-level blocks of a configuration with the names of their arguments and nested blocks. */
function blocks(text: string): Block[] {
  const out: Block[] = [];
  const re = /^(resource|data) "([^"]+)" "([^"]+)" \{\n([\s\S]*?)^\}\n/gm;
  for (const m of text.matchAll(re)) {
    const names = [...m[4].matchAll(/^ {2}([a-z_]+)(?:\s*=|\s*\{)/gm)].map((n) => n[1]);
    out.push({ kind: m[1], type: m[2], label: m[3], names, body: m[4] });
  }
  return out;
}

/**
 * Checks the shape of HCL the export writes (until the product's Terraform reader lands): strings closed,
 * braces, brackets and parentheses balanced outside strings, and every top-level line a block's start or end.
 */
function assertWellFormed(text: string): void {
  const stack: string[] = [];
  const pairs: Record<string, string> = { '}': '{', ']': '[', ')': '(' };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') i++;
        assert.notEqual(text[i], '\n', 'a string runs past its line');
      }
      assert.ok(i < text.length, 'an unclosed string');
    } else if ('{[('.includes(c)) stack.push(c);
    else if (c in pairs) assert.equal(stack.pop(), pairs[c], `unbalanced ${c} at ${i}`);
    else if (c === '\n' && stack.length === 0) {
      const end = text.indexOf('\n', i + 1);
      const next = text.slice(i + 1, end < 0 ? undefined : end);
      assert.ok(next === '' || /^(resource|data) "[a-z_]+" "[A-Za-z_][A-Za-z0-9_-]*" \{$|^(variable) "[A-Za-z_][A-Za-z0-9_-]*" \{$|^(terraform|import) \{$/.test(next), `a top-level line: ${next}`);
    }
  }
  assert.deepEqual(stack, []);
}

async function exportOf(dir: string, args: string[] = []) {
  const r = await check(['export', '--format', 'terraform', '--out', 'tf', ...args], dir);
  const tf = path.join(dir, 'tf');
  const text = existsSync(tf) ? readdirSync(tf).sort().map((f) => readFileSync(path.join(tf, f), 'utf8')).join('\n') : '';
  return { ...r, text, tf };
}

function acme() {
  const files: Record<string, string> = {};
  for (const sub of ['roles', 'teams', 'spaces']) for (const f of readdirSync(path.join(EXAMPLES, sub))) files[`model/${sub}/${f}`] = readFileSync(path.join(EXAMPLES, sub, f), 'utf8');
  return tree(files);
}

describe('octopus-roles export --format terraform', () => {
  it('writes only attributes the provider documents, and inline user_role blocks only in team resources', async () => {
    const r = await exportOf(acme(), ['model']);
    assert.equal(r.code, 0, r.stderr);
    const all = blocks(r.text);
    assert.ok(all.length > 20);
    for (const b of all) {
      const allowed = SCHEMA[`${b.kind} ${b.type}`];
      assert.ok(allowed, `${b.kind} ${b.type} is not a type this export may write`);
      for (const n of b.names) assert.ok(allowed.includes(n) || META.includes(n), `${b.type}.${b.label}: ${n} is not documented`);
    }
    // A managed team's roles are its inline blocks: the team resource would remove a standalone one.
    const teamIds = all.filter((b) => b.type === 'octopusdeploy_scoped_user_role').map((b) => /team_id\s+= (\S+)/.exec(b.body)![1]);
    assert.ok(teamIds.every((id) => /^"teams-/.test(id)), teamIds.join(', '));
    for (const b of all) if (b.type !== 'octopusdeploy_team') assert.doesNotMatch(b.body, /user_role\s*\{/);
    for (const f of readdirSync(r.tf)) assertWellFormed(readFileSync(path.join(r.tf, f), 'utf8'));
    assert.doesNotMatch(r.text, /can_be_deleted|supported_restrictions|permission_descriptions/);
    // One inline block per assignment of a team that is not built in, and one scoped user role per
    // assignment of a built-in team (the fixed roles of Octopus Administrators and Octopus Managers aside).
    const dump = toApi(workspaceOf(EXAMPLES));
    const builtin = (id: string) => /^teams-(everyone|administrators|managers|spacemanagers-)/.test(id);
    const inline = all.filter((b) => b.type === 'octopusdeploy_team').reduce((n, b) => n + [...b.body.matchAll(/^ {2}user_role \{/gm)].length, 0);
    assert.equal(inline, dump.scopedUserRoles.filter((s) => !builtin(s.TeamId)).length);
    const standalone = all.filter((b) => b.type === 'octopusdeploy_scoped_user_role').length;
    assert.equal(standalone, dump.scopedUserRoles.filter((s) => s.TeamId === 'teams-everyone').length);
  });

  it('never creates a built-in team: Everyone by its id, Octopus Administrators and Space Managers not at all', async () => {
    const dir = tree({
      'f.space.yaml': 'name: Finance\nmanagers:\n  members: [carol]\n',
      'r.role.yaml': 'name: Viewer\nspacePermissions: [ProjectView]\n',
      't.team.yaml': 'name: Everyone\nroles:\n  - role: Viewer\n    space: Finance\n---\nname: Octopus Administrators\nmembers: [frank]\nroles: [System Administrator]\n',
    });
    const r = await exportOf(dir);
    assert.equal(r.code, 0, r.stderr);
    const teams = blocks(r.text).filter((b) => b.type === 'octopusdeploy_team');
    assert.deepEqual(teams, []);
    const [sur] = blocks(r.text).filter((b) => b.type === 'octopusdeploy_scoped_user_role');
    assert.match(sur.body, /team_id\s+= "teams-everyone"/);
    assert.match(sur.body, /space_id\s+= data\.octopusdeploy_space\.finance\.id/);
    assert.match(r.stderr, /members of a built-in team are not exported/);
    assert.match(r.stderr, /space "Finance": its managers are not exported/);
  });

  it('looks built-in roles, users and restriction values up by exact name, with a postcondition', async () => {
    const dir = tree({
      'f.space.yaml': 'name: Finance\nenvironments: [Production]\n',
      't.team.yaml': 'name: Ops\nspace: Finance\nmembers: [alice]\nroles:\n  - role: Project Viewer\n    environments: [Production]\n',
    });
    const r = await exportOf(dir);
    assert.equal(r.code, 0, r.stderr);
    const data = blocks(r.text).filter((b) => b.kind === 'data');
    const roles = data.find((b) => b.type === 'octopusdeploy_user_roles')!;
    assert.match(roles.body, /partial_name = "Project Viewer"/);
    assert.match(roles.body, /condition\s+= length\(\[for x in self\.user_roles : x\.id if x\.name == "Project Viewer"\]\) == 1/);
    const users = data.find((b) => b.type === 'octopusdeploy_users')!;
    assert.match(users.body, /x\.username == "alice"\]\) == 1/);
    const env = data.find((b) => b.type === 'octopusdeploy_environments')!;
    assert.match(env.body, /name {5}= "Production"\n {2}space_id = data\.octopusdeploy_space\.finance\.id/);
  });

  it('writes names as literals that Terraform does not interpolate', async () => {
    const dir = tree({ 'r.role.yaml': 'name: "Ops ${var.x} %{if 1}"\nsystemPermissions: [EventView]\n', 't.team.yaml': 'name: "Quote \\" team"\nroles: ["Ops ${var.x} %{if 1}"]\n' });
    const r = await exportOf(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.text, /name {23}= "Ops \$\$\{var\.x\} %%\{if 1\}"/);
    assert.match(r.text, /name = "Quote \\" team"/);
    for (const f of readdirSync(r.tf)) assertWellFormed(readFileSync(path.join(r.tf, f), 'utf8'));
  });

  it('leaves space_id out at the system level, and writes "" for the labs provider', async () => {
    const dir = tree({ 'r.role.yaml': 'name: Auditor\nsystemPermissions: [EventView]\n', 't.team.yaml': 'name: Audit\nroles: [Auditor]\n' });
    const current = await exportOf(dir);
    assert.equal(current.code, 0, current.stderr);
    const [team] = blocks(current.text).filter((b) => b.type === 'octopusdeploy_team');
    assert.match(team.body, /user_role \{\n {4}user_role_id = octopusdeploy_user_role\.auditor\.id\n {2}\}/);
    assert.doesNotMatch(team.body, /space_id/);
    assert.match(current.text, /source\s+= "OctopusDeploy\/octopusdeploy"/);
    const labs = await exportOf(dir, ['--provider', 'labs', '--force']);
    assert.equal(labs.code, 0, labs.stderr);
    assert.match(blocks(labs.text).find((b) => b.type === 'octopusdeploy_team')!.body, /user_role \{\n {4}user_role_id = octopusdeploy_user_role\.auditor\.id\n {4}space_id {5}= ""\n {2}\}/);
    assert.match(labs.text, /source\s+= "OctopusDeployLabs\/octopusdeploy"/);
  });

  it('writes import blocks from the import map, adopting what the server has', async () => {
    const dump = toApi(workspaceOf(EXAMPLES));
    const dir = acme();
    const files = { 'dump/all.json': JSON.stringify(dump) };
    const d = tree(files);
    const imported = await check(['import', '--from', path.join(d, 'dump'), '--out', path.join(dir, 'model2')], dir);
    assert.equal(imported.code, 0, imported.stderr);
    const r = await exportOf(dir, ['--map', 'model2/.octopus-roles/import-map.json', 'model']);
    assert.equal(r.code, 0, r.stderr);
    const imports = [...r.text.matchAll(/^import \{\n {2}to = ([^\n]+)\n {2}id = "([^"]+)"\n\}/gm)].map((m) => [m[1], m[2]]);
    const deployer = dump.userRoles.find((u) => u.Name === 'Release Deployer')!.Id;
    assert.ok(imports.some(([to, id]) => to === 'octopusdeploy_user_role.release_deployer' && id === deployer), JSON.stringify(imports));
    const team = dump.teams.find((t) => t.Name === 'Finance Developers')!.Id;
    assert.ok(imports.some(([to, id]) => to === 'octopusdeploy_team.finance__finance_developers' && id === team));
    const resources = blocks(r.text).filter((b) => b.kind === 'resource').length;
    assert.equal(imports.length, resources, 'every resource is adopted');
    assert.equal(new Set(imports.map(([, id]) => id)).size, imports.length, 'no id adopted twice');
  });

  it('refuses a workspace with errors, and gives the same bytes twice', async () => {
    const bad = tree({ 't.team.yaml': 'name: Ops\nroles: [No Such Role]\n' });
    const r = await exportOf(bad);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /1 error .*nothing exported/);
    assert.ok(!existsSync(r.tf));
    const a = await exportOf(acme(), ['model']);
    const b = await exportOf(acme(), ['model']);
    assert.equal(a.text, b.text);
  });
});

describe('the export read back through the Terraform reader (round trip)', () => {
  for (const provider of ['octopusdeploy', 'labs']) it(`gives the same custom roles and teams, the same access, and no finding (${provider})`, async () => {
    const out = tree({});
    const run = await check(['export', '--format', 'terraform', '--provider', provider, '--out', out, EXAMPLES], out);
    assert.equal(run.code, 0, run.stderr);
    const loaded = await loadPaths([out], { stderr: () => undefined, cwd: out });
    assert.notEqual(loaded, 2);
    const exported = (loaded as Exclude<typeof loaded, 2>).project.ws;
    const yaml = (await loadPaths([EXAMPLES], { stderr: () => undefined, cwd: EXAMPLES }) as Exclude<Awaited<ReturnType<typeof loadPaths>>, 2>).project.ws;
    const docs = (ws: typeof yaml) => [...ws.uris()].flatMap((u) => ws.model(u)?.docs ?? []);
    const roles = (ws: typeof yaml) =>
      docs(ws)
        .filter((d): d is RoleDoc => d.kind === 'role')
        .map((d) => `${d.name?.value}: ${[...(d.spacePermissions?.items ?? [])].map((i) => i.value).sort().join(',')} | ${[...(d.systemPermissions?.items ?? [])].map((i) => i.value).sort().join(',')}`)
        .sort();
    assert.deepEqual(roles(exported), roles(yaml));
    // Teams that are not built in are resources, their assignments inline blocks.
    const teams = (ws: typeof yaml) => docs(ws).filter((d): d is TeamDoc => d.kind === 'team' && !d.target).map((d) => d.name?.value).sort();
    assert.deepEqual(teams(exported), teams(yaml).filter((n) => n !== 'Octopus Administrators'));
    // Effective access read back is the workspace's: explain of every principal gives the same grants
    // (spaces, users and restriction values looked up by exact name are read as those names).
    const [back, original] = [explainAll(exported), explainAll(yaml)];
    const differing = [...new Set([...Object.keys(back), ...Object.keys(original)])].filter((k) => JSON.stringify(back[k]) !== JSON.stringify(original[k]));
    // frank is a member of Octopus Administrators, whose members the export leaves out (and says so).
    assert.deepEqual(differing, ['user:frank']);
    assert.match(run.stderr, /team "Octopus Administrators": the members of a built-in team are not exported/);
    assert.ok(Object.keys(original).length > 10);
    // The module the export writes is one the checker finds nothing wrong with.
    assert.deepEqual(await check(['check', out], out), { code: 0, stdout: `${readdirSync(out).filter((f) => f.endsWith('.tf')).length} files checked, no problems\n`, stderr: '' });
  });
});

describe('the export of a workspace with Terraform modules', () => {
  it('writes the YAML model only, says the modules are left out, and refuses a workspace of modules alone', async () => {
    const first = tree({});
    assert.equal((await check(['export', '--format', 'terraform', '--out', first, EXAMPLES], first)).code, 0);
    // The export's own output is a module: its addresses are no names to write again (they once came out as
    // roles named `octopusdeploy_user_role.release_deployer`).
    const again = tree({});
    const refused = await check(['export', '--format', 'terraform', '--out', again, first], again);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /nothing to export: .*Terraform modules are Terraform already/);
    assert.deepEqual(readdirSync(again), []);
    // YAML files beside a module: the module is left out, and said to be.
    const mixed = tree({
      'ops.team.yaml': 'name: Ops\nmembers: [bob]\nroles:\n  - role: Project Viewer\n    space: Finance\n',
      'finance.space.yaml': 'name: Finance\n',
      'tf/main.tf': 'resource "octopusdeploy_user_role" "r" {\n  name = "Module Role"\n  granted_space_permissions = ["ProjectView"]\n}\n',
    });
    const out = tree({});
    const run = await check(['export', '--format', 'terraform', '--out', out, mixed], out);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /1 Terraform module is left out/);
    const written = readdirSync(out).map((f) => readFileSync(path.join(out, f), 'utf8')).join('\n');
    assert.ok(written.includes('"Ops"') && !written.includes('Module Role'), written);
  });
});

describe('the export of hostile names, read by HashiCorp\'s HCL parser and laid out as terraform fmt does', () => {
  /** A workspace whose every role, team, space, user, group and restriction value is a hostile name. */
  function hostileWorkspace(): string {
    const q = (s: string) => JSON.stringify(s); // a JSON string is a YAML double-quoted scalar
    const files: Record<string, string> = {};
    HOSTILE_NAMES.forEach((h, i) => {
      files[`s${i}.space.yaml`] = `name: ${q(`S ${h}`)}\nenvironments: [${q(`E ${h}`)}]\nprojects: [${q(`P ${h}`)}]\nprojectGroups: [${q(`G ${h}`)}]\ntenants: [${q(`T ${h}`)}]\n`;
      files[`r${i}.role.yaml`] = `name: ${q(`R ${h}`)}\nspacePermissions: [DeploymentCreate, ProjectView]\n`;
      files[`t${i}.team.yaml`] =
        `name: ${q(`Team ${h}`)}\nspace: ${q(`S ${h}`)}\nmembers: [${q(`U ${h}`)}]\nexternalGroups: [${q(`X ${h}`)}]\nroles:\n` +
        `  - role: ${q(`R ${h}`)}\n    environments: [${q(`E ${h}`)}]\n    projects: [${q(`P ${h}`)}]\n    projectGroups: [${q(`G ${h}`)}]\n    tenants: [${q(`T ${h}`)}]\n` +
        `---\nname: ${q(`Sys ${h}`)}\nroles:\n  - role: ${q(`R ${h}`)}\n    space: ${q(`S ${h}`)}\n`;
    });
    return tree(files);
  }
  const names = (prefix: string) => HOSTILE_NAMES.map((h) => `${prefix} ${h}`);
  type Blocks = Record<string, Record<string, Record<string, unknown>[]>>;

  it('writes files that parse, with every name read back as Terraform holds it, unchanged by terraform fmt', async () => {
    const dir = hostileWorkspace();
    const r = await exportOf(dir);
    assert.equal(r.code, 0, r.stderr);
    const resource: Blocks = {};
    const data: Blocks = {};
    for (const f of readdirSync(r.tf)) {
      const text = readFileSync(path.join(r.tf, f), 'utf8');
      assert.equal(await formatHcl(text), text, `${f} is laid out as terraform fmt lays it out`);
      const parsed = await parseHcl(text, f);
      for (const [into, kind] of [[resource, 'resource'], [data, 'data']] as const) {
        for (const [type, byLabel] of Object.entries((parsed[kind] ?? {}) as Blocks)) into[type] = { ...into[type], ...byLabel };
      }
    }
    const read = (blocks: Blocks, type: string, attribute: string) =>
      Object.values(blocks[type] ?? {})
        .flatMap((list) => list.map((b) => literalOf(b[attribute])))
        .sort();
    const expect = (...prefixes: string[]) => prefixes.flatMap(names).map(terraformValue).sort();
    assert.deepEqual(read(resource, 'octopusdeploy_user_role', 'name'), expect('R'));
    assert.deepEqual(read(resource, 'octopusdeploy_team', 'name'), expect('Sys', 'Team'));
    assert.deepEqual(read(data, 'octopusdeploy_space', 'name'), expect('S'));
    assert.deepEqual(read(data, 'octopusdeploy_users', 'filter'), expect('U'));
    assert.deepEqual(read(data, 'octopusdeploy_environments', 'name'), expect('E'));
    assert.deepEqual(read(data, 'octopusdeploy_projects', 'name'), expect('P'));
    assert.deepEqual(read(data, 'octopusdeploy_project_groups', 'partial_name'), expect('G'));
    const groups = Object.values(resource.octopusdeploy_team).flatMap((list) => list.flatMap((b) => ((b.external_security_group ?? []) as { id: unknown }[]).map((g) => literalOf(g.id))));
    assert.deepEqual(groups.sort(), expect('X'));
    // The names Terraform cannot hold as they are (a lone surrogate, a decomposed é) are said.
    assert.match(r.stderr, /name "R lone \\\\ud800 surrogate" holds a lone surrogate, which is not Unicode: Terraform gets U\+FFFD in its place/);
    assert.match(r.stderr, /name "R nfd e\u0301" is not in Unicode normal form C: Terraform reads it composed/);
  });

  it('is read back by the Terraform front-end with the same names, and no finding', async () => {
    const dir = hostileWorkspace();
    const r = await exportOf(dir);
    assert.equal(r.code, 0, r.stderr);
    const loaded = await loadPaths([r.tf], { stderr: () => undefined, cwd: r.tf });
    assert.notEqual(loaded, 2);
    const ws = (loaded as Exclude<typeof loaded, 2>).project.ws;
    const docs = [...ws.uris()].flatMap((u) => ws.model(u)?.docs ?? []);
    const named = (kind: string) => docs.filter((d) => d.kind === kind && !(d.kind === 'team' && d.target)).map((d) => d.name?.value).sort();
    assert.deepEqual(named('role'), names('R').map(wellFormed).sort());
    assert.deepEqual(named('team'), [...names('Sys'), ...names('Team')].map(wellFormed).sort());
    assert.deepEqual(await check(['check', r.tf], r.tf), { code: 0, stdout: `${readdirSync(r.tf).length} files checked, no problems\n`, stderr: '' });
  });

  it('pins the provider to its current major version, for either provider', async () => {
    const dir = tree({ 'r.role.yaml': 'name: Auditor\nsystemPermissions: [EventView]\n' });
    const current = await exportOf(dir);
    const versions = await parseHcl(readFileSync(path.join(current.tf, 'versions.tf'), 'utf8'));
    const providers = (v: Record<string, unknown>) => ((v.terraform as Record<string, unknown>[])[0].required_providers as Record<string, unknown>[])[0].octopusdeploy;
    assert.deepEqual(providers(versions), { source: 'OctopusDeploy/octopusdeploy', version: '~> 1.0' });
    const labs = await exportOf(dir, ['--provider', 'labs', '--force']);
    assert.deepEqual(providers(await parseHcl(readFileSync(path.join(labs.tf, 'versions.tf'), 'utf8'))), { source: 'OctopusDeployLabs/octopusdeploy', version: '~> 0.43' });
    const acmeExport = await exportOf(acme(), ['model']);
    for (const f of readdirSync(acmeExport.tf)) {
      const text = readFileSync(path.join(acmeExport.tf, f), 'utf8');
      assert.equal(await formatHcl(text), text, `${f} of examples/acme is laid out as terraform fmt lays it out`);
    }
  });
});
