/**
 * What changed between two versions of the model (SPEC section 8, `diff` and `diff --live`): the roles,
 * teams and spaces added, removed or changed (compared by name, as Octopus identifies them), and per
 * principal the access gained and lost by contexts (model/records.ts `accessChange`). The command line
 * renders it; the editor may ask it of two indexes too.
 */
import { DIMENSIONS } from '../catalog';
import { accessChange, accessTeams, grantKey, principalKey, reachOf, teamsOf, type Grant, type Principal, type TeamEntry } from '../model/access';
import { accessScopes } from '../model/access-scope';
import type { Assignment, Doc, NameList, RoleDoc, SpaceDoc, TeamDoc } from '../model/types';
import type { ModelIndex } from '../model/workspace';

/** One version of the model, as `compareModels` reads it. */
export interface DiffSide {
  readonly ws: ModelIndex;
  /**
   * A file or module folder of this side as a path relative to the side's root: files of two sides meet by
   * it (two folders compared hold the same files at different places).
   */
  readonly display: (uri: string) => string;
  /**
   * False to compare only the YAML model (`diff --live`: a server's dump is one model of names, which a
   * module's ids cannot be matched with); every model by default.
   */
  readonly modules?: boolean;
}

/** A role, team or space added, removed or changed, with what changed in it. */
export interface ObjectChange {
  readonly kind: 'role' | 'team' | 'space';
  readonly name: string;
  /** The Terraform module it is in (a path relative to the side's root); absent in the YAML model. */
  readonly module?: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly details: readonly string[];
}

/** What one principal gains and loses: the contexts some record admits on one side and none on the other. */
export interface AccessDelta {
  readonly principal: { readonly kind: string; readonly name: string; readonly module?: string };
  readonly gains: readonly Grant[];
  readonly losses: readonly Grant[];
}

/** The comparison of two versions. */
export interface DiffResult {
  readonly objects: readonly ObjectChange[];
  readonly access: readonly AccessDelta[];
}

const lower = (s: string) => s.trim().toLowerCase();

/**
 * Every named document of a workspace, by model, kind and identity (a team's identity includes its
 * space); a document of a model other than the YAML files' carries the model's path, shown as `moduleOf`
 * says (undefined: the model's documents are left out).
 */
function docsOf(ws: ModelIndex, moduleOf: (module: string) => string | undefined): Map<string, { doc: Doc; module?: string }> {
  const out = new Map<string, { doc: Doc; module?: string }>();
  for (const scope of accessScopes(ws)) {
    const module = scope.id === undefined ? undefined : moduleOf(scope.id);
    if (scope.id !== undefined && module === undefined) continue;
    for (const doc of scope.objects()) {
      if (!doc.name || doc.kind === 'policy') continue;
      const key = `${module ?? ''}\u0000${doc.kind}\u0000${doc.kind === 'team' && doc.space ? lower(doc.space.value) + '/' : ''}${lower(doc.name.value)}`;
      const known = out.get(key);
      if (!known) out.set(key, { doc, ...(module !== undefined ? { module } : {}) });
      else if (scope.partsJoin && known.doc.kind === 'team' && doc.kind === 'team') {
        out.set(key, { doc: { ...known.doc, assignments: [...known.doc.assignments, ...doc.assignments], members: known.doc.members ?? doc.members, externalGroups: known.doc.externalGroups ?? doc.externalGroups }, ...(module !== undefined ? { module } : {}) });
      }
    }
  }
  return out;
}

const values = (list: NameList | undefined): string[] => list?.items.map((i) => i.value) ?? [];

/** What was added to and removed from a list; items that hold commas get a line each. */
function listDelta(what: string, before: readonly string[], after: readonly string[], out: string[], each = false): void {
  const b = new Set(before);
  const a = new Set(after);
  const added = [...a].filter((x) => !b.has(x));
  const removed = [...b].filter((x) => !a.has(x));
  for (const [items, verb] of [[added, 'added'], [removed, 'removed']] as const) {
    if (!items.length) continue;
    if (each) for (const item of items) out.push(`${what} ${verb}: ${item}`);
    else out.push(`${what} ${verb}: ${items.join(', ')}`);
  }
}

function assignmentsOf(assignments: readonly Assignment[]): string[] {
  return assignments.map((a) => {
    const parts = [a.role.value];
    if (a.space) parts.push(`in space ${a.space.value}`);
    for (const r of [...a.restrictions].sort((x, y) => x.dimension.localeCompare(y.dimension))) parts.push(`${r.dimension}: ${[...new Set(values(r.list))].sort().join(', ')}`);
    return parts.join('; ');
  });
}

/** An assignment's restriction lists by dimension, each deduplicated and sorted. */
function listsOf(a: Assignment): Map<string, string[]> {
  return new Map(a.restrictions.map((r) => [r.dimension, [...new Set(values(r.list))].sort()]));
}

/**
 * How one assignment's restrictions changed, per dimension: values added and removed as deltas
 * (`environments: +Production, -Staging`), a restriction that appears as `only ...` and one that goes as
 * `any`, each with what it was.
 */
function restrictionDelta(before: Assignment, after: Assignment): string {
  const b = listsOf(before);
  const a = listsOf(after);
  const parts: string[] = [];
  for (const d of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const was = b.get(d) ?? [];
    const now = a.get(d) ?? [];
    if (!was.length) parts.push(`${d}: only ${now.join(', ')} (was any)`);
    else if (!now.length) parts.push(`${d}: any (was ${was.join(', ')})`);
    else {
      const delta = [...now.filter((v) => !was.includes(v)).map((v) => `+${v}`), ...was.filter((v) => !now.includes(v)).map((v) => `-${v}`)];
      if (delta.length) parts.push(`${d}: ${delta.join(', ')}`);
    }
  }
  return parts.join('; ');
}

/**
 * A team's role assignments added, removed and changed: an assignment of a role (in a space) that the team
 * has exactly once on each side is one assignment whose restrictions changed, shown as their delta.
 */
function assignmentChanges(before: TeamDoc, after: TeamDoc, out: string[]): void {
  const keyOf = (a: Assignment) => `${lower(a.role.value)}\u0000${a.space ? lower(a.space.value) : ''}`;
  const count = (list: readonly Assignment[]) => list.reduce((m, a) => m.set(keyOf(a), (m.get(keyOf(a)) ?? 0) + 1), new Map<string, number>());
  const b = count(before.assignments);
  const a = count(after.assignments);
  const paired = (x: Assignment) => b.get(keyOf(x)) === 1 && a.get(keyOf(x)) === 1;
  const rest = (team: TeamDoc) => assignmentsOf(team.assignments.filter((x) => !paired(x)));
  listDelta('role assignment', rest(before), rest(after), out, true);
  for (const now of after.assignments.filter(paired)) {
    const was = before.assignments.find((x) => keyOf(x) === keyOf(now))!;
    const delta = restrictionDelta(was, now);
    if (delta) out.push(`role assignment changed: ${[now.role.value, ...(now.space ? [`in space ${now.space.value}`] : []), delta].join('; ')}`);
  }
}

function details(before: Doc, after: Doc): string[] {
  const out: string[] = [];
  if (before.kind === 'role' && after.kind === 'role') {
    const b = before as RoleDoc;
    const a = after as RoleDoc;
    listDelta('space permission', values(b.spacePermissions), values(a.spacePermissions), out);
    listDelta('system permission', values(b.systemPermissions), values(a.systemPermissions), out);
    if ((b.builtIn?.value ?? false) !== (a.builtIn?.value ?? false)) out.push(a.builtIn?.value ? "now the server's version of a built-in role" : "no longer the server's version of a built-in role");
  } else if (before.kind === 'team' && after.kind === 'team') {
    listDelta('member', values(before.members), values(after.members), out);
    listDelta('external group', values(before.externalGroups), values(after.externalGroups), out);
    assignmentChanges(before, after, out);
  } else if (before.kind === 'space' && after.kind === 'space') {
    const b = before as SpaceDoc;
    const a = after as SpaceDoc;
    for (const d of DIMENSIONS) listDelta(d, values(b.scopes[d]), values(a.scopes[d]), out);
    listDelta('manager', values(b.managers?.members), values(a.managers?.members), out);
    listDelta('managing team', values(b.managers?.teams), values(a.managers?.teams), out);
  }
  return out;
}

/** A document of the same kind and name with nothing in it: what an added document is compared with. */
function blank(doc: Doc): Doc {
  const base = { uri: doc.uri, index: doc.index, span: doc.span, name: doc.name, keys: new Map() };
  switch (doc.kind) {
    case 'role':
      return { ...base, kind: 'role' };
    case 'team':
      return { ...base, kind: 'team', space: doc.space, assignments: [] };
    case 'space':
      return { ...base, kind: 'space', scopes: {} };
    case 'policy':
      return { ...base, kind: 'policy', context: {} };
  }
}

/**
 * The roles, teams and spaces added, removed or changed between two workspaces; `modules` shows each
 * side's modules as paths relative to its root, so that the two sides' modules meet (undefined: the
 * module's documents are left out).
 */
export function objectChanges(
  base: ModelIndex,
  head: ModelIndex,
  modules: { base: (m: string) => string | undefined; head: (m: string) => string | undefined } = { base: (m) => m, head: (m) => m },
): ObjectChange[] {
  const b = docsOf(base, modules.base);
  const a = docsOf(head, modules.head);
  const out: ObjectChange[] = [];
  const nameOf = (d: Doc) => (d.kind === 'team' && d.space ? `${d.space.value}/${d.name!.value.trim()}` : d.name!.value);
  for (const key of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const before = b.get(key);
    const after = a.get(key);
    const { doc, module } = (after ?? before)!;
    if (doc.kind === 'policy') continue;
    const where = { kind: doc.kind, name: nameOf(doc), ...(module !== undefined ? { module } : {}) };
    if (!before) out.push({ ...where, change: 'added', details: details(blank(doc), doc) });
    else if (!after) out.push({ ...where, change: 'removed', details: [] });
    else {
      const d = details(before.doc, after.doc);
      if (d.length) out.push({ ...where, change: 'changed', details: d });
    }
  }
  return out;
}


/** A module folder of a side as a path relative to the side's root (`.` for the root itself). */
const moduleAt = (side: DiffSide) => (module: string) => side.display(module).replace(/\/+$/, '') || '.';

interface Reach {
  readonly principal: Principal;
  readonly teams: TeamEntry[];
}

/**
 * Every principal of a side with the teams that reach it, keyed so that the two sides meet: a module's
 * principals by the module's path relative to the side's root.
 */
function reachBy(side: DiffSide): Map<string, Reach> {
  const at = moduleAt(side);
  const out = new Map<string, Reach>();
  for (const [key, reach] of reachOf(side.modules === false ? teamsOf(side.ws) : accessTeams(side.ws))) {
    const m = reach.principal.module;
    out.set(m === undefined ? key : principalKey({ ...reach.principal, module: at(m) }), reach);
  }
  return out;
}

/**
 * A test of whether a team is defined by the same, unchanged file on both sides while no role or space
 * file changed: it then grants the same, and its signature need not be computed.
 */
function sameFileTest(base: DiffSide, head: DiffSide): (b: TeamEntry, a: TeamEntry) => boolean {
  // Each side's display path of each file, made once (a path per team would be made again and again).
  const shown = (side: DiffSide) => new Map([...side.ws.uris()].map((u) => [u, side.display(u)]));
  const shownBefore = shown(base);
  const shownAfter = shown(head);
  const texts = (side: DiffSide, paths: Map<string, string>) => new Map([...paths].map(([u, p]) => [p, { text: side.ws.text(u), kind: side.ws.model(u)?.kind }]));
  const textsBefore = texts(base, shownBefore);
  const textsAfter = texts(head, shownAfter);
  const changed = [...new Set([...textsBefore.keys(), ...textsAfter.keys()])].filter((f) => textsBefore.get(f)?.text !== textsAfter.get(f)?.text);
  const changedFiles = new Set(changed);
  const definitionsChanged = changed.some((f) => (textsBefore.get(f)?.kind ?? 'team') !== 'team' || (textsAfter.get(f)?.kind ?? 'team') !== 'team');
  return (b, a) =>
    !definitionsChanged &&
    (b.definition === undefined) === (a.definition === undefined) &&
    (!b.definition || (shownBefore.get(b.definition.uri) === shownAfter.get(a.definition!.uri) && !changedFiles.has(shownBefore.get(b.definition.uri)!)));
}

/**
 * Every principal's gains and losses. Only principals reached by a team whose grants changed, or whose
 * teams changed, are compared, and for a principal whose teams are the same on both sides only the
 * permissions at scopes that its changed teams grant: on a large workspace most principals are neither.
 */
export function accessChanges(base: DiffSide, head: DiffSide): AccessDelta[] {
  const before = reachBy(base);
  const after = reachBy(head);
  // A team's key is its principal's on its own side (a module's team is keyed by its module's path).
  const keyOfTeam = new Map<TeamEntry, string>();
  for (const side of [before, after]) for (const [key, r] of side) if (r.principal.kind === 'team') keyOfTeam.set(r.teams[0], key);
  const teamKey = (t: TeamEntry) => keyOfTeam.get(t) ?? '';
  const sameFile = sameFileTest(base, head);
  const changedTeams = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (!key.startsWith('team:')) continue;
    const b = before.get(key)?.teams[0];
    const a = after.get(key)?.teams[0];
    if (!b || !a || (!sameFile(b, a) && b.signature !== a.signature)) changedTeams.add(key);
  }
  // The permissions at scopes each changed team grants on either side.
  const touchedBy = new Map<string, Set<string>>();
  for (const key of changedTeams) {
    const keys = new Set<string>();
    for (const side of [before, after]) for (const g of side.get(key)?.teams[0].grants ?? []) keys.add(grantKey(g));
    touchedBy.set(key, keys);
  }
  // A team whose file is the same on both sides, at the same place (revisions of one repository), grants
  // the same, sources included: its grants are computed once, on the base side.
  const baseOf = new Map<TeamEntry, TeamEntry>();
  for (const [key, r] of after) {
    const b = r.principal.kind === 'team' ? before.get(key)?.teams[0] : undefined;
    const a = r.teams[0];
    if (b && sameFile(b, a) && b.definition?.uri === a.definition?.uri) baseOf.set(a, b);
  }
  const teamKeys = (teams: readonly TeamEntry[] | undefined) => (teams ?? []).map(teamKey).sort().join('\n');
  /** The grants of a principal's teams, all of them or those of `keys`: accessChange reads grants as records. */
  const grantsOf = (reach: Reach | undefined, keys: ReadonlySet<string> | undefined): Grant[] => {
    const picked: Grant[] = [];
    for (const t of reach?.teams ?? []) for (const g of (baseOf.get(t) ?? t).grants) if (!keys || keys.has(grantKey(g))) picked.push(g);
    return picked;
  };
  const touched = (teams: readonly TeamEntry[]): Set<string> => {
    const keys = new Set<string>();
    for (const t of teams) for (const k of touchedBy.get(teamKey(t)) ?? []) keys.add(k);
    return keys;
  };
  const out: AccessDelta[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(key);
    const a = after.get(key);
    const sameTeams = teamKeys(b?.teams) === teamKeys(a?.teams);
    if (sameTeams && !(a?.teams ?? []).some((t) => changedTeams.has(teamKey(t)))) continue;
    const p = (a ?? b)!.principal;
    const keys = sameTeams ? touched(a?.teams ?? []) : undefined;
    const { gains, losses } = accessChange(grantsOf(b, keys), grantsOf(a, keys));
    if (!gains.length && !losses.length) continue;
    const module = p.module === undefined ? {} : { module: moduleAt(a ? head : base)(p.module) };
    out.push({ principal: { kind: p.kind, name: p.kind === 'team' && p.space ? `${p.space}/${p.name}` : p.name, ...module }, gains, losses });
  }
  return out;
}

/**
 * Two indexes of the same files (the editor's workspace before and after a change), compared: files meet
 * by their URIs.
 */
export function compareIndexes(base: ModelIndex, head: ModelIndex): DiffResult {
  const display = (uri: string) => uri;
  return compareModels({ ws: base, display }, { ws: head, display });
}

/** The objects that changed between two versions and every principal's gains and losses. */
export function compareModels(base: DiffSide, head: DiffSide): DiffResult {
  // A side without modules shows none: `undefined` leaves a module's documents out.
  const modulesOf = (side: DiffSide) => (side.modules === false ? () => undefined : moduleAt(side));
  return { objects: objectChanges(base.ws, head.ws, { base: modulesOf(base), head: modulesOf(head) }), access: accessChanges(base, head) };
}
