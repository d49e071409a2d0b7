/**
 * The one writer of Terraform string literals: the export (bridge/terraform.ts) and the Terraform quick
 * fixes (edits.ts) both quote every name with `hclString`.
 */

/**
 * Characters written as escapes: a quote and a backslash (HCL's own), template openers are handled apart,
 * and everything that is invisible or moves text on screen: controls (Cc, with the line breaks), format
 * characters (Cf: bidirectional overrides and isolates, zero-width characters, the byte-order mark), line
 * and paragraph separators (Zl, Zp). HCL would read most of these raw, but a reviewer of the file would not
 * see them. A lone surrogate cannot be written in UTF-8 at all.
 */
const SPECIAL = /["\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[$%]\{|([$%])(?=\1\{)/gu;

/** HCL's short escapes; every other escaped character is `\uNNNN` or `\UNNNNNNNN`. */
const SHORT: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * A quoted HCL string literal (Terraform's native syntax) whose value is `value`, never a template: `${`
 * and `%{` are written `$${` and `%%{` (HCL's escapes for a literal template opener; a `$` or `%` just
 * before one as `\u0024` or `\u0025`, so `$${` comes out as `\u0024$${`); `"`, `\`, newline, carriage return and
 * tab as `\"`, `\\`, `\n`, `\r`, `\t`; other controls, format and separator characters as `\uNNNN` (or
 * `\UNNNNNNNN` beyond the BMP); the escapes HCL does not have (`\b`, `\f`, `\/`) never appear. Other
 * characters outside the BMP are written as they are (an escaped surrogate pair is refused by HCL). A lone
 * surrogate, which no UTF-8 file can hold, is written as U+FFFD. Terraform reads every string in Unicode
 * normal form C, so a value in another form is read back normalised.
 */
export function hclString(value: string): string {
  const body = value.replace(SPECIAL, (c) => {
    if (c.length === 2 && c[1] === '{') return `${c[0]}${c}`;
    // A sign just before an opener: HCL reads `$$${` as `$` and a literal `${`, but tree-sitter's HCL
    // grammar, which the Terraform front-end reads with, as `$$` and an interpolation; `\u0024$${` is
    // read as `$${` by both.
    if (c === '$' || c === '%') return c === '$' ? '\\u0024' : '\\u0025';
    const short = SHORT[c];
    if (short) return short;
    const code = c.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) return '\\ufffd';
    return code > 0xffff ? `\\U${hex(code, 8)}` : `\\u${hex(code, 4)}`;
  });
  return `"${body}"`;
}
