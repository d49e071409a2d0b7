/**
 * The one registry of rules. Every code of SPEC section 4 is defined here once: its default severity,
 * a one-line summary (used by SARIF rule metadata and the README test) and its message builder.
 * Features never match on message text; quick fixes read `Diagnostic.data`.
 */
import { andList, orList } from './suggest';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
/** A configured severity: a real one, or `off` to drop the rule. */
export type SeveritySetting = Severity | 'off';

/** Where the README documents every rule; each code has a section whose anchor is the code itself. */
export const DOCS_URL = 'https://github.com/octopus-roles/octopus-roles/blob/main/README.md';

const q = (s: string): string => `\`${s}\``;
const didYouMean = (c: readonly string[] | undefined): string => (c && c.length ? ` Did you mean ${orList(c)}?` : '');

function rule<A>(severity: Severity, summary: string, message: (args: A) => string) {
  return { severity, summary, message };
}

/** The rules, keyed by their stable code. */
export const RULES = {
  'yaml-syntax': rule<{ detail: string }>('error', 'The YAML does not parse.', (a) => `YAML syntax error: ${a.detail}`),
  'unknown-key': rule<{ key: string; where: string; suggestion?: string; allowed: readonly string[] }>(
    'warning',
    'A key that this kind of document does not have.',
    (a) =>
      `Unknown key ${q(a.key)} in ${a.where}; it is ignored.` +
      (a.suggestion ? ` Did you mean ${q(a.suggestion)}?` : ` Known keys: ${andList(a.allowed)}.`),
  ),
  'invalid-value': rule<{ what: string; expected: string }>(
    'error',
    'A value of the wrong type or shape.',
    (a) => `${a.what} must be ${a.expected}.`,
  ),
  'missing-name': rule<{ kind: string }>(
    'error',
    'A document without a name.',
    (a) => `This ${a.kind} has no ${q('name')}; add ${q('name: ...')} so that it can be referred to.`,
  ),
  'kind-mismatch': rule<{ kind: string; suffixKind: string; suffix: string }>(
    'error',
    'The document says a kind that disagrees with the file suffix.',
    (a) =>
      `${q('kind: ' + a.kind)} disagrees with the file suffix ${q(a.suffix)}, which holds ${a.suffixKind} documents. ` +
      `Move this document to a ${q('*.' + a.kind.toLowerCase() + '.yaml')} file or change ${q('kind')} to ${q(capital(a.suffixKind))}.`,
  ),
  'unknown-permission': rule<{ name: string; candidates: readonly string[]; exportImport: boolean }>(
    'error',
    'Not a permission of current Octopus.',
    (a) =>
      a.exportImport
        ? `${q(a.name)} is not an Octopus permission: no permission grants project export or import. ` +
          `Only the built-in ${q('Space Manager')} role can export and import projects; assign that role instead.`
        : `${q(a.name)} is not a permission of current Octopus.${didYouMean(a.candidates)}`,
  ),
  'retired-permission': rule<{ name: string; replacement: string | null; why: string }>(
    'warning',
    'A permission name that Octopus no longer uses.',
    (a) =>
      `${q(a.name)} is a retired permission (${a.why}). ` +
      (a.replacement ? `Use ${q(a.replacement)} instead.` : 'Current Octopus has no replacement; remove it.'),
  ),
  'wrong-level': rule<{ name: string; level: 'system' | 'space'; list: string; target: string }>(
    'error',
    'A permission in the list of the other level.',
    (a) =>
      `${q(a.name)} is a ${a.level}-level permission and cannot be granted in ${q(a.list)}; move it to ${q(a.target)}.`,
  ),
  'duplicate-permission': rule<{ name: string; list: string }>(
    'warning',
    'The same permission twice in one list.',
    (a) => `${q(a.name)} is already listed in ${q(a.list)}; remove this duplicate.`,
  ),
  'empty-role': rule<{ name: string }>(
    'warning',
    'A role that grants no permissions.',
    (a) =>
      `Role ${q(a.name)} grants no permissions; add ${q('spacePermissions')} or ${q('systemPermissions')}, or delete the role.`,
  ),
  'duplicate-name': rule<{ kind: string; name: string; scope: string }>(
    'error',
    'Two roles, two spaces, or two teams of the same space with one name.',
    (a) => `Another ${a.kind} is also named ${q(a.name)}${a.scope}; names must be unique. Rename one of them.`,
  ),
  'shadows-builtin': rule<{ name: string; builtin: string }>(
    'error',
    'A custom role named like a built-in role.',
    (a) =>
      (a.name === a.builtin ? `${q(a.name)} is the name of a built-in role` : `${q(a.name)} is the name of the built-in role ${q(a.builtin)}`) +
      '; Octopus will not create a custom role with it. ' +
      `Choose another name, or delete this role and use the built-in one.`,
  ),
  'unknown-role': rule<{ name: string; candidates: readonly string[] }>(
    'error',
    'A team assigns a role that is neither defined nor built in.',
    (a) =>
      `No role named ${q(a.name)} is defined in the workspace or built into Octopus.${didYouMean(a.candidates)}`,
  ),
  'unknown-space': rule<{ name: string; candidates: readonly string[] }>(
    'error',
    'A space that the workspace does not declare.',
    (a) => `No space named ${q(a.name)} is declared in the workspace.${didYouMean(a.candidates)}`,
  ),
  'system-role-in-space-team': rule<{ role: string; team: string; space: string }>(
    'error',
    'A space team assigns a role that has only system permissions.',
    (a) =>
      `${q(a.role)} has no space permissions, so it can only be applied at the system level, and space team ` +
      `${q(a.team)} (space ${q(a.space)}) cannot use it: Octopus rejects a role without any space level permissions ` +
      `at the space level. Make ${q(a.team)} a system team, or assign the role from a system team.`,
  ),
  'space-required': rule<{ role: string; team: string; spaces: readonly string[] }>(
    'error',
    'A system team assigns a space role without saying in which space.',
    (a) =>
      `${q(a.role)} has space permissions, so in system team ${q(a.team)} it must be applied in a space: ` +
      `use the long form with ${q('space: ...')}` +
      (a.spaces.length ? ` (for example ${orList(a.spaces.slice(0, 3))}).` : '.'),
  ),
  'space-not-allowed': rule<{ reason: 'space-team' | 'system-role'; role: string; team: string; teamSpace?: string }>(
    'error',
    'An assignment names a space where none may be named.',
    (a) =>
      a.reason === 'space-team'
        ? `Team ${q(a.team)} is a space team of ${q(a.teamSpace ?? '')}; its roles always apply in that space, so an ` +
          `assignment cannot name a ${q('space')}. Remove it, or make the team a system team.`
        : `${q(a.role)} has only system permissions and is applied at the system level, so it cannot be applied in a ` +
          `space. Remove ${q('space')}.`,
  ),
  'implicit-system-grant': rule<{ role: string; space: string; permissions: readonly string[] }>(
    'information',
    'A mixed role applied in a space also grants its system permissions server-wide.',
    (a) =>
      `${q(a.role)} is applied in space ${q(a.space)}, but it also holds system permissions, which Octopus grants ` +
      `server-wide, not only in ${q(a.space)}: ${andList(a.permissions)}.`,
  ),
  'restriction-not-supported': rule<{ role: string; dimension: string }>(
    'warning',
    "A restriction that none of the role's permissions support, so it restricts nothing.",
    (a) =>
      `None of the space permissions of ${q(a.role)} can be restricted by ${a.dimension}, so this restriction ` +
      `restricts nothing. Remove it, or restrict by a dimension the role supports.`,
  ),
  'restriction-at-system-level': rule<{ role: string }>(
    'error',
    'Restrictions on a role that is applied at the system level.',
    (a) =>
      `${q(a.role)} is applied at the system level, where permissions cannot be restricted; remove the restriction.`,
  ),
  'unrestrictable-role': rule<{ role: string }>(
    'error',
    'Restrictions on Space Manager.',
    (a) =>
      `${q(a.role)} cannot be restricted: Octopus always grants it for the whole space. Remove the restriction, or ` +
      `use a narrower role that can be restricted.`,
  ),
  'unknown-scope-value': rule<{ dimension: string; value: string; space: string; candidates: readonly string[] }>(
    'warning',
    'A restriction value that the space does not declare.',
    (a) =>
      `Space ${q(a.space)} declares no ${singular(a.dimension)} named ${q(a.value)}.${didYouMean(a.candidates)}`,
  ),
  'duplicate-assignment': rule<{ role: string; team: string }>(
    'warning',
    'The same role, space and restrictions twice in one team.',
    (a) => `Team ${q(a.team)} already assigns ${q(a.role)} with the same space and restrictions; remove this duplicate.`,
  ),
  'file-too-large': rule<{ size: number; limit: number }>(
    'warning',
    'A file over the size limit; it is not analysed.',
    (a) =>
      `This file is ${formatBytes(a.size)}, over the ${formatBytes(a.limit)} limit, so it is not analysed. ` +
      `Split it, or raise ${q('maxFileSize')} in .octopus-roles.yaml.`,
  ),
  'unreadable-file': rule<{ reason: string }>(
    'error',
    'A file that cannot be read or is not UTF-8 text; it is not analysed.',
    (a) => `This file cannot be analysed: ${a.reason}.`,
  ),
} as const;

export type RuleCode = keyof typeof RULES;
export type RuleArgs<C extends RuleCode> = Parameters<(typeof RULES)[C]['message']>[0];

/** Every code, in the order of SPEC section 4. */
export const RULE_CODES = Object.keys(RULES) as RuleCode[];

export function isRuleCode(code: string): code is RuleCode {
  return Object.prototype.hasOwnProperty.call(RULES, code);
}

/** The README anchor that documents `code`. */
export function ruleDocsUrl(code: RuleCode): string {
  return `${DOCS_URL}#${code}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function singular(dimension: string): string {
  switch (dimension) {
    case 'projectGroups':
      return 'project group';
    case 'projects':
      return 'project';
    case 'environments':
      return 'environment';
    case 'tenants':
      return 'tenant';
    default:
      return dimension;
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
