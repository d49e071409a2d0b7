/**
 * The Terraform front-end: `*.tf` files of modules that use the Octopus provider (SPEC section 9). Each
 * folder is one module and one scope of names and addresses (model/scope.ts); a file holds roles and
 * teams side by side, so its kind is `mixed`. Syntax errors are left to HashiCorp's Terraform language
 * server; where the grammar had to recover, rule findings are dropped (`guessed`).
 */
import type { Doc, FileKind, ParsedFile, Span } from '../../model/types';
import type { Terms } from '../../model/fields';
import type { FrontEnd } from '../../model/frontend';
import { readSuppressions } from '../suppress';
import { completionContext } from './context';
import { TERRAFORM_EDITS } from './edits';
import { initTerraform, parseTree, terraformReady, type SyntaxNode, type TerraformWasm } from './parser';
import { ASSIGNMENT_ATTRIBUTES, LIST_ATTRIBUTES, readBlocks } from './read';
import { blockOf, spanOf, type Block } from './values';

/** True for a `.tf` file (not `.tf.json`, which is JSON, nor `.tfvars`). */
export function isTerraformPath(path: string): boolean {
  return /\.tf$/i.test(path);
}

/** The module of a file: its folder's URI, with the trailing slash. */
export function moduleOf(uri: string): string {
  return uri.slice(0, uri.lastIndexOf('/') + 1);
}

/** The provider's resource and data source names all start with this; a file without it costs a scan. */
const PROVIDER = 'octopusdeploy_';

/**
 * True when reading this file needs the grammar and it has not been loaded: a `.tf` file that mentions
 * the provider. Other `.tf` files are read (as empty) without it.
 */
export function needsTerraformGrammar(uri: string, text: string): boolean {
  return isTerraformPath(uri) && !terraformReady() && text.includes(PROVIDER);
}

/** The provider's attribute (or block) for each model field that rule messages name. */
const FIELD_ATTRIBUTES: Readonly<Record<string, string>> = {
  ...LIST_ATTRIBUTES,
  ...ASSIGNMENT_ATTRIBUTES,
  members: 'users',
  externalGroups: 'external_security_group',
  roles: 'user_role',
};

/** Rule messages in the provider's words. */
export const TERRAFORM_TERMS: Terms = {
  field: (name) => FIELD_ATTRIBUTES[name] ?? name,
  inSpace: 'set its `space_id`',
  naming: '`name = "..."`',
};

function parseTerraform(uri: string, text: string, kind: FileKind): ParsedFile {
  const base = { uri, syntax: 'terraform' as const, kind, module: moduleOf(uri), syntaxFindings: [], suppressions: readSuppressions(text) };
  if (!text.includes(PROVIDER)) return { ...base, docs: [], guessed: [] };
  const root = parseTree(text);
  if (!root) return { ...base, docs: [] as Doc[], guessed: [] };
  const blocks: Block[] = [];
  const guessed: Span[] = [];
  collect(root, text, blocks, guessed);
  const read = readBlocks(blocks, uri);
  return { ...base, docs: read.docs, lookups: read.lookups, users: read.users, guessed };
}

/**
 * The top-level blocks of a file, also those the grammar kept inside an error node, and the spans where
 * it recovered from an error.
 */
function collect(n: SyntaxNode, text: string, blocks: Block[], guessed: Span[]): void {
  for (const c of n.children) {
    if (c.type === 'block') {
      // What the grammar made of a resource with an error is a guess as a whole (a list cut short makes
      // an empty role): no rule finding in it until it parses again.
      if (c.hasError) guessed.push(spanOf(c));
      const b = blockOf(c, text);
      if (b) blocks.push(b);
    } else if (c.type === 'body' || c.type === 'ERROR') {
      if (c.type === 'ERROR') guessed.push(spanOf(c));
      collect(c, text, blocks, guessed);
    }
  }
}

const RUNTIME = 'web-tree-sitter.wasm';
const GRAMMAR = 'tree-sitter-terraform.wasm';

export const TERRAFORM_FRONT_END: FrontEnd = {
  syntax: 'terraform',
  kindOf: (uri) => (isTerraformPath(uri) ? 'mixed' : undefined),
  parse: parseTerraform,
  loading: {
    assets: [
      { file: RUNTIME, package: 'web-tree-sitter/web-tree-sitter.wasm' },
      { file: GRAMMAR, package: '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm' },
    ],
    needed: needsTerraformGrammar,
    ready: terraformReady,
    load: (bytes) => initTerraform(async () => ({ runtime: await bytes(RUNTIME), grammar: await bytes(GRAMMAR) })),
    what: 'the Terraform grammar',
    files: 'the .tf files',
  },
  completionContext,
  edits: TERRAFORM_EDITS,
  terms: TERRAFORM_TERMS,
};

export { initTerraform, terraformReady, type TerraformWasm };
