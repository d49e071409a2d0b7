/**
 * The one registry of rules: every family's entries, in the order of SPEC section 4, and the analyser
 * that runs their checks for the workspace index. Features never match on message text; quick fixes are
 * chosen by code and read `Diagnostic.data`.
 */
import type { Analyser, ModelIndex } from '../model/workspace';
import type { Terms } from '../model/fields';
import type { Diagnostic, DiagnosticData, FileModel, ParsedFile, Related, Severity, Span } from '../model/types';
import { ASSIGNMENT_RULES } from './assignments';
import { BUILTIN_RULES } from './builtins';
import { FILE_RULES } from './files';
import { NAME_RULES } from './names';
import { PERMISSION_RULES } from './permissions';
import { RESTRICTION_RULES } from './restrictions';
import { makeDiagnostic, type AnyRule, type CheckContext } from './rule';
import { STRUCTURE_RULES } from './structure';
import { TERRAFORM_RULES } from './terraform';

const FAMILIES = [...STRUCTURE_RULES, ...PERMISSION_RULES, ...NAME_RULES, ...ASSIGNMENT_RULES, ...RESTRICTION_RULES, ...BUILTIN_RULES, ...FILE_RULES, ...TERRAFORM_RULES] as const;

export type RuleCode = (typeof FAMILIES)[number]['code'];

/** A configured severity: a real one, or `off` to drop the rule. */
export type SeveritySetting = Severity | 'off';
export type { Severity };

/** The order of SPEC section 4's table, which README and SARIF follow. */
const SPEC_ORDER: readonly RuleCode[] = [
  'yaml-syntax', 'unknown-key', 'invalid-value', 'missing-name', 'kind-mismatch', 'unknown-permission', 'retired-permission',
  'wrong-level', 'duplicate-permission', 'empty-role', 'duplicate-name', 'shadows-builtin', 'unknown-role', 'unknown-space',
  'system-role-in-space-team', 'space-required', 'space-not-allowed', 'implicit-system-grant', 'system-team-only-permission',
  'builtin-team', 'unknown-team', 'builtin-role', 'restriction-not-supported',
  'restriction-at-system-level', 'unrestrictable-role', 'unknown-scope-value', 'duplicate-assignment', 'file-too-large', 'unreadable-file',
  // The Terraform front-end's syntax errors (SPEC section 4's table; the command line reports them).
  'tf-syntax',
  // SPEC section 9: Terraform files.
  'tf-inline-and-scoped-assignments', 'tf-builtin-team-resource', 'tf-readonly-attribute',
];

/** The rules, keyed by their stable code. */
export const RULES: Readonly<Record<RuleCode, AnyRule>> = Object.fromEntries(FAMILIES.map((r) => [r.code, r])) as Record<RuleCode, AnyRule>;

/** Every code, in the order of SPEC section 4. */
export const RULE_CODES: readonly RuleCode[] = SPEC_ORDER.filter((c) => c in RULES);

export function isRuleCode(code: string): code is RuleCode {
  return Object.prototype.hasOwnProperty.call(RULES, code);
}

/** The rule of a diagnostic's code; undefined for a code no rule has. */
export function ruleOf(code: string): AnyRule | undefined {
  return isRuleCode(code) ? RULES[code] : undefined;
}

/** Where the README documents every rule; each code has a section whose anchor is the code itself. */
export const DOCS_URL = 'https://github.com/octopus-roles/octopus-roles/blob/main/README.md';

/** The README anchor that documents `code`. */
export function ruleDocsUrl(code: string): string {
  return `${DOCS_URL}#${code}`;
}

/**
 * A diagnostic of the rule with `code`, for callers outside the rule modules (the configuration reader)
 * that name rules by their stable code.
 */
export function diagnosticOf<C extends RuleCode>(code: C, span: Span, args: Parameters<(typeof RULES)[C]['message']>[0], data?: DiagnosticData, related?: readonly Related[]): Diagnostic {
  return makeDiagnostic(RULES[code], span, args as never, data, related);
}

const LOCAL = FAMILIES.filter((r) => (r as AnyRule).local) as readonly AnyRule[];
const CROSS = FAMILIES.filter((r) => (r as AnyRule).workspace) as readonly AnyRule[];

function reporter(r: AnyRule, out: Diagnostic[], keep?: (span: Span) => boolean): CheckContext<unknown, DiagnosticData>['report'] {
  return (span: Span, args: unknown, data?: DiagnosticData, related?: readonly Related[]) => {
    if (!keep || keep(span)) out.push(makeDiagnostic(r, span, args as never, data, related));
  };
}

/** The rules as the workspace index runs them. */
export const ANALYSER: Analyser = {
  local(file: ParsedFile, terms: Terms): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const d of file.syntaxFindings) out.push(d);
    const found: Diagnostic[] = [];
    // One context per rule and file (a file can hold tens of thousands of documents), rules in the outer loop.
    for (const r of LOCAL) {
      const ctx = { file, terms, report: reporter(r, found) };
      for (const doc of file.docs) r.local!(doc, ctx);
    }
    const guessed = file.guessed;
    for (const d of found) if (!guessed.some((g) => d.span.start <= g.end && d.span.end >= g.start)) out.push(d);
    return out;
  },
  workspace(ws: ModelIndex, file: FileModel, out: Diagnostic[], terms: Terms): boolean {
    let nameDependent = false;
    for (const r of CROSS) {
      const before = out.length;
      const ctx = { file, ws, terms, report: reporter(r, out) };
      for (const doc of file.docs) r.workspace!(doc, ctx);
      if (r.nameDependent && out.length > before) nameDependent = true;
    }
    return nameDependent;
  },
};
