/**
 * Effective access (SPEC section 8): what every team, user and external group can do where, and which
 * assignments each right comes from. Computed from the model alone, with the assignments Octopus would
 * refuse left out, the built-in teams counted whether or not the workspace defines them, and built-in roles
 * in the workspace's version where it has one.
 *
 * A team's own grants are cached with its file in the index, so they are recomputed only when an edit
 * affects that file (its roles or spaces changed); who holds what is assembled from them on demand.
 */
import {
  DIMENSIONS,
  EVERYONE,
  getPermission,
  isBuiltinTeamName,
  OCTOPUS_ADMINISTRATORS,
  SPACE_MANAGER,
  SPACE_MANAGERS,
  supportedDimensions,
  SYSTEM_ADMINISTRATOR,
  SYSTEM_TEAM_ONLY_PERMISSIONS,
  type Dimension,
} from '../catalog';
import { place, type Located, type ResolvedRole } from './roles';
import type { Assignment, SpaceDoc, Span, TeamDoc } from './types';
import type { ModelIndex } from './workspace';

/** Restriction values per dimension; a dimension that is absent is unrestricted. */
export type Restrictions = Partial<Record<Dimension, readonly string[]>>;

/** Where a grant comes from: one assignment of one role to one team. */
export interface Via {
  readonly team: string;
  /** The team's space, for a space team. */
  readonly teamSpace?: string;
  readonly role: string;
  /** The file and span that make the assignment (absent for a built-in team the workspace does not define). */
  readonly uri?: string;
  readonly span?: Span;
  /** True for a system permission that a role applied in a space grants server-wide (SPEC rule 3). */
  readonly implicit: boolean;
}

/** A permission at a scope, with its restrictions and where it comes from. */
export interface Grant {
  readonly permission: string;
  readonly scope: 'system' | 'space';
  readonly space?: string;
  readonly restrictions: Restrictions;
  readonly via: readonly Via[];
}

/** A role held at a scope: what capabilities (export and import of projects) are decided by. */
export interface Holding {
  readonly role: string;
  readonly scope: 'system' | 'space';
  readonly space?: string;
  readonly restrictions: Restrictions;
  readonly via: readonly Via[];
}

/** Someone or something that holds grants. */
export interface Principal {
  readonly kind: 'team' | 'user' | 'group';
  readonly name: string;
  /** A space team's space. */
  readonly space?: string;
}

/**
 * A capability that no permission names (SPEC rule 6): only holders of a role have it. The list is data:
 * a new capability is one more entry.
 */
export interface Capability {
  readonly id: string;
  readonly role: string;
  readonly description: string;
}

export const CAPABILITIES: readonly Capability[] = [
  { id: 'export-projects', role: SPACE_MANAGER, description: 'export projects from a space (only the built-in Space Manager role can)' },
  { id: 'import-projects', role: SPACE_MANAGER, description: 'import projects into a space (only the built-in Space Manager role can)' },
];

export function getCapability(id: string): Capability | undefined {
  return CAPABILITIES.find((c) => c.id === id);
}

/** A team as effective access counts it: defined in the workspace, or built in. */
export interface TeamEntry {
  readonly name: string;
  readonly space?: string;
  readonly definition?: Located<TeamDoc>;
  readonly members: readonly string[];
  readonly groups: readonly string[];
  /** Computed when first read: most teams of a large workspace are never asked about. */
  readonly grants: readonly Grant[];
  readonly holdings: readonly Holding[];
  readonly builtin: boolean;
  /**
   * Equal for two versions of a team exactly when they grant the same (sources aside), computed from the
   * assignments and the roles' lists without building the grants; `diff` compares only changed teams.
   */
  readonly signature: string;
}

/** A team entry whose grants, holdings and signature are computed once, when first read. */
function lazyTeam(fields: Omit<TeamEntry, 'grants' | 'holdings' | 'signature'>, own: () => TeamOwn, signature: () => string): TeamEntry {
  let computed: TeamOwn | undefined;
  let sig: string | undefined;
  return {
    ...fields,
    get grants() {
      return (computed ??= own()).grants;
    },
    get holdings() {
      return (computed ??= own()).holdings;
    },
    get signature() {
      return (sig ??= signature());
    },
  };
}

/** Signatures of roles whose lists are shared arrays (the built-in roles' defaults), computed once each. */
const sharedSignatures = new WeakMap<readonly string[], string>();

/** What a role contributes to a signature: its name and lists. */
function roleSignature(r: ResolvedRole): string {
  const known = sharedSignatures.get(r.spacePermissions);
  if (known !== undefined && !r.definition) return known;
  const sig = `${r.name}\u0003${[...r.spacePermissions].sort().join(',')}\u0003${[...r.systemPermissions].sort().join(',')}`;
  if (!r.definition) sharedSignatures.set(r.spacePermissions, sig);
  return sig;
}

/** The signature of a team's own assignments (see `TeamEntry.signature`). */
function ownSignature(ws: ModelIndex, team: TeamDoc): string {
  const name = team.name?.value.trim() ?? '';
  if (team.space && isBuiltinTeamName(name, SPACE_MANAGERS)) return '';
  if (!team.space && isBuiltinTeamName(name, OCTOPUS_ADMINISTRATORS)) return `admin\u0001${roleSignature(ws.resolveRole(SYSTEM_ADMINISTRATOR)!)}`;
  const parts: string[] = [];
  for (const a of team.assignments) {
    const { role, level, space } = refused(ws, team, a);
    if (!role || !level) continue;
    const r = restrictionsOf(a);
    const limits = DIMENSIONS.map((d) => (r[d] ? [...r[d]!].sort().join('\u0002') : '*')).join('\u0001');
    parts.push(`${level}\u0001${space ?? ''}\u0001${roleSignature(role)}\u0001${limits}`);
  }
  return parts.sort().join('\n');
}

interface TeamOwn {
  readonly grants: Grant[];
  readonly holdings: Holding[];
}

const lower = (s: string) => s.trim().toLowerCase();

/** The refusals of SPEC rule 1 that make an assignment grant nothing. */
function refused(ws: ModelIndex, team: TeamDoc, a: Assignment): { role?: ResolvedRole; level?: 'system' | 'space'; space?: string } {
  const p = place(ws, team, a);
  if (p.refusals.length || !p.role || !p.level) return {};
  return { role: p.role, level: p.level, space: p.space };
}

/** The restrictions a permission keeps from an assignment's: those of the dimensions it supports. */
function kept(permission: string, restrictions: Restrictions): Restrictions {
  const p = getPermission(permission);
  if (!p) return {};
  const supported = supportedDimensions(p.restrictions);
  const out: { -readonly [K in Dimension]?: readonly string[] } = {};
  for (const d of DIMENSIONS) if (restrictions[d]?.length && supported.includes(d)) out[d] = restrictions[d];
  return out;
}

/**
 * What one role grants when applied at `level` (in `space`), per SPEC rules 2 and 3: only names Octopus
 * knows at a level the list allows (anything else is reported on the role and would not be saved).
 */
function roleGrants(role: ResolvedRole, level: 'system' | 'space', space: string | undefined, restrictions: Restrictions, via: Omit<Via, 'implicit'>): Grant[] {
  const out: Grant[] = [];
  for (const name of role.systemPermissions) {
    const p = getPermission(name);
    if (!p || p.level === 'space') continue;
    if (level === 'space' && SYSTEM_TEAM_ONLY_PERMISSIONS.has(name)) continue;
    out.push({ permission: name, scope: 'system', restrictions: {}, via: [{ ...via, implicit: level === 'space' }] });
  }
  if (level === 'space') {
    for (const name of role.spacePermissions) {
      const p = getPermission(name);
      if (!p || p.level === 'system') continue;
      out.push({ permission: name, scope: 'space', space, restrictions: kept(name, restrictions), via: [{ ...via, implicit: false }] });
    }
  }
  return out;
}

function restrictionsOf(a: Assignment): Restrictions {
  const out: { -readonly [K in Dimension]?: readonly string[] } = {};
  for (const r of a.restrictions) out[r.dimension] = [...new Set(r.list.items.map((i) => i.value))];
  return out;
}

/** A team's own grants and role holdings, from its assignments. */
function ownGrants(ws: ModelIndex, located: Located<TeamDoc>): TeamOwn {
  const team = located.doc;
  const grants: Grant[] = [];
  const holdings: Holding[] = [];
  const name = team.name?.value.trim() ?? '';
  // Octopus keeps the built-in teams fixed: a second Space Managers team cannot exist, and Octopus
  // Administrators holds System Administrator whatever else the file lists (builtin-team).
  if (team.space && isBuiltinTeamName(name, SPACE_MANAGERS)) return { grants, holdings };
  const administrators = !team.space && isBuiltinTeamName(name, OCTOPUS_ADMINISTRATORS);
  for (const a of team.assignments) {
    if (administrators && a.role.value !== SYSTEM_ADMINISTRATOR) continue;
    const { role, level, space } = refused(ws, team, a);
    if (!role || !level) continue;
    const restrictions = restrictionsOf(a);
    const via = { team: name, teamSpace: team.space?.value, role: role.name, uri: located.uri, span: a.role.span };
    grants.push(...roleGrants(role, level, space, restrictions, via));
    holdings.push({ role: role.name, scope: level, space, restrictions: level === 'space' ? restrictions : {}, via: [{ ...via, implicit: false }] });
  }
  return { grants, holdings };
}

/**
 * Grants of one permission at one scope merge: unrestricted in either is unrestricted, else lists join;
 * every source is kept. Accumulates in place, so merging many grants of one key costs linear time.
 */
export function mergeGrants<G extends Grant | Holding>(grants: readonly G[], keyOf: (g: G) => string): G[] {
  interface Acc {
    first: G;
    merged: boolean;
    restrictions: Map<Dimension, Set<string>>;
    via: Via[];
  }
  const byKey = new Map<string, Acc>();
  for (const g of grants) {
    const key = keyOf(g);
    const acc = byKey.get(key);
    if (!acc) {
      byKey.set(key, { first: g, merged: false, restrictions: new Map(), via: [] });
      continue;
    }
    if (!acc.merged) {
      acc.merged = true;
      for (const d of DIMENSIONS) if (acc.first.restrictions[d]) acc.restrictions.set(d, new Set(acc.first.restrictions[d]));
      acc.via.push(...acc.first.via);
    }
    for (const [d, values] of [...acc.restrictions]) {
      const other = g.restrictions[d];
      if (!other) acc.restrictions.delete(d);
      else for (const v of other) values.add(v);
    }
    for (const v of g.via) acc.via.push(v);
  }
  const out: G[] = [];
  for (const acc of byKey.values()) {
    if (!acc.merged) {
      out.push(acc.first);
      continue;
    }
    const restrictions: { -readonly [K in Dimension]?: readonly string[] } = {};
    for (const d of DIMENSIONS) {
      const values = acc.restrictions.get(d);
      if (values) restrictions[d] = [...values].sort();
    }
    out.push({ ...acc.first, restrictions, via: acc.via });
  }
  return out;
}

export const grantKey = (g: Grant) => `${g.scope}\u0000${g.space ?? ''}\u0000${g.permission}`;
const holdingKey = (h: Holding) => `${h.scope}\u0000${h.space ?? ''}\u0000${h.role}`;

/** Grants in the order of SPEC section 8: system first, then by space, then by permission. */
export function sortGrants<G extends { scope: string; space?: string; permission?: string; role?: string }>(grants: readonly G[]): G[] {
  const name = (g: G) => g.permission ?? g.role ?? '';
  return [...grants].sort(
    (a, b) =>
      (a.scope === b.scope ? 0 : a.scope === 'system' ? -1 : 1) ||
      (a.space ?? '').localeCompare(b.space ?? '') ||
      name(a).localeCompare(name(b)),
  );
}

/**
 * Every team of the workspace as effective access counts it, built-in teams included: Everyone and
 * Octopus Administrators always, and each declared space's Space Managers (its `managers.members`).
 */
export function teamsOf(ws: ModelIndex): TeamEntry[] {
  const teams: TeamEntry[] = [];
  const seen = new Set<string>();
  for (const uri of [...ws.uris()].sort()) {
    for (const doc of ws.model(uri)?.docs ?? []) {
      if (doc.kind !== 'team' || !doc.name) continue;
      const key = `${doc.space ? lower(doc.space.value) : ''}\u0000${lower(doc.name.value)}`;
      if (seen.has(key)) continue; // a duplicate-name error: the first definition counts
      seen.add(key);
      const located = { uri, doc };
      const name = doc.name.value.trim();
      const everyone = !doc.space && isBuiltinTeamName(name, EVERYONE);
      const secondManagers = doc.space !== undefined && isBuiltinTeamName(name, SPACE_MANAGERS);
      const administrators = !doc.space && isBuiltinTeamName(name, OCTOPUS_ADMINISTRATORS);
      const own = () => ws.derived(uri, `access:${doc.index}`, () => (administrators ? administratorGrants(ws, located) : ownGrants(ws, located)));
      teams.push(
        lazyTeam(
          {
            name: everyone ? EVERYONE : administrators ? OCTOPUS_ADMINISTRATORS : name,
            space: doc.space?.value,
            definition: located,
            // Everyone's members and groups cannot be set; a second Space Managers team does not exist.
            members: everyone || secondManagers ? [] : (doc.members?.items.map((i) => i.value) ?? []),
            groups: everyone || secondManagers ? [] : (doc.externalGroups?.items.map((i) => i.value) ?? []),
            builtin: everyone || administrators,
          },
          own,
          () => ws.derived(uri, `signature:${doc.index}`, () => ownSignature(ws, doc)),
        ),
      );
    }
  }
  if (!seen.has(`\u0000${lower(EVERYONE)}`)) teams.push(lazyTeam({ name: EVERYONE, members: [], groups: [], builtin: true }, () => ({ grants: [], holdings: [] }), () => ''));
  if (!seen.has(`\u0000${lower(OCTOPUS_ADMINISTRATORS)}`)) {
    teams.push(lazyTeam({ name: OCTOPUS_ADMINISTRATORS, members: [], groups: [], builtin: true }, () => administratorGrants(ws, undefined), () => `admin\u0001${roleSignature(ws.resolveRole(SYSTEM_ADMINISTRATOR)!)}`));
  }
  for (const space of spacesOf(ws)) teams.push(spaceManagers(ws, space, teams));
  return teams;
}

/** Octopus Administrators: System Administrator at the system level, whatever else a file says. */
function administratorGrants(ws: ModelIndex, located: Located<TeamDoc> | undefined): TeamOwn {
  const role = ws.resolveRole(SYSTEM_ADMINISTRATOR)!;
  const span = located?.doc.assignments.find((a) => a.role.value === SYSTEM_ADMINISTRATOR)?.role.span ?? located?.doc.name?.span;
  const via = { team: OCTOPUS_ADMINISTRATORS, role: SYSTEM_ADMINISTRATOR, uri: located?.uri, span };
  return { grants: roleGrants(role, 'system', undefined, {}, via), holdings: [{ role: SYSTEM_ADMINISTRATOR, scope: 'system', restrictions: {}, via: [{ ...via, implicit: false }] }] };
}

function spacesOf(ws: ModelIndex): Located<SpaceDoc>[] {
  return ws
    .spaceNames()
    .sort((a, b) => a.localeCompare(b))
    .map((n) => ws.resolveSpace(n) ?? ws.spaceDefinitions(n)[0])
    .filter((s): s is Located<SpaceDoc> => s !== undefined);
}

/**
 * A space's built-in Space Managers team: its members are the space's `managers.members`; it and the
 * teams of `managers.teams` hold Space Manager in the space, unrestricted (SPEC rule 4).
 */
function spaceManagers(ws: ModelIndex, space: Located<SpaceDoc>, teams: TeamEntry[]): TeamEntry {
  const spaceName = space.doc.name!.value;
  const role = ws.resolveRole(SPACE_MANAGER)!;
  const managers = space.doc.managers;
  const via = { team: SPACE_MANAGERS, teamSpace: spaceName, role: SPACE_MANAGER, uri: space.uri, span: managers?.key.keySpan ?? space.doc.name!.span };
  const holding = (v: typeof via): Holding => ({ role: SPACE_MANAGER, scope: 'space', space: spaceName, restrictions: {}, via: [{ ...v, implicit: false }] });
  const signature = `managers\u0001${spaceName}\u0001${roleSignature(role)}`;
  // The teams that manage the space hold Space Manager in it too.
  for (const t of managers?.teams?.items ?? []) {
    const index = teams.findIndex((x) => lower(x.name) === lower(t.value) && (x.space === undefined || x.space === spaceName));
    if (index < 0) continue;
    const target = teams[index];
    const teamVia = { ...via, span: t.span };
    teams[index] = lazyTeam(
      { name: target.name, space: target.space, definition: target.definition, members: target.members, groups: target.groups, builtin: target.builtin },
      () => ({ grants: [...target.grants, ...roleGrants(role, 'space', spaceName, {}, teamVia)], holdings: [...target.holdings, holding(teamVia)] }),
      () => `${target.signature}\n${signature}`,
    );
  }
  return lazyTeam(
    { name: SPACE_MANAGERS, space: spaceName, members: managers?.members?.items.map((i) => i.value) ?? [], groups: [], builtin: true },
    () => ({ grants: roleGrants(role, 'space', spaceName, {}, via), holdings: [holding(via)] }),
    () => signature,
  );
}

/** What a principal holds: its grants and roles, merged, and the teams they come through. */
export interface Access {
  readonly principal: Principal;
  readonly teams: readonly TeamEntry[];
  readonly grants: readonly Grant[];
  readonly holdings: readonly Holding[];
}

/** The teams whose grants reach a principal (SPEC rule 5). */
export function teamsReaching(teams: readonly TeamEntry[], principal: Principal): TeamEntry[] {
  switch (principal.kind) {
    case 'team':
      return teams.filter((t) => lower(t.name) === lower(principal.name) && (t.space ?? '') === (principal.space ?? ''));
    case 'user':
      return teams.filter((t) => t.name === EVERYONE && t.space === undefined || t.members.includes(principal.name));
    case 'group':
      return teams.filter((t) => t.groups.includes(principal.name));
  }
}

/** The effective access of one principal. */
export function accessOf(teams: readonly TeamEntry[], principal: Principal): Access {
  const reaching = teamsReaching(teams, principal);
  return {
    principal,
    teams: reaching,
    grants: sortGrants(mergeGrants(reaching.flatMap((t) => t.grants), grantKey)),
    holdings: sortGrants(mergeGrants(reaching.flatMap((t) => t.holdings), holdingKey)),
  };
}

/** Every principal: each team, each user named anywhere, each external group. */
export function principalsOf(teams: readonly TeamEntry[]): Principal[] {
  const out: Principal[] = teams.map((t) => ({ kind: 'team' as const, name: t.name, ...(t.space ? { space: t.space } : {}) }));
  const users = new Set<string>();
  const groups = new Set<string>();
  for (const t of teams) {
    for (const m of t.members) users.add(m);
    for (const g of t.groups) groups.add(g);
  }
  for (const u of [...users].sort()) out.push({ kind: 'user', name: u });
  for (const g of [...groups].sort()) out.push({ kind: 'group', name: g });
  return out;
}

/** Where a query looks: a space, and values that restricted grants must list (or be unrestricted in). */
export interface AccessQuery {
  readonly space?: string;
  readonly values?: Partial<Record<Dimension, string>>;
}

/** True when a grant or holding answers the query: in the space asked, and restricted compatibly. */
export function matches(g: Grant | Holding, query: AccessQuery): boolean {
  if (query.space !== undefined && g.scope === 'space' && g.space !== query.space) return false;
  for (const d of DIMENSIONS) {
    const value = query.values?.[d];
    const listed = g.restrictions[d];
    if (value !== undefined && listed && !listed.includes(value)) return false;
  }
  return true;
}

/** A principal's key for maps: `team:SPACE/NAME`, `team:NAME`, `user:NAME` or `group:ID`. */
export function principalKey(p: Principal): string {
  return p.kind === 'team' && p.space ? `team:${p.space}/${p.name}` : `${p.kind}:${p.name}`;
}

/** Every principal with the teams whose grants reach it (SPEC rule 5), without merging anything yet. */
export function reachOf(teams: readonly TeamEntry[]): Map<string, { principal: Principal; teams: TeamEntry[] }> {
  const out = new Map<string, { principal: Principal; teams: TeamEntry[] }>();
  const everyone = teams.filter((t) => t.name === EVERYONE && t.space === undefined);
  const users = new Map<string, TeamEntry[]>();
  const groups = new Map<string, TeamEntry[]>();
  for (const t of teams) {
    for (const m of t.members) {
      let list = users.get(m);
      if (!list) users.set(m, (list = [...everyone]));
      if (!list.includes(t)) list.push(t);
    }
    for (const g of t.groups) {
      let list = groups.get(g);
      if (!list) groups.set(g, (list = []));
      if (!list.includes(t)) list.push(t);
    }
  }
  for (const t of teams) {
    const principal: Principal = { kind: 'team', name: t.name, ...(t.space ? { space: t.space } : {}) };
    out.set(principalKey(principal), { principal, teams: [t] });
  }
  for (const [u, reaching] of [...users].sort(([a], [b]) => a.localeCompare(b))) out.set(principalKey({ kind: 'user', name: u }), { principal: { kind: 'user', name: u }, teams: reaching });
  for (const [g, reaching] of [...groups].sort(([a], [b]) => a.localeCompare(b))) out.set(principalKey({ kind: 'group', name: g }), { principal: { kind: 'group', name: g }, teams: reaching });
  return out;
}

/** The access of a principal from the teams that reach it. */
export function accessFrom(principal: Principal, reaching: readonly TeamEntry[]): Access {
  return {
    principal,
    teams: reaching,
    grants: sortGrants(mergeGrants(reaching.flatMap((t) => t.grants), grantKey)),
    holdings: sortGrants(mergeGrants(reaching.flatMap((t) => t.holdings), holdingKey)),
  };
}

/**
 * The effective access of every principal at once, in time proportional to the size of the answer
 * (each user's teams are found through one index, not by scanning every team per user).
 */
export function allAccess(teams: readonly TeamEntry[]): Map<string, Access> {
  const out = new Map<string, Access>();
  for (const [key, { principal, teams: reaching }] of reachOf(teams)) out.set(key, accessFrom(principal, reaching));
  return out;
}

/**
 * True when `wide` grants at least what `narrow` does: the same permission at the same scope, and in every
 * dimension either unrestricted or listing every value `narrow` lists.
 */
export function covers(wide: Grant, narrow: Grant): boolean {
  if (wide.permission !== narrow.permission || wide.scope !== narrow.scope || (wide.space ?? '') !== (narrow.space ?? '')) return false;
  for (const d of DIMENSIONS) {
    const w = wide.restrictions[d];
    if (!w) continue;
    const n = narrow.restrictions[d];
    if (!n || n.some((v) => !w.includes(v))) return false;
  }
  return true;
}

/** What a principal gains and loses between two versions: grants of one side that the other does not cover. */
export function accessChange(before: readonly Grant[], after: readonly Grant[]): { gains: Grant[]; losses: Grant[] } {
  const index = (grants: readonly Grant[]) => {
    const m = new Map<string, Grant>();
    for (const g of grants) m.set(grantKey(g), g);
    return m;
  };
  const b = index(before);
  const a = index(after);
  const gains = after.filter((g) => !(b.has(grantKey(g)) && covers(b.get(grantKey(g))!, g)));
  const losses = before.filter((g) => !(a.has(grantKey(g)) && covers(a.get(grantKey(g))!, g)));
  return { gains, losses };
}
