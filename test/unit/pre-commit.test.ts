/**
 * The pre-commit hook (.pre-commit-hooks.yaml) with the real `pre-commit` (Debian's package, installed by
 * scripts/setup-editors.sh; the test skips without it): a repository whose .pre-commit-config.yaml names
 * this hook, `pre-commit install`, and commits that the hook lets through or stops. The hook runs the
 * `octopus-roles` on the PATH; here the PATH holds it as `npm link` puts it there, a link to
 * bin/octopus-roles.js (test/install/readme.test.ts runs `npm link` itself).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('the pre-commit hook (.pre-commit-hooks.yaml)', function () {
  this.timeout(120000);
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const run = (cwd: string, command: string, ...args: string[]) => {
    const r = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  };
  const git = (cwd: string, ...args: string[]) => {
    const r = run(cwd, 'git', '-c', 'user.email=test@example.com', '-c', 'user.name=Test', '-c', 'init.defaultBranch=main', ...args);
    return r;
  };

  before(function () {
    if (spawnSync('pre-commit', ['--version']).status !== 0) {
      console.log('    (skipped: pre-commit is not installed; scripts/setup-editors.sh installs Debian\'s package)');
      this.skip();
    }
    dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-pre-commit-'));
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(path.join(ROOT, 'bin', 'octopus-roles.js'), path.join(bin, 'octopus-roles'));
    env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, PRE_COMMIT_HOME: path.join(dir, 'cache'), GIT_CONFIG_NOSYSTEM: '1' };
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('stops a commit that breaks a team, with the finding, and lets the fixed one and unrelated ones through', () => {
    // The hook's repository: this repository's hook manifest at a commit, as pre-commit fetches it.
    const hooks = path.join(dir, 'hooks');
    git(dir, 'init', '-q', hooks);
    copyFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), path.join(hooks, '.pre-commit-hooks.yaml'));
    git(hooks, 'add', '-A');
    git(hooks, 'commit', '-qm', 'hooks');
    const rev = git(hooks, 'rev-parse', 'HEAD').output.trim();

    const repo = path.join(dir, 'access');
    git(dir, 'init', '-q', repo);
    writeFileSync(path.join(repo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${JSON.stringify(hooks)}\n    rev: ${rev}\n    hooks:\n      - id: octopus-roles\n`);
    writeFileSync(path.join(repo, 'deployer.role.yaml'), 'name: Deployer\nspacePermissions: [ProjectView]\n');
    const installed = run(repo, 'pre-commit', 'install');
    assert.equal(installed.code, 0, installed.output);

    git(repo, 'add', '-A');
    const first = git(repo, 'commit', '-qm', 'a role');
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /octopus-roles check\.+Passed/);

    writeFileSync(path.join(repo, 'finance.team.yaml'), 'name: Finance\nspace: Finance\nroles: [Deployr]\n');
    git(repo, 'add', '-A');
    const broken = git(repo, 'commit', '-qm', 'a broken team');
    assert.notEqual(broken.code, 0);
    assert.match(broken.output, /octopus-roles check\.+Failed/);
    assert.match(broken.output, /finance\.team\.yaml:3:9: error unknown-role: No role named `Deployr`/);
    assert.equal(git(repo, 'rev-list', '--count', 'HEAD').output.trim(), '1', 'the commit was stopped');

    writeFileSync(path.join(repo, 'finance.team.yaml'), 'name: Finance\nspace: Finance\nroles: [Deployer]\n');
    git(repo, 'add', '-A');
    const fixed = git(repo, 'commit', '-qm', 'a team');
    assert.equal(fixed.code, 0, fixed.output);

    writeFileSync(path.join(repo, 'README.md'), 'access\n');
    git(repo, 'add', '-A');
    const unrelated = git(repo, 'commit', '-qm', 'docs');
    assert.equal(unrelated.code, 0, unrelated.output);
    assert.match(unrelated.output, /octopus-roles check\.+\(no files to check\)Skipped/);
  });
});

describe('the pre-commit hook manifest', () => {
  it('runs on every kind of file the checker reads, and on nothing else', () => {
    const [hook] = parse(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; pass_filenames: boolean; files: string }[];
    assert.deepEqual([hook.id, hook.entry, hook.language, hook.pass_filenames], ['octopus-roles', 'octopus-roles check', 'system', false]);
    // pre-commit matches `files` with Python's re.search; this pattern means the same in JavaScript.
    const files = new RegExp(hook.files);
    for (const f of ['a.role.yaml', 'x/a.role.yml', 'a.team.yaml', 'a.space.yml', 'infra/main.tf', 'terraform.tfvars', 'prod.auto.tfvars', '.octopus-roles.yaml', 'legacy/.octopus-roles.yaml']) assert.ok(files.test(f), f);
    for (const f of ['README.md', 'a.yaml', 'role.yaml', 'x.octopus-roles.yaml', 'main.tf.bak', 'teams.yaml']) assert.ok(!files.test(f), f);
  });
});
