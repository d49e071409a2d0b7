// Bundles the shipped entry points with esbuild: the extension client, the language server and the CLI,
// and copies the WebAssembly files of the Terraform grammar beside them (server/src/node/assets.ts loads
// them from there: the Terraform front-end's `loading` lists them), so that the .vsix and the npm package
// read .tf files offline.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

const require = createRequire(import.meta.url);

const entries = [
  { in: 'server/src/cli/index.ts', out: 'cli' },
  { in: 'server/src/server.ts', out: 'server' },
  { in: 'client/src/extension.ts', out: 'client' },
].filter((e) => existsSync(e.in));

await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  // web-tree-sitter's ES module build reads `import.meta.url`, which a CommonJS bundle lacks: use its
  // CommonJS build (the one `require` resolves to).
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  sourcemap: true,
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
});

mkdirSync('dist', { recursive: true });
for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm']) {
  const from = require.resolve(wasm);
  copyFileSync(from, join('dist', basename(from)));
}
