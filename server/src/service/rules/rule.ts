/**
 * What a rule is. Each code of SPEC section 4 is one `Rule` entry in the module of its family
 * (rules/structure.ts, permissions.ts, names.ts, assignments.ts, restrictions.ts, files.ts): its default
 * severity, summary and message, the `data` its diagnostics carry for fixes, its check, its fixes and
 * whether fix-all may apply them. rules/registry.ts assembles the entries; nothing else lists codes.
 */
import type { Doc, Diagnostic, DiagnosticData, FileModel, ParsedFile, Related, Severity, Span } from '../model/types';
import type { ModelIndex } from '../model/workspace';
import type { Terms } from '../model/fields';
import type { FixContext } from './fix';
import { definitionOf, type ResolvedRole } from '../model/roles';
import { orList } from '../util/suggest';

export type { Severity };

/**
 * One rule. `A` is what its message needs; `D` is the part of `DiagnosticData` its diagnostics carry.
 */
export interface Rule<C extends string = string, A = never, D extends DiagnosticData = DiagnosticData> {
  readonly code: C;
  readonly severity: Severity;
  /** One line: what the rule finds (SARIF metadata, README, settings). */
  readonly summary: string;
  readonly message: (args: A) => string;
  /**
   * Checks one document on its own. Runs once per version of a file; the results are kept with it.
   * Rules without a check are reported by the front-ends (syntax) or the loader (files).
   */
  readonly local?: (doc: Doc, ctx: CheckContext<A, D>) => void;
  /**
   * Checks what a file holds beside its documents (`ParsedFile.builtinIds`, ...), once per version of the
   * file, like `local`.
   */
  readonly file?: (ctx: CheckContext<A, D>) => void;
  /** Checks one document against the rest of the workspace. */
  readonly workspace?: (doc: Doc, ctx: WorkspaceCheckContext<A, D>) => void;
  /**
   * True when its findings (or their suggestions) depend on the whole set of role and space names, so
   * that the file is checked again whenever a name appears or disappears anywhere.
   */
  readonly nameDependent?: boolean;
  /** Its options, by the name a configuration sets them by (one place: this entry). */
  readonly options?: Readonly<Record<string, RuleOption>>;
  /** Offers the quick fixes for one of its diagnostics, best first. */
  readonly fixes?: (ctx: FixContext<D>) => void;
  /**
   * Whether fix-all (`source.fixAll`, `check --fix`) may apply the rule's preferred fix: only when the
   * fix involves no choice and widens nobody's access. A function decides per diagnostic.
   */
  readonly safe?: boolean | ((ctx: FixContext<D>) => boolean);
}

/**
 * An option of a rule, set in `.octopus-roles.yaml` beside its severity (`implicit-system-grant: {
 * builtInRoles: off }`): a switch, on unless a configuration turns it off. Turned off, it leaves out the
 * rule's findings that `drops` picks; it never adds findings, so options apply, like severities, to the
 * findings the checks keep, whatever the settings.
 */
export interface RuleOption {
  /** What turning it off leaves out, in a sentence (README, schema, completion). */
  readonly description: string;
  /** True for a finding of the rule that the option, turned off, leaves out (read from its `data`). */
  readonly drops: (d: Diagnostic) => boolean;
}

/** Any rule, whatever its message arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<string, any, any>;

/** Declares a rule; the code's literal type is kept so that the registry can type every code. */
export function rule<const C extends string, A, D extends DiagnosticData = DiagnosticData>(def: Rule<C, A, D>): Rule<C, A, D> {
  return def;
}

/** Builds a diagnostic of `rule` with its default severity and message. */
export function makeDiagnostic<A, D extends DiagnosticData>(
  r: Rule<string, A, D>,
  span: Span,
  args: A,
  data?: D,
  related?: readonly Related[],
): Diagnostic {
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code: r.code, severity: r.severity, message: r.message(args), span };
  if (data) d.data = data;
  if (related && related.length) d.related = related;
  return d;
}

/** What a check gets: the file it reads, and where its findings (of its own rule) go. */
export interface CheckContext<A = never, D extends DiagnosticData = DiagnosticData> {
  readonly file: ParsedFile;
  /** How the file's syntax words fields and advice, for messages. */
  readonly terms: Terms;
  report(span: Span, args: A, data?: D, related?: readonly Related[]): void;
}

/** What a cross-file check gets in addition: the workspace's index. */
export interface WorkspaceCheckContext<A = never, D extends DiagnosticData = DiagnosticData> extends CheckContext<A, D> {
  readonly ws: ModelIndex;
  readonly file: FileModel;
}

/** Markdown-ish quoting for messages: names in backticks. */
export const q = (s: string): string => `\`${s}\``;

/** The end of a message that offers suggestions: ` Did you mean A or B?`, or nothing. */
export const didYouMean = (c: readonly string[] | undefined): string => (c && c.length ? ` Did you mean ${orList(c)}?` : '');

/** Related information pointing at a custom role's definition (none for a built-in role). */
export function roleRelated(role: ResolvedRole): Related[] {
  const def = definitionOf(role);
  return def ? [{ ...def, message: `role ${role.name} is defined here` }] : [];
}
