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

const UNPRINTABLE = /[\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text for a terminal or a log: control characters (a newline in a file name would forge a finding line,
 * an escape sequence would drive the terminal), line separators and bidirectional overrides are written
 * as escapes, and so is the backslash, so that an escape in the output always means one.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => NAMED[c] ?? (c.charCodeAt(0) < 0x100 ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
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
 * and a newline would give, a chunk at a time.
 */
export function writeJsonArray<T>(items: readonly T[], toJson: (item: T) => unknown, write: (text: string) => void): void {
  if (items.length === 0) {
    write('[]\n');
    return;
  }
  write('[\n');
  writeChunked(items, (item, i) => '  ' + JSON.stringify(toJson(item), null, 2).replace(/\n/g, '\n  ') + (i === items.length - 1 ? '\n' : ',\n'), write);
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
