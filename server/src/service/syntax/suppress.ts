/**
 * Suppression comments, the same in every syntax whose comments start with `#` (YAML and HCL).
 *
 * `# octopus-roles-disable-next-line CODE[, CODE]` silences those codes on the line after the comment.
 * `# octopus-roles-disable CODE[, CODE]` as the first comment of a document silences them in that document.
 * Without codes, either form silences every code (a decision of this project; the spec names codes).
 */
import type { Span, Suppressions } from '../model/types';

const NEXT_LINE = /^\s*#\s*octopus-roles-disable-next-line\b(.*)$/;
const DOCUMENT = /^\s*#\s*octopus-roles-disable\b(?!-)(.*)$/;
const COMMENT = /^\s*#/;
const DOC_START = /^---(\s|$)/;

function codesOf(rest: string): Set<string> {
  const codes = new Set<string>();
  // Text after ` --` is a reason. (Not `/\s+--.*$/`: that backtracks quadratically over a long run of spaces.)
  const reason = rest.search(/\s--/);
  for (const part of (reason < 0 ? rest : rest.slice(0, reason)).split(/[\s,]+/)) if (part) codes.add(part);
  return codes;
}

/** Reads the suppression comments of a file. Cheap when the file has none. */
export function readSuppressions(text: string): Suppressions {
  const lines = new Map<number, Set<string>>();
  const docs: { span: Span; codes: Set<string> }[] = [];
  if (!text.includes('octopus-roles-disable')) return { lines, docs };
  let offset = 0;
  let lineNo = 0;
  let docStart = 0;
  let docFirstCommentSeen = false;
  let docCodes: Set<string> | undefined;
  const closeDoc = (end: number) => {
    if (docCodes) docs.push({ span: { start: docStart, end }, codes: docCodes });
    docCodes = undefined;
    docFirstCommentSeen = false;
    docStart = end;
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (DOC_START.test(line)) closeDoc(offset);
    if (COMMENT.test(line)) {
      const next = NEXT_LINE.exec(line);
      if (next) {
        const given = codesOf(next[1]);
        const prev = lines.get(lineNo + 1);
        if (given.size === 0) lines.set(lineNo + 1, given);
        else if (!prev || prev.size > 0) lines.set(lineNo + 1, new Set([...(prev ?? []), ...given]));
      } else if (!docFirstCommentSeen) {
        const doc = DOCUMENT.exec(line);
        if (doc) docCodes = codesOf(doc[1]);
      }
      docFirstCommentSeen = true;
    }
    offset += line.length + (text.charCodeAt(offset + line.length) === 13 && text.charCodeAt(offset + line.length + 1) === 10 ? 2 : 1);
    lineNo++;
  }
  closeDoc(text.length + 1);
  return { lines, docs };
}
