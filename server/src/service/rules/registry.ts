/**
 * The one registry of rules. A rule is registered by its entry in its family's list (`STRUCTURE_RULES` in
 * structure.ts, ...): that list's order, in the order of `FAMILIES`, is the order the rules run in and
 * the order README's table, the settings schema in package.json, SARIF and the documentation index
 * follow (generated: `npm run gen:docs`); it is the order of SPEC section 4. Nothing else lists codes.
 * This module also holds the analyser that runs their checks for the workspace index and the reporter
 * front-ends report their findings through. Features never match on message text; quick fixes are
 * chosen by code and read `Diagnostic.data`.
 */
import type { Analyser, ModelIndex } from '../model/workspace';
import type { SyntaxReporter } from '../model/frontend';
import type { Terms } from '../model/fields';
import type { Diagnostic, DiagnosticData, FileModel, ParsedFile, Related, Severity, Span } from '../model/types';
import { ASSIGNMENT_RULES } from './assignments';
import { BUILTIN_ID_RULES } from './builtin-ids';
import { BUILTIN_RULES } from './builtins';
import { BROAD_GRANT_RULES } from './broad-grant';
import { FILE_RULES } from './files';
import { NAME_RULES } from './names';
import { PERMISSION_RULES } from './permissions';
import { POLICY_RULES } from './policies';
import { RESTRICTION_RULES } from './restrictions';
import { makeDiagnostic, type AnyRule, type CheckContext } from './rule';
import { STRUCTURE_RULES } from './structure';
import { TERRAFORM_RULES } from './terraform';

/** The families of rules, by the module (rules/NAME.ts) that defines them, in order. */
export const FAMILIES = {
  structure: STRUCTURE_RULES,
  permissions: PERMISSION_RULES,
  names: NAME_RULES,
  assignments: ASSIGNMENT_RULES,
  builtins: BUILTIN_RULES,
  restrictions: RESTRICTION_RULES,
  files: FILE_RULES,
  'broad-grant': BROAD_GRANT_RULES,
  policies: POLICY_RULES,
  terraform: TERRAFORM_RULES,
  'builtin-ids': BUILTIN_ID_RULES,
} as const;

const ALL = Object.values(FAMILIES).flat() as readonly (typeof FAMILIES)[keyof typeof FAMILIES][number][];

export type RuleCode = (typeof ALL)[number]['code'];

/** A configured severity: a real one, or `off` to drop the rule. */
export type SeveritySetting = Severity | 'off';
export type { Severity };

/** The rules, keyed by their stable code. */
export const RULES: Readonly<Record<RuleCode, AnyRule>> = Object.fromEntries(ALL.map((r) => [r.code, r])) as Record<RuleCode, AnyRule>;

/** Every code, in the registry's order. */
export const RULE_CODES: readonly RuleCode[] = ALL.map((r) => r.code);

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

const LOCAL = ALL.filter((r) => (r as AnyRule).local) as readonly AnyRule[];
const FILE_CHECKS = ALL.filter((r) => (r as AnyRule).file) as readonly AnyRule[];
const CROSS = ALL.filter((r) => (r as AnyRule).workspace) as readonly AnyRule[];

function reporter(r: AnyRule, out: Diagnostic[], keep?: (span: Span) => boolean): CheckContext<unknown, DiagnosticData>['report'] {
  return (span: Span, args: unknown, data?: DiagnosticData, related?: readonly Related[]) => {
    if (!keep || keep(span)) out.push(makeDiagnostic(r, span, args as never, data, related));
  };
}

/**
 * What front-ends report their findings through: each finding a diagnostic of the rule of its code
 * (rules/structure.ts), whose message takes the arguments the front-end gives.
 */
export const SYNTAX_REPORTER: SyntaxReporter = {
  finding: (code, span, args, data) => makeDiagnostic(RULES[code], span, args, data),
};

/** The rules as the workspace index runs them. */
export const ANALYSER: Analyser = {
  reporter: SYNTAX_REPORTER,
  local(file: ParsedFile, terms: Terms): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const d of file.syntaxFindings) out.push(d);
    const found: Diagnostic[] = [];
    // One context per rule and file (a file can hold tens of thousands of documents), rules in the outer loop.
    for (const r of LOCAL) {
      const ctx = { file, terms, report: reporter(r, found) };
      for (const doc of file.docs) r.local!(doc, ctx);
    }
    for (const r of FILE_CHECKS) r.file!({ file, terms, report: reporter(r, found) });
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
