/**
 * The workspace configuration file `.octopus-roles.yaml` and the settings every entry point normalises
 * into one typed object. Settings are untrusted input: anything malformed is reported and replaced by
 * its default, never thrown.
 */
import { isMap, isScalar, parseDocument, type Node } from 'yaml';
import { makeDiagnostic } from './diagnostic';
import { isRuleCode, RULE_CODES, type RuleCode, type SeveritySetting } from './rules';
import { nearest } from './suggest';
import type { Diagnostic } from './types';

export const CONFIG_FILE_NAME = '.octopus-roles.yaml';
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

const SEVERITIES: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];
const CONFIG_KEYS = ['rules', 'maxFileSize'];

/** The settings the service needs, already validated. */
export interface Settings {
  /** Severity overrides by rule code. */
  readonly rules: Readonly<Partial<Record<RuleCode, SeveritySetting>>>;
  /** Files larger than this many bytes are not analysed. */
  readonly maxFileSize: number;
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
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|bytes?|kb|k|kib|mb|m|mib|gb|g|gib)?\s*$/i.exec(value);
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
        } else {
          const suggestion = nearest(keyName, CONFIG_KEYS, 1)[0];
          diagnostics.push(makeDiagnostic('unknown-key', span(key), { key: keyName, where: 'the configuration', suggestion, allowed: CONFIG_KEYS }, { candidates: suggestion ? [suggestion] : [] }));
        }
      }
    }
  }
  return { settings: { rules, maxFileSize }, diagnostics };
}

/** Settings from several sources; later ones win rule by rule. */
export function mergeSettings(...layers: readonly Partial<Settings>[]): Settings {
  let rules: Partial<Record<RuleCode, SeveritySetting>> = {};
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  for (const layer of layers) {
    if (layer.rules) rules = { ...rules, ...layer.rules };
    if (layer.maxFileSize !== undefined) maxFileSize = layer.maxFileSize;
  }
  return { rules, maxFileSize };
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
  return { rules, maxFileSize, exclude };
}

/** Turns a glob (`**`, `*`, `?`, `{a,b}`) into a regular expression over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inBraces = false;
  const g = glob.replace(/^\.\//, '').replace(/\\/g, '/');
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        const slash = g[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      inBraces = true;
      re += '(?:';
    } else if (c === '}' && inBraces) {
      inBraces = false;
      re += ')';
    } else if (c === ',' && inBraces) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  // A pattern without a slash matches at any depth, as in .gitignore.
  return new RegExp(`^${g.includes('/') ? '' : '(?:.*/)?'}${re}(?:/.*)?$`);
}
