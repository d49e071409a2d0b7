/**
 * The workspace index: every file's model and one index of names, kept up to date file by file.
 *
 * A change to one file re-reads only that file. The index records which files define and which refer to
 * each role and space name, so `setFile` can tell exactly which other files' diagnostics changed; those
 * are recomputed lazily, on the next `diagnostics()` call for them. What the diagnostics are is not this
 * module's business: an `Analyser` (the rules) is passed in, and the front-ends that read files too.
 */
import { allBuiltinRoles, EVERYONE, getBuiltinRole, isBuiltinTeamName, OCTOPUS_ADMINISTRATORS, SPACE_MANAGERS, SYSTEM_ADMINISTRATOR } from '../catalog';
import type { FrontEnd } from '../syntax/frontend';
import { Suggester } from '../util/suggest';
import { LineMap } from '../util/text';
import { shapeOf, type Located, type ResolvedRole, type RoleResolver } from './roles';
import type { Diagnostic, FileModel, ParsedFile, RoleDoc, SpaceDoc, Span, TeamDoc } from './types';

/** What turns a file's model into its diagnostics: the rules (rules/registry.ts). */
export interface Analyser {
  /** The findings of a freshly read file that depend on it alone. */
  local(file: ParsedFile): Diagnostic[];
  /**
   * The findings of a file that depend on other files. Returns whether any of them depends on the
   * whole set of role and space names (so that the file is re-checked when a name appears or goes).
   */
  workspace(ws: ModelIndex, file: FileModel, out: Diagnostic[]): boolean;
}

interface Entry {
  readonly uri: string;
  readonly text: string;
  readonly model?: FileModel;
  readonly problem?: Diagnostic;
  readonly roles: readonly string[];
  readonly spaces: readonly string[];
  readonly teams: readonly string[];
  readonly roleRefs: readonly string[];
  readonly spaceRefs: readonly string[];
  /** Team names a space's `managers.teams` refers to (trimmed, lower case). */
  readonly teamRefs: readonly string[];
  lines?: LineMap;
  cache?: readonly Diagnostic[];
  /** Values computed from this file and what it refers to (effective access), dropped with `cache`. */
  derived?: Map<string, unknown>;
}

const lower = (s: string): string => s.toLowerCase();
/** Octopus trims team names and compares them without case ([Trim] on TeamResource.Name). */
export const teamKey = (team: TeamDoc): string => `${team.space ? lower(team.space.value) : ''}\u0000${lower(team.name!.value.trim())}`;

/**
 * Adds a definition, keeping each list ordered by file and position, so that which of several same-named
 * definitions counts as "the" one never depends on the order in which files were loaded or edited.
 */
function addTo<K, D extends { span: Span }>(map: Map<K, Located<D>[]>, key: K, value: Located<D>): void {
  const list = map.get(key);
  if (!list) {
    map.set(key, [value]);
    return;
  }
  const before = (a: Located<D>, b: Located<D>) => a.uri < b.uri || (a.uri === b.uri && a.doc.span.start < b.doc.span.start);
  let i = list.length;
  while (i > 0 && before(value, list[i - 1])) i--;
  list.splice(i, 0, value);
}

function removeFrom<K, V extends { uri: string }>(map: Map<K, V[]>, key: K, uri: string): void {
  const list = map.get(key);
  if (!list) return;
  const kept = list.filter((v) => v.uri !== uri);
  if (kept.length) map.set(key, kept);
  else map.delete(key);
}

function refAdd(map: Map<string, Set<string>>, key: string, uri: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(uri);
}

function refRemove(map: Map<string, Set<string>>, key: string, uri: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(uri);
  if (set.size === 0) map.delete(key);
}

export class ModelIndex implements RoleResolver {
  private readonly entries = new Map<string, Entry>();
  private readonly roleDefs = new Map<string, Located<RoleDoc>[]>();
  private readonly spaceDefs = new Map<string, Located<SpaceDoc>[]>();
  private readonly teamDefs = new Map<string, Located<TeamDoc>[]>();
  private readonly roleRefs = new Map<string, Set<string>>();
  private readonly spaceRefs = new Map<string, Set<string>>();
  private readonly teamRefs = new Map<string, Set<string>>();
  private readonly teamFiles = new Set<string>();
  /**
   * Files with a diagnostic whose suggestions depend on every role or space name (did-you-mean, the
   * spaces a role could be applied in): they are re-checked whenever a name appears or disappears.
   */
  private readonly nameDependent = new Set<string>();
  private roleSuggester: Suggester | undefined;
  private spaceSuggester: Suggester | undefined;
  private teamSuggester: Suggester | undefined;

  constructor(
    private readonly frontEnds: readonly FrontEnd[],
    private readonly analyser: Analyser,
  ) {}

  /** The front-end that reads `uri`, with the kind of its documents. */
  private frontEndOf(uri: string): { frontEnd: FrontEnd; kind: NonNullable<ReturnType<FrontEnd['kindOf']>> } | undefined {
    for (const frontEnd of this.frontEnds) {
      const kind = frontEnd.kindOf(uri);
      if (kind) return { frontEnd, kind };
    }
    return undefined;
  }

  /** True when some front-end reads `uri`. */
  accepts(uri: string): boolean {
    return this.frontEndOf(uri) !== undefined;
  }

  /** Reads a file as its front-end does, with its local findings; undefined for a file no front-end reads. */
  read(uri: string, text: string): FileModel | undefined {
    const found = this.frontEndOf(uri);
    if (!found) return undefined;
    const parsed = found.frontEnd.parse(uri, text, found.kind);
    return { ...parsed, local: this.analyser.local(parsed) };
  }

  /** The front-end of a file in the workspace. */
  syntaxOf(uri: string): FrontEnd | undefined {
    return this.frontEndOf(uri)?.frontEnd;
  }

  /**
   * Adds or replaces a file's text. Returns every file whose diagnostics may have changed, this one
   * included. A path that no front-end reads is ignored.
   */
  setFile(uri: string, text: string): Set<string> {
    const model = this.read(uri, text);
    if (!model) return new Set();
    return this.replace(uri, this.entryOf(uri, text, model));
  }

  /** Records a file that is not analysed (too large, unreadable), with the diagnostic to show for it. */
  setProblem(uri: string, problem: Diagnostic): Set<string> {
    const entry: Entry = { uri, text: '', problem, roles: [], spaces: [], teams: [], roleRefs: [], spaceRefs: [], teamRefs: [] };
    return this.replace(uri, entry);
  }

  /** Forgets a file. Returns the files whose diagnostics may have changed (not the removed one). */
  removeFile(uri: string): Set<string> {
    if (!this.entries.has(uri)) return new Set();
    const affected = this.replace(uri, undefined);
    affected.delete(uri);
    return affected;
  }

  has(uri: string): boolean {
    return this.entries.has(uri);
  }

  /** Every file of the workspace. */
  uris(): IterableIterator<string> {
    return this.entries.keys();
  }

  get size(): number {
    return this.entries.size;
  }

  model(uri: string): FileModel | undefined {
    return this.entries.get(uri)?.model;
  }

  text(uri: string): string | undefined {
    return this.entries.get(uri)?.text;
  }

  lines(uri: string): LineMap | undefined {
    const e = this.entries.get(uri);
    if (!e) return undefined;
    return (e.lines ??= new LineMap(e.text));
  }

  /** The definitions of roles with this name, compared without case. */
  roleDefinitions(name: string): readonly Located<RoleDoc>[] {
    return this.roleDefs.get(lower(name)) ?? [];
  }

  spaceDefinitions(name: string): readonly Located<SpaceDoc>[] {
    return this.spaceDefs.get(lower(name)) ?? [];
  }

  /** Every custom role name (first definition's spelling); documents of built-in roles are not custom. */
  customRoleNames(): string[] {
    const names: string[] = [];
    for (const defs of this.roleDefs.values()) {
      const custom = defs.find((d) => !isBuiltinVersion(d.doc));
      if (custom) names.push(custom.doc.name!.value);
    }
    return names;
  }

  /**
   * The workspace's own version of a built-in role (`builtIn: true`), if it has one. System Administrator
   * cannot be edited on any server, so a document for it never counts.
   */
  builtinVersion(name: string): Located<RoleDoc> | undefined {
    if (name === SYSTEM_ADMINISTRATOR || !getBuiltinRole(name)) return undefined;
    return this.roleDefinitions(name).find((d) => d.doc.name!.value === name && isBuiltinVersion(d.doc));
  }

  /**
   * True when a team of this name exists for a space's `managers.teams`: a system team, a team of that
   * space, or a built-in team.
   */
  hasTeam(name: string, space: string | undefined): boolean {
    if (([EVERYONE, OCTOPUS_ADMINISTRATORS, SPACE_MANAGERS] as const).some((b) => isBuiltinTeamName(name, b))) return true;
    return this.teamDefinitions(name, undefined).length > 0 || (space !== undefined && this.teamDefinitions(name, space).length > 0);
  }

  /** Every team name (first definition's spelling), for suggestions. */
  teamNames(): string[] {
    return Array.from(this.teamDefs.values(), (defs) => defs[0].doc.name!.value.trim());
  }

  spaceNames(): string[] {
    return Array.from(this.spaceDefs.values(), (defs) => defs[0].doc.name!.value);
  }

  /** Did-you-mean over every role name, custom and built-in. */
  suggestRoles(name: string): string[] {
    this.roleSuggester ??= new Suggester([...this.customRoleNames(), ...Array.from(allBuiltinRoles(), (r) => r.name)]);
    return this.roleSuggester.nearest(name);
  }

  /** Did-you-mean over every declared space. */
  suggestSpaces(name: string): string[] {
    this.spaceSuggester ??= new Suggester(this.spaceNames());
    return this.spaceSuggester.nearest(name);
  }

  /** Did-you-mean over every team name, built-in teams included. */
  suggestTeams(name: string): string[] {
    this.teamSuggester ??= new Suggester([...new Set([...this.teamNames(), EVERYONE, OCTOPUS_ADMINISTRATORS])]);
    return this.teamSuggester.nearest(name);
  }

  /** Files that refer to a role name. */
  roleReferrers(name: string): ReadonlySet<string> {
    return this.roleRefs.get(lower(name)) ?? new Set();
  }

  /** Files that refer to a space name (a team's `space` or an assignment's). */
  spaceReferrers(name: string): ReadonlySet<string> {
    return this.spaceRefs.get(lower(name)) ?? new Set();
  }

  /**
   * The teams with this name in a space (or among the system teams when `space` is undefined), compared
   * as Octopus does: without case, after trimming.
   */
  teamDefinitions(name: string, space: string | undefined): readonly Located<TeamDoc>[] {
    return this.teamDefs.get(`${space ? lower(space) : ''}\u0000${lower(name.trim())}`) ?? [];
  }

  /** The other teams that share a team's name and space. */
  sameNamedTeams(team: TeamDoc): readonly Located<TeamDoc>[] {
    return team.name ? (this.teamDefs.get(teamKey(team)) ?? []).filter((d) => d.doc !== team) : [];
  }

  /** True when the workspace declares at least one space, which turns on space-name checks. */
  get declaresSpaces(): boolean {
    return this.spaceDefs.size > 0;
  }

  /**
   * Resolves a role reference by exact name. A built-in role wins over a custom role of the same name,
   * because Octopus refuses to create the custom one (`shadows-builtin`).
   */
  resolveRole(name: string): ResolvedRole | undefined {
    // Every rule about an assignment resolves its role: one answer per name until a role file changes.
    const cached = this.resolved.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const role = this.resolveUncached(name);
    this.resolved.set(name, role ?? null);
    return role;
  }

  private readonly resolved = new Map<string, ResolvedRole | null>();

  private resolveUncached(name: string): ResolvedRole | undefined {
    const builtin = getBuiltinRole(name);
    const version = builtin ? this.builtinVersion(name) : undefined;
    if (version) {
      const space = version.doc.spacePermissions?.items.map((i) => i.value) ?? [];
      const system = version.doc.systemPermissions?.items.map((i) => i.value) ?? [];
      return { name, builtin: true, definition: version, spacePermissions: space, systemPermissions: system, shape: shapeOf(space, system) };
    }
    const def = builtin ? undefined : this.roleDefinitions(name).find((d) => d.doc.name!.value === name && !isBuiltinVersion(d.doc));
    if (def) {
      const space = def.doc.spacePermissions?.items.map((i) => i.value) ?? [];
      const system = def.doc.systemPermissions?.items.map((i) => i.value) ?? [];
      return { name, builtin: false, definition: def, spacePermissions: space, systemPermissions: system, shape: shapeOf(space, system) };
    }
    if (!builtin) return undefined;
    return {
      name,
      builtin: true,
      spacePermissions: builtin.spacePermissions,
      systemPermissions: builtin.systemPermissions,
      shape: shapeOf(builtin.spacePermissions, builtin.systemPermissions),
    };
  }

  /** Resolves a space by exact name. */
  resolveSpace(name: string): Located<SpaceDoc> | undefined {
    return this.spaceDefinitions(name).find((d) => d.doc.name!.value === name);
  }

  /** All diagnostics of a file at their default severities, suppression comments not yet applied. */
  diagnostics(uri: string): readonly Diagnostic[] {
    const entry = this.entries.get(uri);
    if (!entry) return [];
    if (entry.cache) return entry.cache;
    let result: Diagnostic[];
    if (entry.problem) result = [entry.problem];
    else {
      // A loop, not a spread: a file can hold hundreds of thousands of findings.
      result = [];
      for (const d of entry.model!.local) result.push(d);
      if (this.analyser.workspace(this, entry.model!, result)) this.nameDependent.add(uri);
      else this.nameDependent.delete(uri);
      result.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    }
    entry.cache = result;
    return result;
  }

  /**
   * A value computed from a file and the names it refers to, kept until an edit affects that file (the
   * same files whose diagnostics an edit invalidates).
   */
  derived<T>(uri: string, key: string, compute: () => T): T {
    const e = this.entries.get(uri);
    if (!e) return compute();
    e.derived ??= new Map();
    if (e.derived.has(key)) return e.derived.get(key) as T;
    const value = compute();
    e.derived.set(key, value);
    return value;
  }

  private entryOf(uri: string, text: string, model: FileModel): Entry {
    const roles: string[] = [];
    const spaces: string[] = [];
    const teams: string[] = [];
    const roleRefs = new Set<string>();
    const spaceRefs = new Set<string>();
    const teamRefs = new Set<string>();
    for (const doc of model.docs) {
      if (!doc.name && doc.kind !== 'team') continue;
      if (doc.kind === 'role') roles.push(lower(doc.name!.value));
      else if (doc.kind === 'space') {
        spaces.push(lower(doc.name!.value));
        for (const t of doc.managers?.teams?.items ?? []) teamRefs.add(lower(t.value.trim()));
      } else {
        if (doc.name) teams.push(teamKey(doc));
        if (doc.space) spaceRefs.add(lower(doc.space.value));
        for (const a of doc.assignments) {
          roleRefs.add(lower(a.role.value));
          if (a.space) spaceRefs.add(lower(a.space.value));
        }
      }
    }
    return { uri, text, model, roles, spaces, teams, roleRefs: [...roleRefs], spaceRefs: [...spaceRefs], teamRefs: [...teamRefs] };
  }

  private replace(uri: string, next: Entry | undefined): Set<string> {
    const prev = this.entries.get(uri);
    const affected = new Set<string>([uri]);
    const hadSpaces = this.declaresSpaces;
    const roleNamesBefore = this.roleDefs.size;
    const spaceNamesBefore = this.spaceDefs.size;
    const teamNamesBefore = this.teamDefs.size;
    const touch = (uris: Iterable<string> | undefined) => {
      if (uris) for (const u of uris) affected.add(u);
    };
    const touchNames = (e: Entry | undefined) => {
      if (!e) return;
      for (const r of e.roles) {
        touch(this.roleRefs.get(r));
        touch(this.roleDefs.get(r)?.map((d) => d.uri));
      }
      for (const s of e.spaces) {
        touch(this.spaceRefs.get(s));
        touch(this.spaceDefs.get(s)?.map((d) => d.uri));
      }
      for (const t of e.teams) {
        touch(this.teamDefs.get(t)?.map((d) => d.uri));
        touch(this.teamRefs.get(t.slice(t.indexOf('\u0000') + 1)));
      }
    };
    touchNames(prev);
    if (prev?.roles.length || next?.roles.length) this.resolved.clear();
    if (prev) this.unindex(prev);
    if (next) {
      this.entries.set(uri, next);
      this.index(next);
    } else {
      this.entries.delete(uri);
      this.nameDependent.delete(uri);
    }
    touchNames(next);
    if (hadSpaces !== this.declaresSpaces) touch(this.teamFiles);
    if (roleNamesBefore !== this.roleDefs.size || spaceNamesBefore !== this.spaceDefs.size || teamNamesBefore !== this.teamDefs.size || namesMoved(prev, next)) {
      touch(this.nameDependent);
      this.roleSuggester = undefined;
      this.spaceSuggester = undefined;
      this.teamSuggester = undefined;
    }
    for (const u of affected) {
      const e = this.entries.get(u);
      if (e) {
        e.cache = undefined;
        e.derived = undefined;
      }
    }
    return affected;
  }

  private index(e: Entry): void {
    const model = e.model;
    if (!model) return;
    for (const doc of model.docs) {
      if (!doc.name) continue;
      if (doc.kind === 'role') addTo(this.roleDefs, lower(doc.name.value), { uri: e.uri, doc });
      else if (doc.kind === 'space') addTo(this.spaceDefs, lower(doc.name.value), { uri: e.uri, doc });
      else addTo(this.teamDefs, teamKey(doc), { uri: e.uri, doc });
    }
    for (const r of e.roleRefs) refAdd(this.roleRefs, r, e.uri);
    for (const s of e.spaceRefs) refAdd(this.spaceRefs, s, e.uri);
    for (const t of e.teamRefs) refAdd(this.teamRefs, t, e.uri);
    if (model.docs.some((d) => d.kind === 'team')) this.teamFiles.add(e.uri);
  }

  private unindex(e: Entry): void {
    for (const r of e.roles) removeFrom(this.roleDefs, r, e.uri);
    for (const s of e.spaces) removeFrom(this.spaceDefs, s, e.uri);
    for (const t of e.teams) removeFrom(this.teamDefs, t, e.uri);
    for (const r of e.roleRefs) refRemove(this.roleRefs, r, e.uri);
    for (const s of e.spaceRefs) refRemove(this.spaceRefs, s, e.uri);
    for (const t of e.teamRefs) refRemove(this.teamRefs, t, e.uri);
    this.teamFiles.delete(e.uri);
  }
}

function namesMoved(prev: Entry | undefined, next: Entry | undefined): boolean {
  const a = [...(prev?.roles ?? []), '\u0000', ...(prev?.spaces ?? []), '\u0000', ...(prev?.teams ?? [])].join('\u0001');
  const b = [...(next?.roles ?? []), '\u0000', ...(next?.spaces ?? []), '\u0000', ...(next?.teams ?? [])].join('\u0001');
  return a !== b;
}

/** True for a document that describes a server's version of a built-in role (`builtIn: true`). */
export function isBuiltinVersion(doc: RoleDoc): boolean {
  return doc.builtIn?.value === true;
}
