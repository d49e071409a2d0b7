/**
 * HashiCorp's own HCL code, compiled to WebAssembly, for tests of the HCL this product writes:
 * `@cdktf/hcl2json` (the HCL parser Terraform uses, printing a file as Terraform's JSON syntax) and
 * `@cdktf/hcl-tools` (hclwrite's formatter, which is `terraform fmt`).
 */

// Typed here: the packages' own declarations pull in the DOM library.
const hcl2json = require('@cdktf/hcl2json') as { parse(fileName: string, text: string): Promise<Record<string, unknown>> };
const hclTools = require('@cdktf/hcl-tools') as { format(text: string): Promise<string> };

/** A file parsed by HCL as Terraform's JSON syntax; rejects with HCL's diagnostics when it does not parse. */
export function parseHcl(text: string, fileName = 'main.tf'): Promise<Record<string, unknown>> {
  return hcl2json.parse(fileName, text);
}

/** A file as `terraform fmt` lays it out. */
export function formatHcl(text: string): Promise<string> {
  return hclTools.format(text);
}

/**
 * The value of a string as hcl2json prints it, or undefined when it is not a literal. In Terraform's JSON
 * syntax a string is a template: `${` starts an interpolation and `%{` a directive, and `$${` and `%%{` are
 * their literal spellings, read from left to right (`$$${` is `$` and a literal `${`).
 */
export function literalOf(printed: unknown): string | undefined {
  if (typeof printed !== 'string') return undefined;
  let out = '';
  for (let i = 0; i < printed.length; i++) {
    const c = printed[i];
    if ((c === '$' || c === '%') && printed[i + 1] === c && printed[i + 2] === '{') {
      out += `${c}{`;
      i += 2;
    } else if ((c === '$' || c === '%') && printed[i + 1] === '{') return undefined;
    else out += c;
  }
  return out;
}

/**
 * The values of quoted strings as Terraform reads them: each is the value of an attribute of one `locals`
 * block (one parse for all), or, when the file does not parse, each on its own so that the failing one is
 * named. A string that is not a literal is undefined.
 */
export async function readStrings(quoted: readonly string[]): Promise<(string | undefined)[]> {
  const file = (items: readonly string[]) => `locals {\n${items.map((q, i) => `  v${i} = ${q}\n`).join('')}}\n`;
  const read = async (items: readonly string[]) => {
    const locals = ((await parseHcl(file(items))).locals as Record<string, unknown>[])[0];
    return items.map((_, i) => literalOf(locals[`v${i}`]));
  };
  try {
    return await read(quoted);
  } catch {
    for (const q of quoted) {
      try {
        await read([q]);
      } catch (err) {
        throw new Error(`HCL refuses ${q}: ${String(err)}`);
      }
    }
    throw new Error('HCL refuses the strings together, but none alone');
  }
}

/** Lone surrogates as U+FFFD: what any UTF-8 file, and Terraform, can hold of a JavaScript string. */
export const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** The value Terraform holds for a string: valid Unicode, in normal form C (HCL normalises every literal). */
export const terraformValue = (s: string) => wellFormed(s).normalize('NFC');
