/**
 * The parts of the VS Code client's commands that need no VS Code: *Access Diff with Branch...* (the
 * branches it offers and the bundled command line's diff it runs, here against real repositories and the
 * built bin/octopus-roles.js) and the choice of a formatter for Terraform files.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { accessDiff, listBranches, outcome } from '../../client/src/branch-diff';
import { terraformFormatterToSet } from '../../client/src/terraform-format';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'bin', 'octopus-roles.js');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=Test', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const TEAM = 'name: Testers\nspace: Finance\nmembers: [alice]\nroles:\n  - role: Deployer\n    environments: [Test]\n';

describe('Access Diff with Branch... (client/src/branch-diff.ts)', function () {
  this.timeout(60000);
  let dir: string;
  let repo: string;
  // Valid branch names that a shell would run as commands.
  const hostile = ['$(touch${IFS}pwned)', 'x;touch${IFS}pwned2', '`touch${IFS}pwned3`'];

  before(() => {
    assert.ok(existsSync(path.join(ROOT, 'dist', 'cli.js')), 'run npm run build first');
    dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-branch-diff-'));
    repo = path.join(dir, 'repo');
    git(dir, 'init', '-q', repo);
    mkdirSync(path.join(repo, 'access'));
    writeFileSync(path.join(repo, 'access', 'finance.space.yaml'), 'name: Finance\nenvironments: [Test, Production]\n');
    writeFileSync(path.join(repo, 'access', 'deployer.role.yaml'), 'name: Deployer\nspacePermissions: [ProjectView, DeploymentCreate]\n');
    writeFileSync(path.join(repo, 'access', 'testers.team.yaml'), TEAM);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'base');
    for (const name of hostile) git(repo, 'branch', name);
    // A ref named like an option, which `git branch` refuses but a repository can hold.
    git(repo, 'update-ref', 'refs/heads/--output=/tmp/octopus-roles-pwned', 'HEAD');
    git(repo, 'checkout', '-q', '-b', 'feature');
    git(repo, 'remote', 'add', 'origin', repo);
    git(repo, 'fetch', '-q', 'origin', 'main');
    // The working tree widens Testers to Production.
    writeFileSync(path.join(repo, 'access', 'testers.team.yaml'), TEAM.replace('[Test]', '[Test, Production]'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('offers the local branches, the current one marked, then the remote ones', async () => {
    const branches = await listBranches(repo);
    const local = branches.filter((b) => !b.remote).map((b) => b.name).sort();
    assert.deepEqual(local, ['$(touch${IFS}pwned)', '--output=/tmp/octopus-roles-pwned', '`touch${IFS}pwned3`', 'feature', 'main', 'x;touch${IFS}pwned2'].sort());
    assert.deepEqual(branches.filter((b) => b.current).map((b) => b.name), ['feature']);
    assert.deepEqual(branches.filter((b) => b.remote).map((b) => b.name), ['origin/main']);
    assert.ok(branches.findIndex((b) => b.remote) > branches.findIndex((b) => b.name === 'main'));
  });

  it('offers nothing outside a git repository', async () => {
    assert.deepEqual(await listBranches(dir), []);
  });

  it('shows the access the working tree gains against a branch, as the pull-request report', async () => {
    const result = await accessDiff(CLI, repo, 'main');
    assert.equal(result.kind, 'report');
    if (result.kind !== 'report') return;
    assert.equal(result.status, 3);
    assert.match(result.markdown, /^### Octopus access: main → working tree/);
    assert.match(result.markdown, /\+ DeploymentCreate in space Finance/);
  });

  it('passes any branch name as a name: nothing runs, and an option-like name is refused', async () => {
    for (const name of hostile) {
      const result = await accessDiff(CLI, repo, name);
      assert.equal(result.kind, 'report', name);
    }
    for (const pwned of ['pwned', 'pwned2', 'pwned3']) assert.equal(existsSync(path.join(repo, pwned)), false, pwned);
    const option = await accessDiff(CLI, repo, '--output=/tmp/octopus-roles-pwned');
    assert.deepEqual(option, { kind: 'failed', message: '`--output=/tmp/octopus-roles-pwned` is neither a folder nor a revision of the git repository here' });
    assert.equal(existsSync('/tmp/octopus-roles-pwned'), false);
  });

  it('says why when there is nothing to compare with', async () => {
    const result = await accessDiff(CLI, repo, 'no-such-branch');
    assert.deepEqual(result, { kind: 'failed', message: '`no-such-branch` is neither a folder nor a revision of the git repository here' });
  });

  it('still shows the report when a side has errors, and says so', () => {
    assert.deepEqual(outcome({ code: 1, stdout: '### report\n', stderr: 'octopus-roles: 2 errors in main, 0 in working tree (see octopus-roles check)\n' }), {
      kind: 'report',
      markdown: '### report\n',
      status: 1,
      errors: '2 errors in main, 0 in working tree (see octopus-roles check)',
    });
    assert.deepEqual(outcome({ code: null, stdout: '', stderr: '', error: 'spawn ENOENT' }), { kind: 'failed', message: 'spawn ENOENT' });
    assert.deepEqual(outcome({ code: 0, stdout: '', stderr: '' }), { kind: 'failed', message: 'the comparison ended with status 0' });
  });

  it('is declared in package.json with Explain Principal...', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string; title: string }[] } };
    const titles = Object.fromEntries(pkg.contributes.commands.map((c) => [c.command, c.title]));
    assert.equal(titles['octopusRoles.accessDiff'], 'Access Diff with Branch...');
    assert.equal(titles['octopusRoles.explainPrincipal'], 'Explain Principal...');
  });
});

describe('the formatter of Terraform files (client/src/terraform-format.ts)', () => {
  it('is HashiCorp\'s when its extension is installed and nothing names one', () => {
    assert.equal(terraformFormatterToSet(true, {}), 'hashicorp.terraform');
    assert.equal(terraformFormatterToSet(true, undefined), 'hashicorp.terraform');
  });

  it('is left alone without HashiCorp\'s extension, and wherever a setting or another extension chose', () => {
    assert.equal(terraformFormatterToSet(false, {}), undefined);
    for (const level of ['defaultLanguageValue', 'globalLanguageValue', 'workspaceLanguageValue', 'workspaceFolderLanguageValue']) {
      assert.equal(terraformFormatterToSet(true, { [level]: 'someone.else' }), undefined, level);
    }
  });

  it('is not a static default of the package any more', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configurationDefaults: Record<string, unknown> } };
    assert.equal(pkg.contributes.configurationDefaults['[terraform]'], undefined);
  });
});
