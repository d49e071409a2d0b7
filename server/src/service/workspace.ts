/**
 * The workspace model: every role, team and space file, one index of names, and the cross-file rules.
 *
 * A change to one file re-parses only that file. The index records which files define and which refer
 * to each role and space name, so `setFile` can tell exactly which other files' diagnostics changed;
 * those are recomputed lazily, on the next `diagnostics()` call for them.
 */
import { getBuiltinRole, allBuiltinRoles, getPermission, SPACE_MANAGER, type Dimension } from './catalog';
import { makeDiagnostic } from './diagnostic';
import { kindOfPath, parseFile } from './parse';
import { nearest, Suggester } from './suggest';
import { LineMap } from './text';
import type { Diagnostic, FileModel, Related, RoleDoc, SpaceDoc, Span, TeamDoc } from './types';

/** A document and the file it is in. */
export interface Located<D> {
  readonly uri: string;
  readonly doc: D;
}

/** How a role behaves when assigned: see SPEC section 3. */
export type RoleKind = 'system-only' | 'space' | 'mixed';

/** A role a team can assign: a custom role of the workspace or a built-in one. */
export interface ResolvedRole {
  readonly name: string;
  readonly builtin: boolean;
  /** The definition, for custom roles. */
  readonly definition?: Located<RoleDoc>;
  readonly spacePermissions: readonly string[];
  readonly systemPermissions: readonly string[];
  readonly kind: RoleKind;
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
  lines?: LineMap;
  cache?: readonly Diagnostic[];
}

const lower = (s: string): string => s.toLowerCase();
const teamKey = (team: TeamDoc): string => `${team.space ? lower(team.space.value) : ''}\u0000${lower(team.name!.value)}`;

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

export class Workspace {
  private readonly entries = new Map<string, Entry>();
  private readonly roleDefs = new Map<string, Located<RoleDoc>[]>();
  private readonly spaceDefs = new Map<string, Located<SpaceDoc>[]>();
  private readonly teamDefs = new Map<string, Located<TeamDoc>[]>();
  private readonly roleRefs = new Map<string, Set<string>>();
  private readonly spaceRefs = new Map<string, Set<string>>();
  private readonly teamFiles = new Set<string>();
  /**
   * Files with a diagnostic whose suggestions depend on every role or space name (did-you-mean, the
   * spaces a role could be applied in): they are re-checked whenever a name appears or disappears.
   */
  private readonly unresolved = new Set<string>();
  /** Did-you-mean over every role name, rebuilt when the set of names changes. */
  private roleSuggester: Suggester | undefined;
  private spaceSuggester: Suggester | undefined;

  /** True when `uri` names a role, team or space file. */
  static accepts(uri: string): boolean {
    return kindOfPath(uri) !== undefined;
  }

  /**
   * Adds or replaces a file's text. Returns every file whose diagnostics may have changed, this one
   * included. A path that is not a role, team or space file is ignored.
   */
  setFile(uri: string, text: string): Set<string> {
    const kind = kindOfPath(uri);
    if (!kind) return new Set();
    const model = parseFile(uri, text, kind);
    return this.replace(uri, this.entryOf(uri, text, model));
  }

  /** Records a file that is not analysed (too large, unreadable), with the diagnostic to show for it. */
  setProblem(uri: string, problem: Diagnostic): Set<string> {
    const entry: Entry = { uri, text: '', problem, roles: [], spaces: [], teams: [], roleRefs: [], spaceRefs: [] };
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

  /** Every custom role name (first definition's spelling). */
  customRoleNames(): string[] {
    return Array.from(this.roleDefs.values(), (defs) => defs[0].doc.name!.value);
  }

  spaceNames(): string[] {
    return Array.from(this.spaceDefs.values(), (defs) => defs[0].doc.name!.value);
  }

  /** Files that refer to a role name. */
  roleReferrers(name: string): ReadonlySet<string> {
    return this.roleRefs.get(lower(name)) ?? new Set();
  }

  /** Files that refer to a space name (a team's `space` or an assignment's). */
  spaceReferrers(name: string): ReadonlySet<string> {
    return this.spaceRefs.get(lower(name)) ?? new Set();
  }

  /** The teams with this name in a space (or among the system teams when `space` is undefined), without case. */
  teamDefinitions(name: string, space: string | undefined): readonly Located<TeamDoc>[] {
    return this.teamDefs.get(`${space ? lower(space) : ''}\u0000${lower(name)}`) ?? [];
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
    const builtin = getBuiltinRole(name);
    const def = builtin ? undefined : this.roleDefinitions(name).find((d) => d.doc.name!.value === name);
    if (def) {
      const space = def.doc.spacePermissions?.items.map((i) => i.value) ?? [];
      const system = def.doc.systemPermissions?.items.map((i) => i.value) ?? [];
      return { name, builtin: false, definition: def, spacePermissions: space, systemPermissions: system, kind: kindOf(space, system) };
    }
    if (!builtin) return undefined;
    return {
      name,
      builtin: true,
      spacePermissions: builtin.spacePermissions,
      systemPermissions: builtin.systemPermissions,
      kind: kindOf(builtin.spacePermissions, builtin.systemPermissions),
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
      result = [...entry.model!.local];
      const before = result.length;
      for (const doc of entry.model!.docs) {
        if (doc.kind === 'team') this.checkTeam(doc, result);
        else if (doc.kind === 'role') this.checkDuplicate(doc, 'role', this.roleDefs, result);
        else this.checkDuplicate(doc, 'space', this.spaceDefs, result);
      }
      if (result.slice(before).some((d) => NAME_DEPENDENT.has(d.code))) this.unresolved.add(uri);
      else this.unresolved.delete(uri);
      result.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    }
    entry.cache = result;
    return result;
  }

  private entryOf(uri: string, text: string, model: FileModel): Entry {
    const roles: string[] = [];
    const spaces: string[] = [];
    const teams: string[] = [];
    const roleRefs = new Set<string>();
    const spaceRefs = new Set<string>();
    for (const doc of model.docs) {
      if (!doc.name && doc.kind !== 'team') continue;
      if (doc.kind === 'role') roles.push(lower(doc.name!.value));
      else if (doc.kind === 'space') spaces.push(lower(doc.name!.value));
      else {
        if (doc.name) teams.push(teamKey(doc));
        if (doc.space) spaceRefs.add(lower(doc.space.value));
        for (const a of doc.assignments) {
          roleRefs.add(lower(a.role.value));
          if (a.space) spaceRefs.add(lower(a.space.value));
        }
      }
    }
    return { uri, text, model, roles, spaces, teams, roleRefs: [...roleRefs], spaceRefs: [...spaceRefs] };
  }

  private replace(uri: string, next: Entry | undefined): Set<string> {
    const prev = this.entries.get(uri);
    const affected = new Set<string>([uri]);
    const hadSpaces = this.declaresSpaces;
    const roleNamesBefore = this.roleDefs.size;
    const spaceNamesBefore = this.spaceDefs.size;
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
      for (const t of e.teams) touch(this.teamDefs.get(t)?.map((d) => d.uri));
    };
    touchNames(prev);
    if (prev) this.unindex(prev);
    if (next) {
      this.entries.set(uri, next);
      this.index(next);
    } else {
      this.entries.delete(uri);
      this.unresolved.delete(uri);
    }
    touchNames(next);
    if (hadSpaces !== this.declaresSpaces) touch(this.teamFiles);
    if (roleNamesBefore !== this.roleDefs.size || spaceNamesBefore !== this.spaceDefs.size || namesMoved(prev, next)) {
      touch(this.unresolved);
      this.roleSuggester = undefined;
      this.spaceSuggester = undefined;
    }
    for (const u of affected) {
      const e = this.entries.get(u);
      if (e) e.cache = undefined;
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
    if (model.kind === 'team') this.teamFiles.add(e.uri);
  }

  private unindex(e: Entry): void {
    for (const r of e.roles) removeFrom(this.roleDefs, r, e.uri);
    for (const s of e.spaces) removeFrom(this.spaceDefs, s, e.uri);
    for (const t of e.teams) removeFrom(this.teamDefs, t, e.uri);
    for (const r of e.roleRefs) refRemove(this.roleRefs, r, e.uri);
    for (const s of e.spaceRefs) refRemove(this.spaceRefs, s, e.uri);
    this.teamFiles.delete(e.uri);
  }

  private checkDuplicate<D extends RoleDoc | SpaceDoc>(
    doc: D,
    kind: 'role' | 'space',
    defs: Map<string, Located<D>[]>,
    out: Diagnostic[],
  ): void {
    if (!doc.name) return;
    const all = defs.get(lower(doc.name.value)) ?? [];
    if (all.length < 2) return;
    const others = all.filter((d) => d.doc !== doc);
    out.push(
      makeDiagnostic(
        'duplicate-name',
        doc.name.span,
        { kind, name: doc.name.value, scope: '' },
        undefined,
        others.slice(0, 10).map((o) => ({ uri: o.uri, span: o.doc.name!.span, message: `the other ${kind} named ${o.doc.name!.value}` })),
      ),
    );
  }

  private checkTeam(team: TeamDoc, out: Diagnostic[]): void {
    if (team.name) {
      const others = (this.teamDefs.get(teamKey(team)) ?? []).filter((d) => d.doc !== team);
      if (others.length) {
        const scope = team.space ? ` in space \`${team.space.value}\`` : ' among the system teams';
        out.push(
          makeDiagnostic(
            'duplicate-name',
            team.name.span,
            { kind: 'team', name: team.name.value, scope },
            undefined,
            others.slice(0, 10).map((o) => ({ uri: o.uri, span: o.doc.name!.span, message: `the other team named ${o.doc.name!.value}` })),
          ),
        );
      }
    }
    const declares = this.declaresSpaces;
    const teamSpace = team.space;
    const teamName = team.name?.value ?? 'this team';
    if (teamSpace && declares && !this.resolveSpace(teamSpace.value)) this.unknownSpace(teamSpace.value, teamSpace.span, out);
    for (const a of team.assignments) {
      if (a.space && declares && !this.resolveSpace(a.space.value)) this.unknownSpace(a.space.value, a.space.span, out);
      const role = this.resolveRole(a.role.value);
      if (!role) {
        this.roleSuggester ??= new Suggester([...this.customRoleNames(), ...Array.from(allBuiltinRoles(), (r) => r.name)]);
        const candidates = this.roleSuggester.nearest(a.role.value);
        out.push(makeDiagnostic('unknown-role', a.role.span, { name: a.role.value, candidates }, { candidates, role: a.role.value }));
        continue;
      }
      const roleRelated = role.definition ? [{ uri: role.definition.uri, span: role.definition.doc.name!.span, message: `role ${role.name} is defined here` }] : [];
      let applied: string | undefined;
      if (teamSpace) {
        if (a.space && a.spaceKey) {
          out.push(
            makeDiagnostic(
              'space-not-allowed',
              a.spaceKey.pairSpan,
              { reason: 'space-team', role: role.name, team: teamName, teamSpace: teamSpace.value },
              { teamSpace: teamSpace.value, role: role.name },
            ),
          );
        }
        if (role.kind === 'system-only') {
          out.push(
            makeDiagnostic(
              'system-role-in-space-team',
              a.role.span,
              { role: role.name, team: teamName, space: teamSpace.value },
              { role: role.name, teamSpace: teamSpace.value },
              roleRelated,
            ),
          );
          continue;
        }
        applied = teamSpace.value;
      } else if (role.kind === 'system-only') {
        if (a.space && a.spaceKey) {
          out.push(makeDiagnostic('space-not-allowed', a.spaceKey.pairSpan, { reason: 'system-role', role: role.name, team: teamName }, { role: role.name }, roleRelated));
        }
        for (const r of a.restrictions) {
          out.push(makeDiagnostic('restriction-at-system-level', r.list.key.keySpan, { role: role.name }, { role: role.name, dimension: r.dimension }, roleRelated));
        }
        continue;
      } else if (!a.space) {
        const spaces = this.likelySpaces(team);
        out.push(makeDiagnostic('space-required', a.role.span, { role: role.name, team: teamName, spaces }, { spaces, role: role.name }, roleRelated));
      } else {
        applied = a.space.value;
      }
      // Only names Octopus would grant at the system level count; misspelt or wrong-level ones are
      // reported on the role itself.
      const serverWide = role.systemPermissions.filter((p) => (getPermission(p)?.level ?? 'space') !== 'space');
      if (applied !== undefined && role.kind === 'mixed' && serverWide.length > 0) {
        const related: Related[] = role.definition?.doc.systemPermissions
          ? [{ uri: role.definition.uri, span: role.definition.doc.systemPermissions.key.keySpan, message: `the system permissions of ${role.name}` }]
          : [];
        out.push(
          makeDiagnostic(
            'implicit-system-grant',
            a.role.span,
            { role: role.name, space: applied, permissions: serverWide },
            { role: role.name },
            related,
          ),
        );
      }
      this.checkRestrictions(a, role, applied, roleRelated, out);
    }
  }

  private checkRestrictions(a: TeamDoc['assignments'][number], role: ResolvedRole, applied: string | undefined, roleRelated: Related[], out: Diagnostic[]): void {
    if (a.restrictions.length === 0) return;
    if (role.builtin && role.name === SPACE_MANAGER) {
      for (const r of a.restrictions) {
        out.push(makeDiagnostic('unrestrictable-role', r.list.key.keySpan, { role: role.name }, { role: role.name, dimension: r.dimension }));
      }
      return;
    }
    const supported = new Set<Dimension>();
    let known = 0;
    for (const name of role.spacePermissions) {
      const p = getPermission(name);
      if (!p || p.level === 'system') continue;
      known++;
      for (const d of p.restrictions) supported.add(d);
    }
    const space = applied !== undefined ? this.resolveSpace(applied) : undefined;
    for (const r of a.restrictions) {
      if (known > 0 && !supported.has(r.dimension)) {
        out.push(
          makeDiagnostic('restriction-not-supported', r.list.key.keySpan, { role: role.name, dimension: dimensionWords(r.dimension) }, { role: role.name, dimension: r.dimension }, roleRelated),
        );
        continue;
      }
      const declared = space?.doc.scopes[r.dimension];
      if (!declared) continue;
      const names = new Set(declared.items.map((i) => i.value));
      for (const v of r.list.items) {
        if (names.has(v.value)) continue;
        const candidates = nearest(v.value, names);
        out.push(
          makeDiagnostic(
            'unknown-scope-value',
            v.span,
            { dimension: r.dimension, value: v.value, space: space!.doc.name!.value, candidates },
            { candidates, dimension: r.dimension },
            [{ uri: space!.uri, span: declared.key.keySpan, message: `the ${r.dimension} of space ${space!.doc.name!.value}` }],
          ),
        );
      }
    }
  }

  private unknownSpace(name: string, span: Span, out: Diagnostic[]): void {
    this.spaceSuggester ??= new Suggester(this.spaceNames());
    const candidates = this.spaceSuggester.nearest(name);
    out.push(makeDiagnostic('unknown-space', span, { name, candidates }, { candidates }));
  }

  /** Spaces a system team's assignment could name: those the team already uses first, then the rest. */
  private likelySpaces(team: TeamDoc): string[] {
    const result: string[] = [];
    const declared = this.declaresSpaces;
    for (const a of team.assignments) {
      const name = a.space?.value;
      if (name && !result.includes(name) && (!declared || this.resolveSpace(name))) result.push(name);
    }
    for (const name of this.spaceNames().sort((x, y) => x.localeCompare(y))) if (!result.includes(name)) result.push(name);
    return result;
  }
}

const NAME_DEPENDENT: ReadonlySet<string> = new Set(['unknown-role', 'unknown-space', 'space-required']);

function namesMoved(prev: Entry | undefined, next: Entry | undefined): boolean {
  const a = [...(prev?.roles ?? []), '\u0000', ...(prev?.spaces ?? [])].join('\u0001');
  const b = [...(next?.roles ?? []), '\u0000', ...(next?.spaces ?? [])].join('\u0001');
  return a !== b;
}

/** A role's kind from its two lists: SPEC section 3. */
export function kindOf(space: readonly unknown[], system: readonly unknown[]): RoleKind {
  if (space.length === 0) return 'system-only';
  return system.length > 0 ? 'mixed' : 'space';
}

function dimensionWords(d: Dimension): string {
  return d === 'projectGroups' ? 'project groups' : d;
}
