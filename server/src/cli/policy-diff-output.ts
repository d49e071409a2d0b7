/**
 * How `diff` reports the access policies whose result changes (SPEC section 11), first in its output: a
 * table at the top of the pull-request comment, lines at the top of the text. Policy names are workspace
 * input: each goes through the escaping of its output language (markdownText, printable).
 */
import type { PolicyChange } from '../service';
import { markdownText } from './markdown';
import { printable } from './output';

const WORD = { holds: 'holds', breached: 'breached', absent: '(no such policy)' } as const;

/** The changed policies as markdown, or nothing when none changed. */
export function policyMarkdown(changes: readonly PolicyChange[]): string {
  if (!changes.length) return '';
  const broken = changes.filter((c) => c.after === 'breached').length;
  const out = ['### Octopus access policies', '', broken ? `**${broken}** polic${broken === 1 ? 'y is' : 'ies are'} breached by this change.` : 'No policy is breached by this change.', ''];
  out.push('| | policy | before | after |', '| --- | --- | --- | --- |');
  for (const c of changes) {
    const sign = c.after === 'breached' ? '❌' : c.after === 'holds' ? '✅' : '➖';
    const after = c.after === 'breached' ? `**${WORD[c.after]}**` : WORD[c.after];
    out.push(`| ${sign} | ${markdownText(c.name, 'inline')} | ${WORD[c.before]} | ${after} |`);
  }
  return out.join('\n') + '\n\n';
}

/** The changed policies as text lines, or nothing when none changed. */
export function policyText(changes: readonly PolicyChange[]): string {
  if (!changes.length) return '';
  const out = ['Policies whose result changes:', ...changes.map((c) => `  ${c.name}: ${WORD[c.before]} -> ${WORD[c.after]}`)];
  return out.map(printable).join('\n') + '\n\n';
}
