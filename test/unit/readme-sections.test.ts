import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ruleSections } from '../../server/src/lsp/readme';
import { RuleDocs } from '../../server/src/lsp/ruleDocs';
import { RULE_CODES, ruleDocsUrl } from '../../server/src/service';

const README = path.resolve(__dirname, '..', '..', '..', 'README.md');

describe('rule documentation from the shipped README', () => {
  it('finds every rule\'s whole section, however many "# file" comments its examples hold', () => {
    const sections = ruleSections(readFileSync(README, 'utf8'));
    for (const code of RULE_CODES) {
      const s = sections.get(code);
      assert.ok(s, code);
      assert.ok(s.markdown.startsWith(`### \`${code}\`\n`), code);
      assert.match(s.markdown, /\*\*Quick fixes:\*\*/, `${code}: the section stops before its end`);
      assert.ok(!/\n#{1,3} /.test(s.markdown.replace(/```[\s\S]*?```/g, '')), `${code}: the section runs into the next one`);
    }
  });

  it('links to the section\'s line in the README file, or online when no README ships', () => {
    const docs = new RuleDocs(README);
    const href = docs.href('wrong-level');
    const m = /^file:\/\/.*\/README\.md#L(\d+)$/.exec(href);
    assert.ok(m, href);
    assert.equal(readFileSync(README, 'utf8').split('\n')[Number(m[1]) - 1], '### `wrong-level`');
    assert.equal(new RuleDocs(path.join(path.dirname(README), 'no-such-folder', 'README.md')).href('wrong-level'), ruleDocsUrl('wrong-level'));
  });
});
