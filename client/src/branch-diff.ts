/**
 * What *Access Diff with Branch...* runs, apart from VS Code so that it is tested on its own: the branches
 * of the workspace's repository (`git for-each-ref`), and the bundled command line's `diff BRANCH --format
 * markdown` against the working tree. Both run with `execFile` and an argument array, never a shell, and
 * the branch is passed after `--`, so that no branch name (`$(rm -rf ~)`, `--config=...`) is anything but
 * a name.
 */
import { execFile } from 'node:child_process';

/** A branch to compare with. */
export interface Branch {
  /** Its short name (`main`, `origin/main`), which git and `diff` take as a revision. */
  readonly name: string;
  readonly current: boolean;
  readonly remote: boolean;
}

/** What the comparison gave: the markdown report, or why there is none. */
export type DiffOutcome =
  | { readonly kind: 'report'; readonly markdown: string; readonly status: 0 | 1 | 3; readonly errors?: string }
  | { readonly kind: 'failed'; readonly message: string };

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
}

const MAX_OUTPUT = 64 * 1024 * 1024;

function run(file: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout: number }): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { ...options, maxBuffer: MAX_OUTPUT, encoding: 'utf8', windowsHide: true }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stdout, stderr, error: err && code === null ? err.message : undefined });
    });
  });
}

/** The local branches, then the remote ones, each newest first; empty outside a git repository. */
export async function listBranches(cwd: string): Promise<Branch[]> {
  const r = await run('git', ['for-each-ref', '--sort=-committerdate', '--format=%(HEAD)%00%(refname)%00%(refname:short)', 'refs/heads', 'refs/remotes'], { cwd, timeout: 30000 });
  if (r.code !== 0) return [];
  const branches: Branch[] = [];
  for (const line of r.stdout.split('\n')) {
    const [head, full, name] = line.split('\0');
    // A remote's HEAD is a link to one of its branches, which is listed already.
    if (!name || full.endsWith('/HEAD')) continue;
    branches.push({ name, current: head === '*', remote: full.startsWith('refs/remotes/') });
  }
  return [...branches.filter((b) => !b.remote), ...branches.filter((b) => b.remote)];
}

/**
 * Runs `octopus-roles diff BRANCH --format markdown` in `cwd` with the command line at `cli`
 * (bin/octopus-roles.js), in the Node.js that runs the extension host (Electron's, as Node).
 */
export async function accessDiff(cli: string, cwd: string, branch: string): Promise<DiffOutcome> {
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  const r = await run(process.execPath, [cli, 'diff', '--format', 'markdown', '--', branch], { cwd, env, timeout: 300000 });
  return outcome(r);
}

/** The meaning of diff's exit status (SPEC section 8): 0 no change, 3 a change, 1 errors on a side, 2 it could not compare. */
export function outcome(r: Ran): DiffOutcome {
  const stderr = r.stderr.trim();
  if ((r.code === 0 || r.code === 3) && r.stdout) return { kind: 'report', markdown: r.stdout, status: r.code };
  if (r.code === 1 && r.stdout) return { kind: 'report', markdown: r.stdout, status: 1, errors: stderr.replace(/^octopus-roles: /, '') };
  const first = stderr.split('\n')[0].replace(/^octopus-roles: /, '');
  return { kind: 'failed', message: first || r.error || `the comparison ended with status ${r.code}` };
}
