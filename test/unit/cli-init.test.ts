/**
 * `octopus-roles init`: the starter configuration says every setting at its default and changes nothing
 * until a line is uncommented; the workflow runs this repository's action on the folder (run here with
 * test/support/actions.ts); nothing is written over a file without --force, and nothing through a link
 * out of the repository.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { runCli } from '../../server/src/cli';
import { starterConfig, WORKFLOW_FILE } from '../../server/src/cli/init';
import { DEFAULT_MAX_FILE_SIZE, parseConfig, RULE_CODES, RULES } from '../../server/src/service';
import { runComposite } from '../support/actions';
import { uncommented } from '../support/manifest';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function init(cwd: string, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['init', ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

describe('octopus-roles init', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-init-'));
    execFileSync('git', ['init', '-q', dir]);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a configuration that sets nothing as written, and every default once uncommented', async () => {
    assert.equal((await init(dir)).code, 0);
    const text = readFileSync(path.join(dir, '.octopus-roles.yaml'), 'utf8');
    assert.equal(text, starterConfig());
    const asWritten = parseConfig(text);
    assert.deepEqual(asWritten.diagnostics, []);
    assert.deepEqual(asWritten.keys, {});
    const all = parseConfig(uncommented(text));
    assert.deepEqual(all.diagnostics, []);
    assert.deepEqual(all.keys, {
      rules: Object.fromEntries(RULE_CODES.map((c) => [c, RULES[c].severity])),
      maxFileSize: DEFAULT_MAX_FILE_SIZE,
      exclude: [],
      terraform: true,
    });
  });

  it('writes a workflow that checks the folder and comments pull requests through the action', async () => {
    const folder = path.join(dir, 'infra', 'access "prod": main');
    mkdirSync(folder, { recursive: true });
    const run = await init(folder);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(existsSync(path.join(folder, '.octopus-roles.yaml')));
    const workflow = parse(readFileSync(path.join(dir, WORKFLOW_FILE), 'utf8')) as {
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
    };
    assert.deepEqual(Object.keys(workflow.on), ['push', 'pull_request']);
    assert.equal(workflow.permissions['pull-requests'], 'write');
    const steps = Object.values(workflow.jobs)[0].steps;
    assert.equal(steps[0].uses, 'actions/checkout@v4');
    assert.equal(steps[1].uses, 'octopus-roles/octopus-roles@main');
    assert.deepEqual(steps[1].with, { paths: 'infra/access "prod": main' });
    assert.equal(existsSync(path.join(dir, '.octopus-roles.yaml')), false, 'the configuration goes into the folder, not the root');
    assert.match(run.stderr, /Next: octopus-roles check/);
  });

  it('gives a workflow whose action step passes on a clean folder and fails on errors', async () => {
    const folder = path.join(dir, 'access');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'deployer.role.yaml'), 'name: Deployer\nspacePermissions: [ProjectView]\n');
    assert.equal((await init(folder, '--action', 'octopus-roles/octopus-roles@v1.2')).code, 0);
    const workflow = parse(readFileSync(path.join(dir, WORKFLOW_FILE), 'utf8')) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }> };
    const step = Object.values(workflow.jobs)[0].steps.find((s) => s.uses?.startsWith('octopus-roles/octopus-roles@'))!;
    assert.equal(step.uses, 'octopus-roles/octopus-roles@v1.2');
    const github = { event_name: 'push', token: 't' };
    const temp = mkdtempSync(path.join(tmpdir(), 'octopus-roles-runner-'));
    try {
      const clean = await runComposite(ROOT, { ...step.with, 'node-version': '' }, { workspace: dir, github, temp });
      assert.equal(clean.failed, false);
      assert.equal(clean.outputs['check-status'], '0');
      writeFileSync(path.join(folder, 'finance.team.yaml'), 'name: Finance\nroles: [Deployr]\n');
      const broken = await runComposite(ROOT, { ...step.with, 'node-version': '' }, { workspace: dir, github, temp });
      assert.equal(broken.failed, true);
      assert.match(broken.stdout, /^::error file=access\/finance\.team\.yaml,line=2,/m);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });

  it('overwrites nothing without --force, and writes nothing when one file exists', async () => {
    writeFileSync(path.join(dir, '.octopus-roles.yaml'), 'rules: { empty-role: off }\n');
    const run = await init(dir);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /\.octopus-roles\.yaml exists already; nothing written\. Use --force to overwrite\./);
    assert.equal(readFileSync(path.join(dir, '.octopus-roles.yaml'), 'utf8'), 'rules: { empty-role: off }\n');
    assert.equal(existsSync(path.join(dir, WORKFLOW_FILE)), false);
  });

  it('with --force, replaces the files; a link at a destination is replaced by the file, never written through', async () => {
    writeFileSync(path.join(dir, 'shared.yaml'), 'old\n');
    symlinkSync('shared.yaml', path.join(dir, '.octopus-roles.yaml'));
    mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(path.join(dir, WORKFLOW_FILE), 'old\n');
    assert.equal((await init(dir, '--force')).code, 0);
    assert.ok(lstatSync(path.join(dir, '.octopus-roles.yaml')).isFile(), 'the link is replaced by the file');
    assert.equal(readFileSync(path.join(dir, '.octopus-roles.yaml'), 'utf8'), starterConfig());
    assert.equal(readFileSync(path.join(dir, 'shared.yaml'), 'utf8'), 'old\n', 'its target is untouched');
    assert.match(readFileSync(path.join(dir, WORKFLOW_FILE), 'utf8'), /^# Octopus Roles: checks/);
  });

  it('writes nothing through a link out of the repository, even with --force', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'octopus-roles-outside-'));
    try {
      writeFileSync(path.join(outside, 'victim.yaml'), 'keep\n');
      symlinkSync(path.join(outside, 'victim.yaml'), path.join(dir, '.octopus-roles.yaml'));
      const refused = await init(dir, '--no-workflow');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /\.octopus-roles\.yaml exists already; nothing written/);
      const forced = await init(dir, '--force', '--no-workflow');
      assert.equal(forced.code, 0);
      assert.equal(readFileSync(path.join(outside, 'victim.yaml'), 'utf8'), 'keep\n');
      assert.ok(lstatSync(path.join(dir, '.octopus-roles.yaml')).isFile());
      rmSync(path.join(dir, '.octopus-roles.yaml'));
      // A planted .github that leads out: no folder is made there, nothing is written, not even the config.
      symlinkSync(outside, path.join(dir, '.github'));
      const planted = await init(dir);
      assert.equal(planted.code, 1);
      assert.match(planted.stderr, /\.github: a symbolic link; no file is written through a link below the output folder; nothing written/);
      assert.equal(existsSync(path.join(outside, 'workflows')), false);
      assert.equal(existsSync(path.join(dir, '.octopus-roles.yaml')), false, 'all files or none');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('with --no-workflow, writes the configuration only', async () => {
    assert.equal((await init(dir, '--no-workflow')).code, 0);
    assert.ok(lstatSync(path.join(dir, '.octopus-roles.yaml')).isFile());
    assert.equal(existsSync(path.join(dir, '.github')), false);
  });

  it('prints its usage with --help, and refuses bad usage with status 2', async () => {
    const help = await init(dir, '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: octopus-roles init \[FOLDER\]/);
    assert.equal(existsSync(path.join(dir, '.octopus-roles.yaml')), false);
    for (const args of [['--frce'], ['a', 'b'], ['--action', 'x"; curl evil'], ['--action', '${{ secrets.X }}@v1'], ['no-such-folder']]) {
      const run = await init(dir, ...args);
      assert.equal(run.code, 2, args.join(' '));
    }
    const folder = path.join(dir, '${{ secrets.TOKEN }}');
    mkdirSync(folder);
    const run = await init(folder);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot go into a workflow; use --no-workflow/);
    assert.equal((await init(folder, '--no-workflow')).code, 0);
  });

  it('is listed in the checker\'s usage', async () => {
    let stdout = '';
    await runCli(['--help'], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir });
    assert.match(stdout, /octopus-roles init \[FOLDER\]/);
  });
});
