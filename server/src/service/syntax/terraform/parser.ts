/**
 * The Terraform grammar: web-tree-sitter with the Terraform grammar of `@tree-sitter-grammars/tree-sitter-hcl`,
 * both WebAssembly. Loading them is asynchronous and happens once (`initTerraform`); parsing afterwards is
 * synchronous, as `FrontEnd.parse` must be. The service reads no files: the host hands it the bytes of the
 * two `.wasm` files (server/src/node/terraform.ts), so a workspace without `.tf` files never loads them.
 */
import { Language, Parser } from 'web-tree-sitter';

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
 * A node of the syntax tree as plain data: its type, its span (UTF-16 offsets, as in the model), its named
 * children, and whether it or anything below it is an error or a node the grammar made up (`MISSING`).
 */
export interface SyntaxNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly children: readonly SyntaxNode[];
  /** The node itself is an error or missing. */
  readonly error: boolean;
  /** It or a descendant is an error or missing. */
  readonly hasError: boolean;
}

/**
 * Parses `text` into plain data. The tree lives in the WebAssembly heap and every node object crosses
 * that boundary, so it is read once with a cursor (anonymous tokens such as `=` and `{` left out) and
 * freed. Undefined before `initTerraform` has finished.
 */
export function parseTree(text: string): SyntaxNode | undefined {
  if (!parser) return undefined;
  const tree = parser.parse(text);
  if (!tree) return undefined;
  const cursor = tree.walk();
  try {
    return readCursor(cursor, parser.language!);
  } finally {
    cursor.delete();
    tree.delete();
  }
}

type Cursor = ReturnType<NonNullable<ReturnType<Parser['parse']>>['walk']>;

/**
 * Nodes whose children the reader never needs: it takes their text. Not descending into them halves the
 * walk (every string of a permission list is three nodes more). A `string_lit` is a string without
 * interpolation (the grammar makes those a `template_expr`), so its text is all there is to it.
 */
const OPAQUE = new Set(['string_lit', 'comment', 'identifier', 'get_attr', 'index', 'numeric_lit', 'bool_lit', 'function_call', 'for_expr', 'conditional', 'operation', 'heredoc_template', 'object']);

/** Per node type id: its name and whether it is named (asked of the grammar once per type). */
const typeInfo = new Map<number, { type: string; named: boolean }>();

/** The cursor's node and everything below it, iteratively (a deep tree must not overflow the stack). */
function readCursor(c: Cursor, language: Language): SyntaxNode {
  interface Building {
    type: string;
    start: number;
    end: number;
    children: SyntaxNode[];
    error: boolean;
    hasError: boolean;
    keep: boolean;
  }
  const open = (): Building => {
    const id = c.nodeTypeId;
    let info = typeInfo.get(id);
    if (!info) typeInfo.set(id, (info = { type: language.types[id] ?? 'ERROR', named: language.nodeTypeIsNamed(id) }));
    const start = c.startIndex;
    const end = c.endIndex;
    // Only a zero-width node can be one the grammar made up.
    const error = info.type === 'ERROR' || (start === end && c.nodeIsMissing);
    return { type: info.type, start, end, children: [], error, hasError: error, keep: error || info.named };
  };
  const stack: Building[] = [open()];
  for (;;) {
    if (!OPAQUE.has(stack[stack.length - 1].type) && c.gotoFirstChild()) {
      stack.push(open());
      continue;
    }
    // A leaf: close finished nodes until one has a next sibling.
    for (;;) {
      const done = stack.pop()!;
      const parent = stack[stack.length - 1];
      if (!parent) return done;
      if (done.keep) parent.children.push(done);
      if (done.hasError) parent.hasError = true;
      if (c.gotoNextSibling()) {
        stack.push(open());
        break;
      }
      c.gotoParent();
    }
  }
}
