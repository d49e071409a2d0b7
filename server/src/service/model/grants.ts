/**
 * Grants (SPEC section 8): a permission at a scope, with restrictions per dimension and the assignments it
 * comes from; what one role grants where it is applied; ordering grants and matching them to a question.
 * How grants gather into restriction records and compare is model/records.ts.
 */
import { allPermissions, DIMENSIONS, getPermission, SPACE_MANAGER, supportedDimensions, SYSTEM_TEAM_ONLY_PERMISSIONS, type Dimension } from '../catalog';
import { listValues } from './compact';
import type { Located, ResolvedRole, RoleResolver } from './roles';
import type { Assignment, SpaceDoc, Span, TeamDoc } from './types';

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
  /** The Terraform module (its folder's URI) of the team, for a team of a module; absent in the YAML model. */
  readonly module?: string;
}

/**
 * A permission at a scope, with its restrictions and where it comes from: one restriction record (SPEC
 * section 8, rule 5) once gathered by `recordsOf`.
 */
export interface Grant {
  readonly permission: string;
  readonly scope: 'system' | 'space';
  readonly space?: string;
  readonly restrictions: Restrictions;
  readonly via: readonly Via[];
  /**
   * The projects that the record's project groups hold, when its space maps groups to projects and the
   * permission is about projects: the record then admits exactly those projects (SPEC section 3).
   */
  readonly groupProjects?: readonly string[];
  /** Records of the same permission at the same scope that this one admits entirely, each with its sources. */
  readonly covers?: readonly Grant[];
  /**
   * In a gain or loss of `diff` only: dimensions open but for these values (a widened restriction gains
   * every value but the ones it had).
   */
  readonly except?: Restrictions;
}

/** A role held at a scope: what capabilities (export and import of projects) are decided by. */
export interface Holding {
  readonly role: string;
  readonly scope: 'system' | 'space';
  readonly space?: string;
  readonly restrictions: Restrictions;
  readonly via: readonly Via[];
  readonly groupProjects?: readonly string[];
  readonly covers?: readonly Holding[];
  readonly except?: Restrictions;
}

/** Someone or something that holds grants. */
export interface Principal {
  readonly kind: 'team' | 'user' | 'group';
  readonly name: string;
  /** A space team's space. */
  readonly space?: string;
  /**
   * The Terraform module (its folder's URI) the principal belongs to; absent in the YAML model. Each
   * module is a model of its own (SPEC section 9): a name in two models is two principals.
   */
  readonly module?: string;
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
  /** The Terraform module (its folder's URI) of a module's team; absent in the YAML model. */
  readonly module?: string;
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

/** The restrictions a permission keeps from an assignment's: those of the dimensions it supports. */
export function kept(permission: string, restrictions: Restrictions): Restrictions {
  const p = getPermission(permission);
  return p ? keptOf(supportedDimensions(p.restrictions), restrictions) : {};
}

/**
 * What one role grants when applied at `level` (in `space`), per SPEC rules 2 and 3: only names Octopus
 * knows at a level the list allows (anything else is reported on the role and would not be saved); with
 * `keep`, only its grants of those permissions.
 */
export function roleGrants(
  role: ResolvedRole,
  level: 'system' | 'space',
  space: string | undefined,
  restrictions: Restrictions,
  via: Omit<Via, 'implicit'>,
  groupProjects?: readonly string[],
  keep?: ReadonlySet<string>,
): Grant[] {
  return templateGrants(templateOf(role, keep), level, space, restrictions, via, groupProjects);
}

/**
 * What a role of template `shape` grants when applied at `level` (in `space`): see `roleGrants`. Appends
 * to `out` when given (a team's grants gather the grants of all its assignments), and returns it; with
 * `mask`, only the space permissions whose bits it has (`GrantAsk.mask`).
 */
export function templateGrants(
  shape: RoleTemplate,
  level: 'system' | 'space',
  space: string | undefined,
  restrictions: Restrictions,
  via: Omit<Via, 'implicit'> | Via,
  groupProjects?: readonly string[],
  out?: Grant[],
  mask = -1,
): Grant[] {
  out ??= [];
  // One source list per kind for all the grants of this assignment (nothing changes a grant's sources;
  // merging copies them), and one kept-restrictions object per set of supported dimensions. A source
  // given as not implicit is the one of the grants it applies to (a copy of each took a fifth of this).
  const given = 'implicit' in via && !via.implicit ? via : undefined;
  let systemVia: readonly Via[] | undefined;
  for (const { name, teamOnly } of shape.system) {
    if (level === 'space' && teamOnly) continue;
    systemVia ??= [level === 'space' ? { ...via, implicit: true } : (given ?? { ...via, implicit: false })];
    out.push({ permission: name, scope: 'system', restrictions: NO_RESTRICTIONS, via: systemVia });
  }
  if (level === 'space' && shape.bits & mask) {
    const spaceVia: readonly Via[] = [given ?? { ...via, implicit: false }];
    // Unrestricted, every permission keeps nothing: one shared object (most assignments are).
    const open = isUnrestricted(restrictions);
    // A role's permissions support a few sets of dimensions: a list of pairs, not a Map per assignment.
    const keptBy: (string | Restrictions)[] | undefined = open ? undefined : [];
    const entries = shape.space;
    for (let i = 0; i < entries.length; i++) {
      const { name, dims, supported, projects, bit } = entries[i];
      // Only the permissions asked for in the space.
      if (!(bit & mask)) continue;
      let r = NO_RESTRICTIONS;
      if (keptBy) {
        let at = 0;
        while (at < keptBy.length && keptBy[at] !== dims) at += 2;
        if (at === keptBy.length) keptBy.push(dims, keptOf(supported, restrictions));
        r = keptBy[at + 1] as Restrictions;
      }
      // Only a permission about projects reads a project group as its projects; one about project groups
      // themselves (ProjectGroupView, ProjectCreate) is restricted to the groups.
      const mapped = groupProjects && r.projectGroups && projects;
      out.push(mapped ? { permission: name, scope: 'space', space, restrictions: r, via: spaceVia, groupProjects } : { permission: name, scope: 'space', space, restrictions: r, via: spaceVia });
    }
  }
  return out;
}

/**
 * The restrictions of an unrestricted grant, shared: nothing changes a grant's restrictions (readers copy
 * them), and most grants of a workspace have none.
 */
export const NO_RESTRICTIONS: Restrictions = Object.freeze({});

/** True when no dimension is restricted (a grant open in every dimension). */
export function isUnrestricted(r: Restrictions): boolean {
  if (r === NO_RESTRICTIONS) return true;
  // The dimensions read in turn: a `for in` over each object's keys cost a policy proof a few milliseconds.
  for (let i = 0; i < DIMENSIONS.length; i++) if (r[DIMENSIONS[i]]?.length) return false;
  return true;
}

/**
 * What a role grants wherever it is applied, its restrictions aside: the system permissions it can grant
 * (with whether only a system team's assignment grants each), and the space permissions with the
 * dimensions each keeps. The same for every assignment of the role, so worked out once per role and set
 * of permissions asked for (`keep`; undefined for all).
 */
export interface RoleTemplate {
  readonly system: readonly { readonly name: string; readonly teamOnly: boolean }[];
  /** `bit`: the permission's bit in the set asked for (`bitsOf`). */
  readonly space: readonly { readonly name: string; readonly dims: string; readonly supported: readonly Dimension[]; readonly projects: boolean; readonly bit: number }[];
  /** The bits of its space permissions together. */
  readonly bits: number;
}

const ALL = new Set<string>();
/** The template of a role that grants none of the permissions asked for. */
const NO_GRANTS: RoleTemplate = Object.freeze({ system: Object.freeze([]), space: Object.freeze([]), bits: 0 });
/**
 * By the set of permissions asked for, then by role: a workspace has thousands of roles and a reader asks
 * for a few sets, so one WeakMap per set (making a WeakMap per role was most of the cost of templates).
 */
const templates = new WeakMap<ReadonlySet<string>, WeakMap<ResolvedRole, RoleTemplate>>();

/** The most permissions of a set asked for that get a bit each (`bitsOf`): a bit of a 32-bit integer each. */
const MOST_BITS = 30;
const bitTables = new WeakMap<ReadonlySet<string>, ReadonlyMap<string, number>>();

/**
 * Each permission of a set asked for with a bit of its own, in the set's order, so that which of them an
 * assignment grants in a space is one AND (a proof asks for a few permissions, each in a few spaces, of
 * thousands of assignments). A set of more than `MOST_BITS` gives every permission every bit (-1): a
 * reader of such a set reads each permission everywhere, which answers the same (readers match a grant's
 * space to their question's).
 */
function bitsOf(keep: ReadonlySet<string>): ReadonlyMap<string, number> {
  let table = bitTables.get(keep);
  if (!table) {
    const made = new Map<string, number>();
    let i = 0;
    for (const name of keep) made.set(name, keep.size > MOST_BITS ? -1 : 1 << i++);
    bitTables.set(keep, (table = made));
  }
  return table;
}

/** The bits of `names` among those of `keep` (`bitsOf`). */
export function maskOf(keep: ReadonlySet<string>, names: Iterable<string>): number {
  const bits = bitsOf(keep);
  let mask = 0;
  for (const name of names) mask |= bits.get(name) ?? 0;
  return mask;
}

type SystemEntry = RoleTemplate['system'][number];
type SpaceEntry = RoleTemplate['space'][number];
const entryTables = new WeakMap<ReadonlySet<string>, { readonly system: ReadonlyMap<string, SystemEntry>; readonly space: ReadonlyMap<string, SpaceEntry> }>();

/**
 * The entries of templates for the permissions of `keep` (all of them when undefined), by name: the same
 * for every role, so made once per set (templates of thousands of roles share them). A name that Octopus
 * does not know at a level has no entry there.
 */
function entriesOf(keep: ReadonlySet<string> | undefined): { readonly system: ReadonlyMap<string, SystemEntry>; readonly space: ReadonlyMap<string, SpaceEntry> } {
  let table = entryTables.get(keep ?? ALL);
  if (table) return table;
  const system = new Map<string, SystemEntry>();
  const space = new Map<string, SpaceEntry>();
  const bitOf = keep && bitsOf(keep);
  for (const p of keep ? [...keep].map(getPermission) : allPermissions()) {
    if (!p) continue;
    if (p.level !== 'space') system.set(p.name, { name: p.name, teamOnly: SYSTEM_TEAM_ONLY_PERMISSIONS.has(p.name) });
    if (p.level !== 'system') space.set(p.name, { name: p.name, dims: supportedKey(p.restrictions), supported: supportedDimensions(p.restrictions), projects: p.restrictions.includes('projects'), bit: bitOf ? bitOf.get(p.name)! : -1 });
  }
  entryTables.set(keep ?? ALL, (table = { system, space }));
  return table;
}

/**
 * A role's template for the permissions of `keep` (all of them when undefined), kept per role and set
 * unless `once` (a reader that keeps its own, `GrantAsk`).
 */
export function templateOf(role: ResolvedRole, keep?: ReadonlySet<string>, once = false): RoleTemplate {
  let byRole = once ? undefined : templates.get(keep ?? ALL);
  if (!byRole && !once) templates.set(keep ?? ALL, (byRole = new WeakMap()));
  const known = byRole?.get(role);
  if (known) return known;
  // Lists made at their first entry, indexed loops: a proof makes the templates of thousands of roles,
  // a fifth of which grant none of the permissions it asks for.
  let system: RoleTemplate['system'][number][] | undefined;
  let space: RoleTemplate['space'][number][] | undefined;
  const shared = entriesOf(keep);
  let bits = 0;
  const systemNames = role.systemPermissions;
  for (let i = 0; i < systemNames.length; i++) {
    const entry = shared.system.get(systemNames[i]);
    if (entry) (system ??= []).push(entry);
  }
  const spaceNames = role.spacePermissions;
  for (let i = 0; i < spaceNames.length; i++) {
    const entry = shared.space.get(spaceNames[i]);
    if (!entry) continue;
    bits |= entry.bit;
    (space ??= []).push(entry);
  }
  // Most roles grant none of a few permissions asked for: they share one template.
  const template = system || space ? { system: system ?? NO_GRANTS.system, space: space ?? NO_GRANTS.space, bits } : NO_GRANTS;
  byRole?.set(role, template);
  return template;
}

/** A role and its template for what an ask asks for. */
export interface RoleAndTemplate {
  readonly role: ResolvedRole;
  readonly template: RoleTemplate;
}

/**
 * What a reader of some grants asks for: the permissions of `keep`, of which it reads those at `system`
 * wherever they come from, and in a space only those whose bits `maskIn` gives for it (a policy proof
 * reads each permission in the spaces its policies name: a grant in another space answers none of its
 * questions). An ask made for one reading keeps the role templates it reads itself, in a Map (cheaper than
 * the shared WeakMaps, and dropped with it); one kept for long (`askFor`) reads them from the shared
 * cache, holding no role.
 */
export class GrantAsk {
  /** For an ask made for one reading: each role's template for all of `keep`. */
  private readonly templates = new Map<ResolvedRole, RoleTemplate>();
  /** For an ask made for one reading: roles and their templates by the name an assignment writes (null: none). */
  private readonly byName = new Map<string, RoleAndTemplate | null>();
  /** For a shared ask: each role with its template, by role (roles of an older workspace are dropped with it). */
  private readonly byRole = new WeakMap<ResolvedRole, RoleAndTemplate>();

  /**
   * `maskIn`: the bits (`bitsOf(keep)`) of the permissions asked for in a space, -1 for all of `keep`;
   * `shared`: templates from the shared cache.
   */
  constructor(
    readonly keep: ReadonlySet<string>,
    private readonly maskIn: (space: string) => number = () => -1,
    private readonly shared = false,
  ) {}

  /**
   * `ws` as placing an assignment reads it, for the reading an ask is made for: each role and space
   * resolved once (a proof places thousands of assignments, each resolving its team's space); `ws` itself
   * for one kept for long.
   */
  resolver(ws: RoleResolver): RoleResolver {
    if (this.shared) return ws;
    if (this.reading?.ws === ws) return this.reading.resolver;
    const spaces = new Map<string, Located<SpaceDoc> | null>();
    const resolver: RoleResolver = {
      resolveRole: (name) => this.roleAndTemplate(ws, name)?.role,
      resolveSpace: (name) => {
        let space = spaces.get(name);
        if (space === undefined) spaces.set(name, (space = ws.resolveSpace(name) ?? null));
        return space ?? undefined;
      },
      declaresSpaces: ws.declaresSpaces,
    };
    this.reading = { ws, resolver };
    return resolver;
  }

  private reading?: { readonly ws: RoleResolver; readonly resolver: RoleResolver };

  /**
   * The role `name` resolves to in `ws` with its template: remembered by name for the reading an ask is
   * made for (the workspace does not change during it; a proof reads thousands of assignments, most of
   * roles it has read before), resolved each time by one kept for long.
   */
  roleAndTemplate(ws: RoleResolver, name: string): RoleAndTemplate | undefined {
    if (this.shared) {
      const role = ws.resolveRole(name);
      if (!role) return undefined;
      let known = this.byRole.get(role);
      if (!known) this.byRole.set(role, (known = { role, template: this.template(role) }));
      return known;
    }
    let known = this.byName.get(name);
    if (known === undefined) {
      const role = ws.resolveRole(name);
      this.byName.set(name, (known = role ? { role, template: this.template(role) } : null));
    }
    return known ?? undefined;
  }

  /** A role's template for all of `keep`: its system permissions of it, and its space permissions with their bits. */
  template(role: ResolvedRole): RoleTemplate {
    if (this.shared) return templateOf(role, this.keep);
    let known = this.templates.get(role);
    if (!known) this.templates.set(role, (known = templateOf(role, this.keep, true)));
    return known;
  }

  /**
   * The bits of the space permissions asked for where an assignment applies in `space` (when it applies
   * in one): its system permissions of `keep` count from any space (granted server-wide).
   */
  mask(space: string | undefined): number {
    return space === undefined ? -1 : this.maskIn(space);
  }
}

const everywhere = new WeakMap<ReadonlySet<string>, GrantAsk>();

/** The ask for `keep` in every space (kept per set: its templates are too). */
export function askFor(keep: ReadonlySet<string>): GrantAsk {
  let ask = everywhere.get(keep);
  if (!ask) everywhere.set(keep, (ask = new GrantAsk(keep, () => -1, true)));
  return ask;
}

/** The restrictions kept of `restrictions` in the `supported` dimensions. */
function keptOf(supported: readonly Dimension[], restrictions: Restrictions): Restrictions {
  const out: { -readonly [K in Dimension]?: readonly string[] } = {};
  for (const d of DIMENSIONS) if (restrictions[d]?.length && supported.includes(d)) out[d] = restrictions[d];
  return out;
}

const supportedKeys = new Map<unknown, string>();
/** A permission's supported dimensions as one string, for sharing the restrictions it keeps. */
function supportedKey(restrictions: Parameters<typeof supportedDimensions>[0]): string {
  let key = supportedKeys.get(restrictions);
  if (key === undefined) supportedKeys.set(restrictions, (key = supportedDimensions(restrictions).join(',')));
  return key;
}

export function restrictionsOf(a: Assignment): Restrictions {
  // Read once: a kept assignment makes the list each time it is read.
  const list = a.restrictions;
  if (!list.length) return NO_RESTRICTIONS;
  const out: { -readonly [K in Dimension]?: readonly string[] } = {};
  for (let i = 0; i < list.length; i++) out[list[i].dimension] = distinct(listValues(list[i].list));
  return out;
}

/** `values` without repeats, in order (most restriction lists are short and have none: no Set for them). */
function distinct(values: string[]): string[] {
  if (values.length > 16) return [...new Set(values)];
  for (let i = 1; i < values.length; i++) if (values.lastIndexOf(values[i], i - 1) >= 0) return [...new Set(values)];
  return values;
}

export const grantKey = (g: Grant) => `${g.scope}\u0000${g.space ?? ''}\u0000${g.permission}`;
export const holdingKey = (h: Holding) => `${h.scope}\u0000${h.space ?? ''}\u0000${h.role}`;

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
 * Where a query looks: a space, values that restricted grants must list (or be unrestricted in), and
 * whether the work is untenanted (only records unrestricted in tenants admit it).
 */
export interface AccessQuery {
  readonly space?: string;
  readonly values?: Partial<Record<Dimension, string>>;
  readonly untenanted?: boolean;
}

/**
 * True when a grant or holding answers the query: in the space asked, and restricted compatibly; a record
 * whose project groups its space maps answers a project only when one of its groups holds it.
 */
export function matches(g: Grant | Holding, query: AccessQuery): boolean {
  if (query.space !== undefined && g.scope === 'space' && g.space !== query.space) return false;
  // Unrestricted (the shared object): no value, tenant or group narrows it.
  if (g.restrictions === NO_RESTRICTIONS) return true;
  for (const d of DIMENSIONS) {
    const value = query.values?.[d];
    const listed = g.restrictions[d];
    if (value !== undefined && listed && !listed.includes(value)) return false;
  }
  if (query.untenanted && g.restrictions.tenants?.length) return false;
  const project = query.values?.projects;
  if (project !== undefined && g.groupProjects && g.restrictions.projectGroups?.length && !g.groupProjects.includes(project)) return false;
  return true;
}
