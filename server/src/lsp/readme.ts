/**
 * The rule sections of README.md (a heading `### \`code\`` each, up to the next heading), read by the
 * server for its links and by the VS Code client for its documentation view. No dependencies, so that
 * the client bundle stays small.
 */

/** A rule's section of README.md: its 0-based heading line and its Markdown, heading included. */
export interface RuleSection {
  readonly line: number;
  readonly markdown: string;
}

/** The sections of every rule in a README's text, by code. */
export function ruleSections(readme: string): Map<string, RuleSection> {
  const lines = readme.split(/\r?\n/);
  const sections = new Map<string, RuleSection>();
  let fence = false;
  let open: { code: string; line: number } | undefined;
  const close = (end: number) => {
    if (open) sections.set(open.code, { line: open.line, markdown: lines.slice(open.line, end).join('\n').trimEnd() + '\n' });
    open = undefined;
  };
  lines.forEach((l, i) => {
    if (/^(```|~~~)/.test(l)) fence = !fence;
    if (fence || !/^#{1,3} /.test(l)) return;
    close(i);
    const m = /^### `([a-z-]+)`\s*$/.exec(l);
    if (m) open = { code: m[1], line: i };
  });
  close(lines.length);
  return sections;
}
