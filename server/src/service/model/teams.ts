/**
 * The teams effective access counts (SPEC section 8, rule 4): the workspace's, with the assignments
 * Octopus would refuse left out, and the built-in ones whether or not the workspace defines them. A team's
 * grants are computed when first read and kept with its file in the index.
 */
import { BUILTIN_SYSTEM_TEAMS, builtinSystemTeam, DIMENSIONS, isBuiltinTeamName, SPACE_MANAGER, SPACE_MANAGERS, type BuiltinTeam } from '../catalog';
import { askFor, NO_RESTRICTIONS, restrictionsOf, roleGrants, templateGrants, templateOf, type Grant, type GrantAsk, type Holding, type Restrictions, type TeamEntry, type Via } from './grants';
import { assignmentSpaceOf, docNameOf, listValues, roleNameOf, roleSpanOf, teamSpaceOf } from './compact';
import { place, placeIn, type Located, type ResolvedRole } from './roles';
import type { Assignment, SpaceDoc, TeamDoc } from './types';
import type { ModelIndex } from './workspace';

export interface TeamOwn {
  readonly grants: readonly Grant[];
  readonly holdings: readonly Holding[];
}

/** Some of a team's grants by permission, each list in the order of the team's grants. */
export type GrantsByPermission = ReadonlyMap<string, readonly Grant[]>;

/** How to work out a team's holdings, and some of its grants, without all of its grants. */
export interface TeamParts {
  readonly holdings: () => readonly Holding[];
  readonly grantsOf: (permissions: ReadonlySet<string>) => GrantsByPermission;
  /** Its grants that `ask` asks for (and perhaps others of its permissions), worked out afresh, kept nowhere. */
  readonly grantsAsked: (ask: GrantAsk) => readonly Grant[];
}

/** Grants by permission, those of `permissions` only. */
export function splitGrants(grants: readonly Grant[], permissions: ReadonlySet<string>): Map<string, Grant[]> {
  const out = new Map<string, Grant[]>();
  for (const g of grants) {
    if (!permissions.has(g.permission)) continue;
    const list = out.get(g.permission);
    if (list) list.push(g);
    else out.set(g.permission, [g]);
  }
  return out;
}

/**
 * A team's grants of `permissions`, by permission: the same as reading its grants of them, without
 * building its others when they are not built yet (a policy reads a few permissions of every team; most
 * of the workspace's grants are of others).
 */
export function grantsByPermission(t: TeamEntry, permissions: ReadonlySet<string>): GrantsByPermission {
  const read = readingOf(t);
  return read instanceof Array ? splitGrants(read, permissions) : read.someGrantsOf(permissions);
}

/** A team's own grants when they are built already (or it cannot read some alone), else the team to read some of them. */
function readingOf(t: TeamEntry): readonly Grant[] | PartedTeam {
  if (!(t instanceof PartedTeam) || !t.hasParts()) return t.grants;
  return t.computedOwn()?.grants ?? t;
}

/**
 * A team's grants that `ask` asks for, and perhaps others of `ask.keep` and of other permissions (the
 * reader picks those it reads): its grants when they are built already, else those asked for alone,
 * without building the rest (a policy proof reads a few permissions of every team, each in a few spaces).
 */
export function askedGrants(t: TeamEntry, ask: GrantAsk): readonly Grant[] {
  const read = readingOf(t);
  return read instanceof Array ? read : read.grantsAskedBy(ask);
}

/**
 * A team entry whose grants, holdings and signature are computed once, when first read; with `parts`, its
 * holdings and some of its grants can be read without the rest (`grantsByPermission`).
 */
export function lazyTeam(fields: Omit<TeamEntry, 'grants' | 'holdings' | 'signature'>, own: () => TeamOwn, signature: () => string, parts?: TeamParts): TeamEntry {
  return new LazyTeam(fields, { own, signature, parts });
}

/** Where a lazy team entry's grants, holdings and signature come from. */
interface TeamSource {
  own(): TeamOwn;
  signature(): string;
  readonly parts?: TeamParts;
}

/**
 * A team entry whose grants, holdings and signature are computed when first read: a class with its
 * getters on the prototype, not a literal with accessors (a workspace of 10,000 files has thousands of
 * teams, made again for every proof of its policies, and literals with accessors are slow to make). Its
 * own enumerable fields are the entry's fields (its state is private), so it spreads and compares as the
 * fields do. With parts, its holdings and some of its grants can be read without the rest.
 */
abstract class PartedTeam implements TeamEntry {
  declare readonly name: string;
  declare readonly space?: string;
  declare readonly module?: string;
  declare readonly definition?: Located<TeamDoc>;
  declare readonly members: readonly string[];
  declare readonly groups: readonly string[];
  declare readonly builtin: boolean;
  /** What it has computed, made at the first (most teams of a proof are never read whole). */
  #known?: { own?: TeamOwn; held?: readonly Holding[]; sig?: string };

  /** Its own grants and holdings, computed. */
  protected abstract computeOwn(): TeamOwn;
  protected abstract computeSignature(): string;
  /** True when its holdings and some of its grants can be read alone (the methods below). */
  abstract hasParts(): boolean;
  /** Its holdings, computed alone (when it has parts). */
  protected abstract computeHoldings(): readonly Holding[];
  /** See `TeamParts.grantsOf` (when it has parts). */
  abstract someGrantsOf(permissions: ReadonlySet<string>): GrantsByPermission;
  /** See `TeamParts.grantsAsked` (when it has parts). */
  abstract grantsAskedBy(ask: GrantAsk): readonly Grant[];

  /** Its own grants and holdings when computed already. */
  computedOwn(): TeamOwn | undefined {
    return this.#known?.own;
  }

  get grants(): readonly Grant[] {
    const known = (this.#known ??= {});
    return (known.own ??= this.computeOwn()).grants;
  }

  get holdings(): readonly Holding[] {
    const known = (this.#known ??= {});
    return known.own?.holdings ?? (this.hasParts() ? (known.held ??= this.computeHoldings()) : (known.own ??= this.computeOwn()).holdings);
  }

  get signature(): string {
    const known = (this.#known ??= {});
    return (known.sig ??= this.computeSignature());
  }
}

/** `lazyTeam`'s entries: the fields given, and a source. */
class LazyTeam extends PartedTeam {
  readonly #source: TeamSource;

  constructor(fields: Omit<TeamEntry, 'grants' | 'holdings' | 'signature'>, source: TeamSource) {
    super();
    Object.assign(this, fields);
    this.#source = source;
  }

  protected computeOwn(): TeamOwn {
    return this.#source.own();
  }

  protected computeSignature(): string {
    return this.#source.signature();
  }

  hasParts(): boolean {
    return this.#source.parts !== undefined;
  }

  protected computeHoldings(): readonly Holding[] {
    return this.#source.parts!.holdings();
  }

  someGrantsOf(permissions: ReadonlySet<string>): GrantsByPermission {
    return this.#source.parts!.grantsOf(permissions);
  }

  grantsAskedBy(ask: GrantAsk): readonly Grant[] {
    return this.#source.parts!.grantsAsked(ask);
  }
}

/**
 * A team of a YAML file (`teamsOf`): its own grants, holdings and signature are kept with the file in the
 * index. One object per team (and its definition), where a source, the fields and the entry took four:
 * every proof of a policy file makes thousands.
 */
class FileTeam extends PartedTeam {
  readonly #ws: ModelIndex;
  /** Its name trimmed and lower-cased, as `teamsOf` compared it already. */
  readonly #key: string;

  constructor(ws: ModelIndex, located: Located<TeamDoc>, system: BuiltinTeam | undefined, name: string, space: string | undefined, members: readonly string[], groups: readonly string[], key: string) {
    super();
    // The fields as the literal of them did: `space` present, undefined for a system team.
    const self = this as { -readonly [K in keyof TeamEntry]: TeamEntry[K] };
    self.name = name;
    self.space = space;
    self.definition = located;
    self.members = members;
    self.groups = groups;
    self.builtin = system !== undefined;
    this.#ws = ws;
    this.#key = key;
  }

  /** A team's name trimmed and lower-cased (`teamKey`). */
  static keyOf(t: TeamEntry): string {
    return #key in t ? (t as FileTeam).#key : lower(t.name);
  }

  /** The built-in system team it is (its name then is that team's), read when needed: one field less a team. */
  get #system(): BuiltinTeam | undefined {
    return this.space === undefined && this.builtin ? builtinSystemTeam(this.name) : undefined;
  }

  protected computeOwn(): TeamOwn {
    const located = this.definition!;
    return this.#ws.derived(located.uri, `access:${located.doc.index}`, () => ownGrants(this.#ws, located, this.#system));
  }

  protected computeSignature(): string {
    const { uri, doc } = this.definition!;
    return this.#ws.derived(uri, `signature:${doc.index}`, () => ownSignature(this.#ws, doc, this.#system));
  }

  hasParts(): boolean {
    return true;
  }

  protected computeHoldings(): readonly Holding[] {
    const located = this.definition!;
    return this.#ws.derived(located.uri, `holdings:${located.doc.index}`, () => ownGrants(this.#ws, located, this.#system, askFor(NO_PERMISSIONS)).holdings);
  }

  someGrantsOf(permissions: ReadonlySet<string>): GrantsByPermission {
    const located = this.definition!;
    return someGrants(this.#ws.derived(located.uri, `grants-by:${located.doc.index}`, () => new Map<string, Grant[]>()), (keep) => ownGrantsOf(this.#ws, located, this.#system, keep))(permissions);
  }

  grantsAskedBy(ask: GrantAsk): readonly Grant[] {
    return ownGrants(this.#ws, this.definition, this.#system, ask, false).grants;
  }
}

/**
 * A team's name trimmed and lower-cased, how names of teams compare: kept with a YAML file's team, which
 * `teamsOf` compared so (a proof looks up thousands).
 */
export const teamKey = (t: TeamEntry): string => FileTeam.keyOf(t);

/**
 * `grantsOf` for `TeamParts` from a function computing a team's grants of some permissions, keeping them
 * in `known` (by permission; an empty list for one it does not grant).
 */
export function someGrants(known: Map<string, Grant[]>, compute: (permissions: ReadonlySet<string>) => readonly Grant[]): (permissions: ReadonlySet<string>) => GrantsByPermission {
  return (permissions) => {
    const missing = [...permissions].filter((p) => !known.has(p));
    if (missing.length) {
      for (const p of missing) known.set(p, []);
      // The set asked for itself when nothing of it is known: role templates are kept per set.
      for (const g of compute(missing.length === permissions.size ? permissions : new Set(missing))) known.get(g.permission)!.push(g);
    }
    return known;
  };
}

const NO_PERMISSIONS: ReadonlySet<string> = new Set();

/** Signatures of roles whose lists are shared arrays (the built-in roles' defaults), computed once each. */
const sharedSignatures = new WeakMap<readonly string[], string>();

/** What a role contributes to a signature: its name and lists. */
function roleSignature(r: ResolvedRole): string {
  const known = sharedSignatures.get(r.spacePermissions);
  if (known !== undefined && !r.definition) return known;
  // A duplicate grants nothing more: the lists are compared as sets.
  const sig = `${r.name}\u0003${[...new Set(r.spacePermissions)].sort().join(',')}\u0003${[...new Set(r.systemPermissions)].sort().join(',')}`;
  if (!r.definition) sharedSignatures.set(r.spacePermissions, sig);
  return sig;
}

/**
 * The projects a project-group restriction admits in `space` when the space maps groups to projects (SPEC
 * section 3): those of the groups listed (a group the map lacks holds none); undefined without a map.
 */
export function projectsOfGroups(ws: ModelIndex, space: string | undefined, restrictions: Restrictions): string[] | undefined {
  const groups = restrictions.projectGroups;
  if (space === undefined || !groups?.length) return undefined;
  const map = ws.resolveSpace(space)?.doc.groupProjects;
  if (!map) return undefined;
  const listed = new Set(groups);
  const out = new Set<string>();
  for (const g of map) if (listed.has(g.name.value)) for (const p of g.projects.items) out.add(p.value);
  return [...out].sort();
}

/** An assignment's part of a signature. */
function assignmentSignature(level: 'system' | 'space', space: string | undefined, role: ResolvedRole, limits: string, mapped: string): string {
  return `${level}\u0001${space ?? ''}\u0001${roleSignature(role)}\u0001${limits}\u0001${mapped}`;
}

const UNRESTRICTED = DIMENSIONS.map(() => '*').join('\u0001');

/**
 * The signature of a team's own assignments (see `TeamEntry.signature`); `system` is the built-in system
 * team it is, whose fixed role counts whatever the file lists.
 */
function ownSignature(ws: ModelIndex, team: TeamDoc | undefined, system: BuiltinTeam | undefined): string {
  const name = team?.name?.value.trim() ?? '';
  if (team?.space && isBuiltinTeamName(name, SPACE_MANAGERS)) return '';
  const parts: string[] = [];
  for (const a of team?.assignments ?? []) {
    if (system && !system.rolesChange && a.role.value !== system.holds) continue;
    const { role, level, space } = refused(ws, team!, a);
    if (!role || !level) continue;
    const r = restrictionsOf(a);
    const limits = DIMENSIONS.map((d) => (r[d] ? [...r[d]!].sort().join('\u0002') : '*')).join('\u0001');
    // A project group stands for the projects its space maps it to: the map is part of what is granted.
    const mapped = projectsOfGroups(ws, space, r)?.join('\u0002') ?? '';
    parts.push(assignmentSignature(level, space, role, limits, mapped));
  }
  const held = system?.holds === undefined ? undefined : assignmentSignature('system', undefined, ws.resolveRole(system.holds)!, UNRESTRICTED, '');
  if (held !== undefined && !parts.includes(held)) parts.push(held);
  return parts.sort().join('\n');
}

const lower = (s: string) => s.trim().toLowerCase();

/** The refusals of SPEC rule 1 that make an assignment grant nothing. */
function refused(ws: ModelIndex, team: TeamDoc, a: Assignment): { role?: ResolvedRole; level?: 'system' | 'space'; space?: string } {
  const p = place(ws, team, a);
  if (p.refusals.length || !p.role || !p.level) return {};
  return { role: p.role, level: p.level, space: p.space };
}

/**
 * A team's own grants and role holdings, from its assignments; `system` is the built-in system team it is
 * (or undefined): Octopus Administrators holds System Administrator whatever else the file lists
 * (builtin-team), and a built-in team holds its fixed role whether or not the file lists it. With `ask`,
 * only its grants of those permissions, in a space only those asked for there; with `holdings` false, no
 * holdings, and an assignment whose role grants none of them is passed over before it is placed (placing
 * is most of the cost).
 */
function ownGrants(ws: ModelIndex, located: Located<TeamDoc> | undefined, system: BuiltinTeam | undefined, ask?: GrantAsk, holdings = true): TeamOwn {
  const team = located?.doc;
  // Made at the first grant or holding: most teams grant none of a few permissions a proof asks for.
  let grants: Grant[] | undefined;
  let held: Holding[] | undefined;
  let name: string | undefined;
  // Read once: a kept team makes its space's name each time it is read (a proof reads thousands of teams).
  const teamSpace = team && teamSpaceOf(team);
  let holdsFixed = false;
  const assignments = team?.assignments ?? NO_ASSIGNMENTS;
  // Applied in a space, only what is asked there counts: a space team's assignments all apply in its space.
  const teamMask = ask && teamSpace !== undefined ? ask.mask(teamSpace) : -1;
  // Spaces and roles resolved once for the reading, with an ask (placing is most of an assignment's cost).
  const places = ask ? ask.resolver(ws) : ws;
  for (let i = 0; i < assignments.length; i++) {
    const a = assignments[i];
    const roleName = roleNameOf(a);
    if (system && !system.rolesChange && roleName !== system.holds) continue;
    const found = ask?.roleAndTemplate(ws, roleName);
    const named = ask ? found?.role : ws.resolveRole(roleName);
    const assignmentSpace = assignmentSpaceOf(a);
    const shape = ask ? found?.template : named && templateOf(named);
    const mask = !ask || teamSpace !== undefined ? teamMask : ask.mask(assignmentSpace);
    const grantsNone = !shape || (!shape.system.length && !(shape.bits & mask));
    // Without holdings, only the fixed role of a built-in team matters of an assignment that grants none asked for.
    if (!holdings && (!shape || (grantsNone && system?.holds === undefined))) continue;
    const placed = placeIn(places, teamSpace, assignmentSpace, named);
    const { role, level, space } = placed;
    if (placed.refusals.length || !role || !level) continue;
    if (name === undefined) {
      name = system?.name ?? (team && docNameOf(team)?.trim()) ?? '';
      // A second Space Managers team cannot exist: it grants and holds nothing.
      if (teamSpace !== undefined && isBuiltinTeamName(name, SPACE_MANAGERS)) return NO_OWN;
    }
    if (role.name === system?.holds && level === 'system') holdsFixed = true;
    const restrictions = restrictionsOf(a);
    // The assignment's source, shared by its grants and its holding.
    const via: Via = { team: name, teamSpace, role: role.name, uri: located!.uri, span: roleSpanOf(a), implicit: false };
    // A role that grants none asked for grants nothing here (what its projects are is not asked).
    if (!grantsNone) grants = templateGrants(shape, level, space, restrictions, via, level === 'space' ? projectsOfGroups(ws, space, restrictions) : undefined, grants, mask);
    if (holdings) (held ??= []).push({ role: role.name, scope: level, space, restrictions: level === 'space' ? restrictions : {}, via: [via] });
  }
  if (system?.holds !== undefined && !holdsFixed) {
    name ??= system.name;
    const role = ws.resolveRole(system.holds)!;
    const via = { team: name, role: role.name, uri: located?.uri, span: team?.name?.span };
    grants = templateGrants(templateOf(role, ask?.keep), 'system', undefined, NO_RESTRICTIONS, via, undefined, grants);
    if (holdings) (held ??= []).push({ role: role.name, scope: 'system', restrictions: {}, via: [{ ...via, implicit: false }] });
  }
  return grants || held ? { grants: grants ?? NO_GRANTS, holdings: held ?? NO_HOLDINGS } : NO_OWN;
}

const NO_ASSIGNMENTS: readonly Assignment[] = Object.freeze([]);
const NO_GRANTS: readonly Grant[] = Object.freeze([]);
const NO_HOLDINGS: readonly Holding[] = Object.freeze([]);
/** A team's own grants and holdings when it has none: shared (readers never change them). */
const NO_OWN: TeamOwn = Object.freeze({ grants: NO_GRANTS, holdings: NO_HOLDINGS });

/** A team's own grants of `keep`, without its holdings (see `ownGrants`). */
const ownGrantsOf = (ws: ModelIndex, located: Located<TeamDoc> | undefined, system: BuiltinTeam | undefined, keep: ReadonlySet<string>): readonly Grant[] =>
  ownGrants(ws, located, system, askFor(keep), false).grants;

/** No members or groups: one shared list (most teams of a large workspace list neither). */
const NOBODY: readonly string[] = Object.freeze([]);

/**
 * The members and external groups of a YAML team document that effective access counts: none for a
 * built-in system team whose members cannot be set (Everyone) and for a second Space Managers team.
 */
export function reachedBy(doc: TeamDoc, name = docNameOf(doc)?.trim() ?? '', space = teamSpaceOf(doc), system = space !== undefined ? undefined : builtinSystemTeam(name)): { members: readonly string[]; groups: readonly string[] } {
  const noMembers = (system && !system.membersChange) || (space !== undefined && isBuiltinTeamName(name, SPACE_MANAGERS));
  if (noMembers) return { members: NOBODY, groups: NOBODY };
  return { members: doc.members ? listValues(doc.members) : NOBODY, groups: doc.externalGroups ? listValues(doc.externalGroups) : NOBODY };
}

/**
 * A YAML team document's own grants and role holdings as `teamsOf` counts them, computed afresh and kept
 * nowhere: for telling what a change to a team file alters.
 */
export function teamDocAccess(ws: ModelIndex, uri: string, doc: TeamDoc): TeamOwn {
  const system = doc.space ? undefined : builtinSystemTeam(doc.name?.value.trim() ?? '');
  return ownGrants(ws, { uri, doc }, system);
}

/**
 * Every team of the workspace as effective access counts it, built-in teams included: Everyone, Octopus
 * Administrators and Octopus Managers always, and each declared space's Space Managers (its
 * `managers.members`).
 * With `only`, just the teams defined in the files it names, and the built-in ones (what a change to
 * those files can alter; the fix engine asks that of every fix, and a scan of every file costs too much).
 */
export function teamsOf(ws: ModelIndex, only?: ReadonlySet<string>): TeamEntry[] {
  const teams: TeamEntry[] = [];
  // Names seen, lower-cased, by lower-cased space ('' for system teams).
  const seen = new Map<string, Set<string>>();
  const uris = only ? [...only].filter((u) => ws.has(u)).sort() : ws.sortedUris();
  // Indexed loops: this runs once a proof, mostly before the engine optimizes it (see reachOf).
  for (let i = 0; i < uris.length; i++) {
    const uri = uris[i];
    const model = ws.model(uri);
    // A Terraform module is a model of its own (SPEC section 9); effective access reads the YAML model.
    if (!model || model.module !== undefined) continue;
    const docs = model.docs;
    for (let k = 0; k < docs.length; k++) {
      const doc = docs[k];
      if (doc.kind !== 'team') continue;
      // Read once each: a kept document makes its names when they are read.
      const written = docNameOf(doc);
      if (written === undefined) continue;
      const space = teamSpaceOf(doc);
      const spaceKey = space !== undefined ? lower(space) : '';
      let names = seen.get(spaceKey);
      if (!names) seen.set(spaceKey, (names = new Set()));
      const key = lower(written);
      if (names.has(key)) continue; // a duplicate-name error: the first definition counts
      names.add(key);
      const name = written.trim();
      const system = space !== undefined ? undefined : builtinSystemTeam(name);
      const reached = reachedBy(doc, name, space, system);
      teams.push(new FileTeam(ws, { uri, doc }, system, system?.name ?? name, space, reached.members, reached.groups, key));
    }
  }
  for (const system of BUILTIN_SYSTEM_TEAMS) {
    if (seen.get('')?.has(lower(system.name))) continue;
    teams.push(
      lazyTeam({ name: system.name, members: [], groups: [], builtin: true }, () => ownGrants(ws, undefined, system), () => ownSignature(ws, undefined, system), {
        holdings: () => ownGrants(ws, undefined, system, askFor(NO_PERMISSIONS)).holdings,
        grantsOf: (permissions) => splitGrants(ownGrantsOf(ws, undefined, system, permissions), permissions),
        grantsAsked: (ask) => ownGrants(ws, undefined, system, ask, false).grants,
      }),
    );
  }
  // Teams by lower-cased name, for the teams that manage a space (a scan of every team per name was most of
  // this); made at the first space that names such teams.
  let byName: Map<string, number[]> | undefined;
  const index = (names: Map<string, number[]>, i: number) => {
    const key = lower(teams[i].name);
    const list = names.get(key);
    if (list) list.push(i);
    else names.set(key, [i]);
  };
  const names = (): Map<string, number[]> => {
    if (byName) return byName;
    const made = new Map<string, number[]>();
    teams.forEach((_, i) => index(made, i));
    return (byName = made);
  };
  for (const space of spacesOf(ws)) {
    teams.push(spaceManagers(ws, space, teams, space.doc.managers?.teams?.items.length ? names() : NO_NAMES));
    if (byName) index(byName, teams.length - 1);
  }
  return teams;
}

const NO_NAMES: ReadonlyMap<string, readonly number[]> = new Map();

function spacesOf(ws: ModelIndex): Located<SpaceDoc>[] {
  return ws
    .spaceNames()
    .sort((a, b) => a.localeCompare(b))
    .map((n) => ws.resolveSpace(n) ?? ws.spaceDefinitions(n)[0])
    .filter((s): s is Located<SpaceDoc> => s !== undefined);
}

/** Teams of `teamsOf` that hold Space Manager by a space's `managers.teams`, with how many spaces they manage so. */
const managing = new WeakMap<TeamEntry, number>();

/** How many spaces a team of `teamsOf` manages by their `managers.teams` (its entry then holds Space Manager there). */
export const managedSpaces = (t: TeamEntry): number => managing.get(t) ?? 0;

/**
 * A space's built-in Space Managers team: its members are the space's `managers.members`; it and the
 * teams of `managers.teams` hold Space Manager in the space, unrestricted (SPEC rule 4).
 */
function spaceManagers(ws: ModelIndex, space: Located<SpaceDoc>, teams: TeamEntry[], byName: ReadonlyMap<string, readonly number[]>): TeamEntry {
  const spaceName = space.doc.name!.value;
  const role = ws.resolveRole(SPACE_MANAGER)!;
  const managers = space.doc.managers;
  const via = { team: SPACE_MANAGERS, teamSpace: spaceName, role: SPACE_MANAGER, uri: space.uri, span: managers?.key.keySpan ?? space.doc.name!.span };
  const holding = (v: typeof via): Holding => ({ role: SPACE_MANAGER, scope: 'space', space: spaceName, restrictions: {}, via: [{ ...v, implicit: false }] });
  const signature = `managers\u0001${spaceName}\u0001${roleSignature(role)}`;
  // The teams that manage the space hold Space Manager in it too.
  for (const t of managers?.teams?.items ?? []) {
    const index = byName.get(lower(t.value))?.find((i) => teams[i].space === undefined || teams[i].space === spaceName);
    if (index === undefined) continue;
    const target = teams[index];
    const teamVia = { ...via, span: t.span };
    const wrapped = lazyTeam(
      { name: target.name, space: target.space, definition: target.definition, members: target.members, groups: target.groups, builtin: target.builtin },
      () => ({ grants: [...target.grants, ...roleGrants(role, 'space', spaceName, {}, teamVia)], holdings: [...target.holdings, holding(teamVia)] }),
      () => `${target.signature}\n${signature}`,
      {
        holdings: () => [...target.holdings, holding(teamVia)],
        grantsOf: (permissions) => {
          // Per permission, the team's own grants, then those of managing the space (as `grants` orders them).
          const own = grantsByPermission(target, permissions);
          const managing = splitGrants(roleGrants(role, 'space', spaceName, {}, teamVia, undefined, permissions), permissions);
          const out = new Map<string, readonly Grant[]>();
          for (const p of permissions) {
            const list = [...(own.get(p) ?? []), ...(managing.get(p) ?? [])];
            if (list.length) out.set(p, list);
          }
          return out;
        },
        grantsAsked: (ask) => [...askedGrants(target, ask), ...templateGrants(ask.template(role), 'space', spaceName, {}, teamVia, undefined, [], ask.mask(spaceName))],
      },
    );
    managing.set(wrapped, (managing.get(target) ?? 0) + 1);
    teams[index] = wrapped;
  }
  return lazyTeam(
    { name: SPACE_MANAGERS, space: spaceName, members: managers?.members?.items.map((i) => i.value) ?? [], groups: [], builtin: true },
    () => ({ grants: roleGrants(role, 'space', spaceName, {}, via), holdings: [holding(via)] }),
    () => signature,
    {
      holdings: () => [holding(via)],
      grantsOf: (permissions) => splitGrants(roleGrants(role, 'space', spaceName, {}, via, undefined, permissions), permissions),
      grantsAsked: (ask) => templateGrants(ask.template(role), 'space', spaceName, {}, via, undefined, [], ask.mask(spaceName)),
    },
  );
}

