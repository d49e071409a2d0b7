/**
 * The YAML front-end's reading of a file: role, team and space files into the model, tolerantly.
 *
 * Plain block YAML goes through the fast path (fast.ts); anything else through the `yaml` parser, which
 * recovers from errors, so a half-typed file still yields documents: every parser error becomes a
 * `yaml-syntax` diagnostic and whatever parsed is still read. Each document is read by reader.ts.
 */
import { parseAllDocuments, type Document } from 'yaml';
import { conflictMarkers } from '../conflicts';
import { lineRange, parserText, unclosedQuotes, visibleSpan } from './recovery';
import { fastDocuments } from './fast';
import { DocReader } from './reader';
import { readSuppressions } from '../suppress';
import type { Diagnostic, Doc, DocKind, ParsedFile, Span } from '../../model/types';
import type { SyntaxReporter } from '../../model/frontend';

/** The kind of documents a path holds, from its suffix; undefined for files that are not YAML role, team, space or policy files. */
export function yamlKindOf(path: string): DocKind | undefined {
  const m = /\.(role|team|space|policy)\.ya?ml$/i.exec(path);
  return m ? (m[1].toLowerCase() as DocKind) : undefined;
}

/**
 * Reads one YAML file. Never throws for any input text.
 *
 * Duplicate keys are found here, not by the parser: its own check compares every key with every other
 * one, so 30,000 keys took seconds; this one is linear. `fast: false` skips the fast path (fast.ts), for
 * the tests that compare the two.
 */
export function parseYaml(uri: string, text: string, kind: DocKind, report: SyntaxReporter, options: { readonly fast?: boolean } = {}): ParsedFile {
  const findings: Diagnostic[] = [];
  const guessed: Span[] = [];
  const docs: Doc[] = [];
  let parsed: Document.Parsed[] = [];
  const markers = conflictMarkers(text);
  for (const m of markers) {
    findings.push(report.finding('yaml-syntax', m, { detail: `merge conflict marker \`${text.slice(m.start, m.start + 7)}\`; resolve the conflict: keep the lines you want and delete the marker lines` }));
  }
  const source = parserText(text, markers);
  const suffix = suffixOf(uri);
  // Plain block YAML (nearly every file) is read by the fast path into the same nodes; anything else,
  // and any text with a conflict marker, by the full parser.
  const fast = markers.length === 0 && options.fast !== false ? fastDocuments(source) : undefined;
  if (fast) {
    fast.forEach((root, index) => {
      const found: Diagnostic[] = [];
      readDocs(new DocReader(uri, text, root, undefined, kind, index, suffix, report, found, findings, guessed), kind, docs);
      keepUnguessed(found, guessed, findings);
    });
    return { uri, syntax: 'yaml', kind, docs, syntaxFindings: findings, guessed, suppressions: readSuppressions(text) };
  }
  try {
    parsed = Array.from(parseAllDocuments(source, { prettyErrors: false, uniqueKeys: false }) as Iterable<Document.Parsed>);
  } catch (err) {
    // The parser recurses on nesting depth; absurd nesting can exhaust the stack.
    findings.push(report.finding('yaml-syntax', { start: 0, end: 0 }, { detail: `the file could not be parsed (${errorText(err)})` }));
  }
  let unclosed: Map<number, string> | undefined;
  parsed.forEach((yamlDoc, index) => {
    for (const e of yamlDoc.errors) {
      let d: Diagnostic | undefined;
      if (e.code === 'MISSING_CHAR') {
        // Where an unclosed quoted string opens: the parser reports where it gave up, the end of the file.
        unclosed ??= unclosedQuotes(source);
        const open = [...unclosed.keys()].filter((at) => at <= e.pos[0]).pop();
        if (open !== undefined) {
          const quote = unclosed.get(open)!;
          const detail = `the string opened by this ${quote} is never closed, so it runs on to the end of the file; add the closing ${quote}`;
          d = report.finding('yaml-syntax', lineRange(text, { start: open, end: open }, open), { detail });
        }
      }
      d ??= report.finding('yaml-syntax', visibleSpan(text, e.pos[0], e.pos[1]), { detail: e.code === 'RESOURCE_EXHAUSTION' ? 'the document is nested too deeply to analyse' : firstLine(e.message) });
      findings.push(d);
      guessed.push(lineRange(text, d.span));
    }
    const found: Diagnostic[] = [];
    const reader = new DocReader(uri, text, yamlDoc.contents, yamlDoc, kind, index, suffix, report, found, findings, guessed);
    readDocs(reader, kind, docs);
    keepUnguessed(found, guessed, findings);
  });
  return { uri, syntax: 'yaml', kind, docs, syntaxFindings: findings, guessed, suppressions: readSuppressions(text) };
}

/**
 * Reads one YAML document into `docs`: the document itself, or for a policy file each policy of its
 * `policies` list (numbered on from the policies of earlier documents).
 */
function readDocs(reader: DocReader, kind: DocKind, docs: Doc[]): void {
  if (kind === 'policy') docs.push(...reader.readPolicies(docs.length));
  else {
    const doc = reader.read();
    if (doc) docs.push(doc);
  }
}

/**
 * The reader's findings on a line with a syntax error are dropped: what the parser recovered there is a
 * guess (a merge conflict marker read as a key, say), and the syntax error already explains the line.
 */
function keepUnguessed(found: readonly Diagnostic[], guessed: readonly Span[], findings: Diagnostic[]): void {
  for (const d of found) if (!guessed.some((g) => d.span.start <= g.end && d.span.end >= g.start)) findings.push(d);
}

function suffixOf(uri: string): string {
  const m = /\.(role|team|space|policy)\.ya?ml$/i.exec(uri);
  return m ? m[0] : '';
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0].trim();
  return line.endsWith('.') || line.endsWith(':') ? line.replace(/:$/, '') : line;
}

function errorText(err: unknown): string {
  if (err instanceof RangeError) return 'it is nested too deeply';
  return err instanceof Error ? err.message : String(err);
}

