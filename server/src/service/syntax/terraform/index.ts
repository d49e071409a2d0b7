/**
 * The Terraform front-end: `*.tf` files of modules that use the Octopus provider (SPEC section 9). Each
 * folder is one module and one scope of names and addresses (model/scope.ts); a file holds roles and
 * teams side by side, so its kind is `mixed`. Where the grammar fails, the file gets a `tf-syntax` finding
 * (which the language server leaves to HashiCorp's Terraform server) and rule findings in what the grammar
 * recovered are dropped (`guessed`).
 */
import type { Diagnostic, Doc, FileKind, ParsedFile, Span } from '../../model/types';
import type { Terms } from '../../model/fields';
import type { FrontEnd, SyntaxReporter } from '../../model/frontend';
import { conflictMarkers } from '../conflicts';
import { readSuppressions } from '../suppress';
import { completionContext } from './context';
import { builtinIdsOf } from './ids';
import { TERRAFORM_EDITS } from './edits';
import { initTerraform, parseTree, terraformReady, type SyntaxNode, type TerraformWasm } from './parser';
import { ASSIGNMENT_ATTRIBUTES, LIST_ATTRIBUTES, readBlocks, readVariableValues } from './read';
import { blockOf, bodyOf, spanOf, type Block } from './values';

/** True for a `.tf` file (not `.tf.json`, which is JSON, nor `.tfvars`). */
export function isTerraformPath(path: string): boolean {
  return /\.tf$/i.test(path);
}

/**
 * The rank of a file of variable values Terraform reads by itself (`terraform.tfvars` 1, `*.auto.tfvars`
 * 2: those win over `terraform.tfvars`, and among them the later name wins), else undefined.
 */
export function variableFileRank(path: string): number | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /^terraform\.tfvars$/i.test(name) ? 1 : /\.auto\.tfvars$/i.test(name) ? 2 : undefined;
}

/** The module of a file: its folder's URI, with the trailing slash. */
export function moduleOf(uri: string): string {
  return uri.slice(0, uri.lastIndexOf('/') + 1);
}

/** The provider's resource and data source names all start with this; a file without it costs a scan. */
const PROVIDER = 'octopusdeploy_';

/**
 * True when reading this file needs the grammar and it has not been loaded: a `.tf` file that mentions
 * the provider or has `locals`, `variable` or `import` blocks, and a variable file that is not empty.
 * Other `.tf` files are read (as empty) without it.
 */
export function needsTerraformGrammar(uri: string, text: string): boolean {
  if (terraformReady()) return false;
  return (isTerraformPath(uri) && readsSomething(text)) || (variableFileRank(uri) !== undefined && text.trim() !== '');
}

/** Blocks of a file that has no resource of the provider and still gives the module values. */
const VALUE_BLOCKS = /^[ \t]*(locals|variable|import)\b/m;

/** True when a `.tf` file may hold something the reader takes: the provider's resources, or values. */
const readsSomething = (text: string): boolean => text.includes(PROVIDER) || VALUE_BLOCKS.test(text);

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
  managersOf: (space) => `\`space_managers_team_members\` of the \`octopusdeploy_space\` of space \`${space}\``,
};

function parseTerraform(uri: string, text: string, kind: FileKind, report: SyntaxReporter): ParsedFile {
  const base = { uri, syntax: 'terraform' as const, kind, module: moduleOf(uri), syntaxFindings: [] as Diagnostic[], suppressions: readSuppressions(text) };
  const rank = variableFileRank(uri);
  if (rank !== undefined) return variableFile(base, text, rank);
  if (!readsSomething(text)) return { ...base, docs: [], guessed: [] };
  const root = parseTree(text);
  if (!root) return { ...base, docs: [] as Doc[], guessed: [] };
  const blocks: Block[] = [];
  const guessed: Span[] = [];
  collect(root, text, blocks, guessed);
  const read = readBlocks(blocks, uri);
  return { ...base, syntaxFindings: root.hasError ? syntaxErrors(root, text, report) : [], docs: read.docs, lookups: read.lookups, users: read.users, builtinIds: builtinIdsOf(blocks), values: read.values, spaces: read.spaces, guessed };
}

/**
 * A file of variable values: its literal values, nothing else. Its syntax errors are HashiCorp's
 * server's to report; a file that does not parse gives no value.
 */
function variableFile(base: Omit<ParsedFile, 'docs' | 'guessed'>, text: string, rank: number): ParsedFile {
  const root = parseTree(text);
  const body = root?.children.find((c) => c.type === 'body');
  if (!root || root.hasError || !body) return { ...base, docs: [], guessed: [] };
  return { ...base, docs: [], guessed: [], values: readVariableValues(bodyOf(body, text, 0).attributes, rank) };
}

/** The most `tf-syntax` findings of one file: the first few errors say what to fix; the rest follow from them. */
const MAX_SYNTAX_FINDINGS = 20;

/**
 * Where the grammar failed, as `tf-syntax` findings: each merge conflict marker line when there are any
 * (the errors around them follow from them), else each token the grammar had to make up (`}` missing)
 * and each innermost piece of text it could not place, on that text's first line.
 */
function syntaxErrors(root: SyntaxNode, text: string, report: SyntaxReporter): Diagnostic[] {
  const markers = conflictMarkers(text);
  if (markers.length) {
    return markers.slice(0, MAX_SYNTAX_FINDINGS).map((m) => report.finding('tf-syntax', m, { detail: `merge conflict marker \`${text.slice(m.start, m.start + 7)}\`; resolve the conflict: keep the lines you want and delete the marker lines` }));
  }
  const out: Diagnostic[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length && out.length < MAX_SYNTAX_FINDINGS) {
    const n = stack.pop()!;
    const inner = n.children.filter((c) => c.hasError);
    if (n.error && n.start === n.end) {
      out.push(report.finding('tf-syntax', { start: n.start, end: n.end }, { detail: n.type === 'ERROR' ? 'something is missing here' : `\`${n.type}\` is missing here` }));
    } else if (n.error && !inner.some((c) => c.error || c.children.length)) {
      const line = text.slice(n.start, n.end).split(/\r?\n|\r/)[0].trimEnd();
      const shown = line.length > 40 ? `${line.slice(0, 40)}...` : line;
      out.push(report.finding('tf-syntax', { start: n.start, end: n.start + line.length }, { detail: `unexpected \`${shown}\` (a comma, an equals sign or a closing bracket may be missing next to it)` }));
    } else for (let i = inner.length - 1; i >= 0; i--) stack.push(inner[i]);
  }
  return out.sort((a, b) => a.span.start - b.span.start);
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
  kindOf: (uri) => (isTerraformPath(uri) || variableFileRank(uri) !== undefined ? 'mixed' : undefined),
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
