import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureTerraform } from '../../server/src/node/terraform';
import { codeFixes, finalDiagnostics, RULE_CODES, ruleDocsUrl, type CodeFix } from '../../server/src/service';
import { fixtureSources, parseFixture, workspaceOf } from '../support/fixture';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, unknown> } };
  scripts: Record<string, string>;
};

describe('README', () => {
  // The Terraform rules' fixtures are Terraform modules.
  before(async () => {
    await ensureTerraform();
  });

  it('has a section for every rule code, which diagnostics link to', () => {
    const missing = RULE_CODES.filter((code) => !readme.includes(`\n### \`${code}\`\n`));
    assert.deepEqual(missing, []);
    assert.ok(ruleDocsUrl('unknown-role').endsWith('README.md#unknown-role'));
  });

  it('documents every setting the extension contributes', () => {
    const missing = Object.keys(manifest.contributes.configuration.properties).filter((key) => !readme.includes(`\`${key}\``));
    assert.deepEqual(missing, []);
  });

  it('names only npm scripts that exist, the install\'s and the demo\'s among them', () => {
    const named = new Set([...readme.matchAll(/`[^`\n]*?npm run ([\w:-]+)|^npm[^\n]*?npm run ([\w:-]+)/gm)].map((m) => m[1] ?? m[2]));
    for (const script of ['build', 'package', 'demo']) assert.ok(named.has(script), script);
    for (const script of named) assert.ok(manifest.scripts[script], `npm run ${script}`);
    assert.match(readme, /npm ci && npm run build && npm link/);
    assert.ok(manifest.scripts.test);
  });

  it("states each rule's quick fixes, and the rule's fixture gets exactly that: some or none, safe or not", () => {
    const fixtures = new Map(fixtureSources().map((f) => [f.code, f]));
    for (const code of RULE_CODES) {
      const start = readme.indexOf(`\n### \`${code}\`\n`);
      const section = readme.slice(start, readme.indexOf('\n#', start + 5));
      const said = /\*\*Quick fixes:\*\* (.*)/.exec(section)?.[1];
      assert.ok(said, `${code}: no "Quick fixes:" line`);
      const fixture = fixtures.get(code);
      // A rule without a fixture is one the loader reports (rules.test.ts): nothing in a file not read can be fixed.
      if (!fixture) {
        assert.match(said, /^none/, code);
        continue;
      }
      const files = parseFixture(fixture.text, fixture.defaultPath);
      const { ws, settings } = workspaceOf(files);
      const fixes: CodeFix[] = files.flatMap((f) =>
        finalDiagnostics(ws, f.path, settings)
          .filter((d) => d.code === code)
          .flatMap((d) => codeFixes(ws, f.path, d, settings)),
      );
      const real = fixes.filter((f) => !f.title.startsWith('Suppress'));
      assert.equal(real.length === 0, said.startsWith('none'), `${code}: README says "${said}", fixes offered: ${real.map((f) => f.title).join('; ')}`);
      assert.equal(real.some((f) => f.safe), said.includes('**safe**'), `${code}: README and fix-all disagree on what is safe`);
      assert.ok(fixes.some((f) => f.title === `Suppress '${code}' on this line`), `${code}: no suppression fix`);
    }
  });
});
