/**
 * `check --format github`: each finding as a GitHub Actions annotation command, escaped as the runner
 * unescapes it, so that no file name or message can end the command, forge another or add properties.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli';
import { escapeData, escapeProperty, toGithub as toGithubAt } from '../../server/src/cli/github';
import type { Finding } from '../../server/src/cli/output';

const githubEscape = (text: string, property: boolean) => (property ? escapeProperty(text) : escapeData(text));
const toGithub = (f: Finding) => toGithubAt(f, f.file);
import type { Diagnostic } from '../../server/src/service';

/** What the runner does with a property value or message: GitHub's unescaping. */
const unescape = (text: string) => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

describe('check --format github', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-github-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function check(files: Record<string, string>): Promise<{ code: number; stdout: string }> {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    let stdout = '';
    const code = await runCli(['check', '--format', 'github'], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir });
    return { code, stdout };
  }

  it('annotates errors, warnings and notes on their file and range, then prints the summary', async () => {
    const run = await check({
      'deployer.role.yaml': 'name: Deployer\nspacePermissions: [ProjectView, ProjectView]\nsystemPermissions: [UserView]\n',
      'finance.team.yaml': 'name: Finance\nspace: Finance\nroles: [Deployer, Deployr]\n',
    });
    assert.equal(run.code, 1);
    const lines = run.stdout.split('\n');
    assert.equal(lines.length, 5);
    // The second ProjectView: one-based columns, the end column inclusive.
    assert.match(lines[0], /^::warning file=deployer\.role\.yaml,line=2,endLine=2,col=33,endColumn=43,title=octopus-roles duplicate-permission::`ProjectView`/);
    assert.deepEqual(lines.slice(3), ['1 error, 1 warning, 1 note in 2 files checked', '']);
    assert.match(lines[1], /^::notice file=finance\.team\.yaml,line=3,endLine=3,col=9,endColumn=16,title=octopus-roles implicit-system-grant::/);
    assert.match(lines[2], /^::error file=finance\.team\.yaml,line=3,endLine=3,col=19,endColumn=25,title=octopus-roles unknown-role::No role named `Deployr`/);
  });

  it('prints no annotation for a clean workspace, only the line that says so (issue 28: no silent passes)', async () => {
    assert.deepEqual(await check({ 'deployer.role.yaml': 'name: Deployer\nspacePermissions: [ProjectView]\n' }), { code: 0, stdout: '1 file checked, no problems\n' });
  });

  it('keeps a hostile file name inside its property: one line, no forged command, the name given back whole', async () => {
    const name = 'x,line=1\n::error file=forged::boom%0A.team.yaml';
    const run = await check({ [name]: 'name: T\nroles: [Nope]\n' });
    const lines = run.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 2, run.stdout);
    assert.ok(!lines.some((l) => l.startsWith('::error file=forged')));
    const file = /^::error file=([^,]*),line=2,/.exec(lines[0]);
    assert.ok(file, lines[0]);
    assert.equal(unescape(file[1]), name);
  });

  it('escapes `%`, line breaks and property separators, and writes other control characters visibly', () => {
    assert.equal(githubEscape('50% a:b,c\r\nd', false), '50%25 a:b,c%0D%0Ad');
    assert.equal(githubEscape('50% a:b,c\r\nd', true), '50%25 a%3Ab%2Cc%0D%0Ad');
    // A message goes through printable first: control characters are written visibly.
    const diagnostic = { code: 'unknown-key', severity: 'warning', message: 'bell\u0007 esc\u001b[31m rtl\u202e', span: { start: 0, end: 1 } } as unknown as Diagnostic;
    const f: Finding = { file: 'a.role.yaml', diagnostic, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, related: [] };
    assert.match(toGithub(f), /::bell\\x07 esc\\x1b\[31m rtl\\u202e\n$/);
    for (const s of ['%0A', '%%25', 'a,b:c\n']) assert.equal(unescape(githubEscape(s, true)), s);
  });

  it('leaves out the columns of a range over several lines, which GitHub refuses', () => {
    const diagnostic = { code: 'unknown-key', severity: 'warning', message: 'm', span: { start: 0, end: 1 } } as unknown as Diagnostic;
    const f: Finding = { file: 'a.role.yaml', diagnostic, range: { start: { line: 1, character: 4 }, end: { line: 3, character: 2 } }, related: [] };
    assert.equal(toGithub(f), '::warning file=a.role.yaml,line=2,endLine=4,title=octopus-roles unknown-key::m\n');
  });

  it('is one of the formats the usage offers', async () => {
    let stderr = '';
    const code = await runCli(['check', '--format', 'xml'], { stdout: () => undefined, stderr: (t) => (stderr += t), cwd: dir });
    assert.equal(code, 2);
    assert.match(stderr, /use text, json, sarif or github/);
  });
});
