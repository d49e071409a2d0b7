/**
 * Fixture-driven testing (see STYLE.md, "Tests are data").
 *
 * A fixture is YAML text. Lines `#= path/to/file.team.yaml` start a file (text before the first one
 * is a description). Expected diagnostics are comment lines under the line they mark:
 *
 *     roles:
 *       - Projet Viewer
 *     #   ^^^^^^^^^^^^^ error unknown-role -- Did you mean
 *
 * The carets give the columns on the marked line (the nearest line above that is not an annotation);
 * a `#` written directly before the carets counts as one, so `#^^^` marks columns 0 to 3. Then come
 * the severity and the code; text after `--` must occur in the message. Annotation lines are
 * ordinary YAML comments and stay in the file, so line numbers are those of the real text.
 * `$0` marks a cursor and is removed from the text.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, finalDiagnostics, isRuleCode, LineMap, parseConfig, Workspace, type Settings, DEFAULT_SETTINGS } from '../../server/src/service';

/** test/fixtures, found from out/test/support or test/support alike. */
export const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');

/**
 * A fixture file of test/fixtures: `rules/CODE.yaml` or `rules/CODE.hcl` (one per rule, named by its
 * code: where the rule fires and near misses where it does not) or `terraform/NAME.hcl` (Terraform
 * modules that several rules and features read). An `.hcl` fixture's files are read as Terraform, a
 * file without a `#=` header as `main.tf`.
 */
export interface FixtureSource {
  /** Its path under test/fixtures, such as `rules/unknown-role.yaml`. */
  readonly name: string;
  /**
   * The rule it is the fixture of: its file name without the extension, when that is a rule's code.
   * Other fixtures under rules/ (`yaml-syntax-quote.yaml`, `suppression.yaml`) show more of a rule or
   * what all rules share.
   */
  readonly code?: string;
  readonly terraform: boolean;
  readonly text: string;
  /** The name of its file when it has no `#=` header. */
  readonly defaultPath: string | undefined;
}

/** Every fixture of test/fixtures/rules and test/fixtures/terraform, sorted. */
export function fixtureSources(): FixtureSource[] {
  const out: FixtureSource[] = [];
  for (const folder of ['rules', 'terraform']) {
    for (const file of readdirSync(path.join(FIXTURES, folder)).sort()) {
      const terraform = file.endsWith('.hcl');
      if (!terraform && !file.endsWith('.yaml')) continue;
      const stem = file.replace(/\.(yaml|hcl)$/, '');
      const code = folder === 'rules' && isRuleCode(stem) ? stem : undefined;
      const text = readFileSync(path.join(FIXTURES, folder, file), 'utf8');
      out.push({ name: `${folder}/${file}`, ...(code ? { code } : {}), terraform, text, defaultPath: terraform ? 'main.tf' : undefined });
    }
  }
  return out;
}

export interface FixtureFile {
  readonly path: string;
  readonly text: string;
  readonly expected: readonly Expected[];
  /** Offset of `$0`, when the file has one. */
  readonly cursor?: number;
}

export interface Expected {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly severity: string;
  readonly code: string;
  readonly contains?: string;
}

const HEADER = /^#=\s*(\S+)\s*$/;
const ANNOTATION = /^\s*#(\s*)(\^+)\s+(error|warning|information|hint)\s+([a-z-]+)(?:\s+--\s+(.*))?\s*$/;

export function parseFixture(source: string, defaultPath = 'fixture.role.yaml'): FixtureFile[] {
  const lines = source.split('\n');
  const files: { path: string; lines: string[] }[] = [];
  let current: { path: string; lines: string[] } | undefined;
  const hasHeaders = lines.some((l) => HEADER.test(l));
  if (!hasHeaders) current = { path: defaultPath, lines: [] };
  if (current) files.push(current);
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header) {
      current = { path: header[1], lines: [] };
      files.push(current);
    } else if (current) current.lines.push(line);
  }
  return files.map(({ path, lines: fileLines }) => {
    const expected: Expected[] = [];
    let marked = -1;
    fileLines.forEach((line, i) => {
      const m = ANNOTATION.exec(line);
      if (m) {
        assert.ok(marked >= 0, `${path}:${i + 1}: an annotation needs a line above it`);
        // `#^^^` marks from the `#` itself, so that column 0 can be marked too.
        const hash = line.indexOf('#');
        const start = m[1] === '' ? hash : line.indexOf('^');
        const end = line.indexOf('^') + m[2].length;
        expected.push({ line: marked, start, end, severity: m[3], code: m[4], contains: m[5] });
      } else {
        marked = i;
      }
    });
    let text = fileLines.join('\n');
    // Drop the trailing blank line that separates files in the fixture.
    while (text.endsWith('\n\n')) text = text.slice(0, -1);
    const cursor = text.indexOf('$0');
    if (cursor >= 0) text = text.slice(0, cursor) + text.slice(cursor + 2);
    return { path, text, expected, cursor: cursor >= 0 ? cursor : undefined };
  });
}

/** A workspace built from fixture files, with the settings of a `.octopus-roles.yaml` among them. */
export function workspaceOf(files: readonly FixtureFile[]): { ws: Workspace; settings: Settings } {
  const ws = new Workspace();
  let settings: Settings = DEFAULT_SETTINGS;
  for (const f of files) {
    if (f.path.endsWith(CONFIG_FILE_NAME)) settings = parseConfig(f.text).settings;
    else ws.setFile(f.path, f.text);
  }
  return { ws, settings };
}

function render(path: string, line: number, start: number, end: number, severity: string, code: string): string {
  return `${path}:${line + 1}:${start}-${end} ${severity} ${code}`;
}

/** Validates the fixture's workspace and compares every file's diagnostics with its annotations. */
export function checkDiagnostics(source: string, defaultPath?: string): void {
  const files = parseFixture(source, defaultPath);
  const { ws, settings } = workspaceOf(files);
  const actual: string[] = [];
  const expected: string[] = [];
  for (const f of files) {
    if (f.path.endsWith(CONFIG_FILE_NAME)) continue;
    const lines = new LineMap(f.text);
    const diagnostics = finalDiagnostics(ws, f.path, settings);
    for (const d of diagnostics) {
      const r = lines.rangeOf(d.span);
      const end = r.end.line === r.start.line ? r.end.character : `${r.end.line + 1}:${r.end.character}`;
      actual.push(render(f.path, r.start.line, r.start.character, end as number, d.severity, d.code));
    }
    for (const e of f.expected) {
      expected.push(render(f.path, e.line, e.start, e.end, e.severity, e.code));
      if (e.contains) {
        const hit = diagnostics.find((d) => d.code === e.code && lines.rangeOf(d.span).start.line === e.line);
        assert.ok(hit, `${f.path}:${e.line + 1}: no ${e.code} to check the message of`);
        assert.ok(hit.message.includes(e.contains), `${f.path}:${e.line + 1}: message "${hit.message}" lacks "${e.contains}"`);
      }
    }
  }
  assert.deepEqual(actual.sort(), expected.sort());
}
