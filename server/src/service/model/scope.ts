/**
 * Scopes of names, and the tables each keeps. The YAML files of a workspace form one model; each
 * Terraform module (a folder of `.tf` files) is a model of its own, whose documents refer to each other by
 * address (SPEC section 9). A `NameTables` holds one scope's definitions and references and says which
 * files a change touches; `analysedModel` gives a module's file the shape rules expect: references by
 * address resolved, assignments whose role is not known left out, and documents that add assignments to a
 * team elsewhere given that team's name and space.
 */
import { builtinTeamOfId } from '../catalog';
import type { Located } from './roles';
import type { Assignment, Doc, FileModel, ModuleValue, Name, RoleDoc, SpaceDoc, Span, TeamDoc } from './types';
import type { Suggester } from '../util/suggest';

/**
 * What an address of a module stands for: a document, a built-in role looked up by name, or a value
 * (`ParsedFile.values`: a literal local, a variable's value, a space's id, an `import` block's id).
 */
export type AddressTarget = { readonly uri: string; readonly doc: Doc } | { readonly uri: string; readonly builtinRole: string } | { readonly uri: string; readonly value: ModuleValue };

const lower = (s: string): string => s.toLowerCase();
/** Octopus trims team names and compares them without case ([Trim] on TeamResource.Name). */
export const teamKey = (team: TeamDoc): string => `${team.space ? lower(team.space.value) : ''}\u0000${lower(team.name!.value.trim())}`;

/**
 * Adds a definition, keeping each list ordered by file and position, so that which of several same-named
 * definitions counts as "the" one never depends on the order in which files were loaded or edited.
 */
function addTo<D extends { span: Span }>(list: Located<D>[], value: Located<D>): void {
  const before = (a: Located<D>, b: Located<D>) => a.uri < b.uri || (a.uri === b.uri && a.doc.span.start < b.doc.span.start);
  let i = list.length;
  while (i > 0 && before(value, list[i - 1])) i--;
  list.splice(i, 0, value);
}

const rankOf = (t: AddressTarget) => ('value' in t ? t.value.rank : 0);

/**
 * Adds what an address stands for, keeping definitions in another file in file order (a stable sort);
 * values of a higher rank come first, and among variable files the later one (Terraform's precedence).
 */
function addAddress(map: Map<string, AddressTarget[]>, address: string, target: AddressTarget): void {
  const list = map.get(address);
  if (!list) map.set(address, [target]);
  else {
    list.push(target);
    const order = (a: AddressTarget, b: AddressTarget) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0);
    list.sort((a, b) => rankOf(b) - rankOf(a) || (rankOf(a) > 0 ? order(b, a) : order(a, b)));
  }
}

function removeFrom<K, V extends { uri: string }>(map: Map<K, V[]>, key: K, uri: string): void {
  const list = map.get(key);
  if (!list) return;
  const kept = list.filter((v) => v.uri !== uri);
  if (kept.length) map.set(key, kept);
  else map.delete(key);
}

/**
 * Definitions by key (a lower-cased name), each key's in file and position order. The usual key has one
 * definition, kept as its document when the document's `uri` is its file's (no list and no `{uri, doc}`
 * object: 96 bytes a name less); lists and Located objects are made when read.
 */
export class Definitions<D extends Doc> {
  private readonly map = new Map<string, D | Located<D>[]>();

  get size(): number {
    return this.map.size;
  }

  get(key: string): readonly Located<D>[] | undefined {
    const at = this.map.get(key);
    return at === undefined ? undefined : Array.isArray(at) ? at : [{ uri: (at as D).uri, doc: at as D }];
  }

  *values(): IterableIterator<readonly Located<D>[]> {
    for (const key of this.map.keys()) yield this.get(key)!;
  }

  add(key: string, value: Located<D>): void {
    const at = this.map.get(key);
    if (at === undefined) {
      this.map.set(key, value.doc.uri === value.uri ? value.doc : [value]);
      return;
    }
    const list = Array.isArray(at) ? at : [{ uri: at.uri, doc: at }];
    addTo(list, value);
    this.map.set(key, list);
  }

  remove(key: string, uri: string): void {
    const list = this.get(key);
    if (!list) return;
    const kept = list.filter((v) => v.uri !== uri);
    if (kept.length === 0) this.map.delete(key);
    else if (kept.length === 1 && kept[0].doc.uri === kept[0].uri) this.map.set(key, kept[0].doc);
    else if (kept.length !== list.length) this.map.set(key, kept);
  }
}

/**
 * The files that refer to a name: one URI, a few in a list, or a set when there are many. Most names are
 * referred to by a file or two, and a Set costs about 200 bytes even for one (25,000 of them at 50,000
 * files); a list is searched, so it is kept short.
 */
export type Referrers = string | readonly string[] | Set<string>;

/** The most referrers kept in a list before a set. */
const LIST_MAX = 8;

function refAdd(map: Map<string, Referrers>, key: string, uri: string): void {
  const refs = map.get(key);
  if (refs === undefined) map.set(key, uri);
  else if (typeof refs === 'string') {
    if (refs !== uri) map.set(key, [refs, uri]);
  } else if (refs instanceof Set) refs.add(uri);
  else if (!refs.includes(uri)) map.set(key, refs.length < LIST_MAX ? [...refs, uri] : new Set([...refs, uri]));
}

function refRemove(map: Map<string, Referrers>, key: string, uri: string): void {
  const refs = map.get(key);
  if (refs === undefined) return;
  if (typeof refs === 'string') {
    if (refs === uri) map.delete(key);
  } else if (refs instanceof Set) {
    refs.delete(uri);
    if (refs.size === 0) map.delete(key);
  } else {
    const kept = refs.filter((r) => r !== uri);
    if (kept.length === 0) map.delete(key);
    else map.set(key, kept.length === 1 ? kept[0] : kept);
  }
}

/** The files of `refs` as a set (a new one unless they are kept as one). */
export function referrerSet(refs: Referrers | undefined): ReadonlySet<string> {
  if (refs === undefined) return new Set();
  if (refs instanceof Set) return refs;
  return new Set(typeof refs === 'string' ? [refs] : refs);
}

/** The files of `refs`, to iterate. */
function referrers(refs: Referrers | undefined): Iterable<string> | undefined {
  return typeof refs === 'string' ? [refs] : refs;
}

/** What a file contributes to its scope's tables: its model and the keys it defines and refers to. */
export interface IndexedNames {
  readonly uri: string;
  readonly model?: FileModel;
  readonly roles: readonly string[];
  readonly spaces: readonly string[];
  readonly teams: readonly string[];
  readonly roleRefs: readonly string[];
  readonly spaceRefs: readonly string[];
  /** Team names a space's `managers.teams` refers to (trimmed, lower case). */
  readonly teamRefs: readonly string[];
  /** Addresses it defines, and addresses it refers to. */
  readonly addresses: readonly string[];
  readonly addressRefs: readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * What a file defines and refers to, for its scope's tables. Derived from the model when the file is
 * added, changed or removed, not kept: eight lists and their lower-cased strings per file add up over a
 * session with 50,000 files.
 */
export function namesOf(uri: string, model: FileModel | undefined): IndexedNames {
  if (!model) return { uri, model, roles: NONE, spaces: NONE, teams: NONE, roleRefs: NONE, spaceRefs: NONE, teamRefs: NONE, addresses: NONE, addressRefs: NONE };
  const roles: string[] = [];
  const spaces: string[] = [];
  const teams: string[] = [];
  const roleRefs = new Set<string>();
  const spaceRefs = new Set<string>();
  const teamRefs = new Set<string>();
  const addresses: string[] = [...(model.lookups?.keys() ?? []), ...(model.values?.keys() ?? [])];
  const addressRefs = new Set<string>();
  for (const doc of model.docs) {
    if (doc.address) addresses.push(doc.address);
    if (doc.kind === 'team') {
      if (doc.target?.computed) addressRefs.add(doc.target.value);
      if (doc.address && !doc.target) addressRefs.add(`import:${doc.address}`);
      for (const key of valueKeysOf(doc)) addressRefs.add(key);
      for (const a of doc.assignments) if (a.role.computed) addressRefs.add(a.role.value);
    }
    if (doc.kind === 'policy') {
      if (doc.context.space) spaceRefs.add(lower(doc.context.space.value));
      continue;
    }
    if (!doc.name && doc.kind !== 'team') continue;
    if (doc.kind === 'role') roles.push(lower(doc.name!.value));
    else if (doc.kind === 'space') {
      spaces.push(lower(doc.name!.value));
      for (const t of doc.managers?.teams?.items ?? []) teamRefs.add(lower(t.value.trim()));
    } else {
      if (doc.name && !doc.target) teams.push(teamKey(doc));
      if (doc.space) spaceRefs.add(lower(doc.space.value));
      for (const a of doc.assignments) {
        roleRefs.add(lower(a.role.value));
        if (a.space) spaceRefs.add(lower(a.space.value));
      }
    }
  }
  return { uri, model, roles, spaces, teams, roleRefs: [...roleRefs], spaceRefs: [...spaceRefs], teamRefs: [...teamRefs], addresses, addressRefs: [...addressRefs] };
}

/** One scope's names: definitions by lower-cased name, references by name and by address. */
export class NameTables {
  readonly roleDefs = new Definitions<RoleDoc>();
  readonly spaceDefs = new Definitions<SpaceDoc>();
  readonly teamDefs = new Definitions<TeamDoc>();
  readonly roleRefs = new Map<string, Referrers>();
  readonly spaceRefs = new Map<string, Referrers>();
  /** Team names a space's `managers.teams` refers to (trimmed, lower case). */
  readonly teamRefs = new Map<string, Referrers>();
  readonly teamFiles = new Set<string>();
  /** Addresses (Terraform) to what they stand for, in file order. */
  readonly addressDefs = new Map<string, AddressTarget[]>();
  /** Addresses to the files that refer to them. */
  readonly addressRefs = new Map<string, Referrers>();
  roleSuggester: Suggester | undefined;
  spaceSuggester: Suggester | undefined;
  teamSuggester: Suggester | undefined;

  get empty(): boolean {
    const maps = [this.roleDefs, this.spaceDefs, this.teamDefs, this.roleRefs, this.spaceRefs, this.teamRefs, this.addressDefs, this.addressRefs];
    return maps.every((m) => m.size === 0) && this.teamFiles.size === 0;
  }

  /** Adds a file's definitions and references. */
  add(e: IndexedNames): void {
    const model = e.model;
    if (!model) return;
    for (const doc of model.docs) {
      if (doc.address) addAddress(this.addressDefs, doc.address, { uri: e.uri, doc });
      if (!doc.name) continue;
      if (doc.kind === 'role') this.roleDefs.add(lower(doc.name.value), { uri: e.uri, doc });
      else if (doc.kind === 'space') this.spaceDefs.add(lower(doc.name.value), { uri: e.uri, doc });
      else if (doc.kind === 'team' && !doc.target) this.teamDefs.add(teamKey(doc), { uri: e.uri, doc });
    }
    for (const [address, builtinRole] of model.lookups ?? []) addAddress(this.addressDefs, address, { uri: e.uri, builtinRole });
    for (const [key, value] of model.values ?? []) addAddress(this.addressDefs, key, { uri: e.uri, value });
    for (const r of e.roleRefs) refAdd(this.roleRefs, r, e.uri);
    for (const s of e.spaceRefs) refAdd(this.spaceRefs, s, e.uri);
    for (const t of e.teamRefs) refAdd(this.teamRefs, t, e.uri);
    for (const a of e.addressRefs) refAdd(this.addressRefs, a, e.uri);
    if (model.docs.some((d) => d.kind === 'team')) this.teamFiles.add(e.uri);
  }

  /** Removes what `add` added for a file. */
  remove(e: IndexedNames): void {
    for (const r of e.roles) this.roleDefs.remove(r, e.uri);
    for (const s of e.spaces) this.spaceDefs.remove(s, e.uri);
    for (const t of e.teams) this.teamDefs.remove(t, e.uri);
    for (const a of e.addresses) removeFrom(this.addressDefs, a, e.uri);
    for (const r of e.roleRefs) refRemove(this.roleRefs, r, e.uri);
    for (const s of e.spaceRefs) refRemove(this.spaceRefs, s, e.uri);
    for (const t of e.teamRefs) refRemove(this.teamRefs, t, e.uri);
    for (const a of e.addressRefs) refRemove(this.addressRefs, a, e.uri);
    this.teamFiles.delete(e.uri);
  }

  /** Hands `touch` the files whose diagnostics depend on what a file defines or refers to. */
  touched(e: IndexedNames, touch: (uris: Iterable<string> | undefined) => void): void {
    for (const r of e.roles) {
      touch(referrers(this.roleRefs.get(r)));
      touch(this.roleDefs.get(r)?.map((d) => d.uri));
    }
    for (const s of e.spaces) {
      touch(referrers(this.spaceRefs.get(s)));
      touch(this.spaceDefs.get(s)?.map((d) => d.uri));
    }
    for (const t of e.teams) {
      touch(this.teamDefs.get(t)?.map((d) => d.uri));
      touch(referrers(this.teamRefs.get(t.slice(t.indexOf('\u0000') + 1))));
    }
    // Both ways: the files that refer to what it defines, and those that define what it refers to (a
    // team learns from the scoped assignments that target it).
    for (const a of e.addresses) {
      touch(referrers(this.addressRefs.get(a)));
      touch(this.addressDefs.get(a)?.map((d) => d.uri));
    }
    for (const a of e.addressRefs) touch(this.addressDefs.get(a)?.map((d) => d.uri));
  }
}

/**
 * The key a value is found by among a module's values (`ParsedFile.values`): a reference without spaces
 * (`local.space_id`, `var.space_id`, `data.octopusdeploy_space.main.id`); undefined for anything else.
 */
export function valueKey(text: string): string | undefined {
  const key = text.replace(/\s+/g, '');
  return /^(local|var|data\.octopusdeploy_space\.[A-Za-z_][\w-]*|octopusdeploy_space)\.[A-Za-z_][\w-]*(\.id)?$/.test(key) ? key : undefined;
}

/** A team as a scoped assignment's target: its name and space (undefined: a system team). */
interface TeamFacts {
  readonly name: string;
  readonly space?: Name;
}

/** What the index answers for the resolution below. */
export interface AddressResolver {
  resolveAddress(address: string): AddressTarget | undefined;
  hasRole(value: string): boolean;
}

/** The facts of a team that a scoped assignment targets; undefined when they are not known. */
function targetTeam(ws: AddressResolver, target: Name): TeamFacts | undefined {
  if (target.computed) {
    const found = ws.resolveAddress(target.value);
    if (!found || !('doc' in found) || found.doc.kind !== 'team' || found.doc.unknown || found.doc.target || !found.doc.name) return undefined;
    if (found.doc.name.computed) return undefined;
    return { name: found.doc.name.value, space: found.doc.space };
  }
  // A built-in team's id, as Terraform modules write it (`teams-everyone`, `teams-spacemanagers-Spaces-1`).
  const builtin = builtinTeamOfId(target.value);
  if (!builtin) return undefined;
  return builtin.spaceId === undefined ? { name: builtin.team.name } : { name: builtin.team.name, space: { value: builtin.spaceId, span: target.span } };
}

/**
 * An assignment as Octopus takes it in a team of `space`: Terraform writes the space on every assignment
 * applied in a space, so in a space team a `space_id` that is (or may be) the team's own says nothing,
 * and only a different literal space is kept (for `space-not-allowed`).
 */
function inTeam(a: Assignment, space: Name | undefined): Assignment {
  if (!space || !a.space) return a;
  const differs = !a.space.computed && !space.computed && a.space.value !== space.value;
  return differs ? a : { role: a.role, span: a.span, space: undefined, spaceKey: undefined, restrictions: a.restrictions };
}

/** The keys of the module values a team document's computed spaces and restriction values read. */
function valueKeysOf(doc: TeamDoc): string[] {
  const names: Name[] = [];
  if (doc.space?.computed) names.push(doc.space);
  for (const a of doc.assignments) {
    if (a.space?.computed) names.push(a.space);
    for (const r of a.restrictions) for (const i of r.list.items) if (i.computed) names.push(i);
  }
  return names.map((n) => valueKey(n.value)).filter((k): k is string => k !== undefined);
}

/** The literal a module value stands for (following values that refer to others), if any. */
export function resolveValue(ws: AddressResolver, key: string): string | undefined {
  // A bound: `local.a = local.b` and `local.b = local.a` is Terraform's error, not a hang.
  for (let depth = 0; depth < 16; depth++) {
    const found = ws.resolveAddress(key);
    if (!found || !('value' in found)) return undefined;
    if (found.value.value !== undefined) return found.value.value;
    if (found.value.ref === undefined) return undefined;
    key = found.value.ref;
  }
  return undefined;
}

/** A computed name whose value is a literal of the module (a local, a variable's value, a space's id) as that literal. */
function resolvedName<N extends Name | undefined>(ws: AddressResolver, n: N): N | Name {
  if (!n?.computed) return n;
  const key = valueKey(n.value);
  const value = key === undefined ? undefined : resolveValue(ws, key);
  return value === undefined ? n : { value, span: n.span };
}

/** An assignment with its space and restriction values resolved where the module has them as literals. */
function resolvedAssignment(ws: AddressResolver, a: Assignment): Assignment {
  if (!a.space?.computed && !a.restrictions.some((r) => r.list.items.some((i) => i.computed))) return a;
  const restrictions = a.restrictions.map((r) => ({ dimension: r.dimension, list: { key: r.list.key, items: r.list.items.map((i) => resolvedName(ws, i)), valueSpan: r.list.valueSpan } }));
  return { role: a.role, span: a.span, space: resolvedName(ws, a.space), spaceKey: a.spaceKey, restrictions };
}

/**
 * The built-in team a team resource is adopted from: the id of an `import` block whose `to` is the
 * resource, when it is a built-in team's (SPEC section 9: the resource is that team, not a second one).
 */
export function adoptedTeam(ws: AddressResolver, doc: TeamDoc): Name | undefined {
  if (!doc.address || doc.target) return undefined;
  const id = resolveValue(ws, `import:${doc.address}`);
  if (id === undefined || !builtinTeamOfId(id)) return undefined;
  return { value: id, span: doc.name?.span ?? doc.span };
}

/** A module file as rules read it (see the module comment). YAML files pass unchanged. */
export function analysedModel(ws: AddressResolver, model: FileModel): FileModel {
  if (model.module === undefined) return model;
  const docs: Doc[] = [];
  for (const doc of model.docs) {
    if (doc.kind !== 'team') {
      docs.push(doc);
      continue;
    }
    if (doc.unknown) continue;
    let name = doc.name;
    let space = resolvedName(ws, doc.space);
    const target = doc.target ?? adoptedTeam(ws, doc);
    if (target) {
      const team = targetTeam(ws, target);
      if (!team) continue;
      name = { value: team.name, span: target.span };
      space = team.space && { ...team.space, span: target.span };
    }
    const assignments = doc.assignments.filter((a) => ws.hasRole(a.role.value)).map((a) => inTeam(resolvedAssignment(ws, a), space));
    docs.push({ ...doc, name, space, assignments, ...(target ? { target } : {}) });
  }
  return { ...model, docs };
}
