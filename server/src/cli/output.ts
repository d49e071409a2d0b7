/**
 * The checker's output formats (text, JSON, SARIF) and how paths are shown. The workspace is keyed by
 * URIs; paths for people are made here, and only here.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULE_CODES, RULES, ruleDocsUrl, type Diagnostic, type Range } from '../service';
import { VERSION } from '../version';
import { PLAIN, type Paint } from './colour';

/** One diagnostic with the file it belongs to (a display path), ready for output. */
export interface Finding {
  readonly file: string;
  readonly diagnostic: Diagnostic;
  readonly range: Range;
  readonly related: { file: string; range: Range; message: string }[];
}

/** A path as shown to the user: relative to the current folder when inside it, with forward slashes. */
export function display(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  const shown = rel && rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel) ? rel : file;
  return shown.split(path.sep).join('/');
}

const UNPRINTABLE = /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;
const NAMED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * Text for a terminal or a log, and the visible form of a name in markdown: control characters (a newline
 * in a file name would forge a finding line, an escape sequence would drive the terminal), format
 * characters (bidirectional overrides and isolates, zero-width spaces and joiners, which hide or reorder
 * text), line separators and lone surrogates are written as escapes (`\n`, `\x1b`, `\u202e`, `\u{e0041}`),
 * and so is the backslash, so that an escape in the output always means one.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0)!;
    return NAMED[c] ?? (code < 0x100 ? `\\x${hex(code, 2)}` : code <= 0xffff ? `\\u${hex(code, 4)}` : `\\u{${code.toString(16)}}`);
  });
}

/** A lone surrogate as JSON.stringify writes it: `\udXXX` after an even number of backslashes. */
const LONE_SURROGATE_ESCAPE = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/**
 * `value` as JSON text (JSON.stringify's, indented by `indent`), for every JSON and SARIF output: a lone
 * surrogate in a name, which JSON.stringify writes as a `\udXXX` escape (valid JSON text, but no Unicode
 * character: Go's encoding/json and SARIF validators refuse or mangle it), is written as U+FFFD. A
 * surrogate pair JSON.stringify writes as the character itself, so every such escape is a lone one.
 */
export function jsonText(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, null, indent);
  return text.includes('\\ud') ? text.replace(LONE_SURROGATE_ESCAPE, '\ufffd') : text;
}

/** Findings written per chunk, so that the output of a large workspace is never one string in memory. */
const CHUNK = 500;

/** Writes `items` as `format` gives each, a chunk at a time. */
export function writeChunked<T>(items: readonly T[], format: (item: T, index: number) => string, write: (text: string) => void): void {
  for (let i = 0; i < items.length; i += CHUNK) {
    let out = '';
    for (let j = i; j < Math.min(items.length, i + CHUNK); j++) out += format(items[j], j);
    write(out);
  }
}

/**
 * Writes `items` as a JSON array with `toJson`'s values, byte for byte what `JSON.stringify(array, null, 2)`
 * and a newline would give (with jsonText's U+FFFD for a lone surrogate), a chunk at a time.
 */
export function writeJsonArray<T>(items: readonly T[], toJson: (item: T) => unknown, write: (text: string) => void): void {
  if (items.length === 0) {
    write('[]\n');
    return;
  }
  write('[\n');
  writeChunked(items, (item, i) => '  ' + jsonText(toJson(item), 2).replace(/\n/g, '\n  ') + (i === items.length - 1 ? '\n' : ',\n'), write);
  write(']\n');
}

/** A finding as a line of text: `file:line:col: severity code: message`, coloured by `paint`. */
export function toText(f: Finding, paint: Paint = PLAIN): string {
  const { line, character } = f.range.start;
  const severity = f.diagnostic.severity;
  const style = severity === 'error' || severity === 'warning' ? severity : 'note';
  return `${paint('path', printable(f.file))}:${line + 1}:${character + 1}: ${paint(style, severity)} ${paint('code', f.diagnostic.code)}: ${printable(f.diagnostic.message)}\n`;
}

/** The last line of text output: the count of each severity and of files, or that there are no problems. */
export function summary(findings: readonly Finding[], fileCount: number): string {
  const files = `${fileCount} file${fileCount === 1 ? '' : 's'} checked`;
  if (findings.length === 0) return `${files}, no problems`;
  const count = (s: string) => findings.filter((f) => f.diagnostic.severity === s).length;
  const parts = [
    [count('error'), 'error'],
    [count('warning'), 'warning'],
    [count('information') + count('hint'), 'note'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, w]) => `${n} ${w}${n === 1 ? '' : 's'}`);
  return `${parts.join(', ')} in ${files}`;
}

export function toJson(f: Finding) {
  return { file: f.file, range: f.range, severity: f.diagnostic.severity, code: f.diagnostic.code, message: f.diagnostic.message };
}

function sarifLevel(severity: string): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

function sarifLocation(file: string, range: Range) {
  const absolute = path.isAbsolute(file);
  return {
    physicalLocation: {
      artifactLocation: absolute
        ? { uri: pathToFileURL(file).href }
        : { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
      region: {
        startLine: range.start.line + 1,
        startColumn: range.start.character + 1,
        endLine: range.end.line + 1,
        endColumn: range.end.character + 1,
      },
    },
  };
}

export function toSarif(findings: readonly Finding[], cwd: string) {
  const rules = RULE_CODES.map((code) => ({
    id: code,
    name: code.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: RULES[code].summary },
    helpUri: ruleDocsUrl(code),
    defaultConfiguration: { level: sarifLevel(RULES[code].severity) },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'octopus-roles',
            version: VERSION,
            informationUri: 'https://github.com/octopus-roles/octopus-roles',
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({
          ruleId: f.diagnostic.code,
          ruleIndex: (RULE_CODES as readonly string[]).indexOf(f.diagnostic.code),
          level: sarifLevel(f.diagnostic.severity),
          message: { text: f.diagnostic.message },
          locations: [sarifLocation(f.file, f.range)],
          ...(f.related.length
            ? { relatedLocations: f.related.map((r, id) => ({ id, ...sarifLocation(r.file, r.range), message: { text: r.message } })) }
            : {}),
        })),
      },
    ],
  };
}
