/**
 * The README's setup snippets for other editors, run as written against the shipped server: headless
 * Neovim (0.7, Debian's `neovim`) and Emacs with Eglot (Debian's `emacs-nox` and `elpa-eglot`) open a role
 * file with an unknown permission, and the diagnostic must arrive. A missing editor skips its test with
 * a message (scripts/setup-editors.sh installs them; CI runs it).
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from './client';

const ROLE = 'name: Deployer\nspacePermissions:\n  - ProjectView\n  - ProjectVeiw\n';

/** The code block that follows `<!-- snippet: NAME -->` in README.md. */
function snippet(name: string): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- snippet: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  assert.ok(m, `README.md has no snippet ${name}`);
  return m[1];
}

function has(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A workspace with the role file, and a PATH on which `octopus-roles-language-server` is the shipped server. */
function setup(): { dir: string; env: NodeJS.ProcessEnv; role: string; out: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-clients-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(path.join(ROOT, 'bin', 'octopus-roles-language-server.js'), path.join(bin, 'octopus-roles-language-server'));
  const ws = path.join(dir, 'ws');
  mkdirSync(ws);
  const role = path.join(ws, 'deployer.role.yaml');
  writeFileSync(role, ROLE);
  return { dir, role, out: path.join(dir, 'out.txt'), env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, HOME: dir } };
}

/** Runs a program to its end (or kills it after `ms`), and returns its output. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, ms = 60000): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(log);
    });
  });
}

describe('the README snippets for other editors', function () {
  this.timeout(90000);
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('Neovim 0.7 receives the diagnostics of a role file it opens', async function () {
    if (!has('nvim')) {
      console.log('      skipped: nvim is not installed (bash scripts/setup-editors.sh installs Debian\'s neovim)');
      this.skip();
    }
    const s = setup();
    dir = s.dir;
    writeFileSync(path.join(dir, 'init.lua'), snippet('neovim-0.7'));
    writeFileSync(
      path.join(dir, 'check.lua'),
      `local got = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local out = io.open(${JSON.stringify(s.out)}, 'w')
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  out:write(string.format('%d:%d %s %s\\n', d.lnum, d.col, tostring(code), d.message))
end
out:close()
vim.cmd(got and 'qa!' or 'cq!')
`,
    );
    const log = await run('nvim', ['--headless', '-n', '-i', 'NONE', '-u', path.join(dir, 'init.lua'), s.role, '-c', `luafile ${path.join(dir, 'check.lua')}`], path.dirname(s.role), s.env);
    assert.ok(existsSync(s.out), `nvim wrote nothing: ${log}`);
    const lines = readFileSync(s.out, 'utf8').trim().split('\n');
    assert.ok(lines.some((l) => /^3:4 unknown-permission .*ProjectVeiw/.test(l)), lines.join('\n'));
  });

  it('Emacs with Eglot receives the diagnostics of a role file it opens', async function () {
    const eglot = has('emacs') && execFileSync('emacs', ['--batch', '--eval', "(princ (if (require 'eglot nil t) \"yes\" \"no\"))"], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'yes';
    if (!eglot) {
      console.log("      skipped: emacs with Eglot is not installed (bash scripts/setup-editors.sh installs Debian's emacs-nox and elpa-eglot)");
      this.skip();
    }
    const s = setup();
    dir = s.dir;
    writeFileSync(path.join(dir, 'init.el'), snippet('eglot'));
    writeFileSync(
      path.join(dir, 'check.el'),
      `(find-file ${JSON.stringify(s.role)})
;; eglot-ensure connects after the next command, which a batch Emacs never reads.
(run-hooks 'post-command-hook)
(let ((deadline (+ (float-time) 30)))
  (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
    (accept-process-output nil 0.05)))
(let ((found (flymake-diagnostics)))
 (with-temp-file ${JSON.stringify(s.out)}
  (dolist (d found)
    (insert (format "%d %s %s\\n" (with-current-buffer (flymake-diagnostic-buffer d) (line-number-at-pos (flymake-diagnostic-beg d)))
                    (flymake-diagnostic-type d) (flymake-diagnostic-text d))))))
(kill-emacs (if (flymake-diagnostics) 0 1))
`,
    );
    const log = await run('emacs', ['--batch', '-l', path.join(dir, 'init.el'), '-l', path.join(dir, 'check.el')], path.dirname(s.role), s.env);
    assert.ok(existsSync(s.out), `emacs wrote nothing: ${log}`);
    const lines = readFileSync(s.out, 'utf8').trim().split('\n');
    assert.ok(lines.some((l) => /^4 eglot-error .*ProjectVeiw/.test(l)), `${lines.join('\n')}\n${log}`);
  });
});
