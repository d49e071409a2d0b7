import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { runCli } from '../../server/src/cli';
import { scratchTrees } from '../support/folders';
import { RULE_CODES } from '../../server/src/service';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function check(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

/** Writes a workspace of files into a fresh temporary folder. */
function workspace(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-cli-'));
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string }[] } };
    results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: unknown }[] }[];
  }[];
}

const ROLE = 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n';
const BROKEN_TEAM = 'name: Finance\nspace: Finance\nroles:\n  - System Manager\n  - Deployr\n';

describe('octopus-roles check', () => {
  const ws = scratchTrees(workspace);

  it('says how many files it checked and that there are no problems, and exits 0, for a clean workspace', async () => {
    const dir = ws({ 'roles/deployer.role.yaml': ROLE, 'teams/finance.team.yaml': 'name: Finance\nspace: Finance\nroles: [Deployer]\n' });
    const run = await check(['check'], dir);
    assert.deepEqual(run, { code: 0, stdout: '2 files checked, no problems\n', stderr: '' });
  });

  it('prints file:line:col: severity code: message and exits 1 on errors', async () => {
    const dir = ws({ 'deployer.role.yaml': ROLE, 'teams/finance.team.yaml': BROKEN_TEAM });
    const run = await check(['check', '.'], dir);
    assert.equal(run.code, 1);
    const lines = run.stdout.trim().split('\n');
    assert.match(lines[0], /^teams\/finance\.team\.yaml:4:5: error system-role-in-space-team: `System Manager` has no space permissions/);
    assert.match(lines[1], /^teams\/finance\.team\.yaml:5:5: error unknown-role: No role named `Deployr`.*Did you mean `Deployer`\?$/);
    assert.equal(lines[2], '2 errors in 2 files checked');
  });

  it('exits 0 when there are only warnings', async () => {
    const dir = ws({ 'a.role.yaml': 'name: A\nspacePermissions: [ProjectView, ProjectView]\n' });
    const run = await check(['check'], dir);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /a\.role\.yaml:2:33: warning duplicate-permission/);
  });

  it('writes JSON with zero-based LSP ranges', async () => {
    const dir = ws({ 'deployer.role.yaml': ROLE, 'finance.team.yaml': BROKEN_TEAM });
    const run = await check(['check', '--format', 'json'], dir);
    assert.equal(run.code, 1);
    const out = JSON.parse(run.stdout) as unknown[];
    assert.deepEqual(out[1], {
      file: 'finance.team.yaml',
      range: { start: { line: 4, character: 4 }, end: { line: 4, character: 11 } },
      severity: 'error',
      code: 'unknown-role',
      message: 'No role named `Deployr` is defined in the workspace or built into Octopus. Did you mean `Deployer`?',
    });
  });

  it('writes JSON `[]` for a clean workspace', async () => {
    const dir = ws({ 'deployer.role.yaml': ROLE });
    const run = await check(['check', '--format=json'], dir);
    assert.equal(run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout), []);
  });

  it('writes SARIF 2.1.0 that the official schema accepts, with rule metadata and exact regions', async () => {
    const dir = ws({ 'deployer.role.yaml': ROLE, 'my teams/finance.team.yaml': BROKEN_TEAM });
    const run = await check(['check', '--format', 'sarif'], dir);
    assert.equal(run.code, 1);
    const log = JSON.parse(run.stdout) as SarifLog;
    const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    assert.ok(validate(JSON.parse(run.stdout)), JSON.stringify(validate.errors, null, 2));
    const runLog = log.runs[0];
    assert.equal(runLog.tool.driver.rules.length, RULE_CODES.length);
    const result = runLog.results.find((r) => r.ruleId === 'unknown-role')!;
    assert.equal(runLog.tool.driver.rules[result.ruleIndex].id, 'unknown-role');
    assert.equal(result.level, 'error');
    assert.deepEqual(result.locations[0].physicalLocation, {
      artifactLocation: { uri: 'my%20teams/finance.team.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 5, startColumn: 5, endLine: 5, endColumn: 12 },
    });
  });

  it('reads the whole workspace whatever the paths, and reports the files they name', async () => {
    const dir = ws({ 'roles/deployer.role.yaml': ROLE, 'teams/finance.team.yaml': 'name: F\nspace: F\nroles: [Deployer]\n' });
    assert.deepEqual(await check(['check', 'teams'], dir), { code: 0, stdout: '1 file checked, no problems\n', stderr: '' });
    assert.deepEqual(await check(['check', 'teams', 'roles/deployer.role.yaml'], dir), { code: 0, stdout: '2 files checked, no problems\n', stderr: '' });
  });

  it('skips node_modules and dot-folders', async () => {
    const dir = ws({ 'node_modules/x/bad.role.yaml': 'nope: 1\n', '.git/bad.role.yaml': 'nope: 1\n', 'ok.role.yaml': ROLE });
    assert.deepEqual(await check(['check'], dir), { code: 0, stdout: '1 file checked, no problems\n', stderr: '' });
  });

  it('obeys .octopus-roles.yaml and reports its own mistakes', async () => {
    const dir = ws({
      '.octopus-roles.yaml': 'rules:\n  unknown-role: warning\n  no-such-rule: off\n',
      'finance.team.yaml': 'name: F\nspace: F\nroles: [Nobody]\n',
    });
    const run = await check(['check'], dir);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^\.octopus-roles\.yaml:3:3: warning unknown-key: Unknown key `no-such-rule`/m);
    assert.match(run.stdout, /^finance\.team\.yaml:3:9: warning unknown-role/m);
  });

  it('reports files too large, binary or not UTF-8 as diagnostics, not failures', async () => {
    const dir = ws({
      'big.role.yaml': 'name: Big\n' + '# padding\n'.repeat(200),
      'binary.role.yaml': Buffer.from([0x6e, 0x61, 0x00, 0x01, 0x02]),
      'latin1.team.yaml': Buffer.from('name: Caf\xe9\n', 'latin1'),
    });
    const run = await check(['check', '--max-file-size', '1KB', '--format', 'json'], dir);
    assert.equal(run.code, 1);
    const out = JSON.parse(run.stdout) as { file: string; code: string; message: string }[];
    assert.deepEqual(out.map((d) => [d.file, d.code]), [
      ['big.role.yaml', 'file-too-large'],
      ['binary.role.yaml', 'unreadable-file'],
      ['latin1.team.yaml', 'unreadable-file'],
    ]);
    assert.match(out[0].message, /over the 1 KB limit/);
    assert.match(out[1].message, /binary data/);
    assert.match(out[2].message, /not valid UTF-8/);
  });

  it('survives symbolic-link loops and ignores links that leave the workspace', async () => {
    const outside = ws({ 'secret.role.yaml': 'nope: 1\n' });
    const dir = ws({ 'ok.role.yaml': ROLE });
    symlinkSync(dir, path.join(dir, 'loop'));
    symlinkSync(outside, path.join(dir, 'elsewhere'));
    symlinkSync(path.join(dir, 'self.role.yaml'), path.join(dir, 'self.role.yaml'));
    const run = await check(['check', '--format', 'json'], dir);
    const out = JSON.parse(run.stdout) as { file: string; code: string }[];
    assert.deepEqual(out.map((d) => [d.file, d.code]), [['self.role.yaml', 'unreadable-file']]);
  });

  it('reports an unreadable file and goes on', async function () {
    if (process.getuid?.() === 0) this.skip(); // root reads everything
    const dir = ws({ 'locked.role.yaml': ROLE, 'ok.role.yaml': 'name: Ok\nspacePermissions: [ProjectView]\n' });
    chmodSync(path.join(dir, 'locked.role.yaml'), 0);
    const run = await check(['check'], dir);
    assert.match(run.stdout, /locked\.role\.yaml:1:1: error unreadable-file: .*permission denied/);
  });

  describe('bad usage exits 2 with a message', () => {
    const cases: [string[], RegExp][] = [
      [['check', 'no/such/folder'], /no\/such\/folder: no such file or folder/],
      [['check', '--format', 'xml'], /unknown format `xml`/],
      [['check', '--format'], /--format needs a value/],
      [['check', '--frobnicate'], /unknown option `--frobnicate`/],
      [['lint'], /unknown command `lint`/],
      [[], /missing command/],
      [['check', 'package.json'], /not a role, team, space, policy or Terraform file/],
      [['check', '--max-file-size', 'huge'], /not a size/],
      [['check', '--config', 'missing.yaml'], /missing\.yaml: no such configuration file/],
    ];
    for (const [args, message] of cases) {
      it(args.join(' ') || '(nothing)', async () => {
        const run = await check(args, ROOT);
        assert.equal(run.code, 2);
        assert.equal(run.stdout, '');
        assert.match(run.stderr, message);
      });
    }
  });

  it('--help and --version exit 0', async () => {
    assert.match((await check(['--help'], ROOT)).stdout, /Usage: octopus-roles check/);
    assert.equal((await check(['--version'], ROOT)).stdout.trim(), JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('runs as the installed bin with the same exit statuses', () => {
    const bin = path.join(ROOT, 'bin', 'octopus-roles.js');
    const dir = ws({ 'deployer.role.yaml': ROLE, 'finance.team.yaml': BROKEN_TEAM });
    const bad = spawnSync(process.execPath, [bin, 'check', dir], { encoding: 'utf8' });
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stdout, /error unknown-role/);
    const usage = spawnSync(process.execPath, [bin, 'check', path.join(dir, 'missing')], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
  });
});
