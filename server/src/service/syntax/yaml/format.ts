/**
 * Formatting of role, team and space files: the `yaml` package's Document model re-printed with one
 * indentation width, sequences indented under their key, flow collections as `[a, b]`, and no line
 * folding. The Document keeps comments, blank lines between entries, anchors, aliases, tags, the order
 * of keys, block or flow style and each scalar's quoting style, so only white space and the spelling of
 * scalars (escapes, folded lines) change.
 *
 * The printer is not trusted blindly: a text whose comments, anchors, aliases or tags would not come out
 * the same, in the same order, is left as it is (`undefined`), and so is a text with a syntax error or an
 * empty document, whose layout the printer cannot keep. The caller also compares the model read before
 * and after (features/format.ts).
 */
import { isCollection, isScalar, Lexer, parseAllDocuments, type Document } from 'yaml';
import { eolOf } from '../../util/edit';

/** What the editor asks for; YAML indents with spaces only, so `insertSpaces` has no say. */
export interface YamlFormatOptions {
  /** Spaces per indentation level (1 to 8; 2 is this language's default). */
  readonly tabSize: number;
}

/** The formatted text of a file, or undefined when it cannot be formatted without risk. */
export function formatYaml(text: string, options: YamlFormatOptions): string | undefined {
  const bom = text.startsWith('\ufeff') ? '\ufeff' : '';
  const eol = eolOf(text);
  // The printer writes `\n`; the file's own line ending is put back at the end.
  const body = text.slice(bom.length).replace(/\r\n?/g, '\n');
  const docs = parseAllDocuments(body);
  // No document at all (empty, or comments only): there is nothing to indent.
  if (!Array.isArray(docs)) return text;
  if (docs.some((d) => d.errors.length > 0 || isEmpty(d))) return undefined;
  const indent = Math.min(8, Math.max(1, Math.floor(options.tabSize) || 2));
  const printed = docs
    .map((d) => {
      keepTrailingCommentClose(body, d);
      return d.toString({ indent, indentSeq: true, lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false });
    })
    .join('');
  if (!sameTokens(body, printed)) return undefined;
  return bom + (eol === '\n' ? printed : printed.replace(/\n/g, eol));
}

/** True for a document with no content (`---` followed by comments only). */
function isEmpty(doc: Document.Parsed): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && c.value === null && (!c.range || c.range[0] === c.range[1]));
}

/**
 * The printer sets a document's trailing comment off by a blank line. Where the source has none, the
 * comment becomes the trailing comment of the document's collection, which prints right below it.
 */
function keepTrailingCommentClose(source: string, doc: Document.Parsed): void {
  const contents = doc.contents;
  if (!doc.comment || !isCollection(contents) || contents.comment || !contents.range) return;
  const end = contents.range[2];
  const hash = source.indexOf('#', end);
  if (hash < 0) return;
  // The collection's range ends after the line break of its last line: another break is a blank line.
  if (/\n/.test(source.slice(end, hash))) return;
  contents.comment = doc.comment;
  doc.comment = null;
}

/** The comments, anchors, aliases and tags of a YAML text, in order. */
function markers(text: string): string[] {
  const out: string[] = [];
  for (const token of new Lexer().lex(text)) {
    const c = token[0];
    if (c === '#' || c === '&' || c === '*' || c === '!') out.push(token.trimEnd());
  }
  return out;
}

function sameTokens(a: string, b: string): boolean {
  const x = markers(a);
  const y = markers(b);
  return x.length === y.length && x.every((t, i) => t === y[i]);
}
