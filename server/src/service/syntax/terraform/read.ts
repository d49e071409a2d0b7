/**
 * The Octopus provider's resources as model documents (SPEC section 9):
 * - `octopusdeploy_user_role` → a role with its address;
 * - `octopusdeploy_team` → a team (no `space_id`, or `""`: a system team) with its inline `user_role` blocks;
 * - `octopusdeploy_scoped_user_role` → a team document with one assignment and a `target` (its `team_id`);
 * - `data "octopusdeploy_user_roles"` looking a built-in role up by its exact name → a lookup.
 * Only what is written as a literal (or as a reference to a resource of the module) becomes a fact;
 * anything computed leaves the fact out, so no rule judges it.
 */
import { allBuiltinRoles, builtinRoleOfId as builtinRoleOfIdInCatalog, type Dimension } from '../../catalog';
import type { Assignment, ComputedPart, Doc, KeyRef, ModuleSpace, ModuleValue, Name, NameList, Restriction, RoleDoc, Span, TeamDoc } from '../../model/types';
import { valueKey } from '../../model/scope';
import { oneLookupOf, type Block, type Body, type Value } from './values';

export const ROLE = 'octopusdeploy_user_role';
export const TEAM = 'octopusdeploy_team';
export const SCOPED = 'octopusdeploy_scoped_user_role';
const USER = 'octopusdeploy_user';
export const SPACE = 'octopusdeploy_space';
const ROLES_LOOKUP = 'octopusdeploy_user_roles';

/** The attribute of each restriction dimension. */
export const DIMENSION_ATTRIBUTES: Readonly<Record<string, Dimension>> = {
  environment_ids: 'environments',
  project_ids: 'projects',
  project_group_ids: 'projectGroups',
  tenant_ids: 'tenants',
};

/** The data source that looks up the values of each dimension by name. */
const DIMENSION_LOOKUPS: Readonly<Record<Dimension, string>> = {
  environments: 'octopusdeploy_environments',
  projects: 'octopusdeploy_projects',
  projectGroups: 'octopusdeploy_project_groups',
  tenants: 'octopusdeploy_tenants',
};

/** An assignment's model fields (its space and the dimensions) and the provider's attributes for them. */
export const ASSIGNMENT_ATTRIBUTES: Readonly<Record<string, string>> = {
  space: 'space_id',
  ...Object.fromEntries(Object.entries(DIMENSION_ATTRIBUTES).map(([attribute, dimension]) => [dimension, attribute])),
};

/** Model list keys and the provider's attributes. */
export const LIST_ATTRIBUTES = { spacePermissions: 'granted_space_permissions', systemPermissions: 'granted_system_permissions' } as const;

/** A built-in role's name from its literal id (`userroles-projectviewer`), by the catalog. */
export function builtinRoleOfId(id: string): string | undefined {
  return builtinRoleOfIdInCatalog(id)?.name;
}

/** What the reader makes of a file's top-level blocks. */
export interface Read {
  readonly docs: Doc[];
  readonly lookups: Map<string, string>;
  /** `octopusdeploy_user` resources by address, with their literal `username`. */
  readonly users: Map<string, string>;
  /** Literal values by the reference that reads them (`local.x`, `var.x`, spaces by id, `import:ADDRESS`). */
  readonly values: Map<string, ModuleValue>;
  /** `octopusdeploy_space` resources. */
  readonly spaces: ModuleSpace[];
}

/** Reads the top-level blocks of a module file. */
export function readBlocks(blocks: readonly Block[], uri: string): Read {
  const read: Read = { docs: [], lookups: new Map(), users: new Map(), values: new Map(), spaces: [] };
  for (const b of blocks) {
    if (b.labels.length !== 2) {
      readModuleBlock(b, read.values);
      continue;
    }
    const [type, label] = b.labels;
    if (b.type === 'data' && type === ROLES_LOOKUP) {
      const role = lookupOf(b.body);
      if (role) read.lookups.set(`data.${type}.${label}`, role);
      continue;
    }
    if (b.type === 'data' && type === SPACE && !repeatedBody(b.body)) {
      const name = b.body.attributes.get('name')?.value;
      if (name?.type === 'string' && name.value.trim()) read.values.set(`data.${type}.${label}.id`, { value: name.value, span: name.span, rank: 0 });
      continue;
    }
    if (b.type !== 'resource') continue;
    const docs = read.docs;
    const base = { uri, index: docs.length, span: b.span, keys: keysOf(b.body), address: `${type}.${label}` };
    const repeated = repeatedBody(b.body);
    if (type === ROLE) docs.push(roleOf(base, b.body, repeated));
    else if (type === TEAM) docs.push(teamOf(base, b.body, repeated));
    else if (type === SCOPED) docs.push(scopedOf(base, b, repeated));
    else if (type === SPACE && !repeated) read.spaces.push(spaceResourceOf(base.address, b, read.values));
    else if (type === USER && !repeated) {
      const username = b.body.attributes.get('username')?.value;
      if (username?.type === 'string' && username.value.trim()) read.users.set(base.address, username.value);
    }
  }
  return read;
}

const repeatedBody = (body: Body) => body.attributes.has('for_each') || body.attributes.has('count');

/**
 * `locals`, `variable` and `import` blocks: literal locals, variables' literal defaults (a reference to
 * another value is kept as such), and the id each `import` block adopts its resource from.
 */
function readModuleBlock(b: Block, values: Map<string, ModuleValue>): void {
  const set = (key: string, v: Value | undefined) => {
    if (v?.type === 'string') values.set(key, { value: v.value, span: v.span, rank: 0 });
    else if (v && v.type !== 'list' && v.type !== 'null') {
      const ref = valueKey(v.text);
      if (ref) values.set(key, { ref, span: v.span, rank: 0 });
    }
  };
  if (b.type === 'locals' && b.labels.length === 0) {
    for (const [name, a] of b.body.attributes) set(`local.${name}`, a.value);
  } else if (b.type === 'variable' && b.labels.length === 1) {
    set(`var.${b.labels[0]}`, b.body.attributes.get('default')?.value);
  } else if (b.type === 'import' && b.labels.length === 0 && !b.body.attributes.has('for_each')) {
    const to = b.body.attributes.get('to')?.value;
    const id = b.body.attributes.get('id')?.value;
    if (to?.type === 'reference' && to.path === '' && id?.type === 'string') values.set(`import:${to.address}`, { value: id.value, span: id.span, rank: 0 });
  }
}

/** Reads the values of a `terraform.tfvars` or `*.auto.tfvars` file: `var.NAME` with the file's precedence. */
export function readVariableValues(attributes: Body['attributes'], rank: number): Map<string, ModuleValue> {
  const values = new Map<string, ModuleValue>();
  for (const [name, a] of attributes) if (a.value.type === 'string') values.set(`var.${name}`, { value: a.value.value, span: a.value.span, rank });
  return values;
}

/**
 * An `octopusdeploy_space`: its name (also the value its `id` stands for in the module) and its managers,
 * `space_managers_teams` (built-in ids, or teams of the module by address) and
 * `space_managers_team_members` (user ids, users of the module by address, exact-name lookups).
 */
function spaceResourceOf(address: string, b: Block, values: Map<string, ModuleValue>): ModuleSpace {
  const nameValue = b.body.attributes.get('name')?.value;
  const name = nameValue?.type === 'string' && nameValue.value.trim() ? { value: nameValue.value, span: nameValue.span } : undefined;
  if (name) values.set(`${address}.id`, { value: name.value, span: name.span, rank: 0 });
  const computed: Span[] = [];
  const teams: Name[] = [];
  const teamsAttr = b.body.attributes.get('space_managers_teams');
  if (teamsAttr && teamsAttr.value.type === 'list') {
    for (const item of teamsAttr.value.items) {
      const t = teamRefOf(item);
      if (t) teams.push(t);
      else computed.push(item.span);
    }
  } else if (teamsAttr && teamsAttr.value.type !== 'null') computed.push(teamsAttr.value.span);
  const parts: ComputedPart[] = [];
  const members = usersOf(b.body, parts, 'space_managers_team_members');
  for (const p of parts) computed.push(p.span);
  return { address, span: b.span, ...(name ? { name } : {}), teams, members: members?.items ?? [], computed };
}

type Base = Pick<RoleDoc, 'uri' | 'index' | 'span' | 'keys' | 'address'>;

/** The document's fields: attributes, and each kind of nested block by its first occurrence. */
function keysOf(body: Body): Map<string, KeyRef> {
  const keys = new Map<string, KeyRef>();
  for (const [name, a] of body.attributes) keys.set(name, a.key);
  for (const b of body.blocks) if (b.type !== 'dynamic' && !keys.has(b.type)) keys.set(b.type, { key: b.type, keySpan: b.typeSpan, pairSpan: b.span });
  return keys;
}

const literalName = (v: Value | undefined): Name | undefined => (v?.type === 'string' ? { value: v.value, span: v.span } : undefined);

/** A literal string, or an exact-name lookup of the data source `type` (values.ts `oneLookupOf`) as the name it picks. */
function literalOf(v: Value | undefined, type: string): Name | undefined {
  if (!v) return undefined;
  if (v.type === 'string') return { value: v.value, span: v.span };
  const looked = oneLookupOf(v);
  return looked?.type === type ? { value: looked.name, span: v.span } : undefined;
}

/** A permission list: its literal items, and whether anything in it is computed. */
function listOf(body: Body, attribute: string): { list?: NameList; computed: boolean } {
  const a = body.attributes.get(attribute);
  if (!a || a.value.type === 'null') return { computed: false };
  if (a.value.type !== 'list') return { computed: true };
  const items: Name[] = [];
  let computed = false;
  for (const item of a.value.items) {
    if (item.type === 'string') items.push({ value: item.value, span: item.span });
    else computed = true;
  }
  return { list: { key: a.key, items, valueSpan: a.value.span }, computed };
}

function roleOf(base: Base, body: Body, repeated: boolean): RoleDoc {
  const name = literalName(body.attributes.get('name')?.value);
  const space = listOf(body, LIST_ATTRIBUTES.spacePermissions);
  const system = listOf(body, LIST_ATTRIBUTES.systemPermissions);
  const unknown = repeated || !name || space.computed || system.computed;
  // An unknown role keeps its literal permissions (each is still checked) but no name: nothing judges it whole.
  return { ...base, kind: 'role', name: unknown ? undefined : name, spacePermissions: space.list, systemPermissions: system.list, ...(unknown ? { unknown } : {}) };
}

/** A space: absent, null or `""` mean none (the system level); a reference or expression is computed. */
function spaceOf(v: Value | undefined): Name | undefined | 'none' {
  if (!v || v.type === 'null' || (v.type === 'string' && v.value === '')) return 'none';
  if (v.type === 'list') return undefined;
  return literalOf(v, 'octopusdeploy_spaces') ?? (v.type === 'string' ? undefined : { value: v.text, span: v.span, computed: true });
}

/** A role reference: a role of the module by address, a data lookup, or a built-in role's literal id. */
function roleRefOf(v: Value | undefined): Name | undefined {
  if (!v) return undefined;
  if (v.type === 'string') {
    const builtin = builtinRoleOfId(v.value);
    return builtin ? { value: builtin, span: v.span } : undefined;
  }
  const looked = literalOf(v, ROLES_LOOKUP);
  if (looked) return looked;
  if (v.type !== 'reference') return undefined;
  if (v.address.startsWith(`${ROLE}.`) && v.path === 'id') return { value: v.address, span: v.span, computed: true };
  if (v.address.startsWith(`data.${ROLES_LOOKUP}.`) && /^user_roles\[0\]\.id$/.test(v.path)) return { value: v.address, span: v.span, computed: true };
  return undefined;
}

/** The assignment a `user_role` block or a scoped user role writes; undefined when its role is not known. */
function assignmentOf(body: Body, span: Span): Assignment | undefined {
  const role = roleRefOf(body.attributes.get('user_role_id')?.value);
  if (!role) return undefined;
  const spaceAttr = body.attributes.get('space_id');
  const space = spaceOf(spaceAttr?.value);
  if (space === undefined) return undefined;
  const restrictions: Restriction[] = [];
  for (const [attribute, dimension] of Object.entries(DIMENSION_ATTRIBUTES)) {
    const a = body.attributes.get(attribute);
    if (!a || a.value.type === 'null') continue;
    // A computed list may or may not be empty: what the assignment restricts is unknown, so is the assignment.
    if (a.value.type !== 'list') return undefined;
    if (a.value.items.length === 0) continue;
    const items = a.value.items.map((i): Name => literalOf(i, DIMENSION_LOOKUPS[dimension]) ?? { value: 'text' in i ? i.text : '', span: i.span, computed: true });
    restrictions.push({ dimension, list: { key: a.key, items, valueSpan: a.value.span } });
  }
  const withSpace = space === 'none' ? {} : { space, spaceKey: spaceAttr!.key };
  return { role, span, restrictions, ...withSpace };
}

function teamOf(base: Base, body: Body, repeated: boolean): TeamDoc {
  const name = literalName(body.attributes.get('name')?.value);
  const space = spaceOf(body.attributes.get('space_id')?.value);
  if (repeated || !name || space === undefined) return { ...base, kind: 'team', assignments: [], unknown: true };
  const assignments: Assignment[] = [];
  const computedParts: ComputedPart[] = [];
  const groups: Name[] = [];
  let groupsKey: KeyRef | undefined;
  for (const b of body.blocks) {
    if (b.type === 'user_role') {
      const a = assignmentOf(b.body, b.span);
      const role = a ? undefined : roleRefOf(b.body.attributes.get('user_role_id')?.value);
      if (a) assignments.push(a);
      else computedParts.push({ what: 'assignment', span: b.span, ...(role ? { role: role.value } : {}) });
    } else if (b.type === 'external_security_group') {
      groupsKey ??= { key: b.type, keySpan: b.typeSpan, pairSpan: b.span };
      const id = b.body.attributes.get('id')?.value;
      if (id?.type === 'string') groups.push({ value: id.value, span: id.span });
      else computedParts.push({ what: 'groups', span: b.span });
    } else if (b.type === 'dynamic') {
      // A `dynamic` block makes as many blocks as its collection has items: none of them is known.
      if (b.labels[0] === 'user_role') computedParts.push({ what: 'assignment', span: b.span });
      else if (b.labels[0] === 'external_security_group') computedParts.push({ what: 'groups', span: b.span });
    }
  }
  const members = usersOf(body, computedParts);
  return {
    ...base,
    kind: 'team',
    name,
    ...(space === 'none' ? {} : { space }),
    assignments,
    ...(members ? { members } : {}),
    ...(groupsKey ? { externalGroups: { key: groupsKey, items: groups } } : {}),
    ...(computedParts.length ? { computedParts } : {}),
  };
}

/**
 * A team's `users` (user ids): literal ids, and users of the module by address (`octopusdeploy_user.x.id`
 * as `octopusdeploy_user.x`, which effective access names by the resource's `username`); anything else is
 * a computed part.
 */
function usersOf(body: Body, computedParts: ComputedPart[], attribute = 'users'): NameList | undefined {
  const a = body.attributes.get(attribute);
  if (!a || a.value.type === 'null') return undefined;
  if (a.value.type !== 'list') {
    computedParts.push({ what: 'members', span: a.value.span });
    return undefined;
  }
  const items: Name[] = [];
  for (const item of a.value.items) {
    const looked = literalOf(item, 'octopusdeploy_users');
    if (looked) items.push(looked);
    else if (item.type === 'reference' && item.path === 'id' && item.address.startsWith('octopusdeploy_user.')) items.push({ value: item.address, span: item.span, computed: true });
    else computedParts.push({ what: 'members', span: item.span });
  }
  return { key: a.key, items, valueSpan: a.value.span };
}

/** A team reference: a team of the module by address, or a built-in team's literal id. */
function teamRefOf(v: Value | undefined): Name | undefined {
  if (v?.type === 'string' && /^teams-/i.test(v.value)) return { value: v.value, span: v.span };
  if (v?.type === 'reference' && v.address.startsWith(`${TEAM}.`) && v.path === 'id') return { value: v.address, span: v.span, computed: true };
  return undefined;
}

function scopedOf(base: Base, b: Block, repeated: boolean): TeamDoc {
  const target = repeated ? undefined : teamRefOf(b.body.attributes.get('team_id')?.value);
  if (!target) return { ...base, kind: 'team', assignments: [], unknown: true };
  // The team it targets is a fact even when the role is computed (tf-inline-and-scoped-assignments).
  const a = assignmentOf(b.body, b.span);
  if (!a) return { ...base, kind: 'team', target, assignments: [], computedParts: [{ what: 'assignment', span: b.span }] };
  return { ...base, kind: 'team', target, assignments: [a] };
}

/** `data "octopusdeploy_user_roles"` whose only filter is a built-in role's exact name. */
function lookupOf(body: Body): string | undefined {
  const name = body.attributes.get('partial_name')?.value;
  if (name?.type !== 'string' || body.attributes.has('ids') || body.attributes.has('skip') || body.attributes.has('for_each') || body.attributes.has('count')) return undefined;
  for (const r of allBuiltinRoles()) if (r.name === name.value) return r.name;
  return undefined;
}
