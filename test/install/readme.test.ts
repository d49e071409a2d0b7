/**
 * README's install and quick-start steps, run verbatim: the shell blocks marked `<!-- readme-test: install -->`
 * and `<!-- readme-test: quick-start -->` in the committed README, each run as one `bash -e` script, in a
 * fresh folder with a fresh HOME. Only the environment stands in for the user's machine, never the commands:
 *
 * - `git clone https://github.com/octopus-roles/octopus-roles.git` clones this repository's committed HEAD
 *   (git's `url.<path>.insteadOf`, given through GIT_CONFIG_*), since this machine reaches no GitHub; where
 *   the project is not a git checkout of its own, a repository made of its files (without what .gitignore
 *   leaves out) stands in for it;
 * - `npm ci` installs from the npm registry into the clone, with the machine's npm cache (npm_config_cache,
 *   since HOME is new); `npm link` links into a temporary global folder (npm_config_prefix), whose `bin` is
 *   on the PATH, as the README tells a user without a writable global folder to do;
 * - `code --install-extension` is code-server's (VS Code's server, the `code` of the end-to-end tests,
 *   installed by scripts/setup-e2e.sh) with temporary extension and user folders. Without code-server,
 *   `code` only records its arguments, and the test says that it checked the `.vsix` but did not install it;
 * - `~/octopus-access`, the user's folder of the quick start, is a git repository holding a copy of
 *   examples/acme (its files, not its `.octopus-roles.yaml`).
 *
 * The registry unreachable (no network at all), the test skips with the reason.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const REPOSITORY = 'https://github.com/octopus-roles/octopus-roles.git';

/** The marked shell blocks of a README, by marker. */
export function readmeBlocks(readme: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const m of readme.matchAll(/<!-- readme-test: ([a-z-]+) -->\n```sh\n([\s\S]*?)```/g)) blocks.set(m[1], m[2]);
  return blocks;
}

/** The repository to clone: this checkout, or where there is none, a repository made of its files. */
function cloneSource(dir: string): string {
  const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: ROOT, encoding: 'utf8' });
  if (top.status === 0 && realpathSync(top.stdout.trim()) === realpathSync(ROOT)) return ROOT;
  const copy = path.join(dir, 'source');
  const ignored = new Set(['.git', 'node_modules', 'out', 'dist', '.vscode-test']);
  cpSync(ROOT, copy, { recursive: true, filter: (src) => !ignored.has(path.basename(src)) && !src.endsWith('.vsix') && !src.includes(`${path.sep}bench${path.sep}.work`) });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=Test', ...args], { cwd: copy, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'the project');
  return copy;
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (output += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (output += t));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The files of a zip (a .vsix), from its central directory. */
function zipEntries(file: string): string[] {
  const bytes = readFileSync(file);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = bytes.readUInt16LE(at + 28);
    names.push(bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return names;
}

describe("README's install and quick start, run verbatim on a clean clone", function () {
  // npm ci, two builds and the packaging: about a minute and a half on the machine of docs/performance.md.
  this.timeout(15 * 60 * 1000);
  let dir: string;
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('installs the command line and the extension, then checks the example and your own folder', async function () {
    dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-readme-'));
    const source = cloneSource(dir);
    const readme = execFileSync('git', ['show', 'HEAD:README.md'], { cwd: source, encoding: 'utf8' });
    const blocks = readmeBlocks(readme);
    const install = blocks.get('install');
    const quickStart = blocks.get('quick-start');
    assert.ok(install && quickStart, 'README marks its install and quick-start blocks');
    assert.match(install, new RegExp(`^git clone ${REPOSITORY.replace(/\./g, '\\.')}\n`));
    const [work, home, prefix, bin] = ['work', 'home', 'prefix', 'bin'].map((d) => path.join(dir, d));
    for (const d of [work, home, prefix, bin]) mkdirSync(d);
    const codeServer = process.env.CODE_SERVER_BIN ?? path.join(ROOT, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
    const realCode = existsSync(codeServer);
    const extensions = path.join(dir, 'extensions');
    writeFileSync(
      path.join(bin, 'code'),
      realCode
        ? `#!/bin/sh\nexec ${JSON.stringify(codeServer)} --extensions-dir ${JSON.stringify(extensions)} --user-data-dir ${JSON.stringify(path.join(dir, 'code-data'))} "$@"\n`
        : `#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > ${JSON.stringify(path.join(dir, 'code-args'))}\n`,
      { mode: 0o755 },
    );
    const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      PATH: [path.join(prefix, 'bin'), bin, process.env.PATH].join(path.delimiter),
      npm_config_prefix: prefix,
      npm_config_cache: npmCache,
      npm_config_update_notifier: 'false',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `url.${source}.insteadOf`,
      GIT_CONFIG_VALUE_0: REPOSITORY,
      GIT_CONFIG_NOSYSTEM: '1',
    };

    const installed = await bash(install, work, env);
    if (installed.code !== 0 && /E(NOTFOUND|AI_AGAIN|CONNREFUSED|TIMEDOUT|NETUNREACH)\b/.test(installed.output) && /npm (error|ERR)/.test(installed.output)) {
      console.log(`    (skipped: the npm registry cannot be reached: ${/E[A-Z_]+\b.*$/m.exec(installed.output)?.[0]})`);
      this.skip();
    }
    assert.equal(installed.code, 0, installed.output.slice(-4000));
    const clone = path.join(work, 'octopus-roles');
    // The commands on the PATH are the clone's, as npm link makes them.
    assert.equal(realpathSync(path.join(prefix, 'bin', 'octopus-roles')), path.join(realpathSync(clone), 'bin', 'octopus-roles.js'));
    assert.ok(existsSync(path.join(prefix, 'bin', 'octopus-roles-language-server')));
    // The example check is the block's last line: it printed nothing and passed (bash -e).
    const example = execFileSync('octopus-roles', ['check', 'examples/acme'], { cwd: clone, env, encoding: 'utf8' });
    assert.equal(example, '11 files checked, no problems\n');

    const vsix = path.join(clone, 'octopus-roles.vsix');
    const entries = zipEntries(vsix);
    for (const f of ['extension/package.json', 'extension/dist/client.js', 'extension/dist/server.js', 'extension/bin/octopus-roles.js', 'extension/schemas/config.json', 'extension/snippets/terraform.json', 'extension/walkthrough/ci.md', 'extension/readme.md']) {
      assert.ok(entries.includes(f), `${f} in the .vsix`);
    }
    if (realCode) {
      const [installedExtension] = readdirSync(extensions).filter((d) => d.startsWith('octopus-roles.octopus-roles-'));
      assert.ok(installedExtension, `code-server installed nothing: ${readdirSync(extensions).join(', ')}`);
      assert.equal(JSON.parse(readFileSync(path.join(extensions, installedExtension, 'package.json'), 'utf8')).name, 'octopus-roles');
    } else {
      console.log('    (the .vsix is checked but not installed: code-server is not installed; scripts/setup-e2e.sh installs it)');
      assert.deepEqual(readFileSync(path.join(dir, 'code-args'), 'utf8').split('\n'), [clone, '--install-extension', 'octopus-roles.vsix', '']);
    }

    // The quick start, in your own folder.
    const access = path.join(home, 'octopus-access');
    // The example's files, without its configuration (`root: true`, which keeps it apart inside this
    // repository): a user's folder has none before `init` writes one.
    cpSync(path.join(clone, 'examples', 'acme'), access, { recursive: true, filter: (src) => path.basename(src) !== '.octopus-roles.yaml' });
    execFileSync('git', ['init', '-q', access]);
    const started = await bash(quickStart, clone, env);
    assert.equal(started.code, 0, started.output);
    assert.ok(existsSync(path.join(access, '.octopus-roles.yaml')));
    assert.ok(existsSync(path.join(access, '.github', 'workflows', 'octopus-roles.yml')));
    assert.doesNotMatch(started.output, /: (error|warning) /);
  });
});
