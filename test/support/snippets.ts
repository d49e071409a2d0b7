/**
 * VS Code's snippet syntax, expanded as accepting every placeholder's default gives it: `${1:default}`
 * (defaults may nest), `${1|first,second|}` (the first choice), `$1` and `${1}` (the value an earlier
 * placeholder of that number took, else nothing), `$0`, and `\$`, `\}`, `\\` escapes.
 */
export function expandSnippet(body: string | readonly string[]): string {
  const text = typeof body === 'string' ? body : body.join('\n');
  const values = new Map<string, string>();
  const [out] = expandFrom(text, 0, values, false);
  return out;
}

/** Expands from `at` to the end, or (`nested`) to the `}` that closes a placeholder; returns the text and where it stopped. */
function expandFrom(text: string, at: number, values: Map<string, string>, nested: boolean): [string, number] {
  let out = '';
  let i = at;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length && '$}\\'.includes(text[i + 1])) {
      out += text[i + 1];
      i += 2;
    } else if (nested && c === '}') {
      return [out, i + 1];
    } else if (c === '$' && /\d/.test(text[i + 1] ?? '')) {
      const n = /^\d+/.exec(text.slice(i + 1))![0];
      out += values.get(n) ?? '';
      i += 1 + n.length;
    } else if (c === '$' && text[i + 1] === '{') {
      const m = /^\$\{(\d+)([:|}])/.exec(text.slice(i));
      if (!m) throw new Error(`unsupported snippet syntax at ${i}: ${text.slice(i, i + 20)}`);
      i += m[0].length;
      let value = values.get(m[1]) ?? '';
      if (m[2] === ':') [value, i] = expandFrom(text, i, values, true);
      else if (m[2] === '|') {
        const end = text.indexOf('|}', i);
        value = text.slice(i, end).split(',')[0];
        i = end + 2;
      }
      if (!values.has(m[1]) && m[2] !== '}') values.set(m[1], value);
      out += value;
    } else {
      out += c;
      i++;
    }
  }
  if (nested) throw new Error('a placeholder is not closed');
  return [out, i];
}
