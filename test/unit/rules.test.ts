import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureTerraform } from '../../server/src/node/terraform';
import { RULE_CODES, RULES } from '../../server/src/service';
import { FAMILIES } from '../../server/src/service/rules/registry';
import { checkDiagnostics, fixtureSources, parseFixture } from '../support/fixture';
import { HOSTILE } from '../support/hostile-corpus';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RULES_DIR = path.join(ROOT, 'server', 'src', 'service', 'rules');

describe('fixtures (test/fixtures/rules: one per rule, named by its code; test/fixtures/terraform: modules)', () => {
  before(async () => {
    await ensureTerraform();
  });

  for (const fixture of fixtureSources()) {
    it(fixture.name, () => {
      checkDiagnostics(fixture.text, fixture.defaultPath);
    });
  }
});

/** The codes of the rule entries (`rule({ code: '…'`) a module of rules/ defines, in its order. */
function entriesOf(text: string): string[] {
  return [...text.matchAll(/\brule\(\{\s*code:\s*'([^']+)'/g)].map((m) => m[1]);
}

/**
 * What is missing for each rule: a fixture named by its code where it fires (a rule that the loader
 * reports, with no check and no front-end finding, fires in the hostile corpus instead, which reads
 * files as the loader does) and a section in README.md, in the registry's order.
 */
function ruleGaps(readme: string): string[] {
  const gaps: string[] = [];
  const fixtures = new Map(fixtureSources().filter((f) => f.code).map((f) => [f.code!, f]));
  let lastSection = -1;
  for (const code of RULE_CODES) {
    const fixture = fixtures.get(code);
    const fires = fixture
      ? parseFixture(fixture.text, fixture.defaultPath).some((f) => f.expected.some((e) => e.code === code))
      : HOSTILE.some((input) => input.codes.includes(code));
    if (!fires) gaps.push(fixture ? `${code}: its fixture ${fixture.name} has no finding of it` : `${code}: no fixture test/fixtures/rules/${code}.yaml (or .hcl)`);
    const section = readme.indexOf(`\n### \`${code}\`\n`);
    if (section < 0) gaps.push(`${code}: no section "### \`${code}\`" in README.md`);
    else if (section < lastSection) gaps.push(`${code}: its README section comes before the previous rule's`);
    lastSection = Math.max(lastSection, section);
  }
  return gaps;
}

describe('the rule registry (rules/registry.ts)', () => {
  it('registers every rule entry of rules/, each in the list of the module that defines it', () => {
    const registered = new Map(Object.entries(FAMILIES).map(([module, list]) => [module, list.map((r) => r.code as string)]));
    for (const file of readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts'))) {
      const defined = entriesOf(readFileSync(path.join(RULES_DIR, file), 'utf8'));
      const module = file.replace(/\.ts$/, '');
      if (!defined.length) {
        assert.ok(!registered.has(module), `rules/${file} is a family but defines no rule`);
        continue;
      }
      assert.ok(registered.has(module), `rules/${file} defines ${defined.join(', ')} but is not a family of FAMILIES`);
      assert.deepEqual([...registered.get(module)!].sort(), [...defined].sort(), `rules/${file}: its list and its entries differ`);
    }
  });

  it('has each code once', () => {
    assert.equal(new Set(RULE_CODES).size, RULE_CODES.length);
    assert.equal(Object.keys(RULES).length, RULE_CODES.length);
  });

  it('has, for every rule, a fixture where it fires and a README section, in the registry order', () => {
    assert.deepEqual(ruleGaps(readFileSync(path.join(ROOT, 'README.md'), 'utf8')), []);
  });

  it('names what is missing: a README section, or one out of place', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const last = RULE_CODES[RULE_CODES.length - 1];
    const moved = readme.replace(`\n### \`${last}\`\n`, '\n### `moved`\n').replace('\n### `yaml-syntax`\n', `\n### \`${last}\`\n\n### \`yaml-syntax\`\n`);
    assert.deepEqual(ruleGaps(moved), [`${last}: its README section comes before the previous rule's`]);
    assert.deepEqual(ruleGaps(readme.replace('\n### `empty-role`\n', '\n')), ['empty-role: no section "### `empty-role`" in README.md']);
  });
});
