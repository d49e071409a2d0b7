// Writes every generated part of the repository's documents (test/support/generated.ts says which and
// from what): README's table of rules, docs/architecture.md's table of layers and index of rules,
// docs/security.md's bounds of the hostile corpus, and the `octopusRoles.rules` setting in package.json.
// The sources are bundled with esbuild first, so no build is needed. test/unit/generated.test.ts fails
// when a generated part is stale.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Three folders deep, like out/test/support, so that the sources' paths relative to __dirname hold.
const outfile = join(root, 'out', 'gen', 'support', 'generated.js');

await build({
  entryPoints: [join(root, 'test', 'support', 'generated.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  logLevel: 'warning',
});

const { writeGenerated } = createRequire(import.meta.url)(outfile);
const changed = writeGenerated(root);
console.log(changed.length ? `wrote ${changed.join(', ')}` : 'every generated part is up to date');
