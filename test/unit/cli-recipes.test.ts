/**
 * README's CI recipes, run as they are written there (issue 28): the pre-commit hook, as pre-commit runs
 * it (the entry, then the staged files its `files` pattern matches), and the GitHub Actions workflow, step
 * by step as a runner would (bash with `-eo pipefail`, a step after a failed one only when its `if` says
 * `always()`), with the package installed in the repository as `npm install` would put it.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { tree } from '../support/folders';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The YAML block of README.md whose first line is `# NAME`. */
function recipe(name: string): unknown {
  const blocks = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b.startsWith(`# ${name}\n`));
  assert.equal(blocks.length, 1, `README has one ${name}`);
  return parse(blocks[0]);
}

const FILES = {
  'roles/delivery.role.yaml': 'name: Release Deployer\nspacePermissions: [ProjectView, DeploymentCreate]\n',
  'spaces/payments.space.yaml': 'name: Payments\n',
  'teams/payments.team.yaml': 'name: Payments Deployers\nspace: Payments\nmembers: [alice]\nroles: [Release Deployer]\n',
  'teams/operations.team.yaml': 'name: Operations\nspace: Payments\nroles: [Release Deployer]\n',
};

/** A git repository with the files committed and octopus-roles installed in node_modules. */
function repository(): string {
  const dir = tree(FILES);
  mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(path.join(ROOT, 'bin', 'octopus-roles.js'), path.join(dir, 'node_modules', '.bin', 'octopus-roles'));
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });
}

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  args?: string[];
  pass_filenames?: boolean;
  require_serial?: boolean;
}

/** Runs a hook as pre-commit does: its entry split into words, its args, then the staged files it matches. */
function runHook(hook: Hook, dir: string) {
  const staged = git(dir, 'diff', '--cached', '--name-only', '--diff-filter=ACMR').split('\n').filter(Boolean);
  const files = staged.filter((f) => new RegExp(hook.files).test(f));
  const [command, ...words] = hook.entry.split(/\s+/);
  const run = spawnSync(command, [...words, ...(hook.args ?? []), ...(hook.pass_filenames === false ? [] : files)], { cwd: dir, encoding: 'utf8' });
  return { files, status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("README's CI recipes, run as written (issue 28)", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('the pre-commit hook checks the staged files against the whole workspace', () => {
    const config = recipe('.pre-commit-config.yaml') as { repos: { repo: string; hooks: Hook[] }[] };
    const hook = config.repos[0].hooks[0];
    assert.equal(config.repos[0].repo, 'local');
    assert.equal(hook.language, 'system');
    const dir = repository();
    dirs.push(dir);
    // A change to one team: its role is defined in another folder, and one name is mistyped.
    writeFileSync(path.join(dir, 'teams/payments.team.yaml'), FILES['teams/payments.team.yaml'].replace('roles: [Release Deployer]', 'roles: [Release Deployer, Relase Deployer]'));
    writeFileSync(path.join(dir, 'notes.md'), 'not a model file\n');
    git(dir, 'add', '-A');
    const broken = runHook(hook, dir);
    assert.deepEqual(broken.files, ['teams/payments.team.yaml']);
    assert.equal(broken.status, 1, broken.stderr);
    assert.match(broken.stdout, /^teams\/payments\.team\.yaml:4:27: error unknown-role: No role named `Relase Deployer`[^\n]*\n1 error in 1 file checked\n$/);
    writeFileSync(path.join(dir, 'teams/payments.team.yaml'), FILES['teams/payments.team.yaml'].replace('members: [alice]', 'members: [alice, bob]'));
    git(dir, 'add', '-A');
    const fixed = runHook(hook, dir);
    assert.deepEqual([fixed.status, fixed.stdout], [0, '1 file checked, no problems\n'], fixed.stderr);
    // A staged configuration file checks the files it applies to.
    git(dir, 'commit', '-qm', 'bob');
    writeFileSync(path.join(dir, '.octopus-roles.yaml'), 'rules:\n  no-such-rule: off\n');
    git(dir, 'add', '-A');
    const config2 = runHook(hook, dir);
    assert.deepEqual(config2.files, ['.octopus-roles.yaml']);
    assert.equal(config2.status, 0, config2.stderr);
    assert.match(config2.stdout, /^\.octopus-roles\.yaml:2:3: warning unknown-key: Unknown key `no-such-rule`[^\n]*\n1 warning in 4 files checked\n$/);
  });

  it('the GitHub workflow annotates the files and uploads SARIF even when the check fails', () => {
    const workflow = recipe('.github/workflows/octopus-roles.yml') as {
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; run?: string; if?: string; with?: Record<string, string> }[] }>;
    };
    assert.equal(workflow.permissions['security-events'], 'write');
    const steps = Object.values(workflow.jobs)[0].steps;
    const dir = repository();
    dirs.push(dir);
    writeFileSync(path.join(dir, 'teams/operations.team.yaml'), 'name: Operations\nspace: Payments\nroles: [Project Viewr]\n');
    let failed = false;
    let uploaded: string | undefined;
    const outputs: string[] = [];
    for (const step of steps) {
      if (failed && step.if !== 'always()') continue;
      if (step.uses?.startsWith('actions/checkout@') || step.uses?.startsWith('actions/setup-node@')) continue;
      if (step.uses?.startsWith('github/codeql-action/upload-sarif@')) {
        uploaded = readFileSync(path.join(dir, step.with!.sarif_file), 'utf8');
        continue;
      }
      assert.ok(step.run, JSON.stringify(step));
      // The repository already has the package in node_modules, as this step would put it there.
      if (/^npm install\b.*\boctopus-roles$/.test(step.run)) continue;
      const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], { cwd: dir, encoding: 'utf8', env: { ...process.env, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir } });
      outputs.push(run.stdout);
      if (run.status !== 0) failed = true;
    }
    assert.ok(failed, 'the check fails on an unknown role');
    assert.match(outputs[0], /^::error file=teams\/operations\.team\.yaml,line=3,endLine=3,col=9,endColumn=21,title=octopus-roles unknown-role::No role named `Project Viewr`/);
    assert.ok(uploaded, 'the upload step ran after the failure');
    const log = JSON.parse(uploaded) as { runs: { results: { ruleId: string; level: string }[] }[] };
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')));
    assert.ok(validate(log), JSON.stringify(validate.errors));
    assert.deepEqual(log.runs[0].results.map((r) => [r.ruleId, r.level]), [['unknown-role', 'error']]);
  });
});
