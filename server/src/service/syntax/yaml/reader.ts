/**
 * The YAML front-end's document reader: one parsed YAML document (from the `yaml` parser or the fast path,
 * fast.ts, which build the same nodes) into the model, reporting fields of the wrong shape as it goes.
 * It resolves an alias at most one level deep and never converts a document to plain JavaScript, so an
 * alias bomb costs no more than its text.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import { DIMENSIONS, type Dimension } from '../../catalog';
import { ASSIGNMENT_KEYS, DOC_KEYS, MANAGER_KEYS } from '../../model/fields';
import { readPolicy, type PolicyFields } from './policy';
import { nearest } from '../../util/suggest';
import { LineMap } from '../../util/text';
import { lineRange } from './recovery';
import type { Assignment, Diagnostic, Doc, DocKind, Flag, KeyRef, Managers, Name, NameList, PolicyDoc, ProjectGroup, Restriction, Span } from '../../model/types';
import type { SyntaxReporter } from '../../model/frontend';

const KIND_WORD: Record<DocKind, string> = { role: 'Role', team: 'Team', space: 'Space', policy: 'Policy' };
const MAX_NAME_LENGTH = 200;

type YNode = Node | null | undefined;

function spanOf(node: YNode): Span | undefined {
  if (!node || !node.range) return undefined;
  return { start: node.range[0], end: node.range[1] };
}

/** Reads one YAML document of a known kind into the model, reporting shape problems as it goes. */
export class DocReader {
  constructor(
    private readonly uri: string,
    private readonly text: string,
    private readonly contents: YNode,
    /** The parsed document, for resolving aliases; absent when the fast path read the text (it has none). */
    private readonly yamlDoc: Document.Parsed | undefined,
    private readonly kind: DocKind,
    private readonly index: number,
    private readonly suffix: string,
    /** Makes the findings' diagnostics (the rules' entries, through the front-end's caller). */
    private readonly report: SyntaxReporter,
    private readonly out: Diagnostic[],
    private readonly errors: Diagnostic[],
    private readonly guessed: Span[],
  ) {}

  /**
   * Reports a key that a mapping already has: YAML forbids it, and which value counts would be a guess.
   * Merged keys (`<<`) are not the mapping's own, so they are left out.
   */
  private lineMap: LineMap | undefined;

  private checkUniqueKeys(items: readonly Pair[]): void {
    if (items.length < 2) return;
    // Small mappings (nearly all) compare keys pairwise without allocating; large ones use a map.
    const seen = items.length > 16 ? new Map<string, Span>() : undefined;
    for (let i = 0; i < items.length; i++) {
      const name = plainKey(items[i]);
      if (name === undefined) continue;
      const span = spanOf(items[i].key as YNode)!;
      let first: Span | undefined;
      if (seen) {
        first = seen.get(name);
        if (!first) seen.set(name, span);
      } else {
        for (let j = 0; j < i && !first; j++) if (plainKey(items[j]) === name) first = spanOf(items[j].key as YNode);
      }
      if (!first) continue;
      const line = (this.lineMap ??= new LineMap(this.text)).lineAt(first.start) + 1;
      const d = this.report.finding('yaml-syntax', span, { detail: `the key \`${name}\` is already set on line ${line} of this mapping; keep one of the two` });
      this.errors.push(d);
      this.guessed.push(lineRange(this.text, span));
    }
  }

  read(): Doc | undefined {
    const root = this.deref(this.contents);
    if (root === null || root === undefined) return undefined;
    if (isScalar(root) && (root.value === null || root.value === '')) return undefined;
    const docSpan = spanOf(root) ?? { start: 0, end: 0 };
    if (!isMap(root)) {
      this.invalid(this.shown(root) ?? docSpan, `A ${this.kind} document`, 'a mapping of keys such as `name:`');
      return undefined;
    }
    this.checkUniqueKeys(root.items);
    const keys = new Map<string, KeyRef>();
    const pairs = new Map<string, Pair>();
    for (const pair of this.pairsOf(root.items)) {
      const key = this.keyOf(pair);
      if (!key) continue;
      if (!keys.has(key.key)) {
        keys.set(key.key, key);
        pairs.set(key.key, pair);
      }
    }
    const allowed = DOC_KEYS[this.kind];
    for (const [name, ref] of keys) {
      if (!allowed.includes(name)) this.unknownKey(ref, `a ${this.kind}`, allowed);
    }
    if (this.kind !== 'policy') this.checkKind(pairs.get('kind'));
    const name = this.readName(pairs.get('name'), keys, docSpan);
    this.readOptionalString(pairs.get('description'), '`description`');
    // Each kind's documents are built with the same fields in the same order (absent ones undefined), so
    // that all documents of a kind share one object shape.
    const { uri, index } = this;
    switch (this.kind) {
      case 'role': {
        const builtIn = this.readFlag(pairs.get('builtIn'), '`builtIn`');
        const spacePermissions = this.readNameList(pairs.get('spacePermissions'), 'a permission name');
        const systemPermissions = this.readNameList(pairs.get('systemPermissions'), 'a permission name');
        return { uri, index, span: docSpan, name, keys, kind: 'role', builtIn, spacePermissions, systemPermissions };
      }
      case 'space': {
        const scopes: Partial<Record<Dimension, NameList>> = {};
        const map = this.readGroupMap(pairs.get('projectGroups'));
        for (const dim of DIMENSIONS) {
          const list = map && dim === 'projectGroups' ? map.groups : this.readNameList(pairs.get(dim), 'a name');
          if (list) scopes[dim] = list;
        }
        if (map) scopes.projects = withMapped(scopes.projects, map);
        return { uri, index, span: docSpan, name, keys, kind: 'space', scopes, groupProjects: map?.entries, managers: this.readManagers(pairs.get('managers')) };
      }
      case 'team': {
        const spacePair = pairs.get('space');
        const space = this.readString(spacePair, '`space`');
        if (spacePair && isNullScalar(this.deref(spacePair.value as YNode))) {
          // An empty `space:` would silently make a system team.
          this.invalid(keys.get('space')!.keySpan, '`space`', "a space's name; remove the key to make a system team");
        }
        const members = this.readNameList(pairs.get('members'), 'a user name');
        const externalGroups = this.readNameList(pairs.get('externalGroups'), 'an external group');
        const assignments = this.readAssignments(pairs.get('roles'));
        return { uri, index, span: docSpan, name, keys, kind: 'team', space, assignments, roles: keys.get('roles'), members, externalGroups };
      }
      case 'policy':
        return readPolicy(this.policyFields(pairs, keys, docSpan), { uri, index, span: docSpan, name, keys });
    }
  }

  /**
   * The documents of a policy file's YAML document (SPEC section 11): a mapping with a `policies` list,
   * each item one policy, numbered from `first` in the file.
   */
  readPolicies(first: number): PolicyDoc[] {
    const root = this.deref(this.contents);
    if (isNullScalar(root)) return [];
    if (!isMap(root)) {
      this.invalid(this.shown(root) ?? { start: 0, end: 0 }, 'A policy file', 'a mapping with a `policies:` list');
      return [];
    }
    this.checkUniqueKeys(root.items);
    let list: Pair | undefined;
    for (const pair of this.pairsOf(root.items)) {
      const key = this.keyOf(pair);
      if (!key) continue;
      if (key.key === 'kind') this.checkKind(pair);
      else if (key.key !== 'policies') this.unknownKey(key, 'a policy file', ['policies', 'kind']);
      else list ??= pair;
    }
    const node = list && this.deref(list.value as YNode);
    if (!list || isNullScalar(node)) return [];
    if (!isSeq(node)) {
      this.invalid(this.shown(node) ?? spanOf(list.key as YNode)!, '`policies`', 'a list of policies (`- name: ...` entries)');
      return [];
    }
    const out: PolicyDoc[] = [];
    for (const item of node.items) {
      const reader = new DocReader(this.uri, this.text, item as YNode, this.yamlDoc, 'policy', first + out.length, this.suffix, this.report, this.out, this.errors, this.guessed);
      const doc = reader.read();
      if (doc?.kind === 'policy') out.push(doc);
    }
    return out;
  }

  /** What a policy's fields hold, read as the kinds of value they take (policy.ts judges them). */
  private policyFields(pairs: ReadonlyMap<string, Pair>, keys: ReadonlyMap<string, KeyRef>, docSpan: Span): PolicyFields {
    const s = (key: string) => this.readString(pairs.get(key), `\`${key}\``);
    return {
      keys,
      docSpan,
      permission: s('permission'),
      capability: s('capability'),
      space: s('space'),
      environment: s('environment'),
      project: s('project'),
      projectGroup: s('projectGroup'),
      tenant: s('tenant'),
      untenanted: this.readFlag(pairs.get('untenanted'), '`untenanted`'),
      only: this.readNameList(pairs.get('only'), 'a principal'),
      includes: this.readNameList(pairs.get('includes'), 'a principal'),
      unrestricted: s('unrestricted'),
      invalid: (span, what, expected) => this.invalid(span, what, expected),
    };
  }

  /**
   * The span to report for a value: a scalar or flow collection whole, a block collection by its first
   * line, so that a diagnostic never covers a whole block.
   */
  private shown(node: YNode): Span | undefined {
    if (!node || !node.range) return undefined;
    const text = this.text;
    const start = node.range[0];
    let end = node.range[1];
    if (!isScalar(node) && !(node as { flow?: boolean }).flow) {
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || c === 13) {
          end = i;
          break;
        }
      }
    }
    while (end > start && isWhite(text, end - 1)) end--;
    return { start, end };
  }

  private readonly badAliases = new Set<Node>();

  /** Resolves an alias one level; an alias to no anchor is reported (once) and reads as empty. */
  private deref(node: YNode): YNode {
    if (node && isAlias(node)) {
      let target: YNode;
      try {
        target = this.yamlDoc ? (node.resolve(this.yamlDoc) as YNode) : undefined;
      } catch {
        target = undefined;
      }
      if (!target) {
        const span = spanOf(node);
        if (span && !this.badAliases.has(node)) {
          this.badAliases.add(node);
          this.invalid(span, `The alias \`*${node.source}\``, 'the name of an anchor (`&name`) defined above it');
        }
        return null;
      }
      return target;
    }
    return node;
  }

  /**
   * A mapping's pairs with YAML merge keys (`<<: *base` or `<<: [*a, *b]`) expanded one level: merged
   * keys count unless the mapping sets them itself, as in YAML 1.1.
   */
  private pairsOf(items: Pair[]): Pair[] {
    let merges = false;
    for (const p of items) if (isScalar(p.key) && p.key.value === '<<') merges = true;
    if (!merges) return items;
    const own = items.filter((p) => !(isScalar(p.key) && p.key.value === '<<'));
    const seen = new Set(own.map((p) => (isScalar(p.key) ? String(p.key.value) : '')));
    const merged: Pair[] = [];
    for (const p of items) {
      if (!(isScalar(p.key) && p.key.value === '<<')) continue;
      const value = this.deref(p.value as YNode);
      const sources = isSeq(value) ? value.items.map((i) => this.deref(i as YNode)) : [value];
      for (const src of sources) {
        if (!isMap(src)) {
          const span = spanOf(src) ?? spanOf(p.key as YNode);
          if (span) this.invalid(span, 'A merge key `<<`', 'an alias to a mapping, or a list of them');
          continue;
        }
        for (const q of src.items) {
          const k = isScalar(q.key) ? String(q.key.value) : '';
          if (k === '<<' || seen.has(k)) continue;
          seen.add(k);
          merged.push(q);
        }
      }
    }
    return [...own, ...merged];
  }

  private keyOf(pair: Pair): KeyRef | undefined {
    const keyNode = pair.key as YNode;
    const valueNode = pair.value as YNode;
    const keySpan = spanOf(keyNode);
    if (!keyNode || !keySpan) return undefined;
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      if (isScalar(keyNode) && keyNode.value !== null && keyNode.value !== undefined) {
        this.invalid(keySpan, 'A key', 'text such as `name`');
      } else if (!isScalar(keyNode)) {
        this.invalid(keySpan, 'A key', 'plain text, not a list or mapping');
      }
      return undefined;
    }
    const valueSpan = spanOf(valueNode);
    return {
      key: keyNode.value,
      keySpan,
      pairSpan: { start: keySpan.start, end: valueSpan ? Math.max(valueSpan.end, keySpan.end) : keySpan.end },
    };
  }

  private unknownKey(ref: KeyRef, where: string, allowed: readonly string[]): void {
    const suggestion = nearest(ref.key, allowed, 1)[0];
    this.out.push(
      this.report.finding(
        'unknown-key',
        ref.keySpan,
        { key: ref.key, where, suggestion, allowed },
        { candidates: suggestion ? [suggestion] : [] },
      ),
    );
  }

  private invalid(span: Span, what: string, expected: string): void {
    this.out.push(this.report.finding('invalid-value', span, { what, expected }));
  }

  private checkKind(pair: Pair | undefined): void {
    if (!pair) return;
    const node = this.deref(pair.value as YNode);
    const span = this.shown(node) ?? spanOf(pair.key as YNode) ?? { start: 0, end: 0 };
    if (!node || !isScalar(node) || typeof node.value !== 'string') {
      this.invalid(span, '`kind`', '`Role`, `Team`, `Space` or `Policy`');
      return;
    }
    const said = Object.entries(KIND_WORD).find(([, w]) => w.toLowerCase() === String(node.value).toLowerCase());
    if (!said) {
      this.invalid(span, '`kind`', '`Role`, `Team`, `Space` or `Policy`');
    } else if (said[0] !== this.kind) {
      this.out.push(
        this.report.finding(
          'kind-mismatch',
          span,
          { kind: said[1], suffixKind: this.kind, suffix: this.suffix || `.${this.kind}.yaml` },
          { candidates: [KIND_WORD[this.kind]] },
        ),
      );
    }
  }

  private readName(pair: Pair | undefined, keys: Map<string, KeyRef>, docSpan: Span): Name | undefined {
    const name = this.readString(pair, '`name`');
    if (name) {
      if (name.value.trim().length === 0 || name.value.length > MAX_NAME_LENGTH) {
        this.invalid(name.span, '`name`', `1 to ${MAX_NAME_LENGTH} characters long`);
        return undefined;
      }
      return name;
    }
    if (pair && (isAlias(pair.value) || !isNullScalar(this.deref(pair.value as YNode)))) return undefined;
    const anchor = keys.get('name')?.keySpan ?? keys.values().next().value?.keySpan ?? docSpan;
    this.out.push(this.report.finding('missing-name', anchor, { kind: this.kind }));
    return undefined;
  }

  /** A string value; reports anything else except an empty value, which counts as absent. */
  private readString(pair: Pair | undefined, what: string): Name | undefined {
    if (!pair) return undefined;
    const node = this.deref(pair.value as YNode);
    if (isNullScalar(node)) return undefined;
    const span = this.shown(node) ?? spanOf(pair.key as YNode)!;
    if (isScalar(node) && typeof node.value === 'string') return { value: node.value, span };
    this.invalid(span, what, isScalar(node) ? 'text; put the value in quotes' : 'text, not a list or mapping');
    return undefined;
  }

  /** A `true`/`false` value; anything else is reported. An empty value counts as absent. */
  private readFlag(pair: Pair | undefined, what: string): Flag | undefined {
    if (!pair) return undefined;
    const node = this.deref(pair.value as YNode);
    if (isNullScalar(node)) return undefined;
    const span = this.shown(node) ?? spanOf(pair.key as YNode)!;
    if (isScalar(node) && typeof node.value === 'boolean') return { value: node.value, span };
    this.invalid(span, what, '`true` or `false`');
    return undefined;
  }

  /** A space's `managers`: a mapping with `members` and `teams` lists. */
  private readManagers(pair: Pair | undefined): Managers | undefined {
    if (!pair) return undefined;
    const key = this.keyOf(pair);
    if (!key) return undefined;
    const node = this.deref(pair.value as YNode);
    if (isNullScalar(node)) return { key };
    if (!isMap(node)) {
      this.invalid(this.shown(node) ?? key.keySpan, '`managers`', 'a mapping with `members:` and `teams:` lists');
      return { key };
    }
    this.checkUniqueKeys(node.items);
    const byKey = new Map<string, Pair>();
    for (const p of this.pairsOf(node.items)) {
      const k = this.keyOf(p);
      if (!k) continue;
      if (!MANAGER_KEYS.includes(k.key)) this.unknownKey(k, '`managers`', MANAGER_KEYS);
      else if (!byKey.has(k.key)) byKey.set(k.key, p);
    }
    return { key, members: this.readNameList(byKey.get('members'), 'a user name'), teams: this.readNameList(byKey.get('teams'), "a team's name") };
  }

  /**
   * A space's `projectGroups` written as a map from each group to its projects (SPEC section 3); undefined
   * for any other value, which is read as a list. A project in two groups is reported where it is repeated.
   */
  private readGroupMap(pair: Pair | undefined): { groups: NameList; entries: ProjectGroup[] } | undefined {
    const key = pair && this.keyOf(pair);
    const node = pair && this.deref(pair.value as YNode);
    if (!key || !isMap(node)) return undefined;
    this.checkUniqueKeys(node.items);
    const entries: ProjectGroup[] = [];
    const groupOf = new Map<string, string>();
    for (const p of this.pairsOf(node.items)) {
      const group = this.keyOf(p);
      if (!group) continue;
      if (group.key.length === 0) {
        this.invalid(group.keySpan, 'A project group', 'a name, not empty');
        continue;
      }
      const projects = this.readNameList(p, "a project's name") ?? { key: group, items: [] };
      for (const project of projects.items) {
        const first = groupOf.get(project.value);
        if (first === undefined) groupOf.set(project.value, group.key);
        else this.invalid(project.span, `Project \`${project.value}\``, `in one project group only; it is already in \`${first}\``);
      }
      entries.push({ name: { value: group.key, span: group.keySpan }, projects });
    }
    return { groups: { key, items: entries.map((e) => e.name), valueSpan: spanOf(node) }, entries };
  }

  private readOptionalString(pair: Pair | undefined, what: string): void {
    if (!pair) return;
    const node = this.deref(pair.value as YNode);
    if (isNullScalar(node) || (isScalar(node) && typeof node.value !== 'object')) return;
    this.invalid(this.shown(node) ?? spanOf(pair.key as YNode)!, what, 'text, not a list or mapping');
  }

  /** A list of strings under a key. An empty value is an empty list. */
  private readNameList(pair: Pair | undefined, itemWhat: string): NameList | undefined {
    if (!pair) return undefined;
    const key = this.keyOf(pair);
    if (!key) return undefined;
    const node = this.deref(pair.value as YNode);
    if (isNullScalar(node)) return { key, items: [] };
    if (!isSeq(node)) {
      this.invalid(this.shown(node) ?? key.keySpan, `\`${key.key}\``, 'a list (`- item` lines or `[a, b]`)');
      return { key, items: [] };
    }
    const items: Name[] = [];
    for (const raw of node.items) {
      const item = this.deref(raw as YNode);
      const span = this.shown(item) ?? spanOf(raw as YNode);
      if (isScalar(item) && typeof item.value === 'string' && span) {
        if (item.value.length > 0) items.push({ value: item.value, span });
        else this.invalid(span, `An item of \`${key.key}\``, `${itemWhat}, not empty`);
      } else if (span) {
        // An alias to a list or mapping is reported where it is used, not once per use at its anchor.
        this.invalid(isAlias(raw) ? spanOf(raw as YNode) ?? span : span, `An item of \`${key.key}\``, isScalar(item) ? `${itemWhat} in quotes` : itemWhat);
      }
    }
    return { key, items, valueSpan: spanOf(node) };
  }

  private readAssignments(pair: Pair | undefined): Assignment[] {
    if (!pair) return [];
    const node = this.deref(pair.value as YNode);
    if (isNullScalar(node)) return [];
    if (!isSeq(node)) {
      this.invalid(this.shown(node) ?? spanOf(pair.key as YNode)!, '`roles`', 'a list of role names or `- role:` entries');
      return [];
    }
    const result: Assignment[] = [];
    for (const raw of node.items) {
      const item = this.deref(raw as YNode);
      const span = spanOf(item) ?? spanOf(raw as YNode);
      const shown = this.shown(item) ?? span;
      if (!span || !shown) continue;
      if (isScalar(item)) {
        if (typeof item.value === 'string' && item.value.length > 0) {
          result.push({ role: { value: item.value, span }, span, restrictions: [] });
        } else {
          this.invalid(shown, 'A role assignment', 'a role name or a mapping with `role:`');
        }
        continue;
      }
      if (!isMap(item)) {
        this.invalid(shown, 'A role assignment', 'a role name or a mapping with `role:`');
        continue;
      }
      this.checkUniqueKeys(item.items);
      const a = this.readLongAssignment(this.pairsOf(item.items), span, shown);
      if (a) result.push(a);
    }
    return result;
  }

  private readLongAssignment(pairs: Pair[], span: Span, shown: Span): Assignment | undefined {
    const byKey = new Map<string, Pair>();
    for (const p of pairs) {
      const key = this.keyOf(p);
      if (!key) continue;
      if (!ASSIGNMENT_KEYS.includes(key.key)) this.unknownKey(key, 'a role assignment', ASSIGNMENT_KEYS);
      else if (!byKey.has(key.key)) byKey.set(key.key, p);
    }
    const rolePair = byKey.get('role');
    const role = this.readString(rolePair, '`role`');
    if (!role) {
      if (!rolePair || isNullScalar(this.deref(rolePair.value as YNode))) {
        this.invalid(rolePair ? spanOf(rolePair.key as YNode)! : shown, 'A role assignment', 'given a `role:`');
      }
      return undefined;
    }
    const spacePair = byKey.get('space');
    const space = this.readString(spacePair, '`space`');
    const restrictions: Restriction[] = [];
    for (const dim of DIMENSIONS) {
      const list = this.readNameList(byKey.get(dim), 'a name');
      if (list && list.items.length > 0) restrictions.push({ dimension: dim, list });
    }
    return {
      role,
      span,
      space,
      spaceKey: spacePair ? this.keyOf(spacePair) : undefined,
      restrictions,
    };
  }
}

/**
 * A space's projects where `projectGroups` maps groups to projects: the declared list (absent: none) and
 * every project of the map that it does not hold.
 */
function withMapped(declared: NameList | undefined, map: { groups: NameList; entries: readonly ProjectGroup[] }): NameList {
  const known = new Set(declared?.items.map((i) => i.value));
  const items = [...(declared?.items ?? [])];
  for (const e of map.entries) {
    for (const p of e.projects.items) {
      if (known.has(p.value)) continue;
      known.add(p.value);
      items.push(p);
    }
  }
  return declared ? { ...declared, items } : { key: map.groups.key, items };
}

/** A pair's key as the duplicate check compares it: text or a number, not a merge key, null or a collection. */
function plainKey(pair: Pair): string | undefined {
  const key = pair.key as YNode;
  if (!isScalar(key) || key.value === '<<' || key.value === null || typeof key.value === 'object' || !key.range) return undefined;
  return String(key.value);
}

/** Whether the character at `i` is white space (as `\s` in a regular expression). */
function isWhite(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c > 127 && /\s/.test(text[i]);
}

function isNullScalar(node: YNode): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

