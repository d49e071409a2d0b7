/**
 * The workspace configuration file `.octopus-roles.yaml` and the settings every entry point normalises
 * into one typed object. Settings are untrusted input: anything malformed is reported and replaced by
 * its default, never thrown.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import { diagnosticOf as makeDiagnostic, isRuleCode, RULE_CODES, RULES, type RuleCode, type SeveritySetting } from './rules/registry';
import { nearest } from './util/suggest';
import { frontEndOf } from './syntax';
import type { Diagnostic } from './model/types';

export const CONFIG_FILE_NAME = '.octopus-roles.yaml';
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

const SEVERITIES: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];
const CONFIG_KEYS = ['rules', 'maxFileSize', 'exclude', 'terraform', 'root'];

/** The settings the service needs, already validated. */
export interface Settings {
  /** Severity overrides by rule code. */
  readonly rules: Readonly<Partial<Record<RuleCode, SeveritySetting>>>;
  /** Rule options by rule code (`implicit-system-grant: { builtInRoles: off }`): false turns one off. Absent: all on. */
  readonly ruleOptions?: RuleOptionSettings;
  /** Files larger than this many bytes are not analysed. */
  readonly maxFileSize: number;
  /** False: `.tf` files are not read (SPEC section 9). Absent means true. */
  readonly terraform?: boolean;
}

/** Rule options as configured: by rule code, each option's name to on (true) or off (false). */
export type RuleOptionSettings = Readonly<Partial<Record<RuleCode, Readonly<Record<string, boolean>>>>>;

/** True when a rule option turned off in `settings` leaves `d` out (rules/rule.ts, `RuleOption`). */
export function droppedByOption(d: Diagnostic, settings: Settings): boolean {
  const set = isRuleCode(d.code) ? settings.ruleOptions?.[d.code] : undefined;
  if (!set) return false;
  const options = RULES[d.code as RuleCode].options ?? {};
  return Object.entries(set).some(([name, on]) => !on && options[name]?.drops(d) === true);
}

export const DEFAULT_SETTINGS: Settings = { rules: {}, maxFileSize: DEFAULT_MAX_FILE_SIZE };

/**
 * False when the settings turn off the syntax the file at `path` is written in: `terraform: false` (or the
 * editor's `octopusRoles.terraform.enable`) turns Terraform files off (SPEC section 9).
 */
export function syntaxEnabled(path: string, settings: Settings): boolean {
  return !(frontEndOf(path)?.syntax === 'terraform' && settings.terraform === false);
}

/** Normalises a severity written by a user (`info` and `warn` are accepted as aliases). */
export function parseSeverity(value: unknown): SeveritySetting | undefined {
  if (typeof value === 'boolean') return value ? undefined : 'off';
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'info') return 'information';
  if (v === 'warn') return 'warning';
  if (v === 'none' || v === 'ignore') return 'off';
  return (SEVERITIES as readonly string[]).includes(v) ? (v as SeveritySetting) : undefined;
}

/** Parses a size such as `2MB`, `512 KB` or a number of bytes. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
  if (typeof value !== 'string') return undefined;
  // Trimmed first: `\s*` on both sides of an optional part backtracks quadratically over a run of spaces.
  const m = /^(\d+(?:\.\d+)?)\s*(b|bytes?|kb|k|kib|mb|m|mib|gb|g|gib)?$/i.exec(value.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('g') ? 1024 ** 3 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('k') ? 1024 : 1;
  const n = Math.floor(parseFloat(m[1]) * factor);
  return n > 0 ? n : undefined;
}

/** The keys a configuration file sets, each only when it is present and valid. */
export interface ConfigKeys {
  readonly rules?: Readonly<Partial<Record<RuleCode, SeveritySetting>>>;
  readonly ruleOptions?: RuleOptionSettings;
  readonly maxFileSize?: number;
  /** Globs relative to the configuration file's folder. */
  readonly exclude?: readonly string[];
  readonly terraform?: boolean;
  /**
   * True: this folder is a workspace root. Its files and the folders below form one model, which a
   * workspace around it does not read, and configuration files above it do not apply here.
   */
  readonly root?: boolean;
}

const MAX_SUGGESTED_CODES = 200;

/** The longest glob accepted; a longer one is reported (in a configuration file) or dropped (in settings). */
export const MAX_GLOB_LENGTH = 1000;

/**
 * Reads `.octopus-roles.yaml`. `keys` holds only what the file sets (a commented-out `maxFileSize` is not
 * set), `settings` the same over the defaults. Problems are returned as diagnostics on that file.
 *
 * Linear in the size of the file: the parser's own duplicate-key check compares each key with every
 * earlier one, so it is off and duplicates are found here with a set (a file of 30,000 keys took seconds).
 */
export function parseConfig(text: string): { settings: Settings; keys: ConfigKeys; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const keys: { rules?: Partial<Record<RuleCode, SeveritySetting>>; ruleOptions?: RuleOptionSettings; maxFileSize?: number; exclude?: string[]; terraform?: boolean; root?: boolean } = {};
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  for (const e of doc.errors) {
    diagnostics.push(makeDiagnostic('yaml-syntax', { start: e.pos[0], end: e.pos[1] }, { detail: e.message.split('\n')[0] }));
  }
  const root = doc.contents as Node | null;
  const span = (n: Node | null | undefined) => (n?.range ? { start: n.range[0], end: n.range[1] } : { start: 0, end: 0 });
  const duplicate = (seen: Set<string>, name: string, key: Node): boolean => {
    if (!seen.has(name)) {
      seen.add(name);
      return false;
    }
    diagnostics.push(makeDiagnostic('yaml-syntax', span(key), { detail: `the key \`${name}\` is set twice; map keys must be unique` }));
    return true;
  };
  if (root && !(isScalar(root) && root.value === null)) {
    if (!isMap(root)) {
      diagnostics.push(makeDiagnostic('invalid-value', span(root), { what: 'The configuration', expected: 'a mapping with `rules:`, `maxFileSize:` and `exclude:`' }));
    } else {
      const seenKeys = new Set<string>();
      for (const pair of root.items) {
        const key = pair.key as Node;
        const keyName = isScalar(key) ? String(key.value) : '';
        const value = pair.value as Node | null;
        if (duplicate(seenKeys, keyName, key)) continue;
        if (keyName === 'rules') {
          if (isScalar(value) && value.value === null) continue;
          if (!isMap(value)) {
            diagnostics.push(makeDiagnostic('invalid-value', span(value ?? key), { what: '`rules`', expected: 'a mapping of rule codes to severities' }));
            continue;
          }
          const read = parseRules(value, span, duplicate, diagnostics);
          keys.rules = read.rules;
          if (Object.keys(read.options).length) keys.ruleOptions = read.options;
        } else if (keyName === 'maxFileSize') {
          const size = isScalar(value) ? parseSize(value.value) : undefined;
          if (size === undefined) {
            diagnostics.push(makeDiagnostic('invalid-value', span(value ?? key), { what: '`maxFileSize`', expected: 'a positive size such as `2MB`, `512KB` or a number of bytes' }));
          } else keys.maxFileSize = size;
        } else if (keyName === 'exclude') {
          const exclude = parseExclude(value, key, span, diagnostics);
          if (exclude) keys.exclude = exclude;
        } else if (keyName === 'terraform' || keyName === 'root') {
          if (isScalar(value) && typeof value.value === 'boolean') keys[keyName] = value.value;
          else diagnostics.push(makeDiagnostic('invalid-value', span(value ?? key), { what: `\`${keyName}\``, expected: '`true` or `false`' }));
        } else {
          const suggestion = nearest(keyName, CONFIG_KEYS, 1)[0];
          diagnostics.push(makeDiagnostic('unknown-key', span(key), { key: keyName, where: 'the configuration', suggestion, allowed: CONFIG_KEYS }, { candidates: suggestion ? [suggestion] : [] }));
        }
      }
    }
  }
  return { settings: mergeSettings(keys), keys, diagnostics };
}

type SpanOf = (n: Node | null | undefined) => { start: number; end: number };
type Duplicate = (seen: Set<string>, name: string, key: Node) => boolean;

/** `rules:`: each code's severity, or a map of its `severity` and its options. */
function parseRules(value: YAMLMap, span: SpanOf, duplicate: Duplicate, diagnostics: Diagnostic[]): { rules: Partial<Record<RuleCode, SeveritySetting>>; options: Partial<Record<RuleCode, Record<string, boolean>>> } {
  const rules: Partial<Record<RuleCode, SeveritySetting>> = {};
  const options: Partial<Record<RuleCode, Record<string, boolean>>> = {};
  const seenCodes = new Set<string>();
  let unknownCodes = 0;
  for (const rp of value.items) {
    const rk = rp.key as Node;
    const code = isScalar(rk) ? String(rk.value) : '';
    if (duplicate(seenCodes, code, rk)) continue;
    if (!isRuleCode(code)) {
      // Did-you-mean for the first unknown codes only, as for permission lists: the rest cost time, not help.
      const suggestion = unknownCodes++ < MAX_SUGGESTED_CODES ? nearest(code, RULE_CODES, 1)[0] : undefined;
      diagnostics.push(makeDiagnostic('unknown-key', span(rk), { key: code, where: '`rules`', suggestion, allowed: RULE_CODES }, { candidates: suggestion ? [suggestion] : [] }));
      continue;
    }
    const rv = rp.value as Node | null;
    if (isMap(rv)) {
      const read = parseRuleMap(code, rv, span, duplicate, diagnostics);
      if (read.severity) rules[code] = read.severity;
      if (Object.keys(read.options).length) options[code] = read.options;
      continue;
    }
    const severity = isScalar(rv) ? parseSeverity(rv.value) : undefined;
    if (!severity) {
      const expected = RULES[code].options ? `\`error\`, \`warning\`, \`information\`, \`hint\` or \`off\`, or a map of \`severity\` and the rule's options (${Object.keys(RULES[code].options!).map((o) => `\`${o}\``).join(', ')})` : '`error`, `warning`, `information`, `hint` or `off`';
      diagnostics.push(makeDiagnostic('invalid-value', span(rv ?? rk), { what: `The severity of \`${code}\``, expected }));
      continue;
    }
    rules[code] = severity;
  }
  return { rules, options };
}

/** An option's value: `on` or `off` (or `true`, `false`). */
function parseSwitch(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return v === 'on' ? true : v === 'off' ? false : undefined;
}

/** A rule's map in `rules:`: `{ severity: ..., OPTION: on | off }`, each key checked against the rule's entry. */
function parseRuleMap(code: RuleCode, map: YAMLMap, span: SpanOf, duplicate: Duplicate, diagnostics: Diagnostic[]): { severity?: SeveritySetting; options: Record<string, boolean> } {
  const declared = RULES[code].options ?? {};
  const allowed = ['severity', ...Object.keys(declared)];
  const out: { severity?: SeveritySetting; options: Record<string, boolean> } = { options: {} };
  const seen = new Set<string>();
  for (const p of map.items) {
    const k = p.key as Node;
    const name = isScalar(k) ? String(k.value) : '';
    const v = p.value as Node | null;
    if (duplicate(seen, name, k)) continue;
    if (name === 'severity') {
      const severity = isScalar(v) ? parseSeverity(v.value) : undefined;
      if (severity) out.severity = severity;
      else diagnostics.push(makeDiagnostic('invalid-value', span(v ?? k), { what: `The severity of \`${code}\``, expected: '`error`, `warning`, `information`, `hint` or `off`' }));
    } else if (Object.prototype.hasOwnProperty.call(declared, name)) {
      const on = isScalar(v) ? parseSwitch(v.value) : undefined;
      if (on === undefined) diagnostics.push(makeDiagnostic('invalid-value', span(v ?? k), { what: `The option \`${name}\` of \`${code}\``, expected: '`on` or `off`' }));
      else out.options[name] = on;
    } else {
      const suggestion = nearest(name, allowed, 1)[0];
      const where = allowed.length > 1 ? `\`${code}\` (its severity and options)` : `\`${code}\` (it has no options, only \`severity\`)`;
      diagnostics.push(makeDiagnostic('unknown-key', span(k), { key: name, where, suggestion, allowed }, { candidates: suggestion ? [suggestion] : [] }));
    }
  }
  return out;
}

/** `exclude:` is one glob or a list of them; an empty value sets an empty list (nothing excluded). */
function parseExclude(value: Node | null, key: Node, span: (n: Node | null | undefined) => { start: number; end: number }, diagnostics: Diagnostic[]): string[] | undefined {
  if (value === null || (isScalar(value) && value.value === null)) return [];
  const items = isSeq(value) ? (value.items as (Node | null)[]) : [value];
  if (!isSeq(value) && !isScalar(value)) {
    diagnostics.push(makeDiagnostic('invalid-value', span(value ?? key), { what: '`exclude`', expected: 'a glob or a list of globs relative to this folder' }));
    return undefined;
  }
  const globs: string[] = [];
  for (const item of items) {
    if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim() === '') {
      diagnostics.push(makeDiagnostic('invalid-value', span(item ?? value), { what: 'An `exclude` entry', expected: 'a glob such as `generated/**`' }));
    } else if (item.value.length > MAX_GLOB_LENGTH) {
      diagnostics.push(makeDiagnostic('invalid-value', span(item), { what: 'An `exclude` entry', expected: `a glob of at most ${MAX_GLOB_LENGTH} characters` }));
    } else globs.push(item.value);
  }
  return globs;
}

/** Settings from several sources; later ones win rule by rule. */
export function mergeSettings(...layers: readonly Partial<Settings>[]): Settings {
  let rules: Partial<Record<RuleCode, SeveritySetting>> = {};
  const ruleOptions: Partial<Record<RuleCode, Record<string, boolean>>> = {};
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  let terraform: boolean | undefined;
  for (const layer of layers) {
    if (layer.rules) rules = { ...rules, ...layer.rules };
    // Key by key, as severities: a deeper file's option overrides the same option above it, and no other.
    for (const [code, set] of Object.entries(layer.ruleOptions ?? {}) as [RuleCode, Record<string, boolean>][]) ruleOptions[code] = { ...ruleOptions[code], ...set };
    if (layer.maxFileSize !== undefined) maxFileSize = layer.maxFileSize;
    if (layer.terraform !== undefined) terraform = layer.terraform;
  }
  return { rules, maxFileSize, ...(Object.keys(ruleOptions).length ? { ruleOptions } : {}), ...(terraform === undefined ? {} : { terraform }) };
}

/** Editor settings (`octopusRoles.*`), normalised. */
export interface EditorSettings extends Settings {
  /** Glob patterns (relative to the workspace folder) of files not to analyse. */
  readonly exclude: readonly string[];
}

/**
 * Normalises the `octopusRoles` section that an editor sends. Unknown codes, bad severities and bad
 * sizes are dropped; the result always has every field.
 */
export function normaliseEditorSettings(raw: unknown): EditorSettings {
  const obj = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const rules: Partial<Record<RuleCode, SeveritySetting>> = {};
  const ruleOptions: Partial<Record<RuleCode, Record<string, boolean>>> = {};
  if (obj.rules !== null && typeof obj.rules === 'object') {
    for (const [code, value] of Object.entries(obj.rules as Record<string, unknown>)) {
      if (!isRuleCode(code)) continue;
      const read = editorRule(code, value);
      if (read.severity) rules[code] = read.severity;
      if (read.options) ruleOptions[code] = read.options;
    }
  }
  const exclude = Array.isArray(obj.exclude) ? obj.exclude.filter((e): e is string => typeof e === 'string' && e.trim() !== '' && e.length <= MAX_GLOB_LENGTH) : [];
  const maxFileSize = parseSize(obj.maxFileSize) ?? DEFAULT_MAX_FILE_SIZE;
  // `octopusRoles.terraform.enable` arrives as `{ terraform: { enable } }`.
  const tf = obj.terraform !== null && typeof obj.terraform === 'object' ? (obj.terraform as Record<string, unknown>).enable : undefined;
  return { rules, maxFileSize, exclude, ...(Object.keys(ruleOptions).length ? { ruleOptions } : {}), ...(typeof tf === 'boolean' ? { terraform: tf } : {}) };
}

/**
 * One rule of the editor's `octopusRoles.rules`: a severity, or as in `.octopus-roles.yaml` a map of
 * `severity` and the rule's options, each `on`/`off` or a JSON boolean. What is not understood is dropped.
 */
function editorRule(code: RuleCode, value: unknown): { severity?: SeveritySetting; options?: Record<string, boolean> } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { severity: parseSeverity(value) };
  const declared = RULES[code].options ?? {};
  const options: Record<string, boolean> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!Object.prototype.hasOwnProperty.call(declared, name)) continue;
    const on = parseSwitch(v);
    if (on !== undefined) options[name] = on;
  }
  return { severity: parseSeverity((value as Record<string, unknown>).severity), ...(Object.keys(options).length ? { options } : {}) };
}

/** A compiled glob: `test` says whether a `/`-separated relative path matches. */
export interface Glob {
  test(path: string): boolean;
}

/** What a move of the glob automaton accepts: any character, any but `/`, `/`, or one character. */
type Accept = { readonly kind: 'any' | 'notSlash' | 'slash' } | { readonly kind: 'char'; readonly char: string };

const NOTHING: Glob = { test: () => false };

/**
 * Compiles a glob (`**`, `*`, `?`, `{a,b}`, nestable) over `/`-separated relative paths, as .gitignore
 * reads it: a pattern without a slash matches at any depth, and a folder's pattern matches what is in it.
 * A `{` without its `}` and a `}` or `,` outside braces are ordinary characters.
 *
 * Globs come from settings and configuration files, which a repository can plant, so nothing here may
 * backtrack or recurse: braces are paired in one pass with a stack (a recursive descent that retried an
 * unclosed `{` took exponential time on 34 of them, and 20,000 nested braces overflowed the stack), the
 * automaton is built in one loop, and matching simulates all of its states at once, in time proportional
 * to the path's length times the pattern's (a backtracking RegExp for `*a*a*a*a*a*a*a*a*c` takes minutes).
 * A glob longer than MAX_GLOB_LENGTH matches nothing.
 */
export function compileGlob(glob: string): Glob {
  if (glob.length > MAX_GLOB_LENGTH) return NOTHING;
  const g = glob.replace(/^\.\//, '').replace(/\\/g, '/');
  // Pair braces: closeOf[i] is the index of the `}` that closes the `{` at i, or -1.
  const closeOf = new Int32Array(g.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < g.length; i++) {
    if (g[i] === '{') open.push(i);
    else if (g[i] === '}' && open.length) closeOf[open.pop()!] = i;
  }
  const eps: number[][] = [];
  const on: { accept: Accept; to: number }[][] = [];
  const add = (): number => {
    eps.push([]);
    on.push([]);
    return eps.length - 1;
  };
  const start = add();
  let cur = start;
  const step = (accept: Accept) => {
    const next = add();
    on[cur].push({ accept, to: next });
    cur = next;
  };
  // `**/` first: nothing, or anything that ends with a slash.
  const dirs = () => {
    const next = add();
    eps[cur].push(next);
    on[cur].push({ accept: { kind: 'any' }, to: cur }, { accept: { kind: 'slash' }, to: next });
    cur = next;
  };
  if (!g.includes('/')) dirs();
  // Open braces: where their alternatives start from, where each finished alternative ends, their `}`.
  const frames: { entry: number; ends: number[]; close: number }[] = [];
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    const frame = frames[frames.length - 1];
    if (c === '{' && closeOf[i] >= 0) {
      frames.push({ entry: cur, ends: [], close: closeOf[i] });
      const alt = add();
      eps[cur].push(alt);
      cur = alt;
    } else if (frame && c === ',') {
      frame.ends.push(cur);
      const alt = add();
      eps[frame.entry].push(alt);
      cur = alt;
    } else if (frame && i === frame.close) {
      frames.pop();
      const next = add();
      for (const end of [...frame.ends, cur]) eps[end].push(next);
      cur = next;
    } else if (c === '*') {
      if (g[i + 1] === '*' && g[i + 2] === '/') {
        dirs();
        i += 2;
      } else {
        const globstar = g[i + 1] === '*';
        if (globstar) i++;
        const next = add();
        on[cur].push({ accept: { kind: globstar ? 'any' : 'notSlash' }, to: cur });
        eps[cur].push(next);
        cur = next;
      }
    } else if (c === '?') step({ kind: 'notSlash' });
    else step({ kind: 'char', char: c });
  }
  const end = cur;
  const inside = add(); // past the end: a path below the matched folder
  on[end].push({ accept: { kind: 'slash' }, to: inside });
  on[inside].push({ accept: { kind: 'any' }, to: inside });
  return { test: (path) => simulate(eps, on, start, path, (s) => s === end || s === inside) };
}

function accepts(a: Accept, c: string): boolean {
  switch (a.kind) {
    case 'any':
      return true;
    case 'notSlash':
      return c !== '/';
    case 'slash':
      return c === '/';
    default:
      return c === a.char;
  }
}

/** Runs the automaton over `path` with all current states at once (no backtracking). */
function simulate(eps: readonly number[][], on: readonly { accept: Accept; to: number }[][], start: number, path: string, final: (s: number) => boolean): boolean {
  const mark = new Int32Array(eps.length).fill(-1);
  let generation = 0;
  const closure = (seeds: number[]): number[] => {
    const states: number[] = [];
    const todo = seeds.filter((s) => mark[s] !== generation && (mark[s] = generation) >= 0);
    while (todo.length) {
      const s = todo.pop()!;
      states.push(s);
      for (const t of eps[s]) {
        if (mark[t] === generation) continue;
        mark[t] = generation;
        todo.push(t);
      }
    }
    return states;
  };
  let states = closure([start]);
  for (const c of path) {
    const next: number[] = [];
    for (const s of states) for (const move of on[s]) if (accepts(move.accept, c)) next.push(move.to);
    if (next.length === 0) return false;
    generation++;
    states = closure(next);
  }
  return states.some(final);
}
