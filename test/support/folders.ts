/** Helpers for the loader and --fix tests: temporary folders on disk, and the checker run in-process. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli';

/** Every folder `tree` made, removed when the test process exits (a test that reads one later still can). */
const made: string[] = [];
let removing = false;

/** A fresh folder with these files; `.git` makes it a repository root. */
export function tree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-loader-'));
  made.push(dir);
  if (!removing) {
    removing = true;
    process.once('exit', () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    if (name.endsWith('/')) mkdirSync(path.join(dir, name), { recursive: true });
    else writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/**
 * `tree` for one `describe`: every folder it makes is removed after the block's tests. Call it in the
 * block's body (it registers mocha's `after`); `make` makes a folder another way (a git repository, say).
 */
export function scratchTrees(make: (files: Record<string, string | Buffer>) => string = tree): (files: Record<string, string | Buffer>) => string {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return (files) => {
    const d = make(files);
    dirs.push(d);
    return d;
  };
}

export async function check(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

/** Every file below `dir`, relative path to text. */
export function filesIn(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(full).isDirectory()) walk(full, r);
      else out.set(r, readFileSync(full, 'utf8'));
    }
  };
  walk(dir, '');
  return out;
}
