/**
 * Loads the Terraform grammar for the service, once, and only when a `.tf` file is about to be read: a
 * workspace without Terraform files never pays for it. The `.wasm` files sit beside the bundle in
 * `dist/` (scripts/bundle.mjs copies them there, so the extension and the npm package work offline), or
 * in node_modules when running from the compiled sources (tests).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { initTerraform, terraformReady } from '../service';

const RUNTIME = 'web-tree-sitter.wasm';
const GRAMMAR = 'tree-sitter-terraform.wasm';
const PACKAGES: Readonly<Record<string, string>> = {
  [RUNTIME]: 'web-tree-sitter/web-tree-sitter.wasm',
  [GRAMMAR]: '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm',
};

async function readWasm(file: string): Promise<Uint8Array> {
  const beside = path.join(__dirname, file);
  const found = await fs.readFile(beside).catch(() => undefined);
  if (found) return found;
  return fs.readFile(require.resolve(PACKAGES[file]));
}

/** Makes the Terraform front-end ready; resolves at once when it is. */
export async function ensureTerraform(): Promise<void> {
  if (terraformReady()) return;
  await initTerraform(async () => ({ runtime: await readWasm(RUNTIME), grammar: await readWasm(GRAMMAR) }));
}
