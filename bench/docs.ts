/** Writing benchmark figures into docs/performance.md, between `<!-- bench:NAME:start/end -->` markers. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const DOC = path.resolve(__dirname, '..', '..', 'docs', 'performance.md');

/** Replaces the text between the markers of section `name`; does nothing if they are missing. */
export function writeDocSection(name: string, body: string): void {
  // A trial run (a branch being compared, a copy built elsewhere) writes its figures to a file of its own.
  if (process.env.BENCH_OUT) {
    writeFileSync(process.env.BENCH_OUT, `${body}\n`, { flag: 'a' });
    return;
  }
  if (!existsSync(DOC)) return;
  const text = readFileSync(DOC, 'utf8');
  const start = `<!-- bench:${name}:start -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(`<!-- bench:${name}:end -->`);
  if (i >= 0 && j > i) writeFileSync(DOC, `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`);
}
