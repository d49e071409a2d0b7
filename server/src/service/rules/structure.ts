/**
 * Rules about a document's shape. Front-ends report these while they read a file (the syntax decides what
 * a key or a wrong type is), through the `SyntaxReporter` they are handed (model/frontend.ts; the
 * registry makes it from these entries), so none of them has a check here but `invalid-value`'s one
 * for `builtIn`; they all have their messages and fixes. Their messages take `SyntaxFindingArgs`.
 */
import { getBuiltinRole, getBuiltinRoleIgnoreCase } from '../catalog';
import { q as quote } from './fix';
import type { SyntaxFindingArgs } from '../model/frontend';
import { andList } from '../util/suggest';
import { q, rule } from './rule';

export const yamlSyntax = rule({
  code: 'yaml-syntax',
  severity: 'error',
  summary: 'The YAML does not parse.',
  message: (a: SyntaxFindingArgs['yaml-syntax']) => `YAML syntax error: ${a.detail}`,
  // What the parser guessed is no basis for an edit: the fix is the user's.
});


export const unknownKey = rule({
  code: 'unknown-key',
  severity: 'warning',
  summary: 'A key that this kind of document does not have.',
  message: (a: SyntaxFindingArgs['unknown-key']) =>
    `Unknown key ${q(a.key)} in ${a.where}; it is ignored.` + (a.suggestion ? ` Did you mean ${q(a.suggestion)}?` : ` Known keys: ${andList(a.allowed)}.`),
  fixes(ctx: import('./fix').FixContext<{ candidates?: string[] }>) {
    const c = ctx.data.candidates?.[0];
    if (c) ctx.add(`Change the key to ${quote(c)}`, [{ span: ctx.diagnostic.span, newText: c }], true);
  },
});

export const invalidValue = rule({
  code: 'invalid-value',
  severity: 'error',
  summary: 'A value of the wrong type or shape.',
  message: (a: SyntaxFindingArgs['invalid-value']) => `${a.what} must be ${a.expected}.`,
  // Front-ends report values of the wrong type; this check reports `builtIn: true` on a role that is not built in.
  local(doc, ctx) {
    if (doc.kind !== 'role' || doc.builtIn?.value !== true || !doc.name || getBuiltinRole(doc.name.value)) return;
    const near = getBuiltinRoleIgnoreCase(doc.name.value);
    const expected = near
      ? `on a built-in role's exact name: did you mean ${q(near.name)}?`
      : `on a built-in role's exact name (such as ${q('Project Viewer')}); ${q(doc.name.value)} is not a built-in role, so remove ${q('builtIn')}`;
    ctx.report(doc.builtIn.span, { what: q('builtIn: true'), expected });
  },
});

export const missingName = rule({
  code: 'missing-name',
  severity: 'error',
  summary: 'A document without a name.',
  message: (a: SyntaxFindingArgs['missing-name']) => `This ${a.kind} has no ${q('name')}; add ${q('name: ...')} so that it can be referred to.`,
  fixes(ctx) {
    const { doc, uri } = ctx;
    if (!doc) return;
    const base = decodeFileName(uri).replace(/\.[^.]+\.[^.]+$/, '');
    const words = base.split(/[-_.\s]+/).filter(Boolean);
    if (!words.length) return;
    let name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
    if (doc.index > 0) name += ` ${doc.index + 1}`;
    ctx.add(`Name it ${quote(name)}`, [ctx.syntax.addName(ctx.text, doc.span, doc.keys, name)], true);
  },
});

export const kindMismatch = rule({
  code: 'kind-mismatch',
  severity: 'error',
  summary: 'The document says a kind that disagrees with the file suffix.',
  message: (a: SyntaxFindingArgs['kind-mismatch']) =>
    `${q('kind: ' + a.kind)} disagrees with the file suffix ${q(a.suffix)}, which holds ${a.suffixKind} documents. ` +
    `Move this document to a ${q('*.' + a.kind.toLowerCase() + '.yaml')} file or change ${q('kind')} to ${q(capital(a.suffixKind))}.`,
  fixes(ctx: import('./fix').FixContext<{ candidates?: string[] }>) {
    const c = ctx.data.candidates?.[0];
    if (c) ctx.add(`Change ${quote('kind')} to ${quote(c)}`, ctx.syntax.replaceNames(ctx.text, [ctx.diagnostic.span], c), true);
  },
});

export const STRUCTURE_RULES = [yamlSyntax, unknownKey, invalidValue, missingName, kindMismatch] as const;

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The last segment of a URI, decoded; the raw segment when it is not valid percent-encoding. */
function decodeFileName(uri: string): string {
  const last = uri.slice(uri.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
