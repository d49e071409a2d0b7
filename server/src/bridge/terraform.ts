/**
 * A workspace's model as a Terraform configuration for the Octopus provider (SPEC section 10), built to
 * avoid the provider's known traps by construction: a managed team's assignments as its inline `user_role`
 * blocks (the team resource removes every other scoped role of its team on each create and update), one
 * standalone `octopusdeploy_scoped_user_role` per assignment of a built-in team, built-in teams referred to by their
 * fixed ids (never created), spaces, built-in roles, users and restriction values looked up by exact name
 * (with a postcondition that exactly one matched where the data source returns a list), system-level
 * assignments without `space_id` (`""` for the labs provider), no computed attribute, and with an import
 * map, `import` blocks that adopt what exists. Only attributes the provider documents are written:
 * resources user_role (name, granted_space_permissions, granted_system_permissions), team (name,
 * space_id, users, external_security_group { id }, user_role { user_role_id, space_id, environment_ids,
 * project_ids, project_group_ids, tenant_ids }), scoped_user_role (team_id, user_role_id, space_id,
 * environment_ids, project_ids, project_group_ids, tenant_ids); data sources space (name), user_roles
 * (partial_name), users (filter), environments (name, space_id), projects (name, space_id),
 * project_groups (partial_name, space_id), tenants (name, space_id).
 */
import { DIMENSIONS, hclString, type Assignment, type Dimension, type ModelIndex, type RoleDoc, type SpaceDoc, type TeamDoc } from '../service';
import { builtinSystemTeam, builtinTeamId, getBuiltinRole, isBuiltinTeamName, SPACE_MANAGERS } from '../service/catalog';
import type { ImportMap } from './model';
import { byName, sortedUnique } from './model';

export type Provider = 'octopusdeploy' | 'labs';

export interface TerraformResult {
  /** File name to text. */
  readonly files: Map<string, string>;
  /** What the configuration does not carry, one line each. */
  readonly notes: string[];
}

const lower = (s: string) => s.trim().toLowerCase();

/**
 * The provider's registry address and version constraint: its current major version, `~>` keeping
 * Terraform within it. OctopusDeploy/octopusdeploy is at 1.x (1.0.0 in May 2025, when it left Labs);
 * OctopusDeployLabs/octopusdeploy stopped at 0.43.x, and `~> 0.43` is `>= 0.43, < 1.0`: its last line.
 */
export const PROVIDERS: Readonly<Record<Provider, { source: string; version: string }>> = {
  octopusdeploy: { source: 'OctopusDeploy/octopusdeploy', version: '~> 1.0' },
  labs: { source: 'OctopusDeployLabs/octopusdeploy', version: '~> 0.43' },
};

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why Terraform would not hold a string as it is (hclString writes what it can), or undefined. */
function notHeld(s: string): string | undefined {
  if (LONE_SURROGATE.test(s)) return 'holds a lone surrogate, which is not Unicode: Terraform gets U+FFFD in its place';
  if (s.normalize('NFC') !== s) return 'is not in Unicode normal form C: Terraform reads it composed';
  return undefined;
}

/** The net number of brackets a line of HCL opens, strings aside. */
function netBrackets(line: string): number {
  let net = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) if (line[i] === '\\') i++;
    } else if ('([{'.includes(c)) net++;
    else if (')]}'.includes(c)) net--;
  }
  return net;
}

/**
 * terraform fmt's alignment (hclwrite's formatCells): in a run of consecutive lines that each hold a whole
 * `name = value` (a value that closes every bracket it opens), the `=` signs stand one space after the
 * longest name, with one space after them; any other line (a block opening or closing, a blank line) ends
 * the run. Every string this module writes is on one line (hclString escapes line breaks).
 */
function fmt(text: string): string {
  const lines = text.split('\n');
  const cells = lines.map((line) => {
    const m = /^(\s*[A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(.*)$/.exec(line);
    return m && netBrackets(m[2]) === 0 ? { lead: m[1], value: m[2] } : undefined;
  });
  let start = 0;
  while (start < lines.length) {
    let end = start;
    while (end < lines.length && cells[end]) end++;
    const run = cells.slice(start, end) as { lead: string; value: string }[];
    const width = Math.max(0, ...run.map((c) => c.lead.length));
    run.forEach((c, k) => (lines[start + k] = `${c.lead.padEnd(width)} = ${c.value}`));
    start = end + 1;
  }
  return lines.join('\n');
}

const hclList = (items: readonly string[]) => `[${items.join(', ')}]`;

/** A label from names: letters, digits and `_`, starting with a letter or `_`. */
function label(...parts: string[]): string {
  const s = parts
    .map((p) => p.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, ''))
    .filter(Boolean)
    .join('__');
  return /^[a-z_]/.test(s) ? s : `_${s}`;
}

/** Hands out unique labels per block type. */
class Labels {
  private readonly taken = new Set<string>();
  take(kind: string, wanted: string): string {
    let l = wanted;
    for (let n = 2; this.taken.has(`${kind}.${l}`); n++) l = `${wanted}_${n}`;
    this.taken.add(`${kind}.${l}`);
    return l;
  }
}

/**
 * The files of the YAML model, which is what the export writes: a Terraform module is Terraform already
 * (its documents refer to each other by address, which are no names to write again).
 */
export function yamlModelFiles(ws: ModelIndex): string[] {
  return [...ws.uris()].filter((uri) => ws.model(uri) !== undefined && ws.model(uri)!.module === undefined).sort();
}

function named<T extends RoleDoc | TeamDoc | SpaceDoc>(ws: ModelIndex, kind: T['kind']): T[] {
  const out: T[] = [];
  const seen = new Set<string>();
  for (const uri of yamlModelFiles(ws)) {
    for (const doc of ws.model(uri)?.docs ?? []) {
      if (doc.kind !== kind || !doc.name) continue;
      const key = `${doc.kind === 'team' ? lower(doc.space?.value ?? '') : ''}\u0000${lower(doc.name.value)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(doc as T);
    }
  }
  return out;
}

/** The values of a list, as written. */
const values = (list: { items: readonly { value: string }[] } | undefined) => list?.items.map((i) => i.value) ?? [];

/**
 * A list's values in the export's one order (byName, without repeats): the provider holds these lists as
 * sets, and a workspace and its import through a server's dump (which lists them in the server's order)
 * must give the same bytes.
 */
const sortedValues = (list: { items: readonly { value: string }[] } | undefined) => sortedUnique(values(list));

/** An assignment's place in the export's one order: its role, its space, then its restrictions. */
const assignmentKey = (a: Assignment) => [a.role.value, a.space?.value ?? '', ...DIMENSIONS.map((d) => sortedValues(a.restrictions.find((r) => r.dimension === d)?.list).join('\u0000'))].join('\u0001');

/** A team's assignments in the export's one order. */
const inOrder = (list: readonly Assignment[]) => [...list].sort((a, b) => byName(assignmentKey(a), assignmentKey(b)));

/** One export: the labels given, the blocks written, and what could not be exported as it is. */
class TerraformExport {
  readonly notes: string[] = [];
  /** A name Terraform would not hold as it is: said once, in the notes. */
  private readonly changed = new Map<string, string>();
  private readonly labels = new Labels();
  private readonly lookups: string[] = [];
  private readonly imports: string[] = [];
  private readonly spaceRef = new Map<string, string>();
  private readonly roleRef = new Map<string, string>();
  private readonly roleBlocks: string[] = [];
  private readonly userRef = new Map<string, string>();
  private readonly scopeRef = new Map<string, string>();
  private readonly teamBlocks: string[] = [];
  private readonly assignmentBlocks: string[] = [];
  private readonly usedSurIds = new Set<string>();

  constructor(
    private readonly ws: ModelIndex,
    private readonly provider: Provider,
    private readonly map: ImportMap | undefined,
  ) {}

  private readonly q = (s: string) => {
    const why = this.changed.has(s) ? undefined : notHeld(s);
    if (why) this.changed.set(s, why);
    return hclString(s);
  };
  private readonly importBlock = (address: string, id: string | undefined) => {
    if (id) this.imports.push(`import {\n  to = ${address}\n  id = ${this.q(id)}\n}\n`);
  };
  private readonly fromMap = (list: keyof Omit<ImportMap, 'version' | 'scopedUserRoles'>, name: string, space?: string) =>
    this.map?.[list].find((e) => lower(e.name) === lower(name) && lower(e.space ?? '') === lower(space ?? ''))?.id;

  // Spaces: looked up by name.
  private readonly spaceOf = (name: string): string => {
    const key = lower(name);
    let ref = this.spaceRef.get(key);
    if (!ref) {
      const l = this.labels.take('space', label(name));
      this.lookups.push(`data "octopusdeploy_space" "${l}" {\n  name = ${this.q(name)}\n}\n`);
      ref = `data.octopusdeploy_space.${l}.id`;
      this.spaceRef.set(key, ref);
    }
    return ref;
  };
  private readonly listLookup = (type: string, attribute: string, l: string, filter: string[], name: string, what: string) => {
    this.lookups.push(
      `data "${type}" "${l}" {\n${filter.map((f) => `  ${f}\n`).join('')}  lifecycle {\n    postcondition {\n` +
        `      condition     = length([for x in self.${attribute} : x.id if x.${what === 'user' ? 'username' : 'name'} == ${this.q(name)}]) == 1\n` +
        `      error_message = ${hclString(`Expected exactly one ${what} named ${JSON.stringify(name)}.`)}\n    }\n  }\n}\n`,
    );
    return `one([for x in data.${type}.${l}.${attribute} : x.id if x.${what === 'user' ? 'username' : 'name'} == ${this.q(name)}])`;
  };

  private readonly roleOf = (name: string): string => {
    let ref = this.roleRef.get(name);
    if (!ref) {
      const l = this.labels.take('octopusdeploy_user_roles', label(name));
      ref = this.listLookup('octopusdeploy_user_roles', 'user_roles', l, [`partial_name = ${this.q(name)}`], name, 'user role');
      this.roleRef.set(name, ref);
    }
    return ref;
  };

  private readonly userOf = (name: string): string => {
    let ref = this.userRef.get(name);
    if (!ref) {
      const l = this.labels.take('octopusdeploy_users', label(name));
      ref = this.listLookup('octopusdeploy_users', 'users', l, [`filter = ${this.q(name)}`], name, 'user');
      this.userRef.set(name, ref);
    }
    return ref;
  };

  private readonly scopeOf = (d: Dimension, space: string, name: string): string => {
    const key = `${d}\u0000${lower(space)}\u0000${name}`;
    let ref = this.scopeRef.get(key);
    if (ref) return ref;
    const spaceId = this.spaceOf(space);
    const type = { environments: 'octopusdeploy_environments', projects: 'octopusdeploy_projects', projectGroups: 'octopusdeploy_project_groups', tenants: 'octopusdeploy_tenants' }[d];
    const attribute = { environments: 'environments', projects: 'projects', projectGroups: 'project_groups', tenants: 'tenants' }[d];
    const filter = d === 'projectGroups' ? `partial_name = ${this.q(name)}` : `name = ${this.q(name)}`;
    const l = this.labels.take(type, label(space, name));
    ref = this.listLookup(type, attribute, l, [filter, `space_id = ${spaceId}`], name, { environments: 'environment', projects: 'project', projectGroups: 'project group', tenants: 'tenant' }[d]);
    this.scopeRef.set(key, ref);
    return ref;
  };

  /** Roles: custom ones are resources; built-in ones are looked up. */
  roles(): void {
    for (const r of named<RoleDoc>(this.ws, 'role').sort((a, b) => byName(a.name!.value, b.name!.value))) {
      const name = r.name!.value;
      if (r.builtIn?.value === true || getBuiltinRole(name)) {
        if (r.builtIn?.value === true) this.notes.push(`role ${JSON.stringify(name)}: this server's version of a built-in role is not exported (the provider would create a new role); it is looked up by name`);
        continue;
      }
      const l = this.labels.take('octopusdeploy_user_role', label(name));
      const space = sortedValues(r.spacePermissions);
      const system = sortedValues(r.systemPermissions);
      this.roleBlocks.push(
        `resource "octopusdeploy_user_role" "${l}" {\n  name                       = ${this.q(name)}\n` +
          `  granted_space_permissions  = ${hclList(space.map(this.q))}\n  granted_system_permissions = ${hclList(system.map(this.q))}\n}\n`,
      );
      this.roleRef.set(name, `octopusdeploy_user_role.${l}.id`);
      this.importBlock(`octopusdeploy_user_role.${l}`, this.fromMap('roles', name));
    }
  }

  /**
   * Teams: built-in ones by id, with a standalone scoped user role per assignment; the others as
   * resources with their assignments as inline `user_role` blocks (the team resource sets a team's roles
   * to its inline blocks on every create and update, so a standalone role on it would not last).
   */
  teams(): void {
    for (const t of named<TeamDoc>(this.ws, 'team').sort((a, b) => byName(a.space?.value ?? '', b.space?.value ?? '') || byName(a.name!.value, b.name!.value))) {
      const name = t.name!.value;
      const space = t.space?.value;
      // A built-in system team is referred to by its id, never created; its fixed role is not written again.
      const system = space ? undefined : builtinSystemTeam(name);
      if (system) {
        if (values(t.members).length || values(t.externalGroups).length) this.notes.push(
          `team ${JSON.stringify(name)}: the members of a built-in team are not exported: the provider sets a team's members only through a team resource, which replaces the team's scoped user roles with its inline blocks on every change (deleting and re-creating the roles Octopus keeps on this team); add them in Octopus, and keep them in the YAML model`,
        );
        if (!system.rolesChange) continue; // its roles are fixed
        const assignments = inOrder(t.assignments).filter((a) => !(a.role.value === system.holds && !a.space && !a.restrictions.length));
        for (const a of assignments) this.scopedRole(hclString(builtinTeamId(system)), name, undefined, a);
      } else if (!(space && isBuiltinTeamName(name, SPACE_MANAGERS))) this.teamResource(t, name, space);
    }
  }

  /** A team that is not built in: a resource with its members, groups and inline `user_role` blocks. */
  private teamResource(t: TeamDoc, name: string, space: string | undefined): void {
    const l = this.labels.take('octopusdeploy_team', label(...(space ? [space] : []), name));
    const lines = [`  name     = ${this.q(name)}`];
    if (space) lines.push(`  space_id = ${this.spaceOf(space)}`);
    const members = sortedValues(t.members);
    if (members.length) lines.push(`  users    = ${hclList(members.map(this.userOf))}`);
    for (const g of sortedValues(t.externalGroups)) lines.push(`\n  external_security_group {\n    id = ${this.q(g)}\n  }`);
    for (const a of inOrder(t.assignments)) lines.push(`\n  user_role {\n${this.assignmentLines(a, space).map((x) => `  ${x}`).join('\n')}\n  }`);
    this.teamBlocks.push(`resource "octopusdeploy_team" "${l}" {\n${lines.join('\n')}\n}\n`);
    this.importBlock(`octopusdeploy_team.${l}`, this.fromMap('teams', name, space));
  }

  /** The attributes of an assignment (of a team in `space`, if a space team): role, space, restrictions. */
  private assignmentLines(a: Assignment, space: string | undefined): string[] {
    const where = space ?? a.space?.value;
    const lines = [`  user_role_id = ${this.roleOf(a.role.value)}`];
    if (where) lines.push(`  space_id     = ${this.spaceOf(where)}`);
    else if (this.provider === 'labs') lines.push('  space_id     = ""');
    for (const d of DIMENSIONS) {
      const list = sortedValues(a.restrictions.find((r) => r.dimension === d)?.list);
      if (list.length && where) lines.push(`  ${{ environments: 'environment_ids', projects: 'project_ids', projectGroups: 'project_group_ids', tenants: 'tenant_ids' }[d]} = ${hclList(list.map((v) => this.scopeOf(d, where, v)))}`);
    }
    return lines;
  }

  /** A standalone scoped user role of a built-in team, adopted from the import map when it exists. */
  private scopedRole(teamId: string, name: string, space: string | undefined, a: Assignment): void {
    const role = a.role.value;
    const where = space ?? a.space?.value;
    const l = this.labels.take('octopusdeploy_scoped_user_role', label(...(space ? [space] : []), name, role, ...(a.space ? [a.space.value] : [])));
    this.assignmentBlocks.push(`resource "octopusdeploy_scoped_user_role" "${l}" {\n${[`  team_id      = ${teamId}`, ...this.assignmentLines(a, space)].join('\n')}\n}\n`);
    const sur = this.map?.scopedUserRoles.find(
      (s) => !this.usedSurIds.has(s.id) && lower(s.team) === lower(name) && lower(s.teamSpace ?? '') === lower(space ?? '') && s.role === role && lower(s.space ?? '') === lower(where ?? ''),
    );
    if (sur) {
      this.usedSurIds.add(sur.id);
      this.importBlock(`octopusdeploy_scoped_user_role.${l}`, sur.id);
    }
  }

  /** Spaces are looked up, so their managers are not exported: said in the notes. */
  spaces(): void {
    for (const s of named<SpaceDoc>(this.ws, 'space')) {
      if (values(s.managers?.members).length || values(s.managers?.teams).length) this.notes.push(
          `space ${JSON.stringify(s.name!.value)}: its managers are not exported: spaces are looked up, since the provider sets managers only through a space resource, which would also reset the space's is_default and is_task_queue_stopped; set them in Octopus, and keep them in the YAML model`,
        );
    }

  }

  /** The files, each laid out as terraform fmt would. */
  result(): TerraformResult {
    for (const [s, why] of this.changed) this.notes.push(`name ${JSON.stringify(s)} ${why}, so it names another object than the server's`);
    const { source, version } = PROVIDERS[this.provider];
    const files = new Map<string, string>();
    const put = (name: string, blocks: string[]) => {
      if (blocks.length) files.set(name, fmt(blocks.join('\n')));
    };
    put('versions.tf', [`terraform {\n  required_version = ">= 1.5"\n  required_providers {\n    octopusdeploy = {\n      source = ${this.q(source)}\n      version = ${this.q(version)}\n    }\n  }\n}\n`]);
    // Lookups in the order of their addresses, not of first use, which follows the lists' order.
    put('lookups.tf', [...this.lookups].sort(byName));
    put('roles.tf', this.roleBlocks);
    put('teams.tf', this.teamBlocks);
    put('assignments.tf', this.assignmentBlocks);
    put('imports.tf', this.imports);
    return { files, notes: this.notes };
  }
}

/** Writes the configuration. The caller has checked that the workspace has no errors. */
export function toTerraform(ws: ModelIndex, provider: Provider, map?: ImportMap): TerraformResult {
  const e = new TerraformExport(ws, provider, map);
  const modules = new Set([...ws.uris()].map((u) => ws.model(u)?.module).filter((m) => m !== undefined)).size;
  if (modules) e.notes.push(`${modules} Terraform module${modules === 1 ? ' is' : 's are'} left out: the export writes the YAML files' model, and a module is Terraform already`);
  e.roles();
  e.teams();
  e.spaces();
  return e.result();
}
