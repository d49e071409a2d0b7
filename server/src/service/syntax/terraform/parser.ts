/**
 * The Terraform grammar: web-tree-sitter with the Terraform grammar of `@tree-sitter-grammars/tree-sitter-hcl`,
 * both WebAssembly. Loading them is asynchronous and happens once (`initTerraform`); parsing afterwards is
 * synchronous, as `FrontEnd.parse` must be. The service reads no files: the host hands it the bytes of the
 * two `.wasm` files (server/src/node/terraform.ts), so a workspace without `.tf` files never loads them.
 */
import { Language, Parser, type Node } from 'web-tree-sitter';

/** The bytes of the runtime (`web-tree-sitter.wasm`) and of the grammar (`tree-sitter-terraform.wasm`). */
export interface TerraformWasm {
  readonly runtime: Uint8Array;
  readonly grammar: Uint8Array;
}

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/** Loads the grammar once; later calls return the same promise. A failure can be retried. */
export function initTerraform(load: () => Promise<TerraformWasm>): Promise<void> {
  loading ??= (async () => {
    const wasm = await load();
    // Emscripten takes the runtime's bytes as `wasmBinary` (typed there as an ArrayBuffer view).
    await Parser.init({ wasmBinary: wasm.runtime } as unknown as Parameters<typeof Parser.init>[0]);
    const language = await Language.load(wasm.grammar);
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

/** True once `initTerraform` has finished. */
export function terraformReady(): boolean {
  return parser !== undefined;
}

/**
 * Parses `text` and hands the root node to `read`; the tree is freed afterwards (it lives in the
 * WebAssembly heap), so `read` must not keep nodes. Undefined before `initTerraform` has finished.
 */
export function withTree<T>(text: string, read: (root: Node) => T): T | undefined {
  if (!parser) return undefined;
  const tree = parser.parse(text);
  if (!tree) return undefined;
  try {
    return read(tree.rootNode);
  } finally {
    tree.delete();
  }
}

export type { Node };
