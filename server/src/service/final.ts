/** The diagnostics a user sees: configuration and suppression comments applied. */
import { droppedByOption, type Settings } from './config';
import type { Diagnostic } from './model/types';
import type { ModelIndex } from './model/workspace';
import type { Suppressions } from './model/types';
import type { LineMap } from './util/text';
import { isRuleCode } from './rules/registry';

/**
 * The diagnostics to show for a file: suppression comments applied, severities as configured, rules
 * set to `off` dropped, and the findings that a rule option turned off leaves out. `raw` is the file's
 * findings, by default all of them.
 */
export function finalDiagnostics(ws: ModelIndex, uri: string, settings: Settings, raw: readonly Diagnostic[] = ws.diagnostics(uri)): Diagnostic[] {
  const model = ws.model(uri);
  const lines = model && (model.suppressions.lines.size > 0 || model.suppressions.docs.length > 0) ? ws.lines(uri) : undefined;
  const result: Diagnostic[] = [];
  for (const d of raw) {
    const setting = isRuleCode(d.code) ? settings.rules[d.code] : undefined;
    if (setting === 'off' || droppedByOption(d, settings)) continue;
    if (lines && isSuppressed(d, model!.suppressions, lines)) continue;
    result.push(setting && setting !== d.severity ? { ...d, severity: setting } : d);
  }
  return result;
}

/** True when a suppression comment silences `d`. */
export function isSuppressed(d: Diagnostic, s: Suppressions, lines: LineMap): boolean {
  if (s.lines.size > 0) {
    const codes = s.lines.get(lines.lineAt(d.span.start));
    if (codes && (codes.size === 0 || codes.has(d.code))) return true;
  }
  for (const doc of s.docs) {
    if (d.span.start >= doc.span.start && d.span.start < doc.span.end && (doc.codes.size === 0 || doc.codes.has(d.code))) {
      return true;
    }
  }
  return false;
}
