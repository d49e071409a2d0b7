/**
 * The parts of the repository's documents that are generated, each from the one place its facts live:
 * README's table of rules and the index of rules in docs/architecture.md from the rule entries
 * (rules/registry.ts), the `octopusRoles.rules` setting of package.json from the same entries
 * (manifest.ts), the table of layers from `LAYERS` (architecture.ts) and the bounds of the hostile corpus
 * in docs/security.md from `HOSTILE` (hostile-corpus.ts). `npm run gen:docs` (scripts/gen-docs.mjs)
 * writes them; test/unit/generated.test.ts fails when one is stale.
 *
 * In a markdown file a part sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` lines; the text
 * around the markers is prose and is never touched.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RULE_CODES, RULES } from '../../server/src/service';
import { FAMILIES } from '../../server/src/service/rules/registry';
import { layersTable, ROOT } from './architecture';
import { fixtureSources } from './fixture';
import { boundsTable, HOSTILE } from './hostile-corpus';
import { rulesSetting } from './manifest';

/** One generated part of a markdown file. */
export interface MarkdownPart {
  /** The file, relative to the repository root. */
  readonly file: string;
  /** The name in its markers. */
  readonly marker: string;
  readonly content: () => string;
}

/** A table cell's text: no line breaks, and `|` escaped. */
const cell = (s: string): string => s.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

/** README's table of rules: code (linked to its section), default severity, what it finds. */
export function readmeRulesTable(): string {
  return [
    '| code | default | finds |',
    '| --- | --- | --- |',
    ...RULE_CODES.map((code) => `| [\`${code}\`](#${code}) | ${RULES[code].severity} | ${cell(RULES[code].summary)} |`),
  ].join('\n');
}

/** The module of rules/ whose list registers `code`. */
function familyOf(code: string): string {
  return Object.entries(FAMILIES).find(([, list]) => list.some((r) => r.code === code))![0];
}

/**
 * The index of rules in docs/architecture.md: for each code, in the registry's order, the module that
 * defines its entry, its fixture (or the hostile corpus, for a rule the loader reports) and its section.
 */
export function ruleIndex(): string {
  const fixtures = new Map(fixtureSources().filter((f) => f.code).map((f) => [f.code!, f.name]));
  const rows = RULE_CODES.map((code) => {
    const module = `rules/${familyOf(code)}.ts`;
    const fixture = fixtures.get(code);
    const tested = fixture
      ? `[${fixture}](../test/fixtures/${fixture})`
      : `the hostile corpus (${HOSTILE.filter((i) => i.codes.includes(code)).length} inputs, [hostile-corpus.ts](../test/support/hostile-corpus.ts))`;
    return `| \`${code}\` | [${module}](../server/src/service/${module}) | ${tested} | [README](../README.md#${code}) |`;
  });
  return ['| code | entry | fixture | documentation |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * The options of a rule (its entry's `options`), for its README section: how to set them, what each leaves
 * out, its default.
 */
export function ruleOptionsText(code: string): string {
  const options = Object.entries(RULES[code as keyof typeof RULES].options ?? {});
  const example = `${code}: { severity: ${RULES[code as keyof typeof RULES].severity}, ${options.map(([name]) => `${name}: off`).join(', ')} }`;
  return [
    `**Options** (in \`.octopus-roles.yaml\`, a map in place of the severity: \`${example}\`; each \`on\` or \`off\`):`,
    ...options.map(([name, o]) => `- \`${name}\` (default \`on\`): \`off\` leaves out ${o.description.charAt(0).toLowerCase()}${o.description.slice(1)}`),
  ].join('\n');
}

/** Every generated part of a markdown file. */
export const MARKDOWN_PARTS: readonly MarkdownPart[] = [
  { file: 'README.md', marker: 'rules', content: readmeRulesTable },
  ...RULE_CODES.filter((code) => RULES[code].options).map((code) => ({ file: 'README.md', marker: `options-${code}`, content: () => ruleOptionsText(code) })),
  { file: 'docs/architecture.md', marker: 'layers', content: layersTable },
  { file: 'docs/architecture.md', marker: 'rule-index', content: ruleIndex },
  { file: 'docs/security.md', marker: 'hostile', content: boundsTable },
];

/** `text` with the part between `marker`'s lines replaced by `content`; throws when the markers are missing. */
export function withPart(text: string, marker: string, content: string): string {
  const start = `<!-- ${marker}:start -->\n`;
  const end = `\n<!-- ${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`no <!-- ${marker}:start --> and <!-- ${marker}:end --> lines`);
  return text.slice(0, from + start.length) + content + text.slice(to);
}

const PACKAGE = 'package.json';

/** package.json with its generated setting. */
function packageWithSetting(text: string): string {
  const pkg = JSON.parse(text) as { contributes: { configuration: { properties: Record<string, unknown> } } };
  pkg.contributes.configuration.properties['octopusRoles.rules'] = rulesSetting();
  return JSON.stringify(pkg, null, 2) + '\n';
}

/** Each file with generated parts as it should be, by its path relative to `root`. */
export function generatedFiles(root = ROOT): Map<string, string> {
  const out = new Map<string, string>();
  const read = (file: string) => out.get(file) ?? readFileSync(path.join(root, file), 'utf8');
  for (const part of MARKDOWN_PARTS) out.set(part.file, withPart(read(part.file), part.marker, part.content()));
  out.set(PACKAGE, packageWithSetting(read(PACKAGE)));
  return out;
}

/** The files whose generated parts differ from what the sources say. */
export function staleFiles(root = ROOT): string[] {
  return [...generatedFiles(root)].filter(([file, text]) => !existsSync(path.join(root, file)) || readFileSync(path.join(root, file), 'utf8') !== text).map(([file]) => file);
}

/** Writes every generated part; returns the files that changed. */
export function writeGenerated(root = ROOT): string[] {
  const stale = staleFiles(root);
  const files = generatedFiles(root);
  for (const file of stale) writeFileSync(path.join(root, file), files.get(file)!);
  return stale;
}
