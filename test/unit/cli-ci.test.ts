/**
 * Issue 28, "silent passes" and "CI conventions": a summary line on success, no pass on an empty PATH,
 * HCL syntax errors in the checker, filters of who-can and explain checked against the workspace, and the
 * flags and formats users know from ESLint and tflint (`--format github`, `--quiet`, `--max-warnings`,
 * colour on a terminal with `NO_COLOR` and `FORCE_COLOR`).
 */
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli';
import { parseFixture } from '../support/fixture';
import { check, scratchTrees } from '../support/folders';

/** Runs the command line as `main` would with this environment and terminal. */
async function cli(args: string[], cwd: string, env: Record<string, string> = {}, isTTY = false) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env, isTTY });
  return { code, stdout, stderr };
}

const ROLES = 'name: Release Deployer\nspacePermissions: [ProjectView, DeploymentCreate]\n';
const SPACES = 'name: Payments\nenvironments: [Test, Production]\n---\nname: Operations\n';
const TEAMS = [
  'name: Payments Deployers',
  'space: Payments',
  'members: [alice]',
  'roles:',
  '  - role: Release Deployer',
  '    environments: [Production]',
  '---',
  'name: Operations',
  'space: Operations',
  'members: [bob]',
  'roles: [Release Deployer]',
  '',
].join('\n');
/** Two warnings (a duplicate permission, an empty role) and one error (an unknown role). */
const MIXED = {
  '.git/': '',
  'dup.role.yaml': 'name: Dup\nspacePermissions: [ProjectView, ProjectView]\n',
  'empty.role.yaml': 'name: Empty\n',
  'team.team.yaml': 'name: T\nroles: [Nope]\n',
};

const ESC = '\x1b[';

describe('no silent passes (issue 28)', () => {
  const ws = scratchTrees();

  it('a PATH with nothing to check is an error (exit 2) unless --allow-empty', async () => {
    const dir = ws({ '.git/': '', 'roles/a.role.yaml': ROLES, 'docs/': '' });
    for (const args of [['check', 'docs'], ['check', 'roles', 'docs'], ['check', '--format', 'json', 'docs']]) {
      const run = await check(args, dir);
      assert.equal(run.code, 2, args.join(' '));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^octopus-roles: docs: no role, team, space or Terraform files to check there \(--allow-empty accepts that\)\n$/);
    }
    assert.deepEqual(await check(['check', 'docs', '--allow-empty'], dir), { code: 0, stdout: '0 files checked, no problems\n', stderr: '' });
    assert.deepEqual(await check(['check', '--format=json', '--allow-empty', 'docs'], dir), { code: 0, stdout: '[]\n', stderr: '' });
    // who-can, explain and diff have nothing to answer from either.
    assert.equal((await check(['who-can', 'ProjectView', 'docs'], dir)).code, 2);
  });

  it('reports a .tf file that is not HCL as tf-syntax, an error', async () => {
    const dir = ws({
      '.git/': '',
      'infra/roles.tf': 'resource "octopusdeploy_user_role" "r" {\n  name = "R"\n  granted_space_permissions = ["ProjectView" "ReleaseView"]\n}\n',
      'infra/teams.tf': 'resource "octopusdeploy_team" "t" {\n  name = "T"\n',
    });
    const run = await check(['check'], dir);
    assert.equal(run.code, 1);
    assert.equal(
      run.stdout,
      'infra/roles.tf:3:32: error tf-syntax: This file is not valid HCL, so Terraform cannot read it: unexpected `"ProjectView"` (a comma, an equals sign or a closing bracket may be missing next to it).\n' +
        'infra/teams.tf:3:1: error tf-syntax: This file is not valid HCL, so Terraform cannot read it: `}` is missing here.\n' +
        '2 errors in 2 files checked\n',
    );
  });

  it('agrees with HashiCorp\'s HCL parser on every Terraform fixture: tf-syntax exactly where it rejects a file', async () => {
    // @cdktf/hcl2json is HashiCorp's own parser (hashicorp/hcl in WebAssembly); the checker uses tree-sitter's grammar.
    const { parse } = (await import('@cdktf/hcl2json')) as { parse: (name: string, text: string) => Promise<unknown> };
    const fixtures = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');
    const files: Record<string, string> = { '.git/': '' };
    for (const name of ['rules/tf-syntax', 'terraform/teams', 'terraform/assignments', 'terraform/lookups', 'terraform/silent', 'terraform/permissions', 'terraform/restrictions']) {
      for (const f of parseFixture(readFileSync(path.join(fixtures, `${name}.hcl`), 'utf8'), 'main.tf')) files[`${path.basename(name)}/${f.path}`] = f.text;
    }
    const dir = ws(files);
    const run = await check(['check', '--format', 'json'], dir);
    const reported = new Set((JSON.parse(run.stdout) as { file: string; code: string }[]).filter((f) => f.code === 'tf-syntax').map((f) => f.file));
    const rejected = new Set<string>();
    for (const [name, text] of Object.entries(files)) {
      if (!name.endsWith('.tf') || !text.includes('octopusdeploy_')) continue;
      await parse(name, text).catch(() => rejected.add(name));
    }
    assert.ok(rejected.size >= 2, `the fixtures hold broken files: ${[...rejected].join(', ')}`);
    assert.deepEqual([...reported].sort(), [...rejected].sort());
  });

  it('who-can refuses a restriction value or space the workspace does not have, with did-you-mean (exit 2)', async () => {
    const dir = ws({ '.git/': '', 'roles.role.yaml': ROLES, 'spaces.space.yaml': SPACES, 'teams.team.yaml': TEAMS });
    const prod = await check(['who-can', 'DeploymentCreate', '--environment', 'Prod'], dir);
    assert.equal(prod.code, 2);
    assert.equal(prod.stdout, '');
    assert.match(prod.stderr, /environment `Prod` is neither declared nor restricted to in any space; did you mean Production\?/);
    const space = await check(['who-can', 'DeploymentCreate', '--space', 'Paymnts'], dir);
    assert.equal(space.code, 2);
    assert.match(space.stderr, /no space `Paymnts` in the workspace; did you mean Payments\?/);
    const scoped = await check(['who-can', 'DeploymentCreate', '--space', 'Payments', '--environment', 'Prodution'], dir);
    assert.equal(scoped.code, 2);
    assert.match(scoped.stderr, /space Payments declares no environment `Prodution`; did you mean Production\?/);
    assert.equal((await check(['explain', 'user:alice', '--space', 'Paymnts'], dir)).code, 2);
  });

  it('who-can and explain say the question in the header, and take a name that is unique without its kind', async () => {
    const dir = ws({ '.git/': '', 'roles.role.yaml': ROLES, 'spaces.space.yaml': SPACES, 'teams.team.yaml': TEAMS });
    const who = await check(['who-can', 'DeploymentCreate', '--space', 'Payments', '--environment', 'Production'], dir);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout.split('\n')[0], 'Who holds DeploymentCreate in space Payments, for environment Production');
    assert.match(who.stdout, /user alice\n\s+DeploymentCreate in space Payments \(only environments: Production\)/);
    const alice = await check(['explain', 'alice', '--space', 'Payments'], dir);
    assert.equal(alice.code, 0, alice.stderr);
    assert.equal(alice.stdout.split('\n')[0], 'user alice: in space Payments and server-wide');
    const json = JSON.parse((await check(['explain', 'alice', '--format', 'json'], dir)).stdout);
    assert.deepEqual(json.principal, { kind: 'user', name: 'alice' });
    // `Operations` is a team and a space; as a principal it is the team. A name two kinds share is refused.
    assert.equal((await check(['explain', 'Operations'], dir)).code, 0);
    const both = ws({ '.git/': '', 'roles.role.yaml': ROLES, 'teams.team.yaml': 'name: bob\nmembers: [bob]\nroles: [Project Viewer]\n' });
    const ambiguous = await check(['explain', 'bob'], both);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /`bob` names team:bob and user:bob; write one of them/);
  });
});

describe('CI formats and flags (issue 28)', () => {
  const ws = scratchTrees();

  it('--format github writes a workflow command per finding, escaped as the runner reads it back', async () => {
    const dir = ws(MIXED);
    // `%`, `,` and `:` end or garble a property; CR and LF would end the command and forge another.
    writeFileSync(path.join(dir, '50%, a:b\r\n::error title=forged::x.team.yaml'), 'name: F\nroles: [Nope]\n');
    const run = await cli(['check', '--format', 'github'], dir);
    assert.equal(run.code, 1);
    // The messages are JSON's; GitHub's command is `error`, `warning` or `notice`, columns one-based and the
    // end column inclusive, and each title the product's name and the rule code.
    const json = JSON.parse((await cli(['check', '--format', 'json'], dir)).stdout) as { file: string; severity: string; code: string; message: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
    const files = ['50%25%2C a%3Ab%0D%0A%3A%3Aerror title=forged%3A%3Ax.team.yaml', 'dup.role.yaml', 'empty.role.yaml', 'team.team.yaml'];
    assert.deepEqual(json.map((f) => f.code), ['unknown-role', 'duplicate-permission', 'empty-role', 'unknown-role']);
    const expected = json.map(({ severity, code, message, range: { start, end } }, i) =>
      `::${severity} file=${files[i]},line=${start.line + 1},endLine=${end.line + 1},col=${start.character + 1},endColumn=${Math.max(end.character, start.character + 1)},title=octopus-roles ${code}::${message}\n`,
    );
    assert.equal(run.stdout, expected.join('') + '2 errors, 2 warnings in 4 files checked\n');
    assert.match(expected[1], /^::warning file=dup\.role\.yaml,line=2,endLine=2,col=33,endColumn=43,title=octopus-roles duplicate-permission::`ProjectView`/);
    // In a job whose step runs in a subfolder, paths are the repository's, as GitHub matches them.
    const sub = await cli(['check', '--format', 'github', 'dup.role.yaml'], dir, { GITHUB_WORKSPACE: path.dirname(dir) });
    assert.match(sub.stdout, new RegExp(`^::warning file=${path.basename(dir)}/dup\\.role\\.yaml,line=2,`));
  });

  it('--quiet reports errors only, and says how many others it hid', async () => {
    const run = await cli(['check', '--quiet'], ws(MIXED));
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^team\.team\.yaml:2:9: error unknown-role: [^\n]*\n1 error in 3 files checked \(2 warnings and notes hidden by --quiet\)\n$/);
    const json = JSON.parse((await cli(['check', '--quiet', '--format', 'json'], ws(MIXED))).stdout) as { code: string }[];
    assert.deepEqual(json.map((f) => f.code), ['unknown-role']);
  });

  it('--max-warnings N fails the run when there are more than N warnings', async () => {
    const dir = ws({ ...MIXED, 'team.team.yaml': 'name: T\nroles: [System Manager]\n' });
    assert.equal((await cli(['check'], dir)).code, 0);
    assert.equal((await cli(['check', '--max-warnings', '2'], dir)).code, 0);
    const over = await cli(['check', '--max-warnings', '1', '--quiet'], dir);
    assert.equal(over.code, 1);
    assert.equal(over.stderr, 'octopus-roles: 2 warnings, more than --max-warnings 1 allows\n');
    const bad = await cli(['check', '--max-warnings', 'many'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-warnings: `many` is not a number/);
  });

  it('colours text on a terminal, and follows --color, --no-color, FORCE_COLOR and NO_COLOR', async () => {
    const dir = ws(MIXED);
    const coloured = (r: { stdout: string }) => r.stdout.includes(ESC);
    const tty = await cli(['check'], dir, {}, true);
    assert.ok(coloured(tty));
    assert.match(tty.stdout, /^\x1b\[1mdup\.role\.yaml\x1b\[0m:2:33: \x1b\[33mwarning\x1b\[0m \x1b\[2mduplicate-permission\x1b\[0m: /m);
    assert.match(tty.stdout, /^\x1b\[1mteam\.team\.yaml\x1b\[0m:2:9: \x1b\[31merror\x1b\[0m \x1b\[2munknown-role\x1b\[0m: /m);
    assert.match(tty.stdout, /\n\x1b\[31m1 error, 2 warnings in 3 files checked\x1b\[0m\n$/);
    // With the colours taken out, the text is exactly the plain text.
    assert.equal(tty.stdout.replace(/\x1b\[\d+m/g, ''), (await cli(['check'], dir)).stdout);
    assert.ok(!coloured(await cli(['check'], dir)), 'not a terminal');
    assert.ok(!coloured(await cli(['check'], dir, { NO_COLOR: '1' }, true)), 'NO_COLOR');
    assert.ok(coloured(await cli(['check'], dir, { NO_COLOR: '' }, true)), 'an empty NO_COLOR is not set');
    assert.ok(!coloured(await cli(['check', '--no-color'], dir, {}, true)), '--no-color');
    assert.ok(coloured(await cli(['check'], dir, { FORCE_COLOR: '1' })), 'FORCE_COLOR');
    assert.ok(!coloured(await cli(['check'], dir, { FORCE_COLOR: '0' }, true)), 'FORCE_COLOR=0');
    assert.ok(coloured(await cli(['check', '--color'], dir, { NO_COLOR: '1' })), '--color');
    assert.ok(!coloured(await cli(['check', '--no-color'], dir, { FORCE_COLOR: '1' })), '--no-color over FORCE_COLOR');
    assert.ok(!coloured(await cli(['check', '--format', 'json', '--color'], dir, {}, true)), 'JSON is never coloured');
    // A file name's own escape sequence is still escaped: the colours are the only ones.
    writeFileSync(path.join(dir, '\x1b[31mred.team.yaml'), 'name: R\nroles: [Nope]\n');
    const hostile = await cli(['check', '--color'], dir);
    assert.ok(hostile.stdout.includes('\\x1b[31mred.team.yaml'));
  });
});
