/**
 * Restriction records (SPEC section 8, rule 5): Octopus keeps one record per scoped user role and allows
 * an action in a context (a space, and an environment, project, project group and tenant, or untenanted
 * work) when any one record admits it. Nothing here merges records into a cross product: a principal's
 * access to one permission at one scope is a set of records, identical ones joined with all their sources,
 * and a record that another admits entirely shown under it (`covers`).
 *
 * Comparisons read records as boxes of contexts: per dimension, a finite set of values or every value
 * but some. That is exact for "any other value" (a value no record names, untenanted work among them)
 * without enumerating contexts, and keeps `diff` to the records of one permission at one scope at a time.
 */
import { DIMENSIONS, type Dimension } from '../catalog';
import type { Grant, Holding, Restrictions, Via } from './grants';

/** The values of one dimension a box admits: these (`all` false), or every value but these (`all` true). */
interface ValueSet {
  readonly all: boolean;
  readonly values: ReadonlySet<string>;
}

/** The contexts a record admits, per dimension; an absent dimension admits every value. */
type Box = Partial<Record<Dimension, ValueSet>>;

/** What a record is made of, as comparisons read it. */
type RecordLike = Pick<Grant, 'restrictions' | 'groupProjects' | 'except'>;

const finite = (values: Iterable<string>): ValueSet => ({ all: false, values: new Set(values) });

/**
 * Boxes and identities of plain records (no `except`, no mapped project groups) by their restrictions
 * object: a role's grants share one per assignment, and every principal a team reaches reads the same
 * grants, so each is worked out once.
 */
const boxes = new WeakMap<Restrictions, Box | null>();
const identities = new WeakMap<Restrictions, string>();
const plain = (r: RecordLike) => r.except === undefined && r.groupProjects === undefined;

/**
 * The box of a record, or undefined when it admits nothing (a project-group restriction whose groups the
 * space maps to no project). A record whose project groups the space maps (`groupProjects`) admits exactly
 * their projects: its projects dimension is those (within its own project list, if any).
 */
function boxOf(r: RecordLike): Box | undefined {
  if (!plain(r)) return computeBox(r);
  let box = boxes.get(r.restrictions);
  if (box === undefined) boxes.set(r.restrictions, (box = computeBox(r) ?? null));
  return box ?? undefined;
}

function computeBox(r: RecordLike): Box | undefined {
  const box: { [K in Dimension]?: ValueSet } = {};
  for (const d of DIMENSIONS) {
    const listed = r.restrictions[d];
    if (listed?.length) box[d] = finite(listed);
    else if (r.except?.[d]?.length) box[d] = { all: true, values: new Set(r.except[d]) };
  }
  if (r.groupProjects && box.projectGroups) {
    delete box.projectGroups;
    const projects = box.projects;
    box.projects = projects ? intersect(projects, finite(r.groupProjects)) : finite(r.groupProjects);
  }
  for (const d of DIMENSIONS) if (box[d] && isEmpty(box[d]!)) return undefined;
  return box;
}

const isEmpty = (s: ValueSet) => !s.all && s.values.size === 0;

function intersect(a: ValueSet, b: ValueSet): ValueSet {
  if (!a.all && !b.all) return finite([...a.values].filter((v) => b.values.has(v)));
  if (!a.all) return finite([...a.values].filter((v) => !b.values.has(v)));
  if (!b.all) return finite([...b.values].filter((v) => !a.values.has(v)));
  return { all: true, values: new Set([...a.values, ...b.values]) };
}

const complement = (s: ValueSet): ValueSet => ({ all: !s.all, values: s.values });

function subset(a: ValueSet, b: ValueSet): boolean {
  if (!a.all) return b.all ? [...a.values].every((v) => !b.values.has(v)) : [...a.values].every((v) => b.values.has(v));
  return b.all && [...b.values].every((v) => a.values.has(v));
}

/** True when box `wide` admits every context box `narrow` does. */
function boxCovers(wide: Box, narrow: Box): boolean {
  for (const d of DIMENSIONS) {
    const w = wide[d];
    if (!w) continue;
    const n = narrow[d];
    if (!n || !subset(n, w)) return false;
  }
  return true;
}

/** The contexts of `r` that `b` does not admit, as disjoint boxes. */
function subtract(r: Box, b: Box): Box[] {
  for (const d of DIMENSIONS) if (r[d] && b[d] && isEmpty(intersect(r[d]!, b[d]!))) return [r];
  const pieces: Box[] = [];
  let rest: Box = r;
  for (const d of DIMENSIONS) {
    const bd = b[d];
    if (!bd) continue;
    const rd = rest[d];
    const outside = rd ? intersect(rd, complement(bd)) : complement(bd);
    if (!isEmpty(outside)) pieces.push({ ...rest, [d]: outside });
    rest = { ...rest, [d]: rd ? intersect(rd, bd) : bd };
  }
  return pieces;
}

/** A box as a record's lists: finite sets as restrictions, "all but" sets as `except`. */
function listsOf(box: Box): { restrictions: Restrictions; except?: Restrictions } {
  const restrictions: { -readonly [K in Dimension]?: readonly string[] } = {};
  const except: { -readonly [K in Dimension]?: readonly string[] } = {};
  for (const d of DIMENSIONS) {
    const s = box[d];
    if (!s) continue;
    if (!s.all) restrictions[d] = [...s.values].sort();
    else if (s.values.size) except[d] = [...s.values].sort();
  }
  return Object.keys(except).length ? { restrictions, except } : { restrictions };
}

/**
 * True when record `wide` admits every context record `narrow` admits (SPEC rule 5: in every dimension
 * unrestricted or a superset, a project-group restriction read as its projects where the space maps
 * them). Both must be of one permission (or role) at one scope; that is the caller's to ensure.
 */
export function admitsAll(wide: RecordLike, narrow: RecordLike): boolean {
  const n = boxOf(narrow);
  if (!n) return true;
  const w = boxOf(wide);
  return w !== undefined && boxCovers(w, n);
}

/** A record's identity among records of one permission at one scope: its lists, each sorted. */
function identity(r: RecordLike): string {
  if (!plain(r)) return computeIdentity(r);
  let id = identities.get(r.restrictions);
  if (id === undefined) identities.set(r.restrictions, (id = computeIdentity(r)));
  return id;
}

function computeIdentity(r: RecordLike): string {
  let key = '';
  for (const d of DIMENSIONS) {
    const listed = r.restrictions[d];
    key += listed?.length ? [...new Set(listed)].sort().join('\u0002') : '*';
    const except = r.except?.[d];
    if (except?.length) key += '\u0003' + [...except].sort().join('\u0002');
    key += '\u0001';
  }
  return r.groupProjects && r.restrictions.projectGroups?.length ? key + [...r.groupProjects].sort().join('\u0002') : key;
}

/**
 * Gathers grants (or role holdings) into records per `keyOf` (a permission, or role, at a scope): grants
 * with the same restrictions become one record with all their sources; a record that another admits
 * entirely goes into the `covers` of the first such record that no other covers. Records keep the order in
 * which their first grant came; a grant's own `covers` are read as records of their own.
 */
export function recordsOf<G extends Grant | Holding>(grants: readonly G[], keyOf: (g: G) => string): G[] {
  const groups = new Map<string, Map<string, { first: G; via: Via[] | undefined }>>();
  const add = (g: G) => {
    const key = keyOf(g);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = new Map()));
    const id = identity(g);
    const known = group.get(id);
    if (!known) group.set(id, { first: g, via: undefined });
    else (known.via ??= [...known.first.via]).push(...g.via);
    for (const c of g.covers ?? []) add(c as G);
  };
  for (const g of grants) add(g);
  const out: G[] = [];
  for (const group of groups.values()) {
    const records = [...group.values()].map(({ first, via }) => bare(first, via));
    out.push(...(records.length === 1 ? records : nest(records)));
  }
  return out;
}

/** A record without the covered records it came with, with `via` as gathered. */
function bare<G extends Grant | Holding>(g: G, via: Via[] | undefined): G {
  if (!via && !g.covers) return g;
  const { covers: _covers, ...rest } = g;
  void _covers;
  return { ...rest, via: via ?? g.via } as G;
}

/**
 * Past this many records of one permission at one scope (only a hostile file has them), records are
 * listed without nesting: which admits which is shown for readers and costs a comparison of every pair,
 * while the records admit the same contexts either way.
 */
const MAX_NESTED = 500;

/**
 * Past this many pieces of one record (a record cut by hundreds of others restricted in every dimension),
 * the rest of it is reported whole: a gain or loss may then say more than changed, never less.
 */
const MAX_PIECES = 4096;

/**
 * Records of one permission at one scope, each covered one under the first record that covers it and is
 * itself covered by none (covering is transitive, so there always is one).
 */
function nest<G extends Grant | Holding>(records: readonly G[]): G[] {
  if (records.length > MAX_NESTED) return [...records];
  const boxes = records.map(boxOf);
  // An unrestricted record admits every other: the common case costs one pass.
  const open = boxes.findIndex((b) => b !== undefined && DIMENSIONS.every((d) => !b[d]));
  const covered = (i: number, j: number) => i !== j && (boxes[i] === undefined || (boxes[j] !== undefined && boxCovers(boxes[j]!, boxes[i]!)));
  const top: number[] = [];
  for (let i = 0; i < records.length; i++) {
    if (open >= 0) {
      if (i === open) top.push(i);
      continue;
    }
    // Two records admitting the same contexts (a project group and its projects): the first is on top.
    if (!records.some((_, j) => covered(i, j) && !(covered(j, i) && j > i))) top.push(i);
  }
  const under = new Map<number, G[]>(top.map((t) => [t, []]));
  // A record with what it covers takes the place of the first of them.
  const place = new Map<number, number>(top.map((t) => [t, t]));
  for (let i = 0; i < records.length; i++) {
    if (under.has(i)) continue;
    const t = open >= 0 ? open : top.find((j) => covered(i, j))!;
    under.get(t)!.push(records[i]);
    place.set(t, Math.min(place.get(t)!, i));
  }
  return top.sort((a, b) => place.get(a)! - place.get(b)!).map((t) => (under.get(t)!.length ? { ...records[t], covers: under.get(t)! } : records[t]));
}

/** Every record of a list, covered ones included, without their `covers`. */
function flatten(grants: readonly Grant[]): Grant[] {
  const out: Grant[] = [];
  const walk = (g: Grant) => {
    out.push(g.covers ? bare(g, undefined) : g);
    for (const c of g.covers ?? []) walk(c);
  };
  for (const g of grants) walk(g);
  return out;
}

const keyOf = (g: Grant) => `${g.scope}\u0000${g.space ?? ''}\u0000${g.permission}`;

/**
 * What a principal gains and loses between two versions of its records (or of the grants they come
 * from), SPEC section 8: a gain is a context that some record admits after and none admitted before,
 * reported as the part of each record that is new (with that record's sources; a dimension open but for
 * some values has them in `except`); a loss is the reverse. Records split or joined differently that admit
 * the same contexts are neither. Only records of one permission at one scope are compared with each other.
 */
export function accessChange(before: readonly Grant[], after: readonly Grant[]): { gains: Grant[]; losses: Grant[] } {
  const b = byKey(flatten(before));
  const a = byKey(flatten(after));
  const gains: Grant[] = [];
  const losses: Grant[] = [];
  for (const [key, list] of a) gains.push(...uncovered(list, b.get(key)));
  for (const [key, list] of b) losses.push(...uncovered(list, a.get(key)));
  return { gains: order(recordsOf(gains, keyOf)), losses: order(recordsOf(losses, keyOf)) };
}

function byKey(grants: readonly Grant[]): Map<string, Grant[]> {
  const m = new Map<string, Grant[]>();
  for (const g of grants) {
    const key = keyOf(g);
    const list = m.get(key);
    if (list) list.push(g);
    else m.set(key, [g]);
  }
  return m;
}

/**
 * Boxes found by the values they list, so that a record meets only the boxes that share a context with
 * it: for each dimension, the boxes that list each value, and those open in it (unrestricted, or all but
 * some values). A record finite in some dimension meets only the boxes open there or listing one of its
 * values; the smallest such set is read. Large record sets then cost about linear time, not a pass over
 * every other record for each.
 */
class BoxIndex {
  private readonly open = new Map<Dimension, number[]>();
  private readonly byValue = new Map<Dimension, Map<string, number[]>>();

  constructor(readonly boxes: readonly Box[]) {
    for (const d of DIMENSIONS) {
      const open: number[] = [];
      const byValue = new Map<string, number[]>();
      boxes.forEach((b, i) => {
        const s = b[d];
        if (!s || s.all) open.push(i);
        else for (const v of s.values) (byValue.get(v) ?? byValue.set(v, []).get(v)!).push(i);
      });
      this.open.set(d, open);
      this.byValue.set(d, byValue);
    }
  }

  /** The boxes that may share a context with `r`, in their order. */
  meeting(r: Box): readonly Box[] {
    // The dimension with the fewest candidates, counted before any is gathered.
    let best: Dimension | undefined;
    let fewest = Infinity;
    for (const d of DIMENSIONS) {
      const s = r[d];
      if (!s || s.all) continue;
      let count = this.open.get(d)!.length;
      for (const v of s.values) count += this.byValue.get(d)!.get(v)?.length ?? 0;
      if (count < fewest) [best, fewest] = [d, count];
    }
    if (best === undefined) return this.boxes;
    const found = new Set(this.open.get(best));
    for (const v of r[best]!.values) for (const i of this.byValue.get(best)!.get(v) ?? []) found.add(i);
    return [...found].sort((a, b) => a - b).map((i) => this.boxes[i]);
  }
}

/** The parts of `records` that no record of `others` admits, each with its record's sources. */
function uncovered(records: readonly Grant[], others: readonly Grant[] | undefined): Grant[] {
  // A record that admits nothing (project groups its space maps to none of its projects) gains nothing.
  if (!others?.length) return records.filter((r) => boxOf(r) !== undefined).map((r) => bare(r, undefined));
  // The same grant on both sides (a team unchanged between them) admits nothing new: the common case
  // costs a set lookup, and no box arithmetic.
  const same = new Set(others);
  let ids: Set<string> | undefined;
  let index: BoxIndex | undefined;
  const out: Grant[] = [];
  for (const r of records) {
    if (same.has(r)) continue;
    ids ??= new Set(others.map(identity));
    if (ids.has(identity(r))) continue;
    index ??= new BoxIndex(others.map(boxOf).filter((x): x is Box => x !== undefined));
    const box = boxOf(r);
    if (!box) continue;
    const otherBoxes = index.meeting(box);
    if (otherBoxes.some((o) => boxCovers(o, box))) continue;
    let pieces = [box];
    for (const o of otherBoxes) {
      if (pieces.length > MAX_PIECES) break;
      pieces = pieces.flatMap((p) => subtract(p, o));
    }
    // A record that shares no context with the others is new as a whole: shown as written.
    if (pieces.length === 1 && pieces[0] === box) {
      out.push(bare(r, undefined));
      continue;
    }
    for (const p of pieces) {
      const { restrictions, except } = listsOf(p);
      const { covers: _covers, groupProjects: _groups, except: _except, ...rest } = r;
      void _covers, void _groups, void _except;
      out.push({ ...rest, restrictions, ...(except ? { except } : {}) });
    }
  }
  return out;
}

/** Grants in SPEC section 8's order: system first, then by space, then by permission. */
function order(grants: Grant[]): Grant[] {
  return grants.sort((x, y) => (x.scope === y.scope ? 0 : x.scope === 'system' ? -1 : 1) || (x.space ?? '').localeCompare(y.space ?? '') || x.permission.localeCompare(y.permission));
}
