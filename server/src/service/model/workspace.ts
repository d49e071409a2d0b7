/**
 * The workspace index: every file's model and one index of names, kept up to date file by file.
 *
 * A change to one file re-reads only that file. The index records which files define and which refer to
 * each role and space name, so `setFile` can tell exactly which other files' diagnostics changed; those
 * are recomputed lazily, on the next `diagnostics()` call for them. What the diagnostics are is not this
 * module's business: an `Analyser` (the rules) is passed in, and the front-ends that read files too.
 *
 * Names live in scopes (model/scope.ts): the YAML files form one, each Terraform module another. A
 * file's rules and features see the index through `forFile(uri)`, a view whose lookups answer within the
 * file's scope; the root index is the YAML scope's view.
 */
import { allBuiltinRoles, BUILTIN_SYSTEM_TEAMS, BUILTIN_TEAMS, getBuiltinRole, isBuiltinTeamName, SYSTEM_ADMINISTRATOR } from '../catalog';
import type { FrontEnd, SyntaxReporter } from './frontend';
import { Suggester } from '../util/suggest';
import { compactParsed, fileModel, listOf } from './compact';
import { lineCodes, LineMap } from '../util/text';
import { shapeOf, type Located, type ResolvedRole, type RoleResolver } from './roles';
import { analysedModel, NameTables, namesOf, referrerSet, teamKey, type AddressResolver, type AddressTarget, type IndexedNames } from './scope';

export { teamKey };
import type { Diagnostic, FileModel, ParsedFile, RoleDoc, SpaceDoc, TeamDoc } from './types';
import { MODEL_TERMS, type Terms } from './fields';

/** What turns a file's model into its diagnostics: the rules (rules/registry.ts). */
export interface Analyser {
  /** What the front-ends report their own findings through. */
  readonly reporter: SyntaxReporter;
  /** The findings of a freshly read file that depend on it alone. */
  local(file: ParsedFile, terms: Terms): Diagnostic[];
  /**
   * The findings of a file that depend on other files. Returns whether any of them depends on the
   * whole set of role and space names (so that the file is re-checked when a name appears or goes).
   */
  workspace(ws: ModelIndex, file: FileModel, out: Diagnostic[], terms: Terms): boolean;
}

/** One change to a file as the index saw it: its model before and after (undefined where it had none). */
export interface FileChange {
  readonly uri: string;
  readonly before: FileModel | undefined;
  readonly after: FileModel | undefined;
}

/**
 * Changes kept for `changesSince`, at least: enough for the edits between two reads of a policy file's
 * diagnostics, which the server asks for after every change; a longer gap re-proves every policy. The log
 * is cut back to this many when it holds twice as many (a cut at every change moved the whole log each
 * time: the command line reads thousands of files after a policy file).
 */
const CHANGES_KEPT = 256;

/**
 * A file as the index keeps it. What it defines and refers to (IndexedNames) is not kept: it is derived
 * from the model again when the file changes or goes (`namesOf`), which costs one walk over its
 * documents and saves eight lists and their lower-cased strings per file for the whole session.
 */
/** A file's record in the index, opaque outside it (`ModelIndex.snapshot`). */
declare const SNAPSHOT: unique symbol;
export type FileSnapshot = { readonly [SNAPSHOT]: true };

interface Entry {
  readonly uri: string;
  /** The file's text; or, once it was dropped (`digestA` set), its `lineCodes`, all that positions need. */
  readonly text: string;
  /** The scope of its names: '' for YAML files, `module:` and the folder for Terraform files. */
  readonly scope: string;
  readonly model: FileModel | undefined;
  readonly problem: Diagnostic | undefined;
  cache: readonly Diagnostic[] | undefined;
  /** Values computed from this file and what it refers to (effective access), dropped with `cache`. */
  derived: Map<string, unknown> | undefined;
  /**
   * The dropped text's digest (`TextSource.digest`), in two 32-bit halves (small integers, kept in the
   * entry itself); undefined while the entry keeps the text.
   */
  readonly digestA: number | undefined;
  readonly digestB: number | undefined;
}

/**
 * Where the texts of files read from disk come back from once the index has dropped them (`dropTexts`):
 * the language server's reading of its workspace files.
 */
export interface TextSource {
  /** The file's text as it is on disk now, read by the same rules as when it was indexed; or why it cannot be read. */
  reread(uri: string): { readonly text: string } | { readonly reason: string };
  /** A digest of a text that a changed text matches by chance one time in 2^64: two 32-bit integers. */
  digest(text: string): readonly [number, number];
  /** Told that a dropped text is no longer what the disk holds (or cannot be read): the file should be read again. */
  stale(uri: string, reason: string): void;
}

/**
 * Texts read back from disk that are kept (`ModelIndex.text`), the most recently used: a hover and then
 * a rename in one file, or a fix that edits two files, read each once.
 */
const TEXTS_READ_KEPT = 64;

const lower = (s: string): string => s.toLowerCase();

/**
 * Line maps kept (ModelIndex.lines): enough for the files an edit usually affects (a role used by a
 * thousand teams) and those open, without one per file of the workspace.
 */
const LINE_MAPS_KEPT = 2048;

/** What a line map was made from: a kept text, or a dropped text's `lineCodes`. */
interface LinesKept {
  readonly from: string;
  readonly dropped: boolean;
  readonly lines: LineMap;
}

/** A text read back from disk (`TEXTS_READ_KEPT`), with what identifies the indexed version it matched. */
interface TextRead {
  readonly codes: string;
  readonly digestA: number;
  readonly digestB: number;
  readonly text: string;
}

/**
 * Files whose findings are kept once worked out (ModelIndex.diagnostics), the most recently used: a
 * language server pushes every file's findings once after the workspace is read and works them out again
 * for the files an edit affects, so keeping them all (messages, related places: about 11 MB for the
 * 20,000 files with findings of a 50,000-file workspace) saved little. What it does save is the findings
 * before a quick fix is tried (edits/fixes.ts compares them with those after), over every file a new name
 * touches; so the bound is above the files with findings of a 10,000-file workspace. Files without
 * findings share one empty list and are always kept.
 */
export const FINDINGS_KEPT = 8192;

const NO_NAMES = new NameTables();

export class ModelIndex implements RoleResolver, AddressResolver {
  private readonly entries = new Map<string, Entry>();
  /** Name tables by scope ('' for YAML files); a module's scope goes when its last file does. */
  private readonly scopes = new Map<string, NameTables>();
  /** The scope this view answers in (own property of each view; '' on the root index). */
  private scope = '';
  /** The root index, which every view shares. */
  private readonly root: ModelIndex = this;
  private readonly views = new Map<string, ModelIndex>();
  /**
   * Files with a diagnostic whose suggestions depend on every role or space name (did-you-mean, the
   * spaces a role could be applied in): they are re-checked whenever a name appears or disappears.
   */
  private readonly nameDependent = new Set<string>();
  /**
   * Policy files (SPEC section 11): what their policies come to depends on every other file, so a change
   * to any other file is a change to them.
   */
  private readonly policyFiles = new Set<string>();
  /**
   * The latest changes to files (other than from one policy file to another) while the workspace has
   * policy files, and how many changes the index has seen: a policy file re-proves only the policies that
   * the changes since its last proof can affect (model/policies.ts).
   */
  private readonly changeLog: FileChange[] = [];
  /** `sortedUris`, on the root index, until a file is added or removed. */
  private sorted?: readonly string[];
  private changeCount = 0;
  /** Values kept across changes by file, for owners that tell what a change affects (`keep`). */
  private readonly keptByFile = new Map<string, Map<string, unknown>>();

  constructor(
    private readonly frontEnds: readonly FrontEnd[],
    private readonly analyser: Analyser,
  ) {}

  /** This view's names. */
  private get names(): NameTables {
    return this.scopes.get(this.scope) ?? NO_NAMES;
  }

  private tablesOf(scope: string): NameTables {
    let t = this.scopes.get(scope);
    if (!t) this.scopes.set(scope, (t = new NameTables()));
    return t;
  }

  /**
   * The index as seen from a scope: the same files and state, with name lookups answering within the
   * scope. A view is an object whose prototype is the root index and which has its own `scope`, so it
   * shares everything and never goes stale; lookups write nothing to `this` but to the scope's tables.
   */
  private within(scope: string): ModelIndex {
    if (scope === this.scope) return this;
    const root = this.root;
    if (scope === '') return root;
    let view = root.views.get(scope);
    if (!view) {
      view = Object.create(root) as ModelIndex;
      view.scope = scope;
      root.views.set(scope, view);
    }
    return view;
  }

  /** The index as the file at `uri` sees it: lookups in its scope (its Terraform module, or the YAML model). */
  forFile(uri: string): ModelIndex {
    return this.within(this.entries.get(uri)?.scope ?? '');
  }

  /** What an address of this scope stands for (the first definition, in file order). */
  resolveAddress(address: string): AddressTarget | undefined {
    return this.names.addressDefs.get(address)?.[0];
  }

  /** Files of this scope that refer to an address. */
  addressReferrers(address: string): ReadonlySet<string> {
    return referrerSet(this.names.addressRefs.get(address));
  }

  /** True when a role reference resolves in this scope. */
  hasRole(value: string): boolean {
    return this.resolveRole(value) !== undefined;
  }

  /** A file's model as its rules read it: references by address resolved (model/scope.ts). */
  analysed(uri: string): FileModel | undefined {
    const model = this.model(uri);
    return model && analysedModel(this.forFile(uri), model);
  }

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

  /**
   * Reads `text` as the front-end of `uri` does, keeping nothing: the model with the front-end's own
   * findings; undefined for a file no front-end reads.
   */
  parse(uri: string, text: string): ParsedFile | undefined {
    const found = this.frontEndOf(uri);
    return found && found.frontEnd.parse(uri, text, found.kind, this.analyser.reporter);
  }

  /** Reads a file as its front-end does, with its local findings; undefined for a file no front-end reads. */
  read(uri: string, text: string): FileModel | undefined {
    const found = this.frontEndOf(uri);
    if (!found) return undefined;
    const parsed = compactParsed(found.frontEnd.parse(uri, text, found.kind, this.analyser.reporter));
    return fileModel(parsed, this.analyser.local(parsed, found.frontEnd.terms));
  }

  /** The front-end of a file in the workspace. */
  syntaxOf(uri: string): FrontEnd | undefined {
    return this.frontEndOf(uri)?.frontEnd;
  }

  /**
   * Adds or replaces a file's text. Returns every file whose diagnostics may have changed, this one
   * included. A path that no front-end reads is ignored.
   */
  setFile(uri: string, text: string, onDisk = false): Set<string> {
    const model = this.reused?.(uri, text) ?? this.read(uri, text);
    if (!model) return new Set();
    return this.replace(uri, this.entryOf(uri, text, model, onDisk));
  }

  private textSource: TextSource | undefined;

  /**
   * From now on, a file set with `onDisk` keeps no text but its `lineCodes` and digest; `text` reads it
   * back from `source` and hands it out only when it is the text indexed. For the language server, which
   * holds a workspace for a whole session; the command line reads each file once and keeps its text.
   */
  dropTexts(source: TextSource): void {
    this.root.textSource = source;
  }

  /**
   * True when the index keeps the file's text itself, not only what proves a re-read the same (a file not
   * analysed has no text to keep).
   */
  keepsText(uri: string): boolean {
    const e = this.entries.get(uri);
    return e?.model !== undefined && e.digestA === undefined;
  }

  private reused: ((uri: string, text: string) => FileModel | undefined) | undefined;

  /**
   * Takes the models of `other` for files of the same URI and text instead of reading them again: two
   * versions of a repository share most files (`diff`). Only YAML models are shared: they are plain data
   * that depends on the text alone.
   */
  reuseModels(other: ModelIndex): void {
    this.reused = (uri, text) => {
      const model = other.text(uri) === text ? other.model(uri) : undefined;
      return model?.syntax === 'yaml' ? model : undefined;
    };
  }

  /** What the index holds for `uri`, to put back with `restoreFile`; undefined for a file it does not hold. */
  snapshot(uri: string): FileSnapshot | undefined {
    return this.entries.get(uri) as FileSnapshot | undefined;
  }

  /**
   * Puts a file back as `snapshot` recorded it, without reading its text again: the undo of a change
   * tried out (quick-fix verification), which for a file of megabytes would cost a second parse.
   */
  restoreFile(uri: string, snapshot: FileSnapshot): Set<string> {
    return this.replace(uri, snapshot as unknown as Entry);
  }

  /** Records a file that is not analysed (too large, unreadable), with the diagnostic to show for it. */
  setProblem(uri: string, problem: Diagnostic): Set<string> {
    const scope = this.entries.get(uri)?.scope ?? '';
    const entry: Entry = { uri, text: '', scope, model: undefined, problem, cache: undefined, derived: undefined, digestA: undefined, digestB: undefined };
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

  /**
   * Every file's URI in order, kept until a file is added or removed (readers that walk every file in a
   * stable order, such as the teams of effective access, would otherwise sort them each time).
   */
  sortedUris(): readonly string[] {
    const root = this.root;
    return (root.sorted ??= [...root.entries.keys()].sort());
  }

  get size(): number {
    return this.entries.size;
  }

  model(uri: string): FileModel | undefined {
    return this.entries.get(uri)?.model;
  }

  /**
   * A file's text, exactly the one its model was read from. A dropped text (`dropTexts`) is read from
   * disk again and handed out only when it is the same (its line codes, and so its length, and its
   * digest); otherwise the answer is undefined, for no offset of the model may be applied to other bytes,
   * and the source is told, to read the file again as a watcher's event would.
   */
  text(uri: string): string | undefined {
    const e = this.entries.get(uri);
    if (!e) return undefined;
    if (e.digestA === undefined) return e.text;
    const recent = this.textsRead;
    const kept = recent.get(uri);
    if (kept && kept.codes === e.text && kept.digestA === e.digestA && kept.digestB === e.digestB) {
      // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
      recent.delete(uri);
      recent.set(uri, kept);
      return kept.text;
    }
    const text = this.readBack(e, this.root.textSource!);
    recent.delete(uri);
    if (text === undefined) return undefined;
    recent.set(uri, { codes: e.text, digestA: e.digestA, digestB: e.digestB!, text });
    if (recent.size > TEXTS_READ_KEPT) recent.delete(recent.keys().next().value!);
    return text;
  }

  private readonly textsRead = new Map<string, TextRead>();

  /** A dropped text read back from disk when it is the one indexed; else undefined, and the source told. */
  private readBack(e: Entry, source: TextSource): string | undefined {
    const read = source.reread(e.uri);
    if ('reason' in read) {
      source.stale(e.uri, read.reason);
      return undefined;
    }
    const text = read.text;
    if (lineCodes(text) === e.text) {
      const [a, b] = source.digest(text);
      if (a === e.digestA && b === e.digestB) return text;
    }
    source.stale(e.uri, 'it changed on disk since it was read');
    return undefined;
  }

  /** The number of files whose text the index keeps (`keepsText`). */
  get textsKept(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.model && e.digestA === undefined) n++;
    return n;
  }

  /**
   * A file's line map. Only the most recently used are kept: every file's diagnostics are converted to
   * positions once after the workspace is read, and keeping a map for each of 50,000 files cost more
   * (about 300 bytes a file) than building one again when a file's diagnostics change (a scan of its text,
   * or of its line codes when the text was dropped: never a read from disk).
   */
  lines(uri: string): LineMap | undefined {
    const e = this.entries.get(uri);
    if (!e) return undefined;
    const dropped = e.digestA !== undefined;
    const cached = this.lineMaps.get(uri);
    if (cached && cached.from === e.text && cached.dropped === dropped) {
      // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
      this.lineMaps.delete(uri);
      this.lineMaps.set(uri, cached);
      return cached.lines;
    }
    const lines = new LineMap(dropped ? { codes: e.text } : e.text);
    this.lineMaps.delete(uri);
    this.lineMaps.set(uri, { from: e.text, dropped, lines });
    if (this.lineMaps.size > LINE_MAPS_KEPT) this.lineMaps.delete(this.lineMaps.keys().next().value!);
    return lines;
  }

  private readonly lineMaps = new Map<string, LinesKept>();

  /** The definitions of roles with this name, compared without case. */
  roleDefinitions(name: string): readonly Located<RoleDoc>[] {
    return this.names.roleDefs.get(lower(name)) ?? [];
  }

  spaceDefinitions(name: string): readonly Located<SpaceDoc>[] {
    return this.names.spaceDefs.get(lower(name)) ?? [];
  }

  /** Every custom role name (first definition's spelling); documents of built-in roles are not custom. */
  customRoleNames(): string[] {
    const names: string[] = [];
    for (const defs of this.names.roleDefs.values()) {
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
    if (BUILTIN_TEAMS.some((b) => isBuiltinTeamName(name, b.name))) return true;
    return this.teamDefinitions(name, undefined).length > 0 || (space !== undefined && this.teamDefinitions(name, space).length > 0);
  }

  /** Every team name (first definition's spelling), for suggestions. */
  teamNames(): string[] {
    return Array.from(this.names.teamDefs.values(), (defs) => defs[0].doc.name!.value.trim());
  }

  spaceNames(): string[] {
    return Array.from(this.names.spaceDefs.values(), (defs) => defs[0].doc.name!.value);
  }

  /** Did-you-mean over every role name, custom and built-in. */
  suggestRoles(name: string): string[] {
    const names = this.names;
    names.roleSuggester ??= new Suggester([...this.customRoleNames(), ...Array.from(allBuiltinRoles(), (r) => r.name)]);
    return names.roleSuggester.nearest(name);
  }

  /** Did-you-mean over every declared space. */
  suggestSpaces(name: string): string[] {
    const names = this.names;
    names.spaceSuggester ??= new Suggester(this.spaceNames());
    return names.spaceSuggester.nearest(name);
  }

  /** Did-you-mean over every team name, built-in teams included. */
  suggestTeams(name: string): string[] {
    const names = this.names;
    names.teamSuggester ??= new Suggester([...new Set([...this.teamNames(), ...BUILTIN_SYSTEM_TEAMS.map((t) => t.name)])]);
    return names.teamSuggester.nearest(name);
  }

  /** Files that refer to a role name. */
  roleReferrers(name: string): ReadonlySet<string> {
    return referrerSet(this.names.roleRefs.get(lower(name)));
  }

  /** Files that refer to a space name (a team's `space` or an assignment's). */
  spaceReferrers(name: string): ReadonlySet<string> {
    return referrerSet(this.names.spaceRefs.get(lower(name)));
  }

  /**
   * The teams with this name in a space (or among the system teams when `space` is undefined), compared
   * as Octopus does: without case, after trimming.
   */
  teamDefinitions(name: string, space: string | undefined): readonly Located<TeamDoc>[] {
    return this.names.teamDefs.get(`${space ? lower(space) : ''}\u0000${lower(name.trim())}`) ?? [];
  }

  /** The other teams that share a team's name and space. */
  sameNamedTeams(team: TeamDoc): readonly Located<TeamDoc>[] {
    // Compared by place, not identity: rules read a module file's teams as copies (model/scope.ts); a
    // document that adds assignments to another team (`target`) is that team, not a second one.
    const same = (d: Located<TeamDoc>) => d.doc === team || (d.uri === team.uri && d.doc.span.start === team.span.start);
    return team.name && !team.target ? (this.names.teamDefs.get(teamKey(team)) ?? []).filter((d) => !same(d)) : [];
  }

  /** True when the workspace declares at least one space, which turns on space-name checks. */
  get declaresSpaces(): boolean {
    return this.names.spaceDefs.size > 0;
  }

  /**
   * Resolves a role reference by exact name. A built-in role wins over a custom role of the same name,
   * because Octopus refuses to create the custom one (`shadows-builtin`).
   */
  resolveRole(name: string): ResolvedRole | undefined {
    // In the YAML model every rule about an assignment resolves its role: one answer per name until a file
    // that defines roles changes (views of Terraform modules resolve afresh: their answers depend on scope).
    if (this.scope !== '') return this.resolveInScope(name);
    const root = this.root;
    const cached = root.resolvedRoles.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const role = this.resolveInScope(name);
    root.resolvedRoles.set(name, role ?? null);
    return role;
  }

  private readonly resolvedRoles = new Map<string, ResolvedRole | null>();

  private resolveInScope(name: string): ResolvedRole | undefined {
    const at = this.scope ? this.resolveAddress(name) : undefined;
    if (at) {
      if ('builtinRole' in at) return this.resolveRole(at.builtinRole);
      if (!('doc' in at)) return undefined;
      const doc = at.doc;
      if (doc.kind !== 'role' || doc.unknown || !doc.name || doc.name.computed) return undefined;
      const space = doc.spacePermissions?.items.map((i) => i.value) ?? [];
      const system = doc.systemPermissions?.items.map((i) => i.value) ?? [];
      const definition = { uri: at.uri, doc };
      return { name: doc.name.value, builtin: false, definition, spacePermissions: space, systemPermissions: system, shape: shapeOf(space, system) };
    }
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
    if (entry.cache) {
      if (entry.cache.length) this.keepFindings(uri);
      return entry.cache;
    }
    let result: Diagnostic[];
    if (entry.problem) result = [entry.problem];
    else {
      // A loop, not a spread: a file can hold hundreds of thousands of findings.
      result = [];
      for (const d of entry.model!.local) result.push(d);
      const view = this.within(entry.scope);
      const terms = this.frontEnds.find((f) => f.syntax === entry.model!.syntax)?.terms ?? MODEL_TERMS;
      if (this.analyser.workspace(view, analysedModel(view, entry.model!), result, terms)) this.nameDependent.add(uri);
      else this.nameDependent.delete(uri);
      result.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    }
    // The shared empty list for most files, an exact copy (no slack from `push`) for the rest.
    entry.cache = listOf(result);
    if (result.length) this.keepFindings(uri);
    return entry.cache;
  }

  /** Files whose findings are kept, least recently used first (FINDINGS_KEPT). */
  private readonly withFindings = new Set<string>();

  private keepFindings(uri: string): void {
    const kept = this.withFindings;
    kept.delete(uri);
    kept.add(uri);
    if (kept.size <= FINDINGS_KEPT) return;
    const oldest = kept.values().next().value!;
    kept.delete(oldest);
    const e = this.entries.get(oldest);
    if (e) e.cache = undefined;
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

  /** The index's count of changes so far, to ask `changesSince` later. */
  get changeMark(): number {
    return this.root.changeCount;
  }

  /**
   * The changes since `mark` (`changeMark` then), oldest first; undefined when the index no longer has them
   * all (more than it keeps, or made while the workspace had no policy file).
   */
  changesSince(mark: number): readonly FileChange[] | undefined {
    const root = this.root;
    const first = root.changeCount - root.changeLog.length;
    return mark < first || mark > root.changeCount ? undefined : root.changeLog.slice(mark - first);
  }

  /**
   * A value kept with a file across changes, unlike `derived`: its owner decides from `changesSince` what
   * a change affects. Forgotten with the file.
   */
  kept<T>(uri: string, key: string): T | undefined {
    return this.root.keptByFile.get(uri)?.get(key) as T | undefined;
  }

  /** Keeps a value with a file (see `kept`); nothing for a file the index does not hold. */
  keep(uri: string, key: string, value: unknown): void {
    const root = this.root;
    if (!root.entries.has(uri)) return;
    let values = root.keptByFile.get(uri);
    if (!values) root.keptByFile.set(uri, (values = new Map()));
    values.set(key, value);
  }

  private logChange(uri: string, before: Entry | undefined, after: Entry | undefined): void {
    const root = this.root;
    root.changeCount++;
    if (!after) root.keptByFile.delete(uri);
    if (!root.policyFiles.size) {
      root.changeLog.length = 0;
      return;
    }
    root.changeLog.push({ uri, before: before?.model, after: after?.model });
    if (root.changeLog.length >= 2 * CHANGES_KEPT) root.changeLog.splice(0, root.changeLog.length - CHANGES_KEPT);
  }

  private entryOf(uri: string, text: string, model: FileModel, onDisk: boolean): Entry {
    // Module scopes are prefixed so that no folder name can be the YAML scope ('').
    const scope = model.module === undefined ? '' : `module:${model.module}`;
    const source = onDisk ? this.root.textSource : undefined;
    const codes = source && lineCodes(text);
    // Dropped only when what is kept instead (line codes at most two bytes each, two digest fields) is smaller.
    if (source && codes !== undefined && codes.length * 2 + 16 < text.length) {
      const [digestA, digestB] = source.digest(text);
      return { uri, text: codes, scope, model, problem: undefined, cache: undefined, derived: undefined, digestA, digestB };
    }
    return { uri, text, scope, model, problem: undefined, cache: undefined, derived: undefined, digestA: undefined, digestB: undefined };
  }

  private replace(uri: string, nextEntry: Entry | undefined): Set<string> {
    const prevEntry = this.entries.get(uri);
    const prev = prevEntry && namesOf(uri, prevEntry.model);
    const next = nextEntry && namesOf(uri, nextEntry.model);
    if (prev?.roles.length || next?.roles.length) this.root.resolvedRoles.clear();
    const affected = new Set<string>([uri]);
    const scope = nextEntry?.scope ?? prevEntry?.scope ?? '';
    const names = this.tablesOf(scope);
    const hadSpaces = names.spaceDefs.size > 0;
    const roleNamesBefore = names.roleDefs.size;
    const spaceNamesBefore = names.spaceDefs.size;
    const teamNamesBefore = names.teamDefs.size;
    const touch = (uris: Iterable<string> | undefined) => {
      if (uris) for (const u of uris) affected.add(u);
    };
    const touchNames = (e: IndexedNames | undefined) => {
      if (e) names.touched(e, touch);
    };
    touchNames(prev);
    if (prev) names.remove(prev);
    if (nextEntry && next) {
      if (!this.entries.has(uri)) this.root.sorted = undefined;
      this.entries.set(uri, nextEntry);
      names.add(next);
    } else {
      if (this.entries.delete(uri)) this.root.sorted = undefined;
      this.nameDependent.delete(uri);
    }
    touchNames(next);
    const isPolicy = (e: Entry | undefined) => e?.model?.kind === 'policy';
    if (isPolicy(nextEntry)) this.root.policyFiles.add(uri);
    else this.root.policyFiles.delete(uri);
    if (!isPolicy(nextEntry) && !isPolicy(prevEntry)) touch(this.root.policyFiles);
    if (!isPolicy(nextEntry) || !isPolicy(prevEntry)) this.logChange(uri, prevEntry, nextEntry);
    if (hadSpaces !== names.spaceDefs.size > 0) touch(names.teamFiles);
    if (roleNamesBefore !== names.roleDefs.size || spaceNamesBefore !== names.spaceDefs.size || teamNamesBefore !== names.teamDefs.size || namesMoved(prev, next)) {
      touch(this.nameDependent);
      names.roleSuggester = undefined;
      names.spaceSuggester = undefined;
      names.teamSuggester = undefined;
    }
    if (scope !== '' && names.empty) {
      this.scopes.delete(scope);
      this.views.delete(scope);
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
}

function namesMoved(prev: IndexedNames | undefined, next: IndexedNames | undefined): boolean {
  const a = [...(prev?.roles ?? []), '\u0000', ...(prev?.spaces ?? []), '\u0000', ...(prev?.teams ?? [])].join('\u0001');
  const b = [...(next?.roles ?? []), '\u0000', ...(next?.spaces ?? []), '\u0000', ...(next?.teams ?? [])].join('\u0001');
  return a !== b;
}

/** True for a document that describes a server's version of a built-in role (`builtIn: true`). */
export function isBuiltinVersion(doc: RoleDoc): boolean {
  return doc.builtIn?.value === true;
}

/**
 * A file's model: what its front-end read plus its local findings, in one object shape for every file
 * (model/compact.ts). The workspace also compacts what the front-end read; this does not.
 */
export function withLocal(parsed: ParsedFile, local: (file: ParsedFile, terms: Terms) => Diagnostic[], terms: Terms): FileModel {
  return fileModel(parsed, local(parsed, terms));
}
