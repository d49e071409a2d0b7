/**
 * Names built to break the languages this product writes them into: HCL (quotes, backslashes, template
 * openers), markdown and HTML (tags, comments, fences, table pipes, mentions), terminals (escape sequences,
 * line breaks, bidirectional overrides) and JSON (lone surrogates); for the tests of each escaping function
 * and of every command that prints or writes names.
 */
import fc from 'fast-check';

/** Every C0 and C1 control character and DEL. */
export const CONTROLS = [...Array.from({ length: 0x20 }, (_, c) => c), 0x7f, ...Array.from({ length: 0x20 }, (_, c) => 0x80 + c)].map((c) => String.fromCharCode(c));

/** Pieces that mean something in one of the output languages, or that Unicode treats specially. */
export const FRAGMENTS: readonly string[] = [
  '"', '\\', '${', '%{', '$${', '%%{', '$$', '%%', '$', '%', '{', '}', '\\n', '\\u0041', '<<EOF',
  '\n', '\r', '\r\n', '\t', '\u2028', '\u2029', '\u0085',
  '\x1b[2J', '\x1b]8;;http://x\x07', '\u202e', '\u2066', '\u200f', '\u061c', '\u200b', '\ufeff', '\u00ad',
  '\ud800', '\udfff', '\udc00\ud800', '\ud83d\ude00', '\u{20000}', '\u{e0041}', 'e\u0301', '\u00e9',
  '<img src=x onerror=alert(1)>', '</details>', '<details>', '<!--', '-->', '<summary>', '<b>', '<script>', '&lt;', '&#64;', '&',
  '```', '````', '~~~', '`', '|', '||', '@org/team', '@alice', '#123', 'http://evil.example', 'www.evil.example', 'a@b.example',
  '*', '_', '**', '[x](http://evil.example)', '![i](x)', '>', '- ', '1. ', '# ', '---', '\\|', ':', '/', 'A', 'z', ' ', '',
  ...CONTROLS,
];

/** Strings of up to eight fragments, and of arbitrary UTF-16 code units (lone surrogates included). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

/** `count` hostile strings, the same ones on every run (a fixed seed). */
export function hostileSample(count: number, seed = 20261204): string[] {
  return fc.sample(hostileString, { numRuns: count, seed });
}

/** Names that each target one language; used where a workspace is built from names. */
export const HOSTILE_NAMES: readonly string[] = [
  'Quote " and \\ backslash',
  'Spaces-1$${var.db_password} ${var.x} %{if 1}',
  '<img src=x onerror=alert(1)>',
  '</details><!-- hidden',
  'line\nbreak\n```\n<b>fence</b>',
  '@octo-org/admins and @alice',
  'pipe | cell \\| end',
  'clear\x1b[2J\x07bell',
  'bidi \u202eevil\u202c',
  'lone \ud800 surrogate',
  'emoji \ud83d\ude00 \u{20000}',
  'nfd e\u0301',
  'ctl \x00\x08\x0c\x7f\x85\u2028',
];
