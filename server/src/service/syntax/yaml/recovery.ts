/**
 * How the YAML front-end recovers from broken text: merge conflict markers, unclosed quotes, and spans
 * an editor can show for the parser's errors.
 */
import { CST, Parser } from 'yaml';
import type { Span } from '../../model/types';

/**
 * The quoted strings of a text that have no closing quote, by the offset where each opens, from the
 * parser's concrete syntax tree (the text is parsed again only when the first parse reported one).
 */
export function unclosedQuotes(source: string): Map<number, string> {
  const found = new Map<number, string>();
  const look = (token: CST.Token | undefined) => {
    if (!token || (token.type !== 'double-quoted-scalar' && token.type !== 'single-quoted-scalar')) return;
    const quote = token.source[0];
    if (!closes(token.source, quote)) found.set(token.offset, quote);
  };
  try {
    for (const token of new Parser().parse(source)) {
      if (token.type !== 'document') continue;
      look(token.value);
      if (token.value) {
        CST.visit(token, (item) => {
          look(item.key ?? undefined);
          look(item.value);
        });
      }
    }
  } catch {
    // Too deeply nested for the parser: no position to point at.
  }
  return new Map([...found].sort((a, b) => a[0] - b[0]));
}

/** True when a quoted scalar's source ends with its closing quote. */
function closes(source: string, quote: string): boolean {
  const body = source.trimEnd();
  if (body.length < 2 || body[body.length - 1] !== quote) return false;
  if (quote === "'") {
    let run = 0;
    for (let i = body.length - 1; i > 0 && body[i] === "'"; i--) run++;
    return run % 2 === 1;
  }
  let slashes = 0;
  for (let i = body.length - 2; i > 0 && body[i] === '\\'; i--) slashes++;
  return slashes % 2 === 0;
}

/**
 * A parser error's span, made at least one character wide so that editors can show it: an error at
 * the end of a line or of the file marks the character before it.
 */
export function visibleSpan(text: string, start: number, end: number): Span {
  start = Math.min(start, text.length);
  end = Math.min(end, text.length);
  if (end === start + 1 && /[\w$]/.test(text[start])) {
    // A one-character error at the start of a word marks the whole word (a duplicate key, a stray token).
    while (end < text.length && /[\w$-]/.test(text[end])) end++;
  }
  while (end > start + 1 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  if (end > start) return { start, end };
  const atBreak = start >= text.length || text[start] === '\n' || text[start] === '\r';
  if (!atBreak) return { start, end: start + 1 };
  let s = Math.min(start, text.length);
  while (s > 0 && /\s/.test(text[s - 1])) s--;
  return s > 0 ? { start: s - 1, end: s } : { start: 0, end: 0 };
}

/** The lines a span touches, whole; from `from` instead of the line's start when given. */
export function lineRange(text: string, span: Span, from?: number): Span {
  let start = span.start;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = span.end;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  if (from !== undefined) {
    while (end > from + 1 && /\s/.test(text[end - 1])) end--;
    return { start: from, end: Math.max(end, from + 1) };
  }
  return { start, end };
}


/**
 * The text the YAML parser reads, of the same length as the file's so that offsets agree: a lone carriage
 * return becomes the line break that LSP and YAML 1.2 say it is (the `yaml` package knows only LF and
 * CRLF), and conflict marker lines become comments, so that both sides of a conflict are still read and
 * each marker is reported once, in plain words, instead of as a cascade of parser errors.
 */
export function parserText(text: string, markers: readonly Span[]): string {
  let source = text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
  if (markers.length) {
    const parts: string[] = [];
    let last = 0;
    for (const m of markers) {
      parts.push(source.slice(last, m.start), '#');
      last = m.start + 1;
    }
    parts.push(source.slice(last));
    source = parts.join('');
  }
  return source;
}

