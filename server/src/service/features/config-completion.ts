/**
 * Completion and quick fixes in the configuration file `.octopus-roles.yaml` (SPEC section 4): its keys,
 * the rule codes under `rules:` and their severities. They read the text alone, line by line, since the
 * line being typed is rarely valid YAML yet; the reading of the file itself is config.ts's.
 */
import { lineEndOf, lineStartOf, type TextEdit } from '../util/edit';
import type { Span } from '../model/types';
import type { Severity } from '../model/types';
import type { CompletionEntry } from './completion';

/** What completion shows of a rule (a `Rule` of the registry has it; features do not import rules/). */
export interface RuleInfo {
  readonly code: string;
  readonly severity: Severity;
  readonly summary: string;
  /** Its options, by name, with what turning each off leaves out. */
  readonly options?: Readonly<Record<string, { readonly description: string }>>;
}

/** The keys of the configuration file, with what each does. */
export const CONFIG_KEYS: Readonly<Record<string, string>> = {
  rules: 'Severity per rule code: `error`, `warning`, `information`, `hint` or `off`; or a map of `severity` and the rule\'s options.',
  maxFileSize: 'Files larger than this are not analysed (`file-too-large`): a number of bytes or a size such as `2MB`.',
  exclude: 'Glob patterns, relative to this folder, of files not to analyse (for example `generated/**`).',
  root: '`true`: this folder is a workspace of its own; configuration files above it do not apply, and the checker reads it as one model.',
};

/** The severities a rule can be given. */
export const CONFIG_SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'] as const;

/** Where the cursor stands in the configuration file. */
type ConfigContext =
  | { readonly type: 'key'; readonly replace: Span; readonly present: ReadonlySet<string>; readonly colon: boolean }
  | { readonly type: 'code'; readonly replace: Span; readonly present: ReadonlySet<string>; readonly colon: boolean }
  | { readonly type: 'severity'; readonly code: string; readonly replace: Span }
  /** A key of a rule's map (`severity` or an option), or the value of one of its options. */
  | { readonly type: 'option'; readonly code: string; readonly replace: Span; readonly present: ReadonlySet<string>; readonly colon: boolean }
  | { readonly type: 'switch'; readonly replace: Span };

const WORD = /[A-Za-z0-9_-]/;
const KEY_LINE = /^([A-Za-z0-9_-]+)[ \t]*:/;

function wordAt(text: string, offset: number, lineStart: number, lineEnd: number): Span {
  let start = offset;
  let end = offset;
  while (start > lineStart && WORD.test(text[start - 1])) start--;
  while (end < lineEnd && WORD.test(text[end])) end++;
  return { start, end };
}

/** The keys written at column 0 (top level), and the codes written under `rules:`. */
function presentKeys(text: string): { top: Set<string>; codes: Set<string> } {
  const top = new Set<string>();
  const codes = new Set<string>();
  let parent = '';
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (/^[ \t]*(#|$)/.test(line)) continue;
    const m = KEY_LINE.exec(line.trimStart());
    if (!/^[ \t]/.test(line)) {
      parent = m?.[1] ?? '';
      if (m) top.add(m[1]);
    } else if (parent === 'rules' && m) codes.add(m[1]);
  }
  return { top, codes };
}

/** The top-level key whose block holds the line starting at `lineStart`. */
function parentKey(text: string, lineStart: number): string | undefined {
  let at = lineStart;
  while (at > 0) {
    const prevEnd = at - (text[at - 1] === '\n' && text[at - 2] === '\r' ? 2 : 1);
    at = lineStartOf(text, prevEnd);
    const line = text.slice(at, prevEnd);
    if (/^[ \t]*(#|$)/.test(line) || /^[ \t]/.test(line)) continue;
    return KEY_LINE.exec(line)?.[1];
  }
  return undefined;
}

function contextAt(text: string, offset: number): ConfigContext | undefined {
  const lineStart = lineStartOf(text, offset);
  const lineEnd = lineEndOf(text, offset);
  const before = text.slice(lineStart, offset);
  if (before.includes('#')) return undefined;
  const rest = text.slice(offset, lineEnd);
  const replace = wordAt(text, offset, lineStart, lineEnd);
  const indented = /^[ \t]/.test(before) || (before === '' && /^[ \t]/.test(rest));
  const colon = rest.includes(':');
  if (!indented) {
    if (before.includes(':')) return undefined;
    return { type: 'key', replace, present: presentKeys(text).top, colon };
  }
  if (parentKey(text, lineStart) !== 'rules') return undefined;
  const inMap = ruleMapContext(text, lineStart, before, replace, colon);
  if (inMap) return inMap;
  const key = /^[ \t]*([A-Za-z0-9_-]+)[ \t]*:[ \t]*/.exec(before);
  if (!key) return /^[ \t]*[A-Za-z0-9_-]*$/.test(before) ? { type: 'code', replace, present: presentKeys(text).codes, colon } : undefined;
  return { type: 'severity', code: key[1], replace };
}

/** The key of a `key:` or `key: value` line or part, and whether it has a value being typed after the colon. */
function keyOrValue(code: string, part: string, replace: Span, colon: boolean, present: ReadonlySet<string>): ConfigContext | undefined {
  const kv = /^[ \t]*([A-Za-z0-9_-]+)[ \t]*:[ \t]*[A-Za-z0-9_-]*$/.exec(part);
  if (kv) return kv[1] === 'severity' ? { type: 'severity', code, replace } : { type: 'switch', replace };
  return /^[ \t]*[A-Za-z0-9_-]*$/.test(part) ? { type: 'option', code, replace, present, colon } : undefined;
}

/**
 * Inside a rule's map under `rules:`: a flow map on the code's line (`code: { severity: warning, b`), or a
 * block map on the lines indented below it (`code:` then `    builtInRoles: off`).
 */
function ruleMapContext(text: string, lineStart: number, before: string, replace: Span, colon: boolean): ConfigContext | undefined {
  const flow = /^[ \t]*([A-Za-z0-9_-]+)[ \t]*:[ \t]*\{([^}]*)$/.exec(before);
  if (flow) {
    const parts = flow[2].split(',');
    const present = new Set(parts.slice(0, -1).map((p) => p.split(':')[0].trim()));
    return keyOrValue(flow[1], parts[parts.length - 1], replace, colon || /^\s*:/.test(text.slice(replace.end)), present);
  }
  const map = blockMapOf(text, lineStart, /^[ \t]*/.exec(before)![0].length);
  return map && keyOrValue(map.code, before, replace, colon, map.present);
}

/**
 * The rule whose block map holds the line at `lineStart` (indented by `indent`): the nearest line above at a
 * smaller indent is a code under `rules:` with nothing after its colon. With the keys written in it so far.
 */
function blockMapOf(text: string, lineStart: number, indent: number): { code: string; present: Set<string> } | undefined {
  const present = new Set<string>();
  let at = lineStart;
  while (at > 0) {
    const prevEnd = at - (text[at - 1] === '\n' && text[at - 2] === '\r' ? 2 : 1);
    at = lineStartOf(text, prevEnd);
    const line = text.slice(at, prevEnd);
    if (/^[ \t]*(#|$)/.test(line)) continue;
    const lineIndent = /^[ \t]*/.exec(line)![0].length;
    const key = KEY_LINE.exec(line.trimStart());
    if (lineIndent >= indent) {
      if (key) present.add(key[1]);
      continue;
    }
    if (lineIndent === 0 || !key || !/:[ \t]*(#.*)?$/.test(line)) return undefined;
    return { code: key[1], present };
  }
  return undefined;
}

/** Completion at `offset` of the configuration file's `text`; `rules` are the rules, in their order. */
export function completeConfig(text: string, offset: number, rules: readonly RuleInfo[]): CompletionEntry[] {
  const ctx = contextAt(text, offset);
  if (!ctx) return [];
  if (ctx.type === 'key') {
    return Object.entries(CONFIG_KEYS)
      .filter(([k]) => !ctx.present.has(k))
      .map(([k, doc], i) => ({ label: k, kind: 'key', documentation: doc, sortText: String(i).padStart(2, '0'), insertText: ctx.colon ? k : `${k}:`, replace: ctx.replace }));
  }
  if (ctx.type === 'code') {
    return rules
      .filter((r) => !ctx.present.has(r.code))
      .map((r, i) => ({
        label: r.code,
        kind: 'key',
        detail: `default: ${r.severity}`,
        documentation: r.summary,
        sortText: String(i).padStart(3, '0'),
        insertText: ctx.colon ? r.code : `${r.code}: `,
        replace: ctx.replace,
      }));
  }
  if (ctx.type === 'option') return optionEntries(ctx, rules.find((r) => r.code === ctx.code));
  if (ctx.type === 'switch') return ['on', 'off'].map((v, i) => ({ label: v, kind: 'value', detail: v === 'on' ? 'the default' : undefined, sortText: String(i), replace: ctx.replace }));
  const rule = rules.find((r) => r.code === ctx.code);
  return CONFIG_SEVERITIES.map((s, i) => ({
    label: s,
    kind: 'value',
    detail: rule?.severity === s ? 'the default' : undefined,
    sortText: String(i),
    replace: ctx.replace,
  }));
}

/** The keys of a rule's map not yet written: `severity`, then its options. */
function optionEntries(ctx: Extract<ConfigContext, { type: 'option' }>, rule: RuleInfo | undefined): CompletionEntry[] {
  const keys: [string, string][] = [['severity', `\`error\`, \`warning\`, \`information\`, \`hint\` or \`off\`; default \`${rule?.severity ?? ''}\`.`], ...Object.entries(rule?.options ?? {}).map(([name, o]): [string, string] => [name, `\`on\` (the default) or \`off\`, which leaves out ${o.description.charAt(0).toLowerCase()}${o.description.slice(1)}`])];
  return keys
    .filter(([k]) => !ctx.present.has(k))
    .map(([k, doc], i) => ({ label: k, kind: 'key', documentation: doc, sortText: String(i).padStart(2, '0'), insertText: ctx.colon ? k : `${k}: `, replace: ctx.replace }));
}

/** A quick fix in the configuration file. */
export interface ConfigFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  readonly preferred: boolean;
}

/**
 * Quick fixes for a finding of the configuration file (as config.ts reports them): a misspelt key or
 * rule code becomes the suggestion its diagnostic carries; a severity that is not one becomes one of
 * the five.
 */
export function configFixes(text: string, finding: { readonly code: string; readonly span: Span; readonly candidates?: readonly string[] }): ConfigFix[] {
  const { span } = finding;
  if (span.end > text.length || span.start > span.end) return [];
  if (finding.code === 'unknown-key') {
    return (finding.candidates ?? []).map((c, i) => ({ title: `Change to '${c}'`, edits: [{ span, newText: c }], preferred: i === 0 }));
  }
  if (finding.code === 'invalid-value') {
    const lineStart = lineStartOf(text, span.start);
    if (!/^[ \t]/.test(text.slice(lineStart, span.start)) || parentKey(text, lineStart) !== 'rules') return [];
    // The value of a rule's option (`builtInRoles: maybe`, in a block or flow map) is a switch, not a severity.
    const before = text.slice(lineStart, span.start);
    const option = /([A-Za-z0-9_-]+)[ \t]*:[ \t]*$/.exec(before)?.[1];
    const nested = /^[ \t]*[A-Za-z0-9_-]+[ \t]*:[ \t]*\{/.test(before) || blockMapOf(text, lineStart, /^[ \t]*/.exec(before)![0].length) !== undefined;
    if (option && option !== 'severity' && nested) return ['on', 'off'].map((v) => ({ title: `Set '${option}' to '${v}'`, edits: [{ span, newText: v }], preferred: false }));
    return CONFIG_SEVERITIES.map((s) => ({ title: `Set the severity to '${s}'`, edits: [{ span, newText: s }], preferred: false }));
  }
  return [];
}
