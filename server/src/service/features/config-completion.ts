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
}

/** The keys of the configuration file, with what each does. */
export const CONFIG_KEYS: Readonly<Record<string, string>> = {
  rules: 'Severity per rule code: `error`, `warning`, `information`, `hint` or `off`.',
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
  | { readonly type: 'severity'; readonly code: string; readonly replace: Span };

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
  const key = /^[ \t]*([A-Za-z0-9_-]+)[ \t]*:[ \t]*/.exec(before);
  if (!key) return /^[ \t]*[A-Za-z0-9_-]*$/.test(before) ? { type: 'code', replace, present: presentKeys(text).codes, colon } : undefined;
  return { type: 'severity', code: key[1], replace };
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
  const rule = rules.find((r) => r.code === ctx.code);
  return CONFIG_SEVERITIES.map((s, i) => ({
    label: s,
    kind: 'value',
    detail: rule?.severity === s ? 'the default' : undefined,
    sortText: String(i),
    replace: ctx.replace,
  }));
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
    return CONFIG_SEVERITIES.map((s) => ({ title: `Set the severity to '${s}'`, edits: [{ span, newText: s }], preferred: false }));
  }
  return [];
}
