/**
 * The model as the workspace keeps it: what a front-end read, rebuilt into the smallest form that means
 * the same. The language server holds every file's model for its whole session (50,000 files in a large
 * repository), so bytes per file count; heap snapshots of the server on 10,000 generated files showed
 * where they went (docs/performance.md, `node out/bench/heap.js`):
 *
 * - Spans: 34 span objects a file, 40 bytes each. Names, fields, name lists, assignments and YAML role
 *   and team documents keep their offsets instead and make a span when one is read (spans are compared
 *   by value throughout).
 * - Names and fields: a list's names, a document's key table, a list's key and an assignment's role are
 *   kept as values and offsets (packed in one array, or in their holder), and the Name and KeyRef objects
 *   are made when read: readers compare them by value, never by identity.
 * - Objects built with a spread of differently shaped objects get a hidden class of their own in V8,
 *   about 300 bytes each. Every document, assignment and file is built here by one literal or class per
 *   kind, with every field present, so all share a few classes.
 * - Arrays grown by `push` keep room for 17 items; kept lists are copies of exactly their length, and an
 *   empty list is one shared frozen value (as are the suppressions of a file without any).
 * - A document's fields by name are a small table over the KeyRefs instead of a `Map` (a Map's hash
 *   table costs about 200 bytes even for three keys; documents have a handful of fields).
 * - Strings: keys, permission and built-in role names, and recent values are shared, longer ones as flat
 *   copies rather than slices of the file's text; values that `yaml` built piece by piece are made flat
 *   (`intern`).
 *
 * Nothing here changes what the model says: the same fields, values and spans (test/unit/compact.test.ts
 * compares them over the fixtures). Because spans are getters, copy a kept object field by field, never
 * with an object spread (model/types.ts).
 */
import { allBuiltinRoles, allPermissions, DIMENSIONS, type Dimension } from '../catalog';
import { ASSIGNMENT_KEYS, DOC_KEYS, MANAGER_KEYS } from './fields';
import type { Assignment, Diagnostic, Doc, DocBase, FileModel, Flag, KeyRef, Name, NameList, ParsedFile, PolicyContext, PolicyDoc, Restriction, RoleDoc, SpaceDoc, Span, Suppressions, TeamDoc } from './types';

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Every field of a model type, optional ones included: the kept form is built from explicit literals,
 * so a field added to model/types.ts fails to compile here until it is carried over, instead of being
 * dropped without a word.
 */
type Every<T> = { [K in keyof Required<T>]: T[K] };



/** One shared value for the (usual) file without suppression comments; read-only like every model value. */
export const NO_SUPPRESSIONS: Suppressions = Object.freeze({ lines: new Map<number, ReadonlySet<string>>(), docs: EMPTY });

/**
 * A list as it is kept: the shared empty list, or a copy of exactly its length (an array grown by
 * `push` keeps room for 17 items or more, about 100 bytes of slack for the usual two or three).
 */
export function listOf<T>(xs: readonly T[]): readonly T[] {
  return xs.length === 0 ? EMPTY : xs.slice();
}

/**
 * The one copy of a vocabulary string or of a recent value, or else the string itself made flat.
 *
 * Values (role, user, environment, project and group names) repeat across thousands of files, and V8
 * keeps each occurrence apart: a copy for one shorter than 13 characters, a slice of the file's text
 * (32 bytes, and it keeps the whole text alive) for a longer one. They are shared through a table of
 * recent ones, emptied when it fills, so that a long session keeps no string it no longer uses. A longer
 * value goes into the table as a copy of its own (`flatCopy`), never as a slice: a slice would keep the
 * text of a file that has changed since.
 *
 * `yaml` builds a quoted scalar a character at a time, which V8 keeps as a tree of pieces, 32 bytes each
 * (a 40-character group name cost over 1 KB); reading a character flattens the tree into one string, and
 * the collector then drops the pieces.
 */
export function intern(s: string): string {
  const known = VOCABULARY.get(s) ?? recent.get(s);
  if (known !== undefined) return known;
  s.charCodeAt(0);
  const kept = s.length < SLICE_LENGTH ? s : flatCopy(s);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(kept, kept);
  return kept;
}

/**
 * A string with the same characters as `s` that is none of V8's slices or trees: JSON's reader builds a
 * new flat string for a string literal (JSON.stringify escapes lone surrogates, so the round trip is exact).
 */
function flatCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/** V8's shortest substring kept as a slice of its parent string (SlicedString::kMinLength). */
const SLICE_LENGTH = 13;
/**
 * The most values the table holds before it is emptied: at 50,000 files it shared 3 MB more than a table
 * of 16,384 (docs/performance.md), and one of 131,072 did no better.
 */
const RECENT_MAX = 65536;
const recent = new Map<string, string>();

/** Strings every workspace repeats: field names, permission names, built-in role names. */
const VOCABULARY = new Map<string, string>();
for (const s of [...Object.values(DOC_KEYS).flat(), ...ASSIGNMENT_KEYS, ...MANAGER_KEYS, ...DIMENSIONS, 'role', 'roles', 'teams']) VOCABULARY.set(s, s);
for (const p of allPermissions()) VOCABULARY.set(p.name, p.name);
for (const r of allBuiltinRoles()) VOCABULARY.set(r.name, r.name);

/** A key table's slots (KeyTable.packed): three a field. */
type PackedKeys = readonly (string | number | KeyRef)[];

/** The slots of a key table over `map` (KeyTable.packed). */
function packKeys(map: ReadonlyMap<string, KeyRef>): PackedKeys {
  const packed: (string | number | KeyRef)[] = [];
  for (const [name, ref] of map) {
    const kept = intern(name);
    if (ref instanceof KeptKey && ref.constructor === KeptKey && ref.key === name) packed.push(kept, ref.start, ref.end);
    else packed.push(kept, ref, 0);
  }
  return listOf(packed);
}

/**
 * What a document keeps of its key table: the table itself when it is too large to scan (it keeps an
 * index), else its slots only, and a table is made over them when read (40 bytes less a document).
 */
function keptKeys(map: ReadonlyMap<string, KeyRef>): KeyTable | PackedKeys {
  const packed = packKeys(map);
  return packed.length / 3 > SCAN_MAX ? new KeyTable(packed) : packed;
}

/** The key table of what `keptKeys` kept. */
function keysOf(kept: KeyTable | PackedKeys): KeyTable {
  return kept instanceof KeyTable ? kept : new KeyTable(kept);
}

/**
 * A document's fields by name: a `ReadonlyMap` over the KeyRefs in source order. A document has a
 * handful of fields, so a lookup compares with each; a mapping of thousands of keys gets an index.
 */
/** The most fields a KeyTable scans; beyond, it builds an index. */
const SCAN_MAX = 16;

export class KeyTable implements ReadonlyMap<string, KeyRef> {
  /**
   * Three slots a field: its name, then for a usual field filed under its own key (`KeptKey`) the key's
   * start and the field's end, from which a KeyRef is made when read (24 bytes where a KeptKey and its
   * slot took 56); for any other field the KeyRef itself and 0.
   */
  private readonly packed: PackedKeys;

  /** A table of the fields of `map`, or over slots `packKeys` made (a document keeps those: `keysOf`). */
  constructor(map: ReadonlyMap<string, KeyRef> | PackedKeys) {
    this.packed = Array.isArray(map) ? map : packKeys(map as ReadonlyMap<string, KeyRef>);
  }

  private nameAt(i: number): string {
    return this.packed[i * 3] as string;
  }

  private refAt(i: number): KeyRef {
    const at = this.packed[i * 3 + 1];
    return typeof at === 'number' ? new KeptKey(this.packed[i * 3] as string, at, this.packed[i * 3 + 2] as number) : (at as KeyRef);
  }

  get size(): number {
    return this.packed.length / 3;
  }

  get(key: string): KeyRef | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.refAt(i);
  }

  has(key: string): boolean {
    return this.indexOf(key) >= 0;
  }

  forEach(fn: (value: KeyRef, key: string, map: ReadonlyMap<string, KeyRef>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.size; i++) fn.call(thisArg, this.refAt(i), this.nameAt(i), this);
  }

  *entries(): IterableIterator<[string, KeyRef]> {
    for (let i = 0; i < this.size; i++) yield [this.nameAt(i), this.refAt(i)];
  }

  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.size; i++) yield this.nameAt(i);
  }

  *values(): IterableIterator<KeyRef> {
    for (let i = 0; i < this.size; i++) yield this.refAt(i);
  }

  [Symbol.iterator](): IterableIterator<[string, KeyRef]> {
    return this.entries();
  }

  /** Positions by name, for a table too large to scan (a mapping of thousands of keys: SPEC section 7). */
  private index: Map<string, number> | undefined;

  private indexOf(key: string): number {
    if (this.size > SCAN_MAX) {
      if (!this.index) {
        this.index = new Map();
        for (let i = this.size - 1; i >= 0; i--) this.index.set(this.nameAt(i), i);
      }
      return this.index.get(key) ?? -1;
    }
    // A scan: documents have a handful of fields, and hashing would cost more than comparing them.
    for (let i = 0; i < this.packed.length; i += 3) if (this.packed[i] === key) return i / 3;
    return -1;
  }
}

/**
 * A field kept as offsets: 48 bytes where a KeyRef of two span objects takes 128. A document has a few
 * fields and a file a few documents, and most are never looked at again after the rules ran, so a span
 * is made when it is read. (Spans are compared by value throughout; nothing keeps one for its identity.)
 * This is the usual field, whose name is written as its key and starts it; `KeptWrittenKey` keeps the
 * others.
 */
class KeptKey implements KeyRef {
  constructor(
    readonly key: string,
    /** Where the key, and the field, start. */
    readonly start: number,
    /** Where the field ends. */
    readonly end: number,
  ) {}

  get keySpan(): Span {
    return { start: this.start, end: this.start + this.key.length };
  }

  get pairSpan(): Span {
    return { start: this.start, end: this.end };
  }
}

/** A field whose name is written otherwise than its key (quoted, or filed under another name): 64 bytes. */
class KeptWrittenKey extends KeptKey {
  constructor(
    key: string,
    keyStart: number,
    private readonly keyEnd: number,
    private readonly pairStart: number,
    pairEnd: number,
  ) {
    super(key, keyStart, pairEnd);
  }

  override get keySpan(): Span {
    return { start: this.start, end: this.keyEnd };
  }

  override get pairSpan(): Span {
    return { start: this.pairStart, end: super.pairSpan.end };
  }
}

/** A literal name written as its value (no quotes), kept as its start: 40 bytes instead of 80 with its span object. */
class KeptName implements Name {
  constructor(
    readonly value: string,
    readonly start: number,
  ) {}

  get span(): Span {
    return { start: this.start, end: this.start + this.value.length };
  }

  /** A kept name is a literal: computed values keep their own form (Compactor.name). */
  get computed(): undefined {
    return undefined;
  }
}

/** A literal name whose source is not its value as it stands (quoted, escaped): 48 bytes. */
class KeptWrittenName extends KeptName {
  constructor(
    value: string,
    start: number,
    private readonly end: number,
  ) {
    super(value, start);
  }

  override get span(): Span {
    return { start: this.start, end: this.end };
  }
}

/**
 * A list's names packed in one array: a literal name written as its value is its value and its start
 * (two slots, 16 bytes, where a KeptName and its slot in a list take 48); one written otherwise is its
 * value, -(start + 1) and its end; a computed name (a Terraform expression, rare) is its own object.
 */
type Packed = readonly (string | number | Name)[];

/** `names` packed (`Packed`); the names are interned as `Compactor.name` does. */
function pack(names: readonly Name[]): Packed {
  if (names.length === 0) return EMPTY;
  const out: (string | number | Name)[] = [];
  for (const n of names) {
    if (n.computed !== undefined) {
      out.push(n);
      continue;
    }
    const value = intern(n.value);
    const { start, end } = n.span;
    if (end - start === value.length) out.push(value, start);
    else out.push(value, -(start + 1), end);
  }
  return out.slice();
}

/** The names of a packed list, made afresh (a name's identity means nothing: they compare by value). */
function unpack(packed: Packed): readonly Name[] {
  if (packed.length === 0) return EMPTY;
  const out: Name[] = [];
  for (let i = 0; i < packed.length; ) {
    const x = packed[i];
    if (typeof x === 'object') {
      out.push(x);
      i++;
      continue;
    }
    const start = packed[i + 1] as number;
    if (start >= 0) {
      out.push(new KeptName(x as string, start));
      i += 2;
    } else {
      out.push(new KeptWrittenName(x as string, -start - 1, packed[i + 2] as number));
      i += 3;
    }
  }
  return out;
}

/**
 * The names of the lists read last, so that code reading `list.items[i]` in a loop over a list (the
 * rules do) unpacks it once, not once per item: a 100,000-item list would otherwise take minutes.
 */
const UNPACKED = 4;
const unpackedOf: (NameList | undefined)[] = new Array<NameList | undefined>(UNPACKED).fill(undefined);
const unpackedItems: (readonly Name[])[] = new Array<readonly Name[]>(UNPACKED).fill(EMPTY);
let nextUnpacked = 0;

/**
 * A list of names with the span of its value kept as offsets (-1: no value); its names packed, and made
 * when `items` is read (lists are read in bursts: a file's rules, a hover; most are then left alone).
 */
class KeptList implements NameList {
  /** The key's name for a usual field (`KeptKey`), whose start and end follow; else the KeyRef itself. */
  private readonly keyName: string | KeyRef;
  private readonly keyStart: number;
  private readonly keyEnd: number;
  /**
   * The names packed; a list of one literal name written as its value (a restriction to one environment,
   * one external group) is that value, and its start is `oneStart`: no array (64 bytes) for it.
   */
  private readonly packed: Packed | string;
  private readonly oneStart: number;

  constructor(
    key: KeyRef,
    packed: Packed,
    private readonly valueStart: number,
    private readonly valueEnd: number,
  ) {
    const usual = key instanceof KeptKey && key.constructor === KeptKey;
    this.keyName = usual ? key.key : key;
    this.keyStart = usual ? key.start : 0;
    this.keyEnd = usual ? key.end : 0;
    const one = packed.length === 2 && typeof packed[0] === 'string';
    this.packed = one ? (packed[0] as string) : packed;
    this.oneStart = one ? (packed[1] as number) : 0;
  }

  get key(): KeyRef {
    return typeof this.keyName === 'string' ? new KeptKey(this.keyName, this.keyStart, this.keyEnd) : this.keyName;
  }

  get items(): readonly Name[] {
    for (let i = 0; i < UNPACKED; i++) if (unpackedOf[i] === this) return unpackedItems[i];
    const items = typeof this.packed === 'string' ? [new KeptName(this.packed, this.oneStart)] : unpack(this.packed);
    unpackedOf[nextUnpacked] = this;
    unpackedItems[nextUnpacked] = items;
    nextUnpacked = (nextUnpacked + 1) % UNPACKED;
    return items;
  }

  get valueSpan(): Span | undefined {
    return this.valueStart < 0 ? undefined : { start: this.valueStart, end: this.valueEnd };
  }

  /** The names' values, read from the packed list without making the names. */
  values(): string[] {
    const packed = this.packed;
    if (typeof packed === 'string') return [packed];
    // Counted first, so the list has room for its names only (a list grown by push keeps room for 16 more,
    // and readers keep some lists: every team's members).
    let n = 0;
    for (let i = 0; i < packed.length; n++) i += typeof packed[i] === 'object' ? 1 : (packed[i + 1] as number) >= 0 ? 2 : 3;
    const out = new Array<string>(n);
    n = 0;
    for (let i = 0; i < packed.length; ) {
      const x = packed[i];
      if (typeof x === 'object') {
        out[n++] = x.value;
        i++;
      } else {
        out[n++] = x as string;
        i += (packed[i + 1] as number) >= 0 ? 2 : 3;
      }
    }
    return out;
  }
}

/**
 * A restriction and its list in one object: the restriction's own object, which only paired a dimension
 * with a list, cost 40 bytes, and assignments carry most of a team file's lists.
 */
class KeptRestriction extends KeptList implements Restriction {
  constructor(
    readonly dimension: Dimension,
    key: KeyRef,
    packed: Packed,
    valueStart: number,
    valueEnd: number,
  ) {
    super(key, packed, valueStart, valueEnd);
  }

  get list(): NameList {
    return this;
  }
}

/**
 * An assignment with its span kept as offsets, and its role, when it is a literal written as its value,
 * as its value and start (a name made when read; -1: the slot holds the name itself). An assignment names
 * a space only in a system team (`KeptSpaceAssignment`): this one answers undefined for it.
 */
class KeptAssignment implements Assignment {
  private readonly roleValue: string | Name;
  private readonly roleStart: number;
  /**
   * The restrictions; an assignment restricted in one dimension (the usual restricted one) keeps that
   * restriction, and a list of it is made when read (the list took 56 bytes).
   */
  private readonly kept: Restriction | readonly Restriction[];

  constructor(
    role: Name,
    restrictions: readonly Restriction[],
    private readonly start: number,
    private readonly end: number,
  ) {
    this.roleValue = usualName(role) ? role.value : role;
    this.roleStart = usualName(role) ? role.start : -1;
    this.kept = restrictions.length === 1 ? restrictions[0] : restrictions;
  }

  get restrictions(): readonly Restriction[] {
    const kept = this.kept;
    return Array.isArray(kept) ? (kept as readonly Restriction[]) : [kept as Restriction];
  }

  get role(): Name {
    return typeof this.roleValue === 'string' ? new KeptName(this.roleValue, this.roleStart) : this.roleValue;
  }

  /** The role's name as written, without making the name. */
  get roleName(): string {
    return typeof this.roleValue === 'string' ? this.roleValue : this.roleValue.value;
  }

  /** The span of the role's name, without making the name. */
  get roleSpan(): Span {
    return typeof this.roleValue === 'string' ? { start: this.roleStart, end: this.roleStart + this.roleValue.length } : this.roleValue.span;
  }

  get space(): Name | undefined {
    return undefined;
  }

  get spaceKey(): KeyRef | undefined {
    return undefined;
  }

  get span(): Span {
    return { start: this.start, end: this.end };
  }
}

/** An assignment that names its space or has a `space` field (a system team's). */
class KeptSpaceAssignment extends KeptAssignment {
  constructor(
    role: Name,
    private readonly spaceName: Name | undefined,
    private readonly spaceField: KeyRef | undefined,
    restrictions: readonly Restriction[],
    start: number,
    end: number,
  ) {
    super(role, restrictions, start, end);
  }

  override get space(): Name | undefined {
    return this.spaceName;
  }

  override get spaceKey(): KeyRef | undefined {
    return this.spaceField;
  }
}

/** True for a literal name written as its value (`KeptName` itself, not a subclass). */
function usualName(n: Name | undefined): n is KeptName {
  return n !== undefined && n.constructor === KeptName;
}

/** True when class `C` has every field of model type `T`; the list below fails to compile otherwise. */
type Covers<C, T> = [keyof Required<T>] extends [keyof C] ? true : false;
type Holds<T extends true> = T;
/** The kept classes carry every field of their model types: a field added to one must be added here. */
export type KeptClassesCover = [Holds<Covers<KeptName, Name>>, Holds<Covers<KeptWrittenName, Name>>, Holds<Covers<KeptKey, KeyRef>>, Holds<Covers<KeptWrittenKey, KeyRef>>, Holds<Covers<KeptList, NameList>>, Holds<Covers<KeptAssignment, Assignment>>, Holds<Covers<KeptSpaceAssignment, Assignment>>, Holds<Covers<KeptRestriction, Restriction>>];

/**
 * What the kept YAML role and team documents share: the span as two offsets (a span object took 40
 * bytes), the name as its value and start (a KeptName took 40 bytes), the key table as slots
 * (`keptKeys`), and no slots for what only Terraform sets (address, unknown). Made only for files
 * without a module, whose documents nothing copies with a spread (model/scope.ts copies a module's):
 * spans, names and keys are getters.
 */
abstract class KeptYamlDoc {
  readonly uri: string;
  readonly index: number;
  private readonly start: number;
  private readonly end: number;
  /** The name as `KeptAssignment` keeps its role: a literal written as its value is that value and its start. */
  private readonly nameValue: string | Name | undefined;
  private readonly nameStart: number;
  private readonly keptKeys: KeyTable | PackedKeys;

  /** The kept form of what `d` has of these, by `c` (its name first, then its fields). */
  constructor(d: DocBase, c: Compactor) {
    this.uri = d.uri;
    this.index = d.index;
    const { start, end } = d.span;
    this.start = start;
    this.end = end;
    const name = c.name(d.name);
    this.nameValue = usualName(name) ? name.value : name;
    this.nameStart = usualName(name) ? name.start : -1;
    this.keptKeys = keptKeys(c.fields(d.keys));
  }

  get name(): Name | undefined {
    return typeof this.nameValue === 'string' ? new KeptName(this.nameValue, this.nameStart) : this.nameValue;
  }

  /** The name's value, without making the name. */
  get nameText(): string | undefined {
    return typeof this.nameValue === 'string' ? this.nameValue : this.nameValue?.value;
  }

  get span(): Span {
    return { start: this.start, end: this.end };
  }

  get keys(): KeyTable {
    return keysOf(this.keptKeys);
  }

  get address(): undefined {
    return undefined;
  }

  get unknown(): undefined {
    return undefined;
  }
}

/** A YAML role document in the kept form (`KeptYamlDoc`). */
class KeptRoleDoc extends KeptYamlDoc implements RoleDoc {
  readonly kind = 'role';

  constructor(
    d: DocBase,
    c: Compactor,
    readonly builtIn: Flag | undefined,
    readonly spacePermissions: NameList | undefined,
    readonly systemPermissions: NameList | undefined,
  ) {
    super(d, c);
  }
}

/** A YAML team document in the kept form (`KeptYamlDoc`): its space kept as its name is; no target or computed parts either. */
class KeptTeamDoc extends KeptYamlDoc implements TeamDoc {
  readonly kind = 'team';
  private readonly spaceValue: string | Name | undefined;
  private readonly spaceStart: number;

  constructor(
    d: DocBase,
    c: Compactor,
    space: Name | undefined,
    readonly assignments: readonly Assignment[],
    readonly roles: KeyRef | undefined,
    readonly members: NameList | undefined,
    readonly externalGroups: NameList | undefined,
  ) {
    super(d, c);
    this.spaceValue = usualName(space) ? space.value : space;
    this.spaceStart = usualName(space) ? space.start : -1;
  }

  get space(): Name | undefined {
    return typeof this.spaceValue === 'string' ? new KeptName(this.spaceValue, this.spaceStart) : this.spaceValue;
  }

  /** The space's name, without making the name. */
  get spaceName(): string | undefined {
    return typeof this.spaceValue === 'string' ? this.spaceValue : this.spaceValue?.value;
  }

  get target(): undefined {
    return undefined;
  }

  get computedParts(): undefined {
    return undefined;
  }
}

/**
 * The values of a list's names (`list.items` values), without making the names when the list is kept
 * (proofs read the restrictions of thousands of assignments).
 */
export function listValues(list: NameList): string[] {
  return list instanceof KeptList ? list.values() : list.items.map((i) => i.value);
}

/** An assignment's role as written (`a.role.value`), without making the name when the assignment is kept. */
export function roleNameOf(a: Assignment): string {
  return a instanceof KeptAssignment ? a.roleName : a.role.value;
}

/** A document's name (`doc.name?.value`), without making the name when the document is kept. */
export function docNameOf(doc: Doc): string | undefined {
  return doc instanceof KeptYamlDoc ? doc.nameText : doc.name?.value;
}

/** The space an assignment names (`a.space?.value`), told without a getter for a kept one that names none. */
export function assignmentSpaceOf(a: Assignment): string | undefined {
  return a instanceof KeptAssignment && !(a instanceof KeptSpaceAssignment) ? undefined : a.space?.value;
}

/** The span of an assignment's role (`a.role.span`), without making the name when the assignment is kept. */
export function roleSpanOf(a: Assignment): Span {
  return a instanceof KeptAssignment ? a.roleSpan : a.role.span;
}

/** A team's space (`team.space?.value`), without making the name when the team is kept. */
export function teamSpaceOf(team: TeamDoc): string | undefined {
  return team instanceof KeptTeamDoc ? team.spaceName : team.space?.value;
}

/** The kept document classes carry every field of their model types. */
export type KeptDocsCover = [Holds<Covers<KeptRoleDoc, RoleDoc>>, Holds<Covers<KeptTeamDoc, TeamDoc>>];

/** The kept form of one file's objects; a KeyRef that appears in several places stays one object. */
class Compactor {
  private readonly keys = new Map<KeyRef, KeyRef>();

  key(k: KeyRef): KeyRef;
  key(k: KeyRef | undefined): KeyRef | undefined;
  key(k: KeyRef | undefined): KeyRef | undefined {
    if (!k) return undefined;
    let kept = this.keys.get(k);
    if (!kept) {
      const key = intern(k.key);
      const ks = k.keySpan;
      const ps = k.pairSpan;
      kept = ks.end - ks.start === key.length && ps.start === ks.start ? new KeptKey(key, ks.start, ps.end) : new KeptWrittenKey(key, ks.start, ks.end, ps.start, ps.end);
      this.keys.set(k, kept);
    }
    return kept;
  }

  name(n: Name): Name;
  name(n: Name | undefined): Name | undefined;
  name(n: Name | undefined): Name | undefined {
    if (!n) return undefined;
    // A computed value (a Terraform expression) keeps its own form: it is rare, and carries the flag.
    if (n.computed !== undefined) return n;
    const value = intern(n.value);
    const { start, end } = n.span;
    return end - start === value.length ? new KeptName(value, start) : new KeptWrittenName(value, start, end);
  }

  nameList(l: NameList): NameList;
  nameList(l: NameList | undefined): NameList | undefined;
  nameList(l: NameList | undefined): NameList | undefined {
    if (!l) return undefined;
    const v = l.valueSpan;
    return new KeptList(this.key(l.key), pack(l.items), v ? v.start : -1, v ? v.end : -1);
  }

  assignment(a: Assignment): Assignment {
    const restrictions = mapList(a.restrictions, (r) => {
      const v = r.list.valueSpan;
      return new KeptRestriction(r.dimension, this.key(r.list.key), pack(r.list.items), v ? v.start : -1, v ? v.end : -1);
    });
    if (a.space === undefined && a.spaceKey === undefined) return new KeptAssignment(this.name(a.role), restrictions, a.span.start, a.span.end);
    return new KeptSpaceAssignment(this.name(a.role), this.name(a.space), this.key(a.spaceKey), restrictions, a.span.start, a.span.end);
  }

  /** The fields of a document, each in the kept form, in their order. */
  fields(keys: ReadonlyMap<string, KeyRef>): Map<string, KeyRef> {
    const kept = new Map<string, KeyRef>();
    for (const [name, ref] of keys) kept.set(name, this.key(ref));
    return kept;
  }

  table(keys: ReadonlyMap<string, KeyRef>): KeyTable {
    return new KeyTable(this.fields(keys));
  }
}

/** `xs` mapped, in an array of exactly its length (the shared empty list when empty). */
function mapList<T, U>(xs: readonly T[], fn: (x: T) => U): readonly U[] {
  return xs.length === 0 ? EMPTY : xs.map(fn);
}

/*
 * Documents are built by one literal per kind with every field written out: a literal that spreads a
 * common part gets room in the object for that part only, and the rest goes to a separate property array
 * (56 bytes more a document).
 */
function doc(d: Doc, named: boolean): Doc {
  const c = new Compactor();
  if (named && d.kind === 'role' && d.address === undefined && d.unknown === undefined) {
    return new KeptRoleDoc(d, c, d.builtIn, c.nameList(d.spacePermissions), c.nameList(d.systemPermissions));
  }
  if (named && d.kind === 'team' && d.address === undefined && d.unknown === undefined && d.target === undefined && d.computedParts === undefined) {
    const assignments = mapList(d.assignments, (a) => c.assignment(a));
    return new KeptTeamDoc(d, c, c.name(d.space), assignments, c.key(d.roles), c.nameList(d.members), c.nameList(d.externalGroups));
  }
  const keys = c.table(d.keys);
  switch (d.kind) {
    case 'role': {
      const role: Every<RoleDoc> = {
        kind: 'role',
        uri: d.uri,
        index: d.index,
        span: d.span,
        name: c.name(d.name),
        keys,
        address: d.address,
        unknown: d.unknown,
        builtIn: d.builtIn,
        spacePermissions: c.nameList(d.spacePermissions),
        systemPermissions: c.nameList(d.systemPermissions),
      };
      return role;
    }
    case 'team': {
      const team: Every<TeamDoc> = {
        kind: 'team',
        uri: d.uri,
        index: d.index,
        span: d.span,
        name: c.name(d.name),
        keys,
        address: d.address,
        unknown: d.unknown,
        space: c.name(d.space),
        assignments: mapList(d.assignments, (a) => c.assignment(a)),
        roles: c.key(d.roles),
        target: c.name(d.target),
        members: c.nameList(d.members),
        externalGroups: c.nameList(d.externalGroups),
        computedParts: d.computedParts && listOf(d.computedParts),
      };
      return team;
    }
    case 'space':
      return spaceDoc(d, c, keys);
    case 'policy':
      return policyDoc(d, c, keys);
  }
}

/** A space in the kept form (space files are few: only names and lists are compacted). */
function spaceDoc(d: SpaceDoc, c: Compactor, keys: KeyTable): SpaceDoc {
  const scopes: Partial<Record<Dimension, NameList>> = {};
  for (const dim of DIMENSIONS) if (d.scopes[dim]) scopes[dim] = c.nameList(d.scopes[dim]);
  const m = d.managers;
  const managers = m && { key: c.key(m.key), members: c.nameList(m.members), teams: c.nameList(m.teams) };
  const groupProjects = d.groupProjects && mapList(d.groupProjects, (g) => ({ name: c.name(g.name), projects: c.nameList(g.projects) }));
  const space: Every<SpaceDoc> = {
    kind: 'space',
    ...docBase(d, c, keys),
    scopes,
    groupProjects,
    managers,
  };
  return space;
}

/** The fields every kind of document has, in the kept form. */
function docBase(d: Doc, c: Compactor, keys: KeyTable): Every<DocBase> {
  return { uri: d.uri, index: d.index, span: d.span, name: c.name(d.name), keys, address: d.address, unknown: d.unknown };
}

/** A policy in the kept form (policy files are few and small: only names and lists are compacted). */
function policyDoc(d: PolicyDoc, c: Compactor, keys: KeyTable): PolicyDoc {
  const x = d.context;
  const context: Every<PolicyContext> = {
    space: c.name(x.space),
    environment: c.name(x.environment),
    project: c.name(x.project),
    projectGroup: c.name(x.projectGroup),
    tenant: c.name(x.tenant),
    untenanted: x.untenanted,
  };
  const policy: Every<PolicyDoc> = {
    kind: 'policy',
    ...docBase(d, c, keys),
    permission: c.name(d.permission),
    capability: c.name(d.capability),
    context,
    only: c.nameList(d.only),
    includes: c.nameList(d.includes),
    unrestricted: c.name(d.unrestricted),
  };
  return policy;
}

/** A front-end's reading of a file in the workspace's form. */
export function compactParsed(p: ParsedFile): ParsedFile {
  const noSuppressions = p.suppressions.lines.size === 0 && p.suppressions.docs.length === 0;
  const kept: Every<ParsedFile> = {
    uri: p.uri,
    syntax: p.syntax,
    kind: p.kind,
    module: p.module,
    lookups: p.lookups,
    users: p.users,
    builtinIds: p.builtinIds,
    values: p.values,
    spaces: p.spaces,
    docs: mapList(p.docs, (d) => doc(d, p.module === undefined)),
    syntaxFindings: listOf(p.syntaxFindings),
    guessed: listOf(p.guessed),
    suppressions: noSuppressions ? NO_SUPPRESSIONS : p.suppressions,
  };
  return kept;
}

/**
 * A file of a syntax that names objects by name (YAML): the fields only a module's files fill (module,
 * lookups, users, built-in ids, values, spaces) are absent, and cost nothing here instead of 48 bytes a file.
 */
class KeptNamedFile implements FileModel {
  /**
   * The documents; a file of one document (most files) keeps that document, and a list of it is made
   * when read (the list took 56 bytes a file). Readers compare documents, never lists, by identity.
   */
  private readonly kept: Doc | readonly Doc[];

  constructor(
    readonly uri: string,
    readonly syntax: string,
    readonly kind: FileModel['kind'],
    docs: readonly Doc[],
    readonly syntaxFindings: readonly Diagnostic[],
    readonly guessed: readonly Span[],
    readonly suppressions: Suppressions,
    readonly local: readonly Diagnostic[],
  ) {
    this.kept = docs.length === 1 ? docs[0] : docs;
  }

  get docs(): readonly Doc[] {
    const kept = this.kept;
    return Array.isArray(kept) ? (kept as readonly Doc[]) : [kept as Doc];
  }

  get module(): undefined {
    return undefined;
  }

  get lookups(): undefined {
    return undefined;
  }

  get users(): undefined {
    return undefined;
  }

  get builtinIds(): undefined {
    return undefined;
  }

  get values(): undefined {
    return undefined;
  }

  get spaces(): undefined {
    return undefined;
  }
}

/** The kept file class carries every field of FileModel. */
export type KeptFileCovers = Holds<Covers<KeptNamedFile, FileModel>>;

/** A compacted reading with its local findings: what the workspace keeps for a file. */
export function fileModel(p: ParsedFile, local: readonly Diagnostic[]): FileModel {
  if (p.module === undefined && p.lookups === undefined && p.users === undefined && p.builtinIds === undefined && p.values === undefined && p.spaces === undefined) {
    return new KeptNamedFile(p.uri, p.syntax, p.kind, p.docs, p.syntaxFindings, p.guessed, p.suppressions, listOf(local));
  }
  const model: Every<FileModel> = {
    uri: p.uri,
    syntax: p.syntax,
    kind: p.kind,
    module: p.module,
    lookups: p.lookups,
    users: p.users,
    builtinIds: p.builtinIds,
    values: p.values,
    spaces: p.spaces,
    docs: p.docs,
    syntaxFindings: p.syntaxFindings,
    guessed: p.guessed,
    suppressions: p.suppressions,
    local: listOf(local),
  };
  return model;
}
