/**
 * Merge-conflict markers, which every front-end reports as a syntax finding: a file with them is both
 * sides of a conflict, and no fix may touch it.
 */
import type { Span } from '../util/text';

/**
 * The lines git writes into a file with a merge conflict (`<<<<<<< ours`, `||||||| base`, `=======`,
 * `>>>>>>> theirs`), each at the start of a line. A role, team or space file cannot hold such a line
 * otherwise: continuation lines of its values are indented.
 */
export function conflictMarkers(text: string): Span[] {
  const found: Span[] = [];
  if (!['<<<<<<<', '=======', '>>>>>>>', '|||||||'].some((m) => text.includes(m))) return found;
  let at = 0;
  while (at <= text.length) {
    let end = at;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    const c = text[at];
    if ((c === '<' || c === '>' || c === '|' || c === '=') && end - at >= 7 && text.startsWith(c.repeat(7), at)) {
      const rest = text.slice(at + 7, end);
      if (c === '=' ? rest.trim() === '' : rest === '' || rest[0] === ' ' || rest[0] === '\t') found.push({ start: at, end });
    }
    if (end >= text.length) break;
    at = text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end + 1;
  }
  return found;
}
