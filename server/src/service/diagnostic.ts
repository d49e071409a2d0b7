import { RULES, type RuleArgs, type RuleCode } from './rules';
import type { Diagnostic, DiagnosticData, Related, Span } from './types';

/** Builds a diagnostic of rule `code` with the rule's default severity and message. */
export function makeDiagnostic<C extends RuleCode>(
  code: C,
  span: Span,
  args: RuleArgs<C>,
  data?: DiagnosticData,
  related?: readonly Related[],
): Diagnostic {
  const rule = RULES[code];
  const message = (rule.message as (a: RuleArgs<C>) => string)(args);
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, severity: rule.severity, message, span };
  if (data) d.data = data;
  if (related && related.length) d.related = related;
  return d;
}
