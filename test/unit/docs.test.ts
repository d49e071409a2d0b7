import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RULE_CODES, ruleDocsUrl } from '../../server/src/service';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, unknown> } };
  scripts: Record<string, string>;
};

describe('README', () => {
  it('has a section for every rule code, which diagnostics link to', () => {
    const missing = RULE_CODES.filter((code) => !readme.includes(`\n### \`${code}\`\n`));
    assert.deepEqual(missing, []);
    assert.ok(ruleDocsUrl('unknown-role').endsWith('README.md#unknown-role'));
  });

  it('documents every setting the extension contributes', () => {
    const missing = Object.keys(manifest.contributes.configuration.properties).filter((key) => !readme.includes(`\`${key}\``));
    assert.deepEqual(missing, []);
  });

  it('gives the two quick-start commands, and they name scripts that exist', () => {
    assert.match(readme, /npm ci && npm run demo/);
    assert.match(readme, /npm ci && npm test/);
    assert.ok(manifest.scripts.demo && manifest.scripts.test);
  });
});
