/**
 * The generated parts of README.md, docs/architecture.md, docs/security.md and package.json say what
 * their sources say (test/support/generated.ts); `npm run gen:docs` rewrites them.
 */
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../support/architecture';
import { generatedFiles, MARKDOWN_PARTS, readmeRulesTable, staleFiles, withPart, writeGenerated } from '../support/generated';
import { RULE_CODES } from '../../server/src/service';

describe('generated parts of the documents (npm run gen:docs)', () => {
  it('are up to date', () => {
    assert.deepEqual(staleFiles(), [], 'run `npm run gen:docs`');
  });

  it('list every rule in README, in the registry order, and the index in docs/architecture.md', () => {
    const table = readmeRulesTable().split('\n').slice(2);
    assert.deepEqual(table.map((row) => /^\| \[`([^`]+)`\]/.exec(row)?.[1]), [...RULE_CODES]);
    const index = generatedFiles().get('docs/architecture.md')!;
    for (const code of RULE_CODES) assert.ok(index.includes(`| \`${code}\` | [rules/`), code);
  });

  it('replaces only what lies between the markers, and finds a stale part', () => {
    assert.equal(withPart('a\n<!-- x:start -->\nold\n<!-- x:end -->\nb\n', 'x', 'new'), 'a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb\n');
    assert.throws(() => withPart('no markers\n', 'x', 'new'), /x:start/);
    const dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-generated-'));
    try {
      for (const file of new Set([...MARKDOWN_PARTS.map((p) => p.file), 'package.json'])) cpSync(path.join(ROOT, file), path.join(dir, file), { recursive: true });
      const readme = path.join(dir, 'README.md');
      writeFileSync(readme, readFileSync(readme, 'utf8').replace('| [`empty-role`](#empty-role) |', '| [`empty-role`](#empty-role) | hint |'));
      assert.deepEqual(staleFiles(dir), ['README.md']);
      assert.deepEqual(writeGenerated(dir), ['README.md']);
      assert.deepEqual(staleFiles(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
