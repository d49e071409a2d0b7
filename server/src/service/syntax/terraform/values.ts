/**
 * HCL values as the Terraform reader needs them: literal strings, lists, references to resources and
 * data sources, and everything else as "computed" (known only when Terraform evaluates it). Reads the
 * tree-sitter nodes of the Terraform grammar; nothing here knows the Octopus provider.
 */
import type { KeyRef, Span } from '../../model/types';
import type { SyntaxNode as Node } from './parser';

export type Value =
  /** A string without interpolation; `span` includes the quotes. */
  | { readonly type: 'string'; readonly value: string; readonly span: Span }
  | { readonly type: 'null'; readonly span: Span }
  /** A list written as `[...]`, with its items. */
  | { readonly type: 'list'; readonly items: readonly Value[]; readonly span: Span }
  /**
   * A reference `TYPE.NAME.ATTR...` or `data.TYPE.NAME.ATTR...` without an index on the resource:
   * `address` is `TYPE.NAME` (or `data.TYPE.NAME`), `path` the rest (`id`, `user_roles[0].id`).
   */
  | { readonly type: 'reference'; readonly address: string; readonly path: string; readonly text: string; readonly span: Span }
  /** Anything else: variables, locals, functions, conditionals, templates, numbers, objects. */
  | { readonly type: 'computed'; readonly text: string; readonly span: Span };

/** Root names of references that are never a resource. */
const NOT_RESOURCES = new Set(['var', 'local', 'module', 'each', 'count', 'path', 'terraform', 'self']);

export const spanOf = (n: Node): Span => ({ start: n.start, end: n.end });

/** The source text of a node. */
const textOf = (n: Node, text: string): string => text.slice(n.start, n.end);

/** The value of an `expression` node of `text`; a list inside a list is computed (nothing reads one). */
export function valueOf(expr: Node, text: string, nested = false): Value {
  const span = spanOf(expr);
  const first = expr.children[0];
  const only = expr.children.length === 1;
  if (!first) return computed(expr, text);
  if (only && first.type === 'literal_value') {
    const lit = first.children[0];
    if (lit?.type === 'string_lit') return stringOf(lit, text) ?? computed(expr, text);
    if (lit?.type === 'null_lit') return { type: 'null', span };
    return computed(expr, text);
  }
  if (only && first.type === 'template_expr') {
    const quoted = first.children[0];
    if (quoted?.type === 'quoted_template') return stringOf(quoted, text) ?? computed(expr, text);
    return computed(expr, text);
  }
  if (only && first.type === 'collection_value') {
    const tuple = first.children[0];
    if (tuple?.type !== 'tuple' || nested) return computed(expr, text);
    const items: Value[] = [];
    for (const c of tuple.children) if (c.type === 'expression') items.push(valueOf(c, text, true));
    return { type: 'list', items, span };
  }
  if (first.type === 'variable_expr') return referenceOf(expr, text) ?? computed(expr, text);
  return computed(expr, text);
}

function computed(n: Node, text: string): Value {
  return { type: 'computed', text: textOf(n, text), span: spanOf(n) };
}

/** A quoted string without interpolation or directives, unescaped; undefined for a template. */
function stringOf(n: Node, text: string): Value | undefined {
  if (n.type === 'string_lit') {
    // Read whole (the tree does not descend into it): the text between its quotes.
    if (n.end - n.start < 2 || text[n.start] !== '"' || text[n.end - 1] !== '"') return undefined;
    return { type: 'string', value: unescape(text.slice(n.start + 1, n.end - 1)), span: spanOf(n) };
  }
  let value = '';
  for (const c of n.children) {
    if (c.type === 'quoted_template_start' || c.type === 'quoted_template_end') continue;
    if (c.type !== 'template_literal') return undefined;
    value += unescape(textOf(c, text));
  }
  return { type: 'string', value, span: spanOf(n) };
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * HCL's string escapes (`\n`, `\"`, `\uXXXX`, `$${`, `%%{`), decoded in one pass from left to right as
 * HCL does: a `$` that an escape produced (`$\u0024{`) does not make a `$${` escape.
 */
export function unescape(raw: string): string {
  if (!raw.includes('\\') && !raw.includes('$${') && !raw.includes('%%{')) return raw;
  return raw.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|([$%])\2\{/g, (_, e: string | undefined, sign: string | undefined) =>
    e === undefined ? `${sign}{` : e.length > 1 ? character(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
  );
}

/** The character of a `\u` or `\U` escape; U+FFFD for one HCL refuses (a surrogate, or beyond U+10FFFF). */
const character = (code: number) => (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code));

/** `TYPE.NAME.rest` or `data.TYPE.NAME.rest`, when neither the resource nor the data source is indexed. */
function referenceOf(expr: Node, text: string): Value | undefined {
  const parts = expr.children;
  const root = textOf(parts[0], text);
  if (NOT_RESOURCES.has(root)) return undefined;
  const steps = root === 'data' ? 2 : 1;
  const names: string[] = [root];
  for (let i = 1; i <= steps; i++) {
    const p = parts[i];
    if (!p || p.type !== 'get_attr') return undefined;
    names.push(textOf(p, text).slice(1).trim());
  }
  const restNodes = parts.slice(steps + 1);
  const path = restNodes.map((n) => textOf(n, text).replace(/^\./, '')).join('.').replace(/\.\[/g, '[');
  return { type: 'reference', address: names.join('.'), path, text: textOf(expr, text), span: spanOf(expr) };
}

/** The attributes and nested blocks of a block's body. */
export interface Body {
  readonly attributes: ReadonlyMap<string, { readonly key: KeyRef; readonly value: Value }>;
  readonly blocks: readonly Block[];
}

export interface Block {
  /** `resource`, `data`, `user_role`, `dynamic`, ... */
  readonly type: string;
  readonly labels: readonly string[];
  readonly span: Span;
  /** The span of the block's type word. */
  readonly typeSpan: Span;
  readonly body: Body;
}

/** How deep nested blocks are read; the provider's resources nest one level (`user_role`, `dynamic`/`content`). */
const MAX_BLOCK_DEPTH = 3;

/** Reads a `block` node of `text` (its nested blocks too, to a depth that bounds the recursion). */
export function blockOf(n: Node, text: string, depth = 0): Block | undefined {
  const id = n.children[0];
  if (!id || id.type !== 'identifier') return undefined;
  const labels: string[] = [];
  let body: Body = { attributes: new Map(), blocks: [] };
  for (const c of n.children.slice(1)) {
    if (c.type === 'string_lit') {
      const s = stringOf(c, text);
      labels.push(s && s.type === 'string' ? s.value : textOf(c, text));
    } else if (c.type === 'identifier') labels.push(textOf(c, text));
    else if (c.type === 'body' && depth < MAX_BLOCK_DEPTH) body = bodyOf(c, text, depth);
  }
  return { type: textOf(id, text), labels, span: spanOf(n), typeSpan: spanOf(id), body };
}

/** Reads a `body` node: its attributes and nested blocks. */
export function bodyOf(n: Node, text: string, depth: number): Body {
  const attributes = new Map<string, { key: KeyRef; value: Value }>();
  const blocks: Block[] = [];
  for (const c of n.children) {
    if (c.type === 'attribute') {
      const id = c.children[0];
      const expr = c.children.find((x) => x.type === 'expression');
      if (!id || id.type !== 'identifier' || !expr) continue;
      const name = textOf(id, text);
      const key: KeyRef = { key: name, keySpan: spanOf(id), pairSpan: spanOf(c) };
      if (!attributes.has(name)) attributes.set(name, { key, value: valueOf(expr, text) });
    } else if (c.type === 'block') {
      const b = blockOf(c, text, depth + 1);
      if (b) blocks.push(b);
    }
  }
  return { attributes, blocks };
}

/**
 * The data sources that list objects, with the list attribute and the attribute that holds an object's
 * name: what `one([for x in data.TYPE.N.LIST : x.id if x.NAME == "..."])` reads (the shape the export writes).
 */
export const LIST_LOOKUPS: Readonly<Record<string, { readonly list: string; readonly name: string }>> = {
  octopusdeploy_user_roles: { list: 'user_roles', name: 'name' },
  octopusdeploy_users: { list: 'users', name: 'username' },
  octopusdeploy_teams: { list: 'teams', name: 'name' },
  octopusdeploy_spaces: { list: 'spaces', name: 'name' },
  octopusdeploy_environments: { list: 'environments', name: 'name' },
  octopusdeploy_projects: { list: 'projects', name: 'name' },
  octopusdeploy_project_groups: { list: 'project_groups', name: 'name' },
  octopusdeploy_tenants: { list: 'tenants', name: 'name' },
};

const ONE_LOOKUP = /^one\(\s*\[\s*for\s+([A-Za-z_]\w*)\s+in\s+data\.(octopusdeploy_\w+)\.([A-Za-z_][\w-]*)\.(\w+)\s*:\s*(\w+)\.id\s+if\s+(\w+)\.(\w+)\s*==\s*"((?:[^"\\\r\n]|\\.)*)"\s*\]\s*\)$/;

/**
 * The object an exact-name lookup picks: `one([for x in data.TYPE.N.LIST : x.id if x.NAME == "VALUE"])`
 * yields the id of the one object of the data source whose name is exactly VALUE (or null, which Terraform
 * refuses), so it stands for VALUE whatever the data source's filter. Undefined for any other expression,
 * a list or name attribute that is not the data source's, or a template.
 */
export function oneLookupOf(v: Value): { readonly type: string; readonly name: string } | undefined {
  if (v.type !== 'computed' || v.text.length > 2000) return undefined;
  const m = ONE_LOOKUP.exec(v.text);
  if (!m) return undefined;
  const [, x, type, , list, xId, xIf, attribute, raw] = m;
  const lookup = LIST_LOOKUPS[type];
  if (!lookup || lookup.list !== list || lookup.name !== attribute || xId !== x || xIf !== x) return undefined;
  // `${` or `%{` that is not escaped (`$${`, `%%{`) makes a template, whose value is not known.
  if (/(^|[^$])\$\{|(^|[^%])%\{/.test(raw.replace(/\$\$\{|%%\{/g, ''))) return undefined;
  return { type, name: unescape(raw) };
}
