// The fast lane's build (npm run test:unit): bundles the unit tests, test/unit/*.test.ts except the slow
// files below, with esbuild into one file, out/test/fast/unit.js, for mocha to run. It runs every fixture
// (test/fixtures/rules and test/fixtures/terraform: rules.test.ts) and every input of the hostile corpus
// as the loader reads it (hostile-corpus.test.ts), in under 15 seconds with the bundling. Nothing is
// type-checked (npm run build does that), so the lane costs a bundle (a fraction of a second) instead of
// a tsc run. The bundle sits three folders deep like out/test/unit/, so the tests' __dirname-relative
// paths to test/fixtures, docs/ and the sources hold unchanged.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Unit test files left to `npm test`, with what makes each slow (measured alone: seconds, not ms). */
const SLOW = new Map([
  ['cli.test.ts', 'starts the checker as a child process'],
  ['fuzz.test.ts', 'property-based runs over generated workspaces'],
  ['fixes-property.test.ts', 'applies every quick fix to generated workspaces'],
  ['hostile.test.ts', 'inputs of 100,000 items made at full size, and the checker over the hostile corpus as a child process'],
  ['sources.test.ts', 'git repositories on disk: each case runs git a dozen times'],
  ['fix-access.test.ts', 'every fix of every fixture, each judged by diff on two folders on disk'],
  ['loader.test.ts', 'folders on disk, named pipes, a configuration file of 30,000 keys'],
  ['cli-fix-safety.test.ts', 'files on disk, and the shipped checker as a child process (| head -1)'],
  ['cli-fix-fuzz.test.ts', 'check --fix on generated workspaces on disk'],
  ['cli-access.test.ts', 'git repositories and folders on disk'],
  ['cli-terraform-access.test.ts', 'git repositories and folders on disk, Terraform modules among them'],
  ['linear.test.ts', 'tens of thousands of keys, timed against each other'],
  ['terraform.test.ts', 'a list of 100,000 permissions and 20,000-deep nesting'],
  ['format.test.ts', 'formats 150 re-styled generated files'],
  ['bridge-pull.test.ts', 'a stand-in server on loopback, with timeouts'],
  ['bridge-import.test.ts', 'dumps on disk and the import command'],
  ['bridge-export.test.ts', 'Terraform written to disk and read back'],
  ['bridge-drift.test.ts', 'dumps on disk and the diff command'],
  ['yaml-fast.test.ts', 'compares the two YAML readers over 3,000 generated and mutated files'],
  ['cli-pipe.test.ts', 'the shipped checker as child processes writing into real pipes'],
  ['cli-recipes.test.ts', "README's CI recipes run as written: git repositories and the checker as child processes"],
  ['action.test.ts', 'the action\'s steps run in bash with the checker as child processes'],
  ['pre-commit.test.ts', 'git repositories on disk and the hook run as a child process'],
  ['cli-write-safety.test.ts', 'folders, links and permissions on disk'],
  ['client-commands.test.ts', 'git repositories on disk for Access Diff with Branch'],
  ['access-property.test.ts', 'property-based runs: explain and who-can against a direct reading of Octopus on random models'],
]);

const files = readdirSync(join(root, 'test', 'unit'))
  .filter((f) => f.endsWith('.test.ts') && !SLOW.has(f))
  .sort();

await build({
  stdin: {
    contents: files.map((f) => `require('./test/unit/${f}');`).join('\n'),
    resolveDir: root,
    sourcefile: 'fast-lane.js',
    loader: 'js',
  },
  outfile: join(root, 'out', 'test', 'fast', 'unit.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
