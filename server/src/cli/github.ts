/**
 * `check --format github`: GitHub Actions workflow commands, one per finding, which the runner turns into
 * annotations on the pull request's files without code scanning:
 * `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE::MESSAGE`.
 * A workflow command is one line of the job's log, so its values are escaped as the runner reads them
 * back (actions/toolkit's `escapeData` and `escapeProperty`): `%`, CR and LF everywhere, and `:` and `,`
 * in properties, where they would end a value. The runner turns them back into the original text, so a
 * file name is given as it is (GitHub must find the file); a message goes through `printable` first, as
 * all text for a log.
 */
import * as path from 'node:path';
import { printable, type Finding } from './output';

/** A message (the data after `::`) as the runner reads it back. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (`file=...`) as the runner reads it back. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND: Record<string, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

/**
 * Where GitHub looks for a finding's file: relative to the checked-out repository (`GITHUB_WORKSPACE`)
 * when the file is inside it, which is not the current folder when a step sets `working-directory`.
 */
export function githubFile(file: string, cwd: string, workspace: string | undefined): string {
  if (workspace === undefined || workspace === '') return file;
  const absolute = path.resolve(cwd, file);
  const rel = path.relative(path.resolve(workspace), absolute);
  const outside = rel === '' || rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel);
  return outside ? file : rel.split(path.sep).join('/');
}

/**
 * One finding as a workflow command line; `file` is the path GitHub should annotate. Errors are errors,
 * warnings warnings, information and hints notices, titled with the rule code. Columns are one-based and
 * the end column inclusive, and GitHub takes them only on a one-line range.
 */
export function toGithub(f: Finding, file: string): string {
  const { start, end } = f.range;
  const columns = start.line === end.line ? [`col=${start.character + 1}`, `endColumn=${Math.max(end.character, start.character + 1)}`] : [];
  const properties = [`file=${escapeProperty(file)}`, `line=${start.line + 1}`, `endLine=${end.line + 1}`, ...columns, `title=${escapeProperty(`octopus-roles ${f.diagnostic.code}`)}`];
  return `::${COMMAND[f.diagnostic.severity] ?? 'notice'} ${properties.join(',')}::${escapeData(printable(f.diagnostic.message))}\n`;
}
