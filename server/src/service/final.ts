/** The diagnostics a user sees: configuration and suppression comments applied. */
import type { Settings } from './config';
import { isSuppressed } from './suppress';
import type { Diagnostic } from './types';
import type { Workspace } from './workspace';

/**
 * The diagnostics to show for a file: suppression comments applied, severities as configured, rules
 * set to `off` dropped.
 */
export function finalDiagnostics(ws: Workspace, uri: string, settings: Settings): Diagnostic[] {
  const raw = ws.diagnostics(uri);
  const model = ws.model(uri);
  const lines = model && (model.suppressions.lines.size > 0 || model.suppressions.docs.length > 0) ? ws.lines(uri) : undefined;
  const result: Diagnostic[] = [];
  for (const d of raw) {
    const setting = settings.rules[d.code];
    if (setting === 'off') continue;
    if (lines && isSuppressed(d, model!.suppressions, lines)) continue;
    result.push(setting && setting !== d.severity ? { ...d, severity: setting } : d);
  }
  return result;
}

