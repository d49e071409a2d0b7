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
import type { Assignment, ComputedPart, Doc, KeyRef, Name, NameList, Restriction, RoleDoc, Span, TeamDoc } from '../../model/types';
import type { Block, Body, Value } from './values';

export const ROLE = 'octopusdeploy_user_role';
export const TEAM = 'octopusdeploy_team';
export const SCOPED = 'octopusdeploy_scoped_user_role';
const USER = 'octopusdeploy_user';
const ROLES_LOOKUP = 'octopusdeploy_user_roles';

/** The attribute of each restriction dimension. */
export const DIMENSION_ATTRIBUTES: Readonly<Record<string, Dimension>> = {
  environment_ids: 'environments',
  project_ids: 'projects',
  project_group_ids: 'projectGroups',
  tenant_ids: 'tenants',
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
}

/** Reads the top-level blocks of a module file. */
export function readBlocks(blocks: readonly Block[], uri: string): Read {
  const docs: Doc[] = [];
  const lookups = new Map<string, string>();
  const users = new Map<string, string>();
  for (const b of blocks) {
    const [type, label] = b.labels;
    if (b.labels.length !== 2) continue;
    if (b.type === 'data' && type === ROLES_LOOKUP) {
      const role = lookupOf(b.body);
      if (role) lookups.set(`data.${type}.${label}`, role);
      continue;
    }
    if (b.type !== 'resource') continue;
    const base = { uri, index: docs.length, span: b.span, keys: keysOf(b.body), address: `${type}.${label}` };
    const repeated = b.body.attributes.has('for_each') || b.body.attributes.has('count');
    if (type === ROLE) docs.push(roleOf(base, b.body, repeated));
    else if (type === TEAM) docs.push(teamOf(base, b.body, repeated));
    else if (type === SCOPED) docs.push(scopedOf(base, b, repeated));
    else if (type === USER && !repeated) {
      const username = b.body.attributes.get('username')?.value;
      if (username?.type === 'string' && username.value.trim()) users.set(base.address, username.value);
    }
  }
  return { docs, lookups, users };
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
  if (v.type === 'string') return { value: v.value, span: v.span };
  if (v.type === 'list') return undefined;
  return { value: v.text, span: v.span, computed: true };
}

/** A role reference: a role of the module by address, a data lookup, or a built-in role's literal id. */
function roleRefOf(v: Value | undefined): Name | undefined {
  if (!v) return undefined;
  if (v.type === 'string') {
    const builtin = builtinRoleOfId(v.value);
    return builtin ? { value: builtin, span: v.span } : undefined;
  }
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
    const items = a.value.items.map((i): Name => (i.type === 'string' ? { value: i.value, span: i.span } : { value: 'text' in i ? i.text : '', span: i.span, computed: true }));
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
      if (a) assignments.push(a);
      else computedParts.push({ what: 'assignment', span: b.span });
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
function usersOf(body: Body, computedParts: ComputedPart[]): NameList | undefined {
  const a = body.attributes.get('users');
  if (!a || a.value.type === 'null') return undefined;
  if (a.value.type !== 'list') {
    computedParts.push({ what: 'members', span: a.value.span });
    return undefined;
  }
  const items: Name[] = [];
  for (const item of a.value.items) {
    if (item.type === 'string') items.push({ value: item.value, span: item.span });
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
