/**
 * The workspace configuration file `.octopus-roles.yaml` and the settings every entry point normalises
 * into one typed object. Settings are untrusted input: anything malformed is reported and replaced by
 * its default, never thrown.
 */
import { isMap, isScalar, parseDocument, type Node } from 'yaml';
import { diagnosticOf as makeDiagnostic, isRuleCode, RULE_CODES, type RuleCode, type SeveritySetting } from './rules/registry';
import { nearest } from './util/suggest';
import type { Diagnostic } from './model/types';

export const CONFIG_FILE_NAME = '.octopus-roles.yaml';
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

const SEVERITIES: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];
const CONFIG_KEYS = ['rules', 'maxFileSize', 'terraform'];

/** The settings the service needs, already validated. */
export interface Settings {
  /** Severity overrides by rule code. */
  readonly rules: Readonly<Partial<Record<RuleCode, SeveritySetting>>>;
  /** Files larger than this many bytes are not analysed. */
  readonly maxFileSize: number;
  /** False: `.tf` files are not read (SPEC section 9). Absent means true. */
  readonly terraform?: boolean;
}

export const DEFAULT_SETTINGS: Settings = { rules: {}, maxFileSize: DEFAULT_MAX_FILE_SIZE };

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

/** Reads `.octopus-roles.yaml`. Problems are returned as diagnostics on that file. */
export function parseConfig(text: string): { settings: Settings; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const rules: Partial<Record<RuleCode, SeveritySetting>> = {};
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  let terraform: boolean | undefined;
  const doc = parseDocument(text, { prettyErrors: false });
  for (const e of doc.errors) {
    diagnostics.push(makeDiagnostic('yaml-syntax', { start: e.pos[0], end: e.pos[1] }, { detail: e.message.split('\n')[0] }));
  }
  const root = doc.contents as Node | null;
  const span = (n: Node | null | undefined) => (n?.range ? { start: n.range[0], end: n.range[1] } : { start: 0, end: 0 });
  if (root && !(isScalar(root) && root.value === null)) {
    if (!isMap(root)) {
      diagnostics.push(makeDiagnostic('invalid-value', span(root), { what: 'The configuration', expected: 'a mapping with `rules:` and `maxFileSize:`' }));
    } else {
      for (const pair of root.items) {
        const key = pair.key as Node;
        const keyName = isScalar(key) ? String(key.value) : '';
        const value = pair.value as Node | null;
        if (keyName === 'rules') {
          if (isScalar(value) && value.value === null) continue;
          if (!isMap(value)) {
            diagnostics.push(makeDiagnostic('invalid-value', span(value ?? key), { what: '`rules`', expected: 'a mapping of rule codes to severities' }));
            continue;
          }
          for (const rp of value.items) {
            const rk = rp.key as Node;
            const code = isScalar(rk) ? String(rk.value) : '';
            if (!isRuleCode(code)) {
              const suggestion = nearest(code, RULE_CODES, 1)[0];
              diagnostics.push(
                makeDiagnostic('unknown-key', span(rk), { key: code, where: '`rules`', suggestion, allowed: RULE_CODES }, { candidates: suggestion ? [suggestion] : [] }),
              );
              continue;
            }
            const rv = rp.value as Node | null;
            const severity = isScalar(rv) ? parseSeverity(rv.value) : undefined;
            if (!severity) {
              diagnostics.push(makeDiagnostic('invalid-value', span(rv ?? rk), { what: `The severity of \`${code}\``, expected: '`error`, `warning`, `information`, `hint` or `off`' }));
              continue;
            }
            rules[code] = severity;
          }
        } else if (keyName === 'maxFileSize') {
          const size = isScalar(value) ? parseSize(value.value) : undefined;
          if (size === undefined) {
            diagnostics.push(makeDiagnostic('invalid-value', span(value ?? key), { what: '`maxFileSize`', expected: 'a positive size such as `2MB`, `512KB` or a number of bytes' }));
          } else maxFileSize = size;
        } else if (keyName === 'terraform') {
          if (isScalar(value) && typeof value.value === 'boolean') terraform = value.value;
          else diagnostics.push(makeDiagnostic('invalid-value', span(value ?? key), { what: '`terraform`', expected: '`true` or `false`' }));
        } else {
          const suggestion = nearest(keyName, CONFIG_KEYS, 1)[0];
          diagnostics.push(makeDiagnostic('unknown-key', span(key), { key: keyName, where: 'the configuration', suggestion, allowed: CONFIG_KEYS }, { candidates: suggestion ? [suggestion] : [] }));
        }
      }
    }
  }
  return { settings: { rules, maxFileSize, ...(terraform === undefined ? {} : { terraform }) }, diagnostics };
}

/** Settings from several sources; later ones win rule by rule. */
export function mergeSettings(...layers: readonly Partial<Settings>[]): Settings {
  let rules: Partial<Record<RuleCode, SeveritySetting>> = {};
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  let terraform = true;
  for (const layer of layers) {
    if (layer.rules) rules = { ...rules, ...layer.rules };
    if (layer.maxFileSize !== undefined) maxFileSize = layer.maxFileSize;
    if (layer.terraform !== undefined) terraform = layer.terraform;
  }
  return { rules, maxFileSize, terraform };
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
  if (obj.rules !== null && typeof obj.rules === 'object') {
    for (const [code, value] of Object.entries(obj.rules as Record<string, unknown>)) {
      const severity = parseSeverity(value);
      if (isRuleCode(code) && severity) rules[code] = severity;
    }
  }
  const exclude = Array.isArray(obj.exclude) ? obj.exclude.filter((e): e is string => typeof e === 'string' && e.trim() !== '') : [];
  const maxFileSize = parseSize(obj.maxFileSize) ?? DEFAULT_MAX_FILE_SIZE;
  // `octopusRoles.terraform.enable` arrives as `{ terraform: { enable } }`.
  const tf = obj.terraform !== null && typeof obj.terraform === 'object' ? (obj.terraform as Record<string, unknown>).enable : undefined;
  return { rules, maxFileSize, exclude, ...(typeof tf === 'boolean' ? { terraform: tf } : {}) };
}

/** A compiled glob: `test` says whether a `/`-separated relative path matches. */
export interface Glob {
  test(path: string): boolean;
}

type GlobPart = string | 'ANY1' | 'STAR' | 'GLOBSTAR' | 'DIRS' | GlobPart[][];

/**
 * Compiles a glob (`**`, `*`, `?`, `{a,b}`, nestable) over `/`-separated relative paths, as .gitignore
 * reads it: a pattern without a slash matches at any depth, and a folder's pattern matches what is in it.
 *
 * Globs come from settings, which a workspace can set, so matching must not be a regular expression:
 * `*a*a*a*a*a*a*a*a*c` as a backtracking RegExp takes minutes on a long name. This simulates the pattern
 * as an automaton over all its states at once, in time proportional to the path's length times the
 * pattern's. A `{` without its `}` is an ordinary character.
 */
export function compileGlob(glob: string): Glob {
  const g = glob.replace(/^\.\//, '').replace(/\\/g, '/');
  const parts = parseGlob(g, { at: 0 }, false);
  // The automaton: per state, moves without input (eps) and moves on a character (on).
  const eps: number[][] = [];
  const on: { test: (c: string) => boolean; to: number }[][] = [];
  const add = (): number => {
    eps.push([]);
    on.push([]);
    return eps.length - 1;
  };
  const any = () => true;
  const notSlash = (c: string) => c !== '/';
  const slash = (c: string) => c === '/';
  const build = (seq: readonly GlobPart[], from: number): number => {
    let cur = from;
    for (const part of seq) {
      const next = add();
      if (Array.isArray(part)) {
        for (const alt of part) {
          const s = add();
          eps[cur].push(s);
          eps[build(alt, s)].push(next);
        }
      } else if (part === 'ANY1') on[cur].push({ test: notSlash, to: next });
      else if (part === 'STAR' || part === 'GLOBSTAR') {
        on[cur].push({ test: part === 'STAR' ? notSlash : any, to: cur });
        eps[cur].push(next);
      } else if (part === 'DIRS') {
        // `**/`: nothing, or anything that ends with a slash.
        eps[cur].push(next);
        on[cur].push({ test: any, to: cur }, { test: slash, to: next });
      } else on[cur].push({ test: (c) => c === part, to: next });
      cur = next;
    }
    return cur;
  };
  const start = add();
  const end = build(g.includes('/') ? parts : ['DIRS', ...parts], start);
  const inside = add(); // past the end: a path below the matched folder
  on[end].push({ test: slash, to: inside });
  on[inside].push({ test: any, to: inside });
  const closure = (states: Set<number>): Set<number> => {
    const todo = [...states];
    while (todo.length) {
      for (const t of eps[todo.pop()!]) {
        if (states.has(t)) continue;
        states.add(t);
        todo.push(t);
      }
    }
    return states;
  };
  return {
    test(path: string): boolean {
      let states = closure(new Set([start]));
      for (const c of path) {
        const next = new Set<number>();
        for (const s of states) for (const move of on[s]) if (move.test(c)) next.add(move.to);
        if (next.size === 0) return false;
        states = closure(next);
      }
      return states.has(end) || states.has(inside);
    },
  };
}

/** Parses a glob from `pos.at` up to the end, or in braces up to the `}` (returning alternatives). */
function parseGlob(g: string, pos: { at: number }, inBraces: boolean): GlobPart[] {
  const seq: GlobPart[] = [];
  while (pos.at < g.length) {
    const c = g[pos.at];
    if (inBraces && (c === ',' || c === '}')) return seq;
    pos.at++;
    if (c === '*') {
      if (g[pos.at] === '*') {
        const dirs = g[pos.at + 1] === '/';
        pos.at += dirs ? 2 : 1;
        seq.push(dirs ? 'DIRS' : 'GLOBSTAR');
      } else seq.push('STAR');
    } else if (c === '?') seq.push('ANY1');
    else if (c === '{') {
      const back = pos.at;
      const alts: GlobPart[][] = [];
      for (;;) {
        alts.push(parseGlob(g, pos, true));
        if (g[pos.at] === ',') pos.at++;
        else break;
      }
      if (g[pos.at] === '}') {
        pos.at++;
        seq.push(alts);
      } else {
        pos.at = back; // no closing brace: a literal `{`
        seq.push('{');
      }
    } else seq.push(c);
  }
  return seq;
}
