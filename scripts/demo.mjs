// `npm run demo`: checks the two example workspaces with the built checker and prints what it finds.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'octopus-roles.js');

function check(folder) {
  console.log(`\n$ octopus-roles check ${folder}`);
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [bin, 'check', folder], { cwd: root, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  console.log(`(exit status ${run.status}, ${ms.toFixed(0)} ms)`);
  return run.status;
}

const clean = check('examples/acme');
const showcase = check('examples/showcase');
if (clean !== 0 || showcase !== 1) {
  console.error('\ndemo: expected examples/acme to be clean (0) and examples/showcase to have errors (1)');
  process.exit(1);
}
console.log('\ndemo: examples/acme is clean; examples/showcase shows nearly every rule.');
