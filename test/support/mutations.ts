/**
 * Edits to a workspace's files for the property-based tests (fuzz.test.ts) and the long protocol session
 * (test/server/session.test.ts). Two families:
 *
 * - byte level: insert noise (YAML indicators, a BOM, CRLF, tabs, `---`, merge keys, conflict markers) or
 *   arbitrary UTF-16 code units (lone surrogates included), delete a stretch, or change the UTF-8 bytes
 *   of the file as stored, which may leave it invalid UTF-8 (then it is an `unreadable-file`);
 * - structural: swap, duplicate, move, indent and outdent lines, copy a line from another file, split a
 *   document with `---`, replace a value with one of another shape, rename a role, space or team name
 *   everywhere in a file (which makes and breaks references between files), delete and restore a file.
 *
 * An op names its file and positions with natural numbers taken modulo what exists, so that any op applies
 * to any state and fast-check can shrink a failing sequence freely.
 */
import fc from 'fast-check';
import { decodeText } from '../../server/src/node/files';
import type { Diagnostic } from '../../server/src/service';

export type Op =
  | { kind: 'insert'; file: number; at: number; text: string }
  | { kind: 'delete'; file: number; at: number; length: number }
  | { kind: 'bytes'; file: number; at: number; bytes: number[]; replace: boolean }
  | { kind: 'swapLines'; file: number; a: number; b: number }
  | { kind: 'duplicateLine'; file: number; a: number }
  | { kind: 'moveLine'; file: number; a: number; b: number }
  | { kind: 'indent'; file: number; a: number; by: number }
  | { kind: 'copyLine'; file: number; from: number; a: number; b: number }
  | { kind: 'splitDocument'; file: number; a: number }
  | { kind: 'setValue'; file: number; a: number; value: number }
  | { kind: 'rename'; file: number; from: number; to: number }
  | { kind: 'remove'; file: number }
  | { kind: 'restore'; file: number };

/** Byte-level noise: the characters and fragments that YAML and editors give meaning to. */
export const NOISE = [
  ':', '-', ' ', '\n', '[', ']', '{', '}', ',', '#', '&a ', '*a', '!', '!!str ', '!custom ', '|', '>', '"', "'", '\t', '\r\n', '\r',
  '---\n', '...\n', 'x', '\u00e9', '\ufeff', '\u0000', '<<: ', '<<: *a\n', '? ', '%YAML 1.2\n', '<<<<<<< HEAD\n', '=======\n', '>>>>>>> b\n',
];

/** Values of every shape, for `setValue`: a name elsewhere in the corpus is picked by a negative index. */
const VALUES = ['[]', '{}', '""', "''", 'null', '~', '42', 'true', '[ProjectView, TeamView]', '{role: Project Viewer}', '&v x', '*v', '|\n  text', '- a\n- b', ''];

const anyCodeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 4 });

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), file: fc.nat(), at: fc.nat(), text: fc.oneof(fc.constantFrom(...NOISE), fc.string({ maxLength: 6 }), anyCodeUnits) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), file: fc.nat(), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }) },
  fc.record({ kind: fc.constant('bytes' as const), file: fc.nat(), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 }), replace: fc.boolean() }),
  fc.record({ kind: fc.constant('swapLines' as const), file: fc.nat(), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), file: fc.nat(), a: fc.nat() }),
  fc.record({ kind: fc.constant('moveLine' as const), file: fc.nat(), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), file: fc.nat(), a: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('copyLine' as const), file: fc.nat(), from: fc.nat(), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('splitDocument' as const), file: fc.nat(), a: fc.nat() }),
  fc.record({ kind: fc.constant('setValue' as const), file: fc.nat(), a: fc.nat(), value: fc.integer({ min: -20, max: VALUES.length - 1 }) }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rename' as const), file: fc.nat(), from: fc.nat(), to: fc.nat() }) },
  fc.record({ kind: fc.constant('remove' as const), file: fc.nat() }),
  fc.record({ kind: fc.constant('restore' as const), file: fc.nat() }),
);

/** Names that occur in the corpus, so that renames make and break references between files. */
export function namesOf(texts: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(/(?:name|space|role): (.+)/g)) names.add(m[1].trim());
  return [...names];
}

/** One file's state: its text (the last text it had, while it holds invalid bytes) or gone. */
export interface FileState {
  readonly text: string;
  /** Set when the bytes on disk are not UTF-8 text: the file is an `unreadable-file`. */
  readonly problem?: Diagnostic;
}

/** The result of an op: the file it touched and its new state, or undefined when it was deleted. */
export interface Applied {
  readonly uri: string;
  readonly state?: FileState;
}

/** The workspace that ops apply to: its files' original texts, in a fixed order, and a name pool. */
export class Corpus {
  readonly uris: string[];
  readonly names: string[];
  constructor(readonly original: ReadonlyMap<string, string>) {
    this.uris = [...original.keys()];
    this.names = namesOf(original.values());
  }

  /** Applies `op` to `current` (uri to state; a missing uri is a deleted file) and returns the change. */
  apply(op: Op, current: ReadonlyMap<string, FileState>): Applied {
    const uri = this.uris[op.file % this.uris.length];
    const text = current.get(uri)?.text ?? this.original.get(uri)!;
    const lines = text.split('\n');
    const line = (n: number) => n % lines.length;
    const withLines = (): Applied => ({ uri, state: { text: lines.join('\n') } });
    switch (op.kind) {
      case 'insert': {
        const at = op.at % (text.length + 1);
        return { uri, state: { text: text.slice(0, at) + op.text + text.slice(at) } };
      }
      case 'delete': {
        const at = op.at % (text.length + 1);
        return { uri, state: { text: text.slice(0, at) + text.slice(at + op.length) } };
      }
      case 'bytes': {
        const bytes = Buffer.from(text, 'utf8');
        const at = op.at % (bytes.length + 1);
        const changed = Buffer.concat([bytes.subarray(0, at), Buffer.from(op.bytes), bytes.subarray(op.replace ? at + op.bytes.length : at)]);
        const read = decodeText(changed);
        return { uri, state: 'text' in read ? { text: read.text } : { text, problem: read.problem } };
      }
      case 'swapLines': {
        const a = line(op.a);
        const b = line(op.b);
        [lines[a], lines[b]] = [lines[b], lines[a]];
        return withLines();
      }
      case 'duplicateLine': {
        const a = line(op.a);
        lines.splice(a, 0, lines[a]);
        return withLines();
      }
      case 'moveLine': {
        const [moved] = lines.splice(line(op.a), 1);
        lines.splice(op.b % (lines.length + 1), 0, moved);
        return withLines();
      }
      case 'indent': {
        const a = line(op.a);
        lines[a] = op.by >= 0 ? ' '.repeat(op.by) + lines[a] : lines[a].replace(new RegExp(`^ {0,${-op.by}}`), '');
        return withLines();
      }
      case 'copyLine': {
        const other = this.uris[op.from % this.uris.length];
        const source = (current.get(other)?.text ?? this.original.get(other)!).split('\n');
        lines.splice(op.b % (lines.length + 1), 0, source[op.a % source.length]);
        return withLines();
      }
      case 'splitDocument':
        lines.splice(line(op.a), 0, '---');
        return withLines();
      case 'setValue': {
        const a = line(op.a);
        const value = op.value >= 0 ? VALUES[op.value] : this.names[-op.value % this.names.length];
        const colon = lines[a].indexOf(': ');
        const dash = /^(\s*- )/.exec(lines[a]);
        if (colon >= 0) lines[a] = lines[a].slice(0, colon + 2) + value;
        else if (dash) lines[a] = dash[1] + value;
        else lines[a] = `${lines[a]}: ${value}`;
        return withLines();
      }
      case 'rename': {
        const from = this.names[op.from % this.names.length];
        const to = this.names[op.to % this.names.length];
        return { uri, state: { text: text.split(from).join(to) } };
      }
      case 'remove':
        return { uri };
      case 'restore':
        return { uri, state: { text: this.original.get(uri)! } };
    }
  }
}

/**
 * The single range replacement that turns `before` into `after` (common prefix and suffix left alone):
 * what an editor sends as an incremental change.
 */
export function replacementOf(before: string, after: string): { start: number; end: number; text: string } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  // A position between the CR and LF of a line break does not exist in LSP: widen the range over it.
  const crlf = (t: string, i: number) => t[i - 1] === '\r' && t[i] === '\n';
  if (crlf(before, start)) start--;
  if (tail > 0 && crlf(before, before.length - tail)) tail--;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}
