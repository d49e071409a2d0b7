/**
 * Rules about whole files that are not analysed. The loader (server/src/node) reports them; nothing in a
 * file that was not read can be fixed.
 */
import type { Diagnostic } from '../model/types';
import { makeDiagnostic, q, rule } from './rule';

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

export const fileTooLargeRule = rule({
  code: 'file-too-large',
  severity: 'warning',
  summary: 'A file over the size limit; it is not analysed.',
  message: (a: { size: number; limit: number }) =>
    `This file is ${formatBytes(a.size)}, over the ${formatBytes(a.limit)} limit, so it is not analysed. ` + `Split it, or raise ${q('maxFileSize')} in .octopus-roles.yaml.`,
});

export const unreadableFileRule = rule({
  code: 'unreadable-file',
  severity: 'error',
  summary: 'A file that cannot be read or is not UTF-8 text; it is not analysed.',
  message: (a: { reason: string }) => `This file cannot be analysed: ${a.reason}.`,
});

export const FILE_RULES = [fileTooLargeRule, unreadableFileRule] as const;

/** The diagnostic for a file over the size limit. */
export function fileTooLarge(size: number, limit: number): Diagnostic {
  return makeDiagnostic(fileTooLargeRule, { start: 0, end: 0 }, { size, limit });
}

/** The diagnostic for a file that cannot be read or decoded. */
export function unreadableFile(reason: string): Diagnostic {
  return makeDiagnostic(unreadableFileRule, { start: 0, end: 0 }, { reason });
}
