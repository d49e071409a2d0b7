/**
 * Proving access policies (SPEC section 11) on the records model (section 8, rule 5): who holds a
 * permission or capability in a policy's context is who-can's answer for that context, each principal
 * with its own restriction records, never merged lists. A policy file holds the YAML model to its
 * policies, and each Terraform module in its folder or below (a module is held to the policies of its
 * folder and its parents).
 *
 * - `only`: every holder is listed, or is a user or group that holds it only through listed teams;
 *   holding it through Everyone is a breach unless Everyone is listed.
 * - `includes`: every listed principal holds it in the whole context: a record that who-can's query for
 *   the context admits, and that is unrestricted in every dimension the context does not name; without a
 *   `space`, a space permission in every space the model knows.
 * - `unrestricted: none`: no team holds a record of it, in the context, unrestricted in every dimension
 *   the permission supports (users and groups hold only what their teams do).
 */
import { DIMENSIONS, EVERYONE, getPermission, supportedDimensions, type Dimension } from '../catalog';
import { CAPABILITIES, grantKey, GrantAsk, isUnrestricted, maskOf, matches, type AccessQuery, type Grant, type Principal, type TeamEntry, type Via } from './grants';
import { isEveryone, reachOf, teamPrincipal, usersAndGroups } from './access';
import { isEmptyBuiltinEntry } from './relevance';
import { recordsOf } from './records';
import { hasYamlModel, modulesOf, moduleAccess } from './modules';
import { askedGrants, grantsByPermission, managedSpaces, teamKey, teamsOf } from './teams';
import { parsePrincipal } from './policy-terms';
import { POLICY_CONTEXT_KEYS } from './fields';
import { impactReaches, policyImpact, teamFilesOf, type PolicyImpact } from './policy-changes';
import type { FileModel, Name, PolicyDoc } from './types';
import type { ModelIndex } from './workspace';

/** A principal that breaks a policy, with the assignments that give it access (none for `includes`). */
export interface PolicyBreach {
  /** The assertion it breaks. */
  readonly kind: 'only' | 'includes' | 'unrestricted';
  readonly principal: Principal;
  readonly via: readonly Via[];
}

/**
 * A policy's breaches of one kind in one model, in the model's order of principals, each made when read:
 * an `only` policy over a widely held permission has thousands, and a message names ten.
 */
export interface BreachList {
  readonly length: number;
  /** The breach at `i`. */
  at(i: number): PolicyBreach;
  /** The principal of the breach at `i`, without making the breach. */
  principalAt(i: number): Principal;
  /** The sources of the breach at `i` (its `via`), without making the breach where the list can tell them alone. */
  sourcesAt(i: number): readonly Via[];
}

/** What a policy comes to in one model: the YAML model (`module` absent) or a Terraform module. */
export interface PolicyProof {
  readonly module?: string;
  /** Every breach: those of `only`, then `includes`, then `unrestricted` (made when first read). */
  readonly breaches: readonly PolicyBreach[];
  /** The breaches by kind, for a reader that needs how many and the first few. */
  readonly byKind: Readonly<Record<PolicyBreach['kind'], BreachList>>;
}

/** A list of breaches already made. */
class MadeBreaches implements BreachList {
  constructor(private readonly list: readonly PolicyBreach[]) {}
  get length(): number {
    return this.list.length;
  }
  at(i: number): PolicyBreach {
    return this.list[i];
  }
  principalAt(i: number): Principal {
    return this.list[i].principal;
  }
  sourcesAt(i: number): readonly Via[] {
    return this.list[i].via;
  }
}

const NONE = new MadeBreaches([]);

/** A policy's proof in one model, its breaches made when read. */
class Proof implements PolicyProof {
  private made?: readonly PolicyBreach[];
  // Absent, not undefined, for the YAML model (as readers spread or compare proofs).
  declare readonly module?: string;
  constructor(
    module: string | undefined,
    readonly byKind: Readonly<Record<PolicyBreach['kind'], BreachList>>,
  ) {
    if (module !== undefined) this.module = module;
  }

  get breaches(): readonly PolicyBreach[] {
    return (this.made ??= (['only', 'includes', 'unrestricted'] as const).flatMap((k) => Array.from({ length: this.byKind[k].length }, (_, i) => this.byKind[k].at(i))));
  }
}

/** One model a policy file holds to its policies: its teams, and the spaces it knows. */
export interface PolicyModel {
  readonly module?: string;
  readonly teams: readonly TeamEntry[];
  readonly spaces: readonly string[];
}

const lower = (s: string) => s.trim().toLowerCase();

/** The folder of a file's URI, with its trailing slash. */
const folderOf = (uri: string) => uri.slice(0, uri.lastIndexOf('/') + 1);

/**
 * The models the policies of the file at `uri` apply to: the YAML model (when the workspace has YAML
 * files besides policies, or no module at all), and each module in the file's folder or below it.
 */
export function policyModels(ws: ModelIndex, uri: string): PolicyModel[] {
  const out: PolicyModel[] = [];
  const modules = modulesOf(ws);
  if (hasYamlModel(ws, modules)) out.push({ teams: teamsOf(ws), spaces: ws.spaceNames().sort() });
  const folder = folderOf(uri);
  for (const module of modules) {
    if (!module.startsWith(folder)) continue;
    const teams = moduleAccess(ws, module).teams;
    const spaces = new Set<string>();
    for (const t of teams) for (const g of t.grants) if (g.space !== undefined) spaces.add(g.space);
    out.push({ module, teams, spaces: [...spaces].sort() });
  }
  return out;
}

/** The query who-can asks for a policy's context. */
export function policyQuery(policy: PolicyDoc): AccessQuery {
  const c = policy.context;
  const values: { -readonly [K in Dimension]?: string } = {};
  for (const [key, dim] of Object.entries(POLICY_CONTEXT_KEYS) as [keyof typeof POLICY_CONTEXT_KEYS, Dimension][]) {
    const v = c[key];
    if (v) values[dim] = v.value;
  }
  return { space: c.space?.value, values, untenanted: c.untenanted?.value === true };
}

/** A principal with the teams whose grants reach it (SPEC rule 5). */
interface PrincipalEntry {
  readonly principal: Principal;
  readonly teams: readonly TeamEntry[];
}

/**
 * The principals of one model in its order, by place: its teams first (one place per principal: a team of
 * the same principal as an earlier one takes the earlier's place, as a map by principal keeps it), then its
 * users, then its groups. A team's entry is made when read: a proof reads a few hundred of thousands.
 * Never changed once a prover has handed it out: `update` makes a new one (`changed`).
 */
class PrincipalTable {
  private constructor(
    private readonly module: string | undefined,
    /** The team at each team place. */
    readonly teams: readonly TeamEntry[],
    /** The users', then the groups' entries, at the places after the teams'. */
    readonly others: readonly PrincipalEntry[],
    private readonly made: (PrincipalEntry | undefined)[],
  ) {}

  static of(module: string | undefined, teams: readonly TeamEntry[], others: readonly PrincipalEntry[]): PrincipalTable {
    return new PrincipalTable(module, teams, others, new Array<PrincipalEntry | undefined>(teams.length));
  }

  get size(): number {
    return this.teams.length + this.others.length;
  }

  at(place: number): PrincipalEntry {
    const t = this.teams.length;
    if (place >= t) return this.others[place - t];
    return (this.made[place] ??= { principal: teamPrincipal(this.teams[place], this.module), teams: [this.teams[place]] });
  }

  /** Every entry, in order. */
  all(): PrincipalEntry[] {
    return Array.from({ length: this.size }, (_, i) => this.at(i));
  }

  /** A copy with the teams and the others' entries changed (`teams`, `others`: place → new value). */
  changed(teams: ReadonlyMap<number, TeamEntry>, others: ReadonlyMap<number, PrincipalEntry>): PrincipalTable {
    const t = this.teams.slice();
    const made = this.made.slice();
    for (const [place, team] of teams) {
      t[place] = team;
      made[place] = undefined;
    }
    const o = this.others.slice();
    for (const [place, entry] of others) o[place - this.teams.length] = entry;
    return new PrincipalTable(this.module, t, o, made);
  }
}

/** A model prepared for proving many policies: who each team reaches, and each subject's grants by team. */
class Prover {
  /**
   * Every principal with the teams that reach it, in the model's order (teams, then users, then groups).
   * Replaced, never changed, by `update`: lists of breaches made before read the entries of their time.
   */
  private principals: PrincipalTable;
  /** Marks of `reached`: the call that last reached each place. */
  private readonly stamps: Int32Array;
  private stamp = 0;
  /** The place of each team that has one (a team of the same principal as a later one has none). */
  private readonly teamPlaces = new Map<TeamEntry, number>();
  /** The places of the model's users and groups, by name. */
  private readonly userPlaces = new Map<string, number>();
  private readonly groupPlaces = new Map<string, number>();
  /** Where `reached` gathers places (one a prover). */
  private buffer?: Int32Array;
  /** `placesOf`, by team. */
  private readonly listed = new Map<TeamEntry, Int32Array>();
  /** True when a system team's name has a slash: it may be the principal of a space team (`principalPlace`). */
  private slashed = false;
  private readonly bySubject = new Map<string, Map<TeamEntry, readonly Grant[]>>();
  /** `holding` by subject, then by the rest of the query. */
  private readonly holdingCache = new Map<string, Map<string, Holders>>();
  /** Each subject's grants by team, per space (`SYSTEM_PLACE` for the server-wide ones). */
  private readonly bySpace = new Map<string, Map<string, Map<TeamEntry, Grant[]>>>();
  /**
   * By subject, the places that its server-wide holders reach (`reached`): the same for every policy over it,
   * whatever its space (a widely held permission has a thousand such holders).
   */
  private readonly systemReach = new Map<string, Int32Array>();
  /** `candidatesIn` by subject and space: policies of one subject in one space share them. */
  private readonly candidateCache = new Map<string, Map<string, Map<TeamEntry, readonly Grant[]>>>();

  /** The model's teams by lower-cased name, for resolving written principals. */
  private readonly teamsByName = new Map<string, TeamEntry[]>();
  /**
   * Each team's place in the model's order (`rank`), and the places of the teams each file defines, in
   * order (`byFile`): made when a change first needs them (`check` never does).
   */
  private ordered?: { readonly rank: Map<TeamEntry, number>; readonly byFile: Map<string, number[]> };

  /**
   * `subjects`: those of the policies to prove, whose grants are gathered in one pass over the teams;
   * `needs`: the spaces each subject is asked about by the policies the prover serves (none: every space).
   */
  constructor(
    public model: PolicyModel,
    subjects: Iterable<string> = [],
    private readonly needs: SubjectSpaces = new Map(),
  ) {
    // Places without a principal object or key per team (a proof reads a few hundred of thousands).
    const teams = model.teams;
    const teamAt: TeamEntry[] = [];
    for (let i = 0; i < teams.length; i++) {
      const t = teams[i];
      const key = teamKey(t);
      const list = this.teamsByName.get(key);
      // Most names are new: only a name seen before, or a slash, can be an earlier team's principal.
      const same = list || this.slashed || t.name.includes('/') ? this.principalPlace(t.name, t.space || undefined, list) : undefined;
      if (list) list.push(t);
      else this.teamsByName.set(key, [t]);
      if (!t.space && t.name.includes('/')) this.slashed = true;
      if (same === undefined) {
        this.teamPlaces.set(t, teamAt.length);
        teamAt.push(t);
      } else {
        this.teamPlaces.delete(teamAt[same]);
        this.teamPlaces.set(t, same);
        teamAt[same] = t;
      }
    }
    const others: PrincipalEntry[] = [];
    usersAndGroups(teams, model.module, (principal, reaching) => {
      (principal.kind === 'user' ? this.userPlaces : this.groupPlaces).set(principal.name, teamAt.length + others.length);
      others.push({ principal, teams: reaching });
    });
    this.principals = PrincipalTable.of(model.module, teamAt, others);
    this.stamps = new Int32Array(this.principals.size);
    this.gather(new Set(subjects));
  }

  /**
   * Brings the prover up to date with changes to the team files `files` that kept every team's name, when
   * it can: `fresh` holds their teams as they are now (`teamsOf(ws, files)`). False, leaving it as it was,
   * when the changes touch Everyone (who reaches every user) or add or remove a user or group of the model:
   * then the principals and their order change, and a new prover is needed.
   */
  update(fresh: readonly TeamEntry[], files: ReadonlySet<string>): boolean {
    const teams = [...this.model.teams];
    const from = (t: TeamEntry) => (t.definition && files.has(t.definition.uri) ? t.definition : undefined);
    const replaced = new Map<TeamEntry, TeamEntry>();
    const incoming = fresh.filter((t) => from(t));
    const { rank, byFile } = this.order();
    const changed = [...files].flatMap((uri) => byFile.get(uri) ?? []).sort((a, b) => a - b);
    for (const i of changed) {
      const o = teams[i];
      const def = from(o)!;
      // The same document: its name changed only when the impact of the changes tells a rename (policy-changes.ts).
      const n = incoming.find((t) => t.definition!.uri === def.uri && t.definition!.doc.index === def.doc.index && t.space === o.space);
      // Which team manages a space by its name depends on the other teams: the same must on both sides.
      if (!n || replaced.has(o) || (o.name === EVERYONE && o.space === undefined) || managedSpaces(o) !== managedSpaces(n)) return false;
      replaced.set(o, n);
      teams[i] = n;
    }
    if (replaced.size !== incoming.length || !this.samePrincipals(replaced)) return false;
    this.model = { ...this.model, teams };
    for (const [o, n] of replaced) rank.set(n, rank.get(o)!);
    // One new table for all the changes: lists of breaches made before read the entries of their time.
    const teamsAt = new Map<number, TeamEntry>();
    const othersAt = new Map<number, PrincipalEntry>();
    for (const [o, n] of replaced) this.replaceTeam(o, n, rank, teamsAt, othersAt);
    this.principals = this.principals.changed(teamsAt, othersAt);
    // Each subject's holders with the new entries in the old ones' places; what was read from them is read
    // again when asked.
    const subjects = new Set(this.bySubject.keys());
    const touched = new Set<string>();
    for (const [o, n] of replaced) {
      const grants = grantsByPermission(n, subjects);
      for (const [subject, holders] of this.bySubject) {
        if (CAPABILITIES.some((c) => c.id === subject)) this.bySubject.delete(subject);
        else if (holders.has(o) || grants.get(subject)?.length) this.bySubject.set(subject, swapped(holders, o, n, grants.get(subject) ?? [], rank));
        else continue;
        touched.add(subject);
      }
    }
    // A subject that neither version of a changed team holds has the same holders, and what was read
    // from them holds no changed team.
    for (const subject of touched) this.forget(subject);
    for (const o of replaced.keys()) rank.delete(o);
    return true;
  }

  /** `ordered`, made from the model's teams when first asked for. */
  private order(): { readonly rank: Map<TeamEntry, number>; readonly byFile: Map<string, number[]> } {
    if (this.ordered) return this.ordered;
    const rank = new Map<TeamEntry, number>();
    const byFile = new Map<string, number[]>();
    this.model.teams.forEach((t, i) => {
      rank.set(t, i);
      const uri = t.definition?.uri;
      if (uri === undefined) return;
      const places = byFile.get(uri);
      if (places) places.push(i);
      else byFile.set(uri, [i]);
    });
    return (this.ordered = { rank, byFile });
  }

  /** Drops what was read from a subject's holders: read again when asked. */
  private forget(subject: string): void {
    this.bySpace.delete(subject);
    this.candidateCache.delete(subject);
    this.holdingCache.delete(subject);
    this.systemReach.delete(subject);
  }

  /** True when every user and group that the `replaced` teams reached or reach is a principal before and after. */
  private samePrincipals(replaced: ReadonlyMap<TeamEntry, TeamEntry>): boolean {
    for (const [o, n] of replaced) {
      for (const [kind, before, after] of [['user', o.members, n.members], ['group', o.groups, n.groups]] as const) {
        const places = kind === 'user' ? this.userPlaces : this.groupPlaces;
        for (const name of after) if (!places.has(name)) return false;
        for (const name of before) {
          if (after.includes(name)) continue;
          const place = places.get(name);
          // Still reached by a team other than Everyone and the changed ones once they changed.
          const others = place === undefined ? [] : this.principals.at(place).teams.filter((t) => !isEveryone(t) && !replaced.has(t));
          const stays = others.some((t) => (kind === 'user' ? t.members : t.groups).includes(name)) || [...replaced.values()].some((t) => (kind === 'user' ? t.members : t.groups).includes(name));
          if (!stays) return false;
        }
      }
    }
    return true;
  }

  /**
   * Puts `n` in the place of `o` in who reaches whom (`rank`: each team's place in the model's order); a
   * renamed team keeps its place, under its new name. The changed places go into `teams` and `others`,
   * for `update` to make one new table of them all.
   */
  private replaceTeam(o: TeamEntry, n: TeamEntry, rank: ReadonlyMap<TeamEntry, number>, teams: Map<number, TeamEntry>, others: Map<number, PrincipalEntry>): void {
    this.nameTeam(o, n, rank);
    this.listed.delete(o);
    const own = this.teamPlaces.get(o);
    if (own !== undefined) {
      teams.set(own, n);
      this.teamPlaces.delete(o);
      this.teamPlaces.set(n, own);
    }
    for (const [kind, before, after] of [['user', o.members, n.members], ['group', o.groups, n.groups]] as const) {
      const places = kind === 'user' ? this.userPlaces : this.groupPlaces;
      for (const name of new Set([...before, ...after])) {
        const place = places.get(name)!;
        // As changed by the other teams of this update, if they were.
        const entry = others.get(place) ?? this.principals.at(place);
        // Everyone first, then the teams that list it, in the model's order (as reachOf lists them).
        const listing = entry.teams.filter((t) => t !== o);
        if (after.includes(name)) {
          let at = listing.length;
          while (at > 0 && !isEveryone(listing[at - 1]) && rank.get(listing[at - 1])! > rank.get(n)!) at--;
          listing.splice(at, 0, n);
        }
        others.set(place, { principal: entry.principal, teams: listing });
      }
    }
  }

  /**
   * The place of the team principal of `name` (in `space`), when the model has it: that of the team whose
   * principal it is, or of a system team whose name is `SPACE/NAME` (a principal writes both alike).
   */
  private principalPlace(name: string, space: string | undefined, named = this.teamsByName.get(lower(name))): number | undefined {
    const found = this.exactPlace(named, name, space);
    // Only a name with a slash, or a space team's when a system team's name has one, can be found so.
    if (found === undefined && (space ? this.slashed : name.includes('/'))) return this.slashedPlace(name, space);
    return found;
  }

  /** The place of the last team of `list` named `name` exactly in `space` that has a place. */
  private exactPlace(list: readonly TeamEntry[] | undefined, name: string, space: string | undefined): number | undefined {
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const u = list[i];
      if (u.name === name && (u.space || undefined) === space) {
        const place = this.teamPlaces.get(u);
        if (place !== undefined) return place;
      }
    }
    return undefined;
  }

  /** `principalPlace` through a slash: a system team named SPACE/NAME and the space team NAME of SPACE are one principal. */
  private slashedPlace(name: string, space: string | undefined): number | undefined {
    if (space) return this.exactPlace(this.teamsByName.get(lower(`${space}/${name}`)), `${space}/${name}`, undefined);
    // A system team named SPACE/NAME: the space team NAME of SPACE, for each slash.
    for (let at = name.indexOf('/'); at > 0; at = name.indexOf('/', at + 1)) {
      const place = this.exactPlace(this.teamsByName.get(lower(name.slice(at + 1))), name.slice(at + 1), name.slice(0, at));
      if (place !== undefined) return place;
    }
    return undefined;
  }

  /** `n` in the place of `o` among the teams by name, under its own name (the model's order kept). */
  private nameTeam(o: TeamEntry, n: TeamEntry, rank: ReadonlyMap<TeamEntry, number>): void {
    const before = this.teamsByName.get(lower(o.name));
    if (before && lower(o.name) === lower(n.name)) {
      before[before.indexOf(o)] = n;
      return;
    }
    if (before) before.splice(before.indexOf(o), 1);
    if (before && !before.length) this.teamsByName.delete(lower(o.name));
    const after = this.teamsByName.get(lower(n.name)) ?? [];
    this.teamsByName.set(lower(n.name), after);
    let at = after.length;
    while (at > 0 && rank.get(after[at - 1])! > rank.get(n)!) at--;
    after.splice(at, 0, n);
  }

  /**
   * Each team's grants of every permission of `subjects` (capabilities aside), in one pass, in team order:
   * those at `system`, and those in the spaces `needs` asks each about (more do no harm: every reader
   * matches a grant's space to its query's).
   */
  private gather(subjects: ReadonlySet<string>): void {
    const found = new Map<string, Map<TeamEntry, Grant[]>>();
    for (const s of subjects) if (!CAPABILITIES.some((c) => c.id === s) && !this.bySubject.has(s)) found.set(s, new Map());
    if (!found.size) return;
    const ask = askOf(new Set(found.keys()), this.needs);
    // Indexed loops: this runs once a proof, mostly before the engine optimizes it (see reachOf).
    const all = this.model.teams;
    for (let i = 0; i < all.length; i++) {
      const t = all[i];
      // Most often all of a team's grants asked for are of one permission (a space asks for a few).
      sortInto(found, t, askedGrants(t, ask), permissionOf, false);
    }
    for (const [s, teams] of found) this.bySubject.set(s, teams);
  }

  /** Each team's grants of a permission, or of a capability (as grants of its id). */
  private grantsOf(subject: string): Map<TeamEntry, readonly Grant[]> {
    let found = this.bySubject.get(subject);
    if (found) return found;
    const capability = CAPABILITIES.find((c) => c.id === subject);
    if (!capability) {
      this.gather(new Set([subject]));
      return this.bySubject.get(subject)!;
    }
    found = new Map();
    for (const t of this.model.teams) {
      const grants = t.holdings.filter((h) => h.role === capability.role && h.scope === 'space').map((h): Grant => ({ permission: capability.id, scope: h.scope, space: h.space, restrictions: h.restrictions, via: h.via }));
      if (grants.length) found.set(t, grants);
    }
    this.bySubject.set(subject, found);
    return found;
  }

  /**
   * The teams with grants of `subject` that a query of `space` can match, each with those grants: in a
   * space, its grants there and the server-wide ones (a model has many spaces, a policy names one).
   */
  candidatesIn(subject: string, space: string | undefined): Map<TeamEntry, readonly Grant[]> {
    const all = this.grantsOf(subject);
    if (space === undefined) return all;
    let cached = this.candidateCache.get(subject);
    if (!cached) this.candidateCache.set(subject, (cached = new Map()));
    const known = cached.get(space);
    if (known) return known;
    let bySpace = this.bySpace.get(subject);
    if (!bySpace) {
      bySpace = new Map();
      this.bySpace.set(subject, bySpace);
      const spaces = bySpace;
      // A team's grants are most often all in one place (a space team's in its space).
      all.forEach((list, t) => sortInto(spaces, t, list, placeOf, true));
    }
    const system = bySpace.get(SYSTEM_PLACE);
    const here = bySpace.get(space);
    // A space where nobody holds it answers as the server-wide holders do, and one where nobody holds it
    // server-wide as its own do: the same map (readers never change one).
    const out = here && system?.size ? new Map<TeamEntry, readonly Grant[]>() : (here ?? system ?? new Map<TeamEntry, Grant[]>());
    if (here && system?.size) {
      system.forEach((list, t) => out.set(t, list));
      here.forEach((list, t) => {
        const before = out.get(t);
        out.set(t, before ? before.concat(list) : list);
      });
    }
    cached.set(space, out);
    return out;
  }

  /** The teams holding `subject` where `query` says, each with its grants that answer the query. */
  holding(subject: string, query: AccessQuery): Holders {
    // Policies often share a subject and context (one per assertion): each pair is read once.
    const key = JSON.stringify([query.space ?? null, query.values ?? {}, query.untenanted === true]);
    let cached = this.holdingCache.get(subject);
    if (!cached) this.holdingCache.set(subject, (cached = new Map()));
    const known = cached.get(key);
    if (known) return known;
    const candidates = this.candidatesIn(subject, query.space);
    // Without values or untenanted, every candidate grant answers (each is in the query's space or
    // server-wide): a candidate holds it. Else one that has a grant that answers.
    const every = !query.untenanted && !hasValues(query);
    const teams: TeamEntry[] = [];
    // In a space, the candidates begin with the server-wide holders (`candidatesIn`), the same teams for
    // every policy over the subject: they are told apart, for `reached` to read their places once.
    const system = query.space === undefined ? undefined : this.bySpace.get(subject)?.get(SYSTEM_PLACE);
    const first = system?.size ?? 0;
    let i = 0;
    let whole = true;
    candidates.forEach((list, t) => {
      // Nobody holds anything through a space's Space Managers team with nobody in it: who-can leaves it out too.
      const holds = !isEmptyBuiltinEntry(t) && (every || someAnswer(list, query));
      if (holds) teams.push(t);
      else if (i < first) whole = false;
      i++;
    });
    const holders = new Holders(teams, candidates, every ? undefined : query, whole && first > 0 ? { subject, teams: system! } : undefined);
    cached.set(key, holders);
    return holders;
  }

  /**
   * The places of the principals that `teams` but those of `except` reach (SPEC rule 5: each team itself,
   * its members and groups; Everyone every user and group) but those at `skip`, in the model's principal
   * order; with the entries they are places of.
   */
  reached(
    teams: readonly TeamEntry[],
    skip: ReadonlySet<number>,
    except?: ReadonlySet<TeamEntry>,
    /** When `teams` begin with every server-wide holder of a subject, those (`Holders.system`). */
    system?: { readonly subject: string; readonly teams: ReadonlyMap<TeamEntry, unknown> },
  ): { places: Int32Array; entries: PrincipalTable } {
    // The server-wide holders' places, read once a subject, when none of them is left out.
    let start = 0;
    let known: Int32Array | undefined;
    if (system && !leavesOut(except, system.teams)) {
      start = system.teams.size;
      known = this.systemReach.get(system.subject);
      if (!known) this.systemReach.set(system.subject, (known = this.reached(teams.slice(0, start), NO_SKIP).places));
    }
    const mark = ++this.stamp;
    const stamps = this.stamps;
    // What is skipped counts as reached already.
    skip.forEach((place) => (stamps[place] = mark));
    // Gathered in one buffer the size of the model, then copied once at their count: a growing list and a
    // copy through an iterator took a tenth of what a proof allocates.
    const places = (this.buffer ??= new Int32Array(stamps.length));
    let count = 0;
    for (let j = 0; known && j < known.length; j++) {
      const place = known[j];
      if (stamps[place] === mark) continue;
      stamps[place] = mark;
      places[count++] = place;
    }
    const first = this.principals.teams.length;
    for (let i = start; i < teams.length; i++) {
      const t = teams[i];
      if (except?.has(t)) continue;
      const listed = this.placesOf(t);
      const own = listed[0];
      if (own >= 0 && stamps[own] !== mark) {
        stamps[own] = mark;
        places[count++] = own;
      }
      if (isEveryone(t)) {
        for (let place = first; place < stamps.length; place++) {
          if (stamps[place] === mark) continue;
          stamps[place] = mark;
          places[count++] = place;
        }
        continue;
      }
      for (let j = 1; j < listed.length; j++) {
        const place = listed[j];
        if (stamps[place] === mark) continue;
        stamps[place] = mark;
        places[count++] = place;
      }
    }
    return { places: places.slice(0, count).sort(), entries: this.principals };
  }

  /**
   * The place of a team (-1 when it has none), then those of the users and groups it lists: made when it is
   * first reached (holders of a widely held permission are reached by every policy over it) and kept until
   * `update` replaces the team (a change keeps every other principal's place).
   */
  private placesOf(t: TeamEntry): Int32Array {
    let known = this.listed.get(t);
    if (known) return known;
    const members = t.members;
    const groups = t.groups;
    known = new Int32Array(1 + members.length + groups.length);
    known[0] = this.teamPlaces.get(t) ?? -1;
    let n = 1;
    for (let i = 0; i < members.length; i++) {
      const place = this.userPlaces.get(members[i]);
      if (place !== undefined) known[n++] = place;
    }
    for (let i = 0; i < groups.length; i++) {
      const place = this.groupPlaces.get(groups[i]);
      if (place !== undefined) known[n++] = place;
    }
    if (n < known.length) known = known.slice(0, n);
    this.listed.set(t, known);
    return known;
  }

  /** Every principal of the model, in its order, with the teams that reach it, as of now (`update` makes new ones). */
  everyone(): PrincipalTable {
    return this.principals;
  }

  /** The place of a principal in the model's order, undefined when the model does not have it. */
  placeOf(p: Principal): number | undefined {
    if (p.module !== this.model.module) return undefined;
    if (p.kind === 'user') return this.userPlaces.get(p.name);
    if (p.kind === 'group') return this.groupPlaces.get(p.name);
    return this.principalPlace(p.name, p.space || undefined);
  }

  /** One principal's records of `subject` that answer `query` (SPEC rule 5: never merged). */
  recordsOf(principal: Principal, subject: string, query: AccessQuery): Grant[] {
    const place = this.placeOf(principal);
    if (place === undefined) return [];
    const grants = this.grantsOf(subject);
    return recordsOf(this.principals.at(place).teams.flatMap((t) => (grants.get(t) ?? []).filter((g) => matches(g, query))), grantKey);
  }

  /** The principal a written principal names in this model, or undefined when the model has none. */
  resolve(written: string): Principal | undefined {
    const p = parsePrincipal(written);
    if (!p) return undefined;
    const module = this.model.module;
    const inModel = (x: Principal): Principal => (module === undefined ? x : { ...x, module });
    if (p.kind !== 'team') {
      const place = (p.kind === 'user' ? this.userPlaces : this.groupPlaces).get(p.rest);
      return place === undefined ? undefined : this.principals.at(place).principal;
    }
    const team = this.team(p.rest);
    return team && inModel({ kind: 'team', name: team.name, ...(team.space ? { space: team.space } : {}) });
  }

  /**
   * The team `written` names, as who-can resolves `team:NAME` (the system team when names repeat across
   * spaces) and `team:SPACE/NAME`; undefined when none or several space teams match.
   */
  team(written: string): TeamEntry | undefined {
    const named = this.teamsByName.get(lower(written)) ?? [];
    if (named.length === 1) return named[0];
    if (named.length > 1) return named.find((t) => t.space === undefined);
    const slash = written.indexOf('/');
    if (slash <= 0) return undefined;
    const space = lower(written.slice(0, slash));
    // The last: a later team of the same principal is the one who-can reads (a space's built-in Space
    // Managers team, after a file's team of that name, which Octopus would not have).
    const inSpace = this.teamsByName.get(lower(written.slice(slash + 1))) ?? [];
    for (let i = inSpace.length - 1; i >= 0; i--) if (inSpace[i].space !== undefined && lower(inSpace[i].space!) === space) return inSpace[i];
    return undefined;
  }
}

const NOTHING: readonly Grant[] = Object.freeze([]);

/** Where a server-wide grant is, among the spaces of `Prover.bySpace` (no space's name has a NUL). */
const SYSTEM_PLACE = '\u0000system';
const placeOf = (g: Grant): string => (g.scope === 'system' ? SYSTEM_PLACE : (g.space ?? ''));
const permissionOf = (g: Grant): string => g.permission;

/**
 * Puts a team's grants into `lists` by the key of each (`keyOf`): the team's list itself when all its
 * grants have one key (shared: no reader changes a list of grants), else a list per key. A key without a
 * map of its own is made one when `make`, else its grants are left out.
 */
function sortInto(lists: Map<string, Map<TeamEntry, Grant[]>>, t: TeamEntry, grants: readonly Grant[], keyOf: (g: Grant) => string, make: boolean): void {
  if (!grants.length) return;
  const first = keyOf(grants[0]);
  let one = true;
  for (let k = 1; k < grants.length && one; k++) one = keyOf(grants[k]) === first;
  for (let k = 0; k < grants.length; k++) {
    const key = k === 0 ? first : keyOf(grants[k]);
    let teams = lists.get(key);
    if (!teams) {
      if (!make) continue;
      lists.set(key, (teams = new Map()));
    }
    if (one) {
      teams.set(t, grants as Grant[]);
      return;
    }
    const list = teams.get(t);
    if (list) list.push(grants[k]);
    else teams.set(t, [grants[k]]);
  }
}

/** True when a team of `except` is one of `teams`. */
function leavesOut(except: ReadonlySet<TeamEntry> | undefined, teams: ReadonlyMap<TeamEntry, unknown>): boolean {
  for (const t of except ?? NO_TEAMS) if (teams.has(t)) return true;
  return false;
}

const NO_TEAMS: ReadonlySet<TeamEntry> = new Set();

/** No place skipped. */
const NO_SKIP: ReadonlySet<number> = new Set();

/**
 * The teams holding a subject where a query says, in the order of its candidates, each with the grants that
 * answer the query: read only for the holders a reader asks about (a proof reads the sources of the first
 * few breaching holders of each policy, and a map of every holder's grants per policy cost more than the
 * rest of its proof).
 */
class Holders {
  private order?: Map<TeamEntry, number>;
  private readonly sources = new Map<TeamEntry, readonly Via[]>();
  constructor(
    /** The holders, in order. */
    readonly teams: readonly TeamEntry[],
    private readonly candidates: ReadonlyMap<TeamEntry, readonly Grant[]>,
    /** The query the grants must answer; undefined when every candidate grant does. */
    private readonly query: AccessQuery | undefined,
    /**
     * When the holders begin with every server-wide holder of the subject (`teams` of it, all holding it here:
     * a server-wide grant answers any context), the subject and those teams.
     */
    readonly system?: { readonly subject: string; readonly teams: ReadonlyMap<TeamEntry, unknown> },
  ) {}

  /** A holder's grants that answer the query. */
  grantsOf(t: TeamEntry): readonly Grant[] {
    const list = this.candidates.get(t) ?? NOTHING;
    return this.query ? answering(list, this.query) : list;
  }

  /** A holder's sources of those grants, without repeats, read once (principals reached through it share them). */
  sourcesOf(t: TeamEntry): readonly Via[] {
    let known = this.sources.get(t);
    if (!known) this.sources.set(t, (known = sourcesOfGrants(this.grantsOf(t))));
    return known;
  }

  /** A holder's place among the holders (undefined for a team that is none), from a map made when first asked. */
  indexOf(t: TeamEntry): number | undefined {
    if (!this.order) {
      const made = new Map<TeamEntry, number>();
      for (let i = 0; i < this.teams.length; i++) made.set(this.teams[i], i);
      this.order = made;
    }
    return this.order.get(t);
  }
}

/** True when a grant of `list` answers `query`. */
function someAnswer(list: readonly Grant[], query: AccessQuery): boolean {
  for (let i = 0; i < list.length; i++) if (matches(list[i], query)) return true;
  return false;
}

/** The grants of `list` that answer `query`: the list itself when all do (the usual answer: no copy per team and context). */
function answering(list: readonly Grant[], query: AccessQuery): readonly Grant[] {
  for (let i = 0; i < list.length; i++) if (!matches(list[i], query)) return list.filter((g) => matches(g, query));
  return list;
}

/** True when a query names a value in some dimension. */
function hasValues(query: AccessQuery): boolean {
  for (const d of DIMENSIONS) if (query.values?.[d] !== undefined) return true;
  return false;
}

/** The spaces each subject is asked about; a subject absent is asked about every space. */
type SubjectSpaces = ReadonlyMap<string, ReadonlySet<string>>;

/** The spaces each subject of `policies` is asked about: a policy without a space asks about every one. */
function subjectSpaces(policies: readonly PolicyDoc[]): SubjectSpaces {
  const out = new Map<string, Set<string>>();
  const everywhere = new Set<string>();
  for (const p of policies) {
    const subject = policySubject(p);
    const space = p.context.space?.value;
    if (subject === undefined || everywhere.has(subject)) continue;
    if (space === undefined) {
      everywhere.add(subject);
      out.delete(subject);
      continue;
    }
    const spaces = out.get(subject);
    if (spaces) spaces.add(space);
    else out.set(subject, new Set([space]));
  }
  return out;
}

/** The ask for the grants of `keep` in the spaces `needs` asks each about. */
function askOf(keep: ReadonlySet<string>, needs: SubjectSpaces): GrantAsk {
  const everywhere = [...keep].filter((s) => !needs.has(s));
  const bySpace = new Map<string, string[]>();
  for (const s of keep) for (const space of needs.get(s) ?? []) bySpace.set(space, [...(bySpace.get(space) ?? everywhere), s]);
  const maskOfList = (list: readonly string[]) => (list.length === keep.size ? -1 : maskOf(keep, list));
  const elsewhere = maskOfList(everywhere);
  const inSpaces = new Map([...bySpace].map(([space, list]) => [space, maskOfList(list)]));
  return new GrantAsk(keep, (space) => inSpaces.get(space) ?? elsewhere);
}

/** `holders` (in the model's order, `rank`) with `n` holding `grants` in the place of `o`. */
function swapped(holders: ReadonlyMap<TeamEntry, readonly Grant[]>, o: TeamEntry, n: TeamEntry, grants: readonly Grant[], rank: ReadonlyMap<TeamEntry, number>): Map<TeamEntry, readonly Grant[]> {
  const out = new Map<TeamEntry, readonly Grant[]>();
  let placed = !grants.length;
  for (const [t, list] of holders) {
    if (t === o) continue;
    if (!placed && rank.get(t)! > rank.get(n)!) {
      out.set(n, grants);
      placed = true;
    }
    out.set(t, list);
  }
  if (!placed) out.set(n, grants);
  return out;
}

/**
 * The breaches of an `only` policy in one model. A principal holds the permission through the teams that
 * reach it and hold it there; it breaches when it is not listed and one of those teams is not listed
 * (Everyone included, unless listed): so the teams to read are the unlisted holders, and the principals
 * they reach.
 */
function onlyBreaches(prover: Prover, policy: PolicyDoc, subject: string, query: AccessQuery): BreachList {
  const listed = new Set<number>();
  const listedTeams = new Set<TeamEntry>();
  for (const item of policy.only?.items ?? []) {
    const p = prover.resolve(item.value);
    if (!p) continue;
    const place = prover.placeOf(p);
    if (place !== undefined) listed.add(place);
    const t = p.kind === 'team' ? prover.team(parsePrincipal(item.value)!.rest) : undefined;
    if (t) listedTeams.add(t);
  }
  const holding = prover.holding(subject, query);
  const { places, entries } = prover.reached(holding.teams, listed, listedTeams, holding.system);
  return places.length ? new ReachedBreaches(places, entries, holding, listedTeams) : NONE;
}

/**
 * The breaches of an `only` policy: the principals at `places` of `entries`, each through the unlisted
 * holders that reach it (the teams of `holding` not in `listed`, in the order of `holding`), made when read.
 */
class ReachedBreaches implements BreachList {
  private readonly made: PolicyBreach[] = [];
  constructor(
    private readonly places: Int32Array,
    private readonly entries: PrincipalTable,
    private readonly holding: Holders,
    private readonly listed: ReadonlySet<TeamEntry>,
  ) {}

  /** The sources of an unlisted holder, for the breaches it reaches (one function for them all). */
  private readonly viaOf = (t: TeamEntry): readonly Via[] => this.holding.sourcesOf(t);

  get length(): number {
    return this.places.length;
  }

  principalAt(i: number): Principal {
    return this.entries.at(this.places[i]).principal;
  }

  sourcesAt(i: number): readonly Via[] {
    const known = this.made[i];
    if (known) return known.via;
    // A principal one team reaches holds it through that team (see `at`).
    const entry = this.entries.at(this.places[i]);
    return entry.teams.length === 1 ? this.viaOf(entry.teams[0]) : this.at(i).via;
  }

  at(i: number): PolicyBreach {
    const known = this.made[i];
    if (known) return known;
    const entry = this.entries.at(this.places[i]);
    // A principal that one team reaches (a team itself, the usual one) was reached through that team: an
    // unlisted holder. Policies of one holding share its order (a map per policy of every unlisted holder
    // cost more than the rest).
    const holding = this.holding;
    const teams = entry.teams.length === 1 ? entry.teams : entry.teams.filter((t) => holding.indexOf(t) !== undefined && !this.listed.has(t)).sort((a, b) => holding.indexOf(a)! - holding.indexOf(b)!);
    return (this.made[i] = new LazyBreach('only', entry.principal, teams, this.viaOf));
  }
}

/**
 * A breach whose sources are read only when asked for (a message names ten principals and points at fifty
 * places): those of `teams`, each read by `viaOf`. A class, not a literal with a getter: an `only` policy
 * over a widely held permission makes thousands, and literals with accessors are slow to make.
 */
class LazyBreach implements PolicyBreach {
  private sources?: readonly Via[];
  constructor(
    readonly kind: PolicyBreach['kind'],
    readonly principal: Principal,
    private readonly teams: readonly TeamEntry[],
    private readonly viaOf: (t: TeamEntry) => readonly Via[],
  ) {}

  get via(): readonly Via[] {
    return (this.sources ??= this.teams.length === 1 ? this.viaOf(this.teams[0]) : unique(this.teams.flatMap(this.viaOf)));
  }
}

const openHolders = new WeakMap<Map<TeamEntry, readonly Grant[]>, BreachList>();

/**
 * The breaches of `unrestricted: none` in one model: teams with a record open in every supported dimension.
 * A grant open in every dimension answers every query of its space, so the answer depends on the subject
 * and the space alone: policies of one subject and space share it whatever else their contexts say.
 */
function unrestrictedBreaches(prover: Prover, subject: string, query: AccessQuery): BreachList {
  const candidates = prover.candidatesIn(subject, query.space);
  const known = openHolders.get(candidates);
  if (known) return known;
  const open: TeamEntry[] = [];
  // A record is open in every dimension exactly when a grant of it is (records join equal restrictions).
  // Nobody holds anything through a space's Space Managers team with nobody in it (as `holding`).
  candidates.forEach((grants, t) => {
    if (grants.some(isOpen) && !isEmptyBuiltinEntry(t)) open.push(t);
  });
  const viaOf = (t: TeamEntry) => sourcesOfGrants(candidates.get(t)!.filter(isOpen));
  const out = open.length ? new TeamBreaches(open, prover.model.module, viaOf) : NONE;
  openHolders.set(candidates, out);
  return out;
}

/** Each team's principal, made once: teams of a model are principals of that model only. */
const teamPrincipals = new WeakMap<TeamEntry, Principal>();

/** The breaches of `unrestricted: none` by `teams`, each made when read. */
class TeamBreaches implements BreachList {
  private readonly made: PolicyBreach[] = [];
  constructor(
    private readonly teams: readonly TeamEntry[],
    private readonly module: string | undefined,
    private readonly viaOf: (t: TeamEntry) => readonly Via[],
  ) {}

  get length(): number {
    return this.teams.length;
  }

  principalAt(i: number): Principal {
    const t = this.teams[i];
    let p = teamPrincipals.get(t);
    if (!p) teamPrincipals.set(t, (p = { kind: 'team', name: t.name, ...(t.space ? { space: t.space } : {}), ...(this.module !== undefined ? { module: this.module } : {}) }));
    return p;
  }

  at(i: number): PolicyBreach {
    return (this.made[i] ??= new LazyBreach('unrestricted', this.principalAt(i), [this.teams[i]], this.viaOf));
  }

  sourcesAt(i: number): readonly Via[] {
    return this.made[i]?.via ?? this.viaOf(this.teams[i]);
  }
}

/** True for a grant open in every dimension. */
const isOpen = (g: Grant): boolean => isUnrestricted(g.restrictions);

/**
 * The breaches of an `includes` policy in one model: each listed principal that the model lacks or that
 * holds no record admitting the whole context (in each space it must hold it in).
 */
function includesBreaches(prover: Prover, policy: PolicyDoc, subject: string, query: AccessQuery): PolicyBreach[] {
  const permission = getPermission(subject);
  const supported = permission ? supportedDimensions(permission.restrictions) : [];
  const spaces = query.space !== undefined || permission?.level === 'system' || !prover.model.spaces.length ? [query.space] : prover.model.spaces;
  const out: PolicyBreach[] = [];
  for (const item of policy.includes?.items ?? []) {
    const principal = prover.resolve(item.value);
    const holds =
      principal !== undefined &&
      spaces.every((space) => {
        const q: AccessQuery = { ...query, space };
        const mine = prover.recordsOf(principal, subject, q);
        return flat(mine).some((r) => (space === undefined || r.scope === 'system' || r.space === space) && supported.every((d) => query.values?.[d] !== undefined || !r.restrictions[d]?.length));
      });
    if (!holds) out.push({ kind: 'includes', principal: principal ?? writtenPrincipal(item, prover.model.module), via: [] });
  }
  return out;
}

/** A principal as written, for a breach by a principal the model lacks. */
function writtenPrincipal(item: Name, module: string | undefined): Principal {
  const p = parsePrincipal(item.value)!;
  return { kind: p.kind, name: p.rest, ...(module !== undefined ? { module } : {}) };
}

function flat(records: readonly Grant[]): Grant[] {
  return records.flatMap((r) => [r, ...flat(r.covers ?? [])]);
}

/** The sources of `grants`, without repeats: those of the one grant itself when there is one (the usual holder). */
function sourcesOfGrants(grants: readonly Grant[]): readonly Via[] {
  return grants.length === 1 ? grants[0].via : unique(grants.flatMap((g) => g.via));
}

/** Sources without repeats: the grants of one assignment share their source objects. */
function unique(via: readonly Via[]): Via[] {
  // One source (the usual breach) needs no set.
  if (via.length <= 1) return via.slice();
  const seen = new Set<Via>();
  return via.filter((v) => !seen.has(v) && seen.add(v) !== undefined);
}

/** The subject of a policy: its permission or capability, when it names one that exists. */
export function policySubject(policy: PolicyDoc): string | undefined {
  const subject = policy.permission?.value ?? policy.capability?.value;
  if (subject === undefined) return undefined;
  return getPermission(subject) || CAPABILITIES.some((c) => c.id === subject) ? subject : undefined;
}

/** What one policy comes to in one prepared model. */
function prove(prover: Prover, policy: PolicyDoc): PolicyProof {
  const subject = policySubject(policy);
  const module = prover.model.module;
  if (!subject) return new Proof(module, { only: NONE, includes: NONE, unrestricted: NONE });
  const query = policyQuery(policy);
  return new Proof(module, {
    only: policy.only ? onlyBreaches(prover, policy, subject, query) : NONE,
    includes: policy.includes ? new MadeBreaches(includesBreaches(prover, policy, subject, query)) : NONE,
    unrestricted: policy.unrestricted ? unrestrictedBreaches(prover, subject, query) : NONE,
  });
}

/** What a policy file's policies come to: each policy's proofs, and the principals no model has. */
export interface PolicyResults {
  /** By the policy's index in its file: one proof per model the file applies to. */
  readonly proofs: ReadonlyMap<number, readonly PolicyProof[]>;
  /** Principals (as written, by the policy's index and the item's offset) that no model of the file has. */
  readonly unknown: ReadonlySet<string>;
  /** Every principal the models have, written as a policy writes them (for suggestions). */
  principals(): string[];
}

/**
 * How many times a policy has been proved (on every model its file applies to): tests read it to tell
 * which policies a change re-proves.
 */
export const policyProofs = { count: 0 };

/** Provers of the models a policy file applies to, as of a change count of the index. */
interface Provers {
  readonly list: readonly Prover[];
  readonly mark: number;
}

/** A policy file's last results, for the next proof to keep what the changes since cannot alter. */
interface LastProof {
  readonly model: FileModel;
  readonly mark: number;
  readonly results: PolicyResults;
  readonly provers?: Provers;
}

/**
 * Every policy of the file at `uri`, proved on every model it applies to; kept with the file until a
 * change to any other file. The index then reports the file as changed, and this proves again only the
 * policies that the changes since the last proof can alter (model/policy-changes.ts), keeping the others'
 * results, on the provers of the last proof brought up to date when the changes were to teams only.
 */
export function provePolicies(ws: ModelIndex, uri: string): PolicyResults {
  return ws.derived(uri, 'policies', () => {
    const model = ws.model(uri);
    const policies = (model?.docs ?? []).filter((d): d is PolicyDoc => d.kind === 'policy');
    const mark = ws.changeMark;
    const last = ws.kept<LastProof>(uri, 'policies');
    const changes = last && last.model === model ? ws.changesSince(last.mark) : undefined;
    const previous = last && changes ? { results: last.results, impact: policyImpact(ws, changes), mark: last.mark } : undefined;
    const run = proveWith(ws, uri, policies, previous, last && last.model === model ? last.provers : undefined);
    if (model) ws.keep(uri, 'policies', { model, mark, results: run.results, provers: run.provers } satisfies LastProof);
    return run.results;
  });
}

/**
 * Policies proved on the models of `ws` that a policy file at `uri` applies to, wherever the policies
 * were read (`diff --live` proves the workspace's policies on a server's model).
 */
export function proveOn(ws: ModelIndex, uri: string, policies: readonly PolicyDoc[]): PolicyResults {
  return proveWith(ws, uri, policies).results;
}

/**
 * Proves `policies`; with `previous` (the same policies' results before changes whose impact is given),
 * only those the impact reaches, keeping the others' results; with `kept`, on those provers when they can
 * be brought up to date.
 */
function proveWith(ws: ModelIndex, uri: string, policies: readonly PolicyDoc[], previous?: { results: PolicyResults; impact: PolicyImpact; mark: number }, kept?: Provers): { results: PolicyResults; provers?: Provers } {
  const proofs = new Map<number, readonly PolicyProof[]>();
  const reusable = previous?.impact === 'all' ? undefined : previous;
  const todo: PolicyDoc[] = [];
  for (const p of policies) {
    const known = reusable?.results.proofs.get(p.index);
    const subject = policySubject(p);
    if (known && reusable && (subject === undefined || !impactReaches(reusable.impact, p, subject))) proofs.set(p.index, known);
    else todo.push(p);
  }
  // Without a change of names or of the model's users and groups, the same principals are unknown.
  let unknown = reusable && reusable.impact !== 'all' && !reusable.impact.renamed.size ? reusable.results.unknown : undefined;
  let provers = kept;
  if (todo.length || !unknown) {
    const subjects = new Set(todo.map(policySubject).filter((x): x is string => x !== undefined));
    const needs = subjectSpaces(policies);
    const list = (kept && updated(ws, kept, kept.mark === previous?.mark ? previous.impact : undefined)) ?? (policies.length ? policyModels(ws, uri) : []).map((m) => new Prover(m, subjects, needs));
    provers = { list, mark: ws.changeMark };
    for (const p of todo) {
      policyProofs.count++;
      proofs.set(p.index, list.map((prover) => prove(prover, p)));
    }
    if (!unknown) {
      const found = new Set<string>();
      for (const p of policies) {
        for (const item of [...(p.only?.items ?? []), ...(p.includes?.items ?? [])]) {
          if (!list.some((prover) => prover.resolve(item.value))) found.add(unknownKey(p, item));
        }
      }
      unknown = found;
    }
  }
  // The provers' principals as of this proof (`update` replaces the list it changes, never changes it).
  const known = provers?.list.map((p) => p.everyone());
  const entries = (): (readonly { principal: Principal }[])[] => (known ? known.map((t) => t.all()) : policyModels(ws, uri).map((m) => [...reachOf(m.teams).values()]));
  let names: string[] | undefined;
  return { results: { proofs, unknown, principals: () => (names ??= knownPrincipals(entries())) }, provers };
}

/**
 * `kept` brought up to date with the changes since its mark, when they were all to team files that kept
 * their teams' names and the model's users and groups (`impact`: theirs, when known); undefined when a new
 * prover is needed.
 */
function updated(ws: ModelIndex, kept: Provers, impact?: PolicyImpact): readonly Prover[] | undefined {
  const changes = ws.changesSince(kept.mark);
  if (!changes) return undefined;
  const files = teamFilesOf(changes);
  if (!files || (impact ?? policyImpact(ws, changes)) === 'all') return undefined;
  if (!files.size) return kept.list;
  const fresh = teamsOf(ws, files);
  // Only the YAML model has team files; a module's prover stays as it is.
  return kept.list.every((p) => p.model.module !== undefined || p.update(fresh, files)) ? kept.list : undefined;
}

/** The key of a principal item in `PolicyResults.unknown`. */
export const unknownKey = (policy: PolicyDoc, item: Name): string => `${policy.index}\u0000${item.span.start}`;

/** Every principal the models have, written as a policy writes them. */
function knownPrincipals(models: readonly (readonly { principal: Principal }[])[]): string[] {
  const out = new Set<string>();
  for (const m of models) {
    for (const { principal: p } of m) {
      if (p.kind !== 'team') out.add(`${p.kind}:${p.name}`);
      else if (p.name === EVERYONE && !p.space) out.add(EVERYONE);
      else {
        // A space team may be written by its name alone (who-can's `team:NAME`), or with its space.
        out.add(`team:${p.name}`);
        if (p.space) out.add(`team:${p.space}/${p.name}`);
      }
    }
  }
  return [...out];
}
