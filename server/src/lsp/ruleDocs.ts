/**
 * Rule documentation that works offline: README.md ships in the npm package and the `.vsix` beside the
 * bundled server, and holds a section `### \`code\`` per rule. Diagnostics link to the section's line
 * in that file (`file:///…/README.md#L247`, which VS Code opens at that line), and the documentation
 * command shows it. Only where no README is found (a copy of the server taken out of its package) do
 * the links fall back to the online README.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleDocsUrl } from '../service';
import { ruleSections, type RuleSection } from './readme';

/** The README.md of this package: beside the package.json named `octopus-roles`, above `from`. */
export function findReadme(from: string): string | undefined {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const pkg = path.join(dir, 'package.json');
    const readme = path.join(dir, 'README.md');
    try {
      if (existsSync(readme) && existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'octopus-roles') return readme;
    } catch {
      // An unreadable package.json is not ours.
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** The shipped documentation: where each rule's section is, as file URIs. */
export class RuleDocs {
  private readonly sections: Map<string, RuleSection>;
  private readonly uri: string | undefined;

  constructor(readmePath: string | undefined = findReadme(__dirname)) {
    let text = '';
    try {
      if (readmePath) text = readFileSync(readmePath, 'utf8');
    } catch {
      text = '';
    }
    this.sections = ruleSections(text);
    this.uri = readmePath && text ? pathToFileURL(readmePath).href : undefined;
  }

  /** The README's file URI, when it was found. */
  get readmeUri(): string | undefined {
    return this.uri;
  }

  /** The section of `code`. */
  section(code: string): RuleSection | undefined {
    return this.sections.get(code);
  }

  /** Where a diagnostic of `code` links: the section's line in the shipped README, or the online README. */
  href(code: string): string {
    const s = this.sections.get(code);
    return this.uri && s ? `${this.uri}#L${s.line + 1}` : ruleDocsUrl(code);
  }
}
