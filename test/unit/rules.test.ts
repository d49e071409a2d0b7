import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RULE_CODES } from '../../server/src/service';
import { checkDiagnostics, parseFixture } from '../support/fixture';

/** test/fixtures, found from out/test/unit or test/unit alike. */
export const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');
const RULE_FIXTURES = path.join(FIXTURES, 'rules');

describe('rules (fixtures in test/fixtures/rules)', () => {
  const files = readdirSync(RULE_FIXTURES).filter((f) => f.endsWith('.yaml')).sort();
  for (const file of files) {
    it(file.replace(/\.yaml$/, ''), () => {
      checkDiagnostics(readFileSync(path.join(RULE_FIXTURES, file), 'utf8'));
    });
  }

  it('every rule code has a fixture where it fires', () => {
    const fired = new Set<string>();
    for (const file of files) {
      for (const f of parseFixture(readFileSync(path.join(RULE_FIXTURES, file), 'utf8'))) {
        for (const e of f.expected) fired.add(e.code);
      }
    }
    // The Terraform rules' fixtures are Terraform modules (test/unit/terraform.test.ts runs them).
    const terraform = path.join(FIXTURES, 'terraform');
    for (const file of readdirSync(terraform).filter((f) => f.endsWith('.hcl'))) {
      for (const f of parseFixture(readFileSync(path.join(terraform, file), 'utf8'), 'main.tf')) {
        for (const e of f.expected) fired.add(e.code);
      }
    }
    // file-too-large and unreadable-file concern whole files on disk: see files.test.ts and cli.test.ts.
    const missing = RULE_CODES.filter((c) => !fired.has(c) && c !== 'file-too-large' && c !== 'unreadable-file');
    assert.deepEqual(missing, []);
  });
});
