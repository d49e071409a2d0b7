/**
 * The language service: everything the CLI, the language server and the tests share. It imports no
 * `vscode` and no `vscode-languageserver` runtime; test/unit/boundary.test.ts enforces that.
 */
import type { Settings } from './config';
import { makeDiagnostic } from './diagnostic';
import { isSuppressed } from './suppress';
import type { Diagnostic } from './types';
import type { Workspace } from './workspace';

export * from './types';
export * from './rules';
export * from './config';
export { Workspace, type ResolvedRole, type RoleKind, type Located } from './workspace';
export { parseFile, kindOfPath, DOC_KEYS, ASSIGNMENT_KEYS } from './parse';
export { LineMap, type Position, type Range } from './text';
export { makeDiagnostic } from './diagnostic';
export { nearest } from './suggest';
export { complete, type CompletionEntry, type CompletionKind } from './completion';
export { hover, permissionHover, effectivePermissions, type HoverResult } from './hover';
export { targetAt, docAt, type Target } from './locate';
export * from './edit';

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

/** The diagnostic for a file over the size limit. */
export function fileTooLarge(size: number, limit: number): Diagnostic {
  return makeDiagnostic('file-too-large', { start: 0, end: 0 }, { size, limit });
}

/** The diagnostic for a file that cannot be read or decoded. */
export function unreadableFile(reason: string): Diagnostic {
  return makeDiagnostic('unreadable-file', { start: 0, end: 0 }, { reason });
}
