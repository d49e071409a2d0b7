/**
 * The GitHub Action (action.yml) run as GitHub runs a composite action (test/support/actions.ts), with this
 * repository as the action's checkout, in temporary repositories cloned the way actions/checkout clones
 * (one commit deep), and a stand-in for GitHub's REST API on loopback for the pull-request comment. The
 * action's build step finds `dist/` built by `npm run build` (as a second use of the action in one job
 * does); test/install/readme.test.ts runs the same `npm ci && npm run build` on a clean clone.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { runComposite, type ActionResult, type Value } from '../support/actions';

const ROOT = path.resolve(__dirname, '..', '..', '..');

const BASE = {
  'access/finance.space.yaml': 'name: Finance\nenvironments: [Test, Production]\n',
  'access/deployer.role.yaml': 'name: Deployer\nspacePermissions: [ProjectView, DeploymentCreate]\n',
  'access/testers.team.yaml': 'name: Testers\nspace: Finance\nmembers: [alice]\nroles:\n  - role: Deployer\n    environments: [Test]\n',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=Test', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

/** GitHub's issue-comment endpoints for one pull request, on loopback. */
class GitHubStandIn {
  readonly requests: { method: string; url: string; authorization?: string; body?: { body: string } }[] = [];
  comments: Comment[] = [];
  refuseWrites = false;
  private server!: Server;
  private nextId = 100;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString('utf8')));
      req.on('end', () => {
        const body = data ? (JSON.parse(data) as { body: string }) : undefined;
        this.requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
        const send = (status: number, value: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (req.method !== 'GET' && this.refuseWrites) return send(403, { message: 'Resource not accessible by integration' });
        if (req.method === 'GET' && req.url!.startsWith('/repos/acme/access/issues/7/comments?')) return send(200, this.comments);
        if (req.method === 'POST' && req.url === '/repos/acme/access/issues/7/comments') {
          const c = { id: this.nextId++, body: body!.body, user: { login: 'github-actions[bot]', type: 'Bot' } };
          this.comments.push(c);
          return send(201, c);
        }
        const patch = /^\/repos\/acme\/access\/issues\/comments\/(\d+)$/.exec(req.url!);
        const target = patch && this.comments.find((c) => c.id === Number(patch[1]));
        if (req.method === 'PATCH' && target) {
          target.body = body!.body;
          return send(200, target);
        }
        send(404, { message: 'Not Found' });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('the GitHub Action (action.yml)', function () {
  this.timeout(120000);
  let dir: string;
  let origin: string;
  let baseSha: string;
  let api: GitHubStandIn;
  let apiUrl: string;

  before(async () => {
    assert.ok(readFileSync(path.join(ROOT, 'dist', 'cli.js')), 'run npm run build first');
    dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-action-'));
    origin = path.join(dir, 'origin.git');
    git(dir, 'init', '-q', '--bare', origin);
    // GitHub serves any commit of the repository by its id, which the action's fetch of the base needs.
    git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    const seed = path.join(dir, 'seed');
    git(dir, 'init', '-q', seed);
    write(seed, BASE);
    git(seed, 'add', '-A');
    git(seed, 'commit', '-qm', 'base');
    baseSha = git(seed, 'rev-parse', 'HEAD');
    git(seed, 'push', '-q', origin, 'HEAD:refs/heads/main');
    // The pull request: Testers deploy to Production too.
    write(seed, { 'access/testers.team.yaml': BASE['access/testers.team.yaml'].replace('[Test]', '[Test, Production]') });
    git(seed, 'commit', '-qam', 'widen');
    git(seed, 'push', '-q', origin, 'HEAD:refs/heads/widen');
    // The same with a hostile file name and an unknown role.
    write(seed, { 'access/a,b:c.team.yaml': 'name: Broken\nspace: Finance\nroles: [Deployr]\n' });
    git(seed, 'add', '-A');
    git(seed, 'commit', '-qm', 'broken');
    git(seed, 'push', '-q', origin, 'HEAD:refs/heads/broken');
    // Nothing about access changes.
    git(seed, 'reset', '-q', '--hard', baseSha);
    write(seed, { 'README.md': 'access\n' });
    git(seed, 'add', '-A');
    git(seed, 'commit', '-qm', 'docs');
    git(seed, 'push', '-q', origin, 'HEAD:refs/heads/docs');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    api = new GitHubStandIn();
    apiUrl = await api.start();
  });
  afterEach(() => api.stop());

  /** A checkout of `branch` as actions/checkout makes it: one commit deep, so the base is not there. */
  function checkout(branch: string): string {
    const ws = mkdtempSync(path.join(dir, 'ws-'));
    git(dir, 'clone', '-q', '--depth', '1', '--branch', branch, pathToFileURL(origin).href, ws);
    return ws;
  }

  function run(ws: string, event: 'pull_request' | 'push', inputs: Record<string, string> = {}): Promise<ActionResult> {
    const github: Record<string, Value> = {
      event_name: event,
      token: 'ghs_token-for-test',
      event: event === 'pull_request' ? { pull_request: { number: 7, base: { sha: baseSha } } } : { ref: 'refs/heads/main' },
    };
    return runComposite(ROOT, { 'node-version': '', paths: 'access', ...inputs }, { workspace: ws, github, env: { GITHUB_API_URL: apiUrl, GITHUB_REPOSITORY: 'acme/access' }, temp: dir });
  }

  const step = (r: ActionResult, name: string) => r.steps.find((s) => s.name === name)!;

  it('declares a composite action whose run steps name their shell and take workflow values only through env', () => {
    const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { runs: { using: string; steps: { run?: string; shell?: string }[] } };
    assert.equal(action.runs.using, 'composite');
    for (const s of action.runs.steps.filter((x) => x.run !== undefined)) {
      assert.equal(s.shell, 'bash');
      // An expression pasted into a script would let a branch name or a path run as code.
      assert.doesNotMatch(s.run!, /\$\{\{/);
    }
  });

  it('on a pull request that widens access: no findings, the diff in the summary and as a new comment', async () => {
    const ws = checkout('widen');
    const r = await run(ws, 'pull_request');
    assert.equal(r.failed, false, r.steps.map((s) => s.stderr).join('\n'));
    assert.deepEqual(r.outputs, { cli: path.join(ROOT, 'bin', 'octopus-roles.js'), 'check-status': '0', 'diff-status': '3', 'sarif-file': '' });
    assert.doesNotMatch(r.stdout, /^::(error|warning|notice)/m);
    // The base commit was fetched: the checkout had only the pull request's.
    assert.equal(git(ws, 'cat-file', '-t', baseSha), 'commit');
    assert.match(r.summary, /1 member of Finance\/Testers gains the same: alice/);
    assert.match(r.summary, /DeploymentCreate/);
    assert.deepEqual(api.requests.map((q) => q.method), ['GET', 'POST']);
    assert.equal(api.requests[1].authorization, 'Bearer ghs_token-for-test');
    assert.ok(api.comments[0].body.startsWith('<!-- octopus-roles:access-diff -->\n### Octopus access:'));
    assert.match(api.comments[0].body, /Production/);
    assert.equal(step(r, 'Set up Node.js').uses, undefined, 'node-version empty: no setup-node');
  });

  it('updates its own earlier comment instead of adding one, and leaves a forged one alone', async () => {
    api.comments = [
      { id: 1, body: '<!-- octopus-roles:access-diff -->\nforged', user: { login: 'mallory', type: 'User' } },
      { id: 2, body: '<!-- octopus-roles:access-diff -->\nold', user: { login: 'github-actions[bot]', type: 'Bot' } },
    ];
    const r = await run(checkout('widen'), 'pull_request');
    assert.equal(r.failed, false);
    assert.deepEqual(api.requests.map((q) => `${q.method} ${q.url.replace(/\?.*/, '')}`), ['GET /repos/acme/access/issues/7/comments', 'PATCH /repos/acme/access/issues/comments/2']);
    assert.equal(api.comments[0].body, '<!-- octopus-roles:access-diff -->\nforged');
    assert.match(api.comments[1].body, /DeploymentCreate/);
  });

  it('posts nothing when nobody\'s access changes and it has not commented before', async () => {
    const r = await run(checkout('docs'), 'pull_request');
    assert.equal(r.failed, false);
    assert.equal(r.outputs['diff-status'], '0');
    assert.deepEqual(api.requests.map((q) => q.method), ['GET']);
    assert.match(r.summary, /Nobody's access changes/);
  });

  it('annotates findings with escaped file names, writes SARIF for the upload step, skips the diff and fails the job', async () => {
    const r = await run(checkout('broken'), 'pull_request', { sarif: 'true' });
    assert.equal(r.failed, true);
    assert.equal(r.outputs['check-status'], '1');
    const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error file='));
    // `,` and `:` would end the file property and start another: GitHub's escapes keep the name whole.
    assert.match(annotation!, /^::error file=access\/a%2Cb%3Ac\.team\.yaml,line=3,endLine=3,col=9,endColumn=15,title=octopus-roles unknown-role::/);
    const upload = step(r, 'Upload SARIF').uses!;
    assert.equal(upload.action, 'github/codeql-action/upload-sarif@v3');
    const sarif = JSON.parse(readFileSync(upload.with.sarif_file, 'utf8')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    assert.deepEqual(sarif.runs[0].results.map((x) => x.ruleId), ['unknown-role']);
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'access/a%2Cb%3Ac.team.yaml');
    assert.equal(step(r, 'Access diff').ran, false);
    assert.deepEqual(api.requests, []);
    assert.match(step(r, 'Result').stdout, /^::error title=octopus-roles::octopus-roles check found errors/m);
  });

  it('warns, and does not fail, when GitHub refuses the comment (a pull request from a fork)', async () => {
    api.refuseWrites = true;
    const r = await run(checkout('widen'), 'pull_request');
    assert.equal(r.failed, false);
    assert.match(step(r, 'Comment on the pull request').stdout, /^::warning title=octopus-roles::the access diff was not posted \(POST .*403/m);
  });

  it('on a push: checks, and neither compares nor comments', async () => {
    // Paths one a line, as a YAML block gives them: trimmed, blank lines left out.
    const r = await run(checkout('broken'), 'push', { paths: '  access/finance.space.yaml\n\n access/deployer.role.yaml \n' });
    assert.equal(r.failed, false, r.stdout);
    assert.equal(r.outputs['check-status'], '0', 'the broken team is not among the paths');
    assert.equal(step(r, 'Access diff').ran, false);
    assert.equal(step(r, 'Comment on the pull request').ran, false);
    assert.deepEqual(api.requests, []);
  });

  it('cuts a report over GitHub\'s comment limit at a line, and says where the rest is', async () => {
    const { commentBody, MARKER } = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'pr-comment.mjs')).href)) as { commentBody: (r: string) => string; MARKER: string };
    const line = `| team T | ${'x'.repeat(90)} |\n`;
    const body = commentBody(line.repeat(2000));
    assert.ok(body.length <= 65536, `${body.length}`);
    assert.ok(body.startsWith(`${MARKER}\n| team T |`));
    assert.match(body, /\|\n\n\*The diff is cut here; the whole of it is in the job summary\.\*\n$/);
    assert.equal(commentBody('short\n'), `${MARKER}\nshort\n`);
  });

  it('sets up Node.js with the version asked for, and with check and diff off only builds the command line for later steps', async () => {
    const ws = checkout('widen');
    const r = await runComposite(ROOT, { paths: 'access', check: 'false', diff: 'false' }, { workspace: ws, github: { event_name: 'pull_request', token: 't', event: { pull_request: { number: 7, base: { sha: baseSha } } } }, temp: dir });
    assert.deepEqual(step(r, 'Set up Node.js').uses, { action: 'actions/setup-node@v4', with: { 'node-version': '20' } });
    assert.equal(r.failed, false);
    assert.deepEqual(r.steps.filter((s) => s.ran).map((s) => s.name), ['Build Octopus Roles', 'Result']);
    // README's drift job runs the command line from this output.
    assert.equal(execFileSync('node', [r.outputs.cli, 'explain', 'user:alice', 'access', '--format', 'json'], { cwd: ws, encoding: 'utf8' }).includes('"DeploymentCreate"'), true);
  });
});
