/**
 * HCL values as the Terraform reader needs them: literal strings, lists, references to resources and
 * data sources, and everything else as "computed" (known only when Terraform evaluates it). Reads the
 * tree-sitter nodes of the Terraform grammar; nothing here knows the Octopus provider.
 */
import type { KeyRef, Span } from '../../model/types';
import type { Node } from './parser';

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

export const spanOf = (n: Node): Span => ({ start: n.startIndex, end: n.endIndex });

/** The value of an `expression` node. */
export function valueOf(expr: Node): Value {
  const span = spanOf(expr);
  const first = expr.namedChild(0);
  if (!first) return computed(expr);
  if (expr.namedChildCount === 1 && first.type === 'literal_value') {
    const lit = first.namedChild(0);
    if (lit?.type === 'string_lit') return stringOf(lit) ?? computed(expr);
    if (lit?.type === 'null_lit') return { type: 'null', span };
    return computed(expr);
  }
  if (expr.namedChildCount === 1 && first.type === 'template_expr') {
    const quoted = first.namedChild(0);
    if (quoted?.type === 'quoted_template') return stringOf(quoted) ?? computed(expr);
    return computed(expr);
  }
  if (expr.namedChildCount === 1 && first.type === 'collection_value') {
    const tuple = first.namedChild(0);
    if (tuple?.type !== 'tuple') return computed(expr);
    const items: Value[] = [];
    for (const c of tuple.namedChildren) if (c && c.type === 'expression') items.push(valueOf(c));
    return { type: 'list', items, span };
  }
  if (first.type === 'variable_expr') return referenceOf(expr) ?? computed(expr);
  return computed(expr);
}

function computed(n: Node): Value {
  return { type: 'computed', text: n.text, span: spanOf(n) };
}

/** A quoted string without interpolation or directives, unescaped; undefined for a template. */
function stringOf(n: Node): Value | undefined {
  let value = '';
  for (const c of n.children) {
    if (!c) continue;
    if (c.type === 'quoted_template_start' || c.type === 'quoted_template_end') continue;
    if (c.type !== 'template_literal') return undefined;
    value += unescape(c.text);
  }
  return { type: 'string', value, span: spanOf(n) };
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** HCL's string escapes (`\n`, `\"`, `\uXXXX`, `$${`, `%%{`). */
function unescape(raw: string): string {
  if (!raw.includes('\\') && !raw.includes('$${') && !raw.includes('%%{')) return raw;
  return raw
    .replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) =>
      e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
    )
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

/** `TYPE.NAME.rest` or `data.TYPE.NAME.rest`, when neither the resource nor the data source is indexed. */
function referenceOf(expr: Node): Value | undefined {
  const parts = expr.namedChildren.filter((c): c is Node => c !== null);
  const root = parts[0].text;
  if (NOT_RESOURCES.has(root)) return undefined;
  const steps = root === 'data' ? 2 : 1;
  const names: string[] = [root];
  for (let i = 1; i <= steps; i++) {
    const p = parts[i];
    if (!p || p.type !== 'get_attr') return undefined;
    names.push(p.text.slice(1).trim());
  }
  const restNodes = parts.slice(steps + 1);
  const path = restNodes.map((n) => n.text.replace(/^\./, '')).join('.').replace(/\.\[/g, '[');
  return { type: 'reference', address: names.join('.'), path, text: expr.text, span: spanOf(expr) };
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

/** Reads a `block` node (its nested blocks too). */
export function blockOf(n: Node): Block | undefined {
  const id = n.namedChild(0);
  if (!id || id.type !== 'identifier') return undefined;
  const labels: string[] = [];
  let body: Body = { attributes: new Map(), blocks: [] };
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_lit') {
      const s = stringOf(c);
      labels.push(s && s.type === 'string' ? s.value : c.text);
    } else if (c.type === 'identifier' && c !== id && c.startIndex !== id.startIndex) labels.push(c.text);
    else if (c.type === 'body') body = bodyOf(c);
  }
  return { type: id.text, labels, span: spanOf(n), typeSpan: spanOf(id), body };
}

function bodyOf(n: Node): Body {
  const attributes = new Map<string, { key: KeyRef; value: Value }>();
  const blocks: Block[] = [];
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'attribute') {
      const id = c.namedChild(0);
      const expr = c.namedChildren.find((x) => x?.type === 'expression');
      if (!id || !expr) continue;
      const key: KeyRef = { key: id.text, keySpan: spanOf(id), pairSpan: spanOf(c) };
      if (!attributes.has(id.text)) attributes.set(id.text, { key, value: valueOf(expr) });
    } else if (c.type === 'block') {
      const b = blockOf(c);
      if (b) blocks.push(b);
    }
  }
  return { attributes, blocks };
}
