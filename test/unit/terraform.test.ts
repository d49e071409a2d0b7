import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureTerraform } from '../../server/src/node/terraform';
import { checkDiagnostics } from '../support/fixture';

/** test/fixtures/terraform, found from out/test/unit or test/unit alike. */
const TERRAFORM_FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'terraform');

describe('Terraform modules (fixtures in test/fixtures/terraform)', () => {
  before(async () => {
    await ensureTerraform();
  });

  const files = readdirSync(TERRAFORM_FIXTURES).filter((f) => f.endsWith('.hcl')).sort();
  it('has fixtures', () => assert.ok(files.length > 0));
  for (const file of files) {
    it(file.replace(/\.hcl$/, ''), () => {
      checkDiagnostics(readFileSync(path.join(TERRAFORM_FIXTURES, file), 'utf8'), 'main.tf');
    });
  }
});
