/**
 * The hostile corpus (test/support/hostile-corpus.ts, SPEC section 7), read as the checker and the server
 * read each file: every input gets its codes within its bound. In the fast lane (npm run test:unit); the
 * checker's run over the whole corpus, as a child process, is in hostile.test.ts.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readWorkspaceFile } from '../../server/src/node/files';
import { DEFAULT_SETTINGS, Workspace } from '../../server/src/service';
import { boundsTable, HOSTILE, HOSTILE_FIXTURES, hostileFixtureNames, PARSER_ERRORS, SLACK, codesOf, corpusForBlock } from '../support/hostile-corpus';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('the hostile corpus (hostile-corpus.ts; the table is in docs/security.md)', function () {
  this.timeout(120000);
  const corpus = corpusForBlock();

  it('has an input for every error the YAML parser reports', () => {
    for (const [code, file] of Object.entries(PARSER_ERRORS)) {
      if (!file) continue;
      const input = HOSTILE.find((i) => i.name === file)!;
      const text = input.make ? String(input.make()) : readFileSync(path.join(HOSTILE_FIXTURES, file), 'utf8');
      const codes = parseAllDocuments(text, { uniqueKeys: true }).flatMap((d) => ('errors' in d ? d.errors.map((e) => e.code) : []));
      assert.ok(codes.includes(code as never), `${file} should provoke ${code}, got ${codes.join(', ')}`);
    }
  });

  it('lists every committed input in the table, and docs/security.md shows the table', () => {
    assert.deepEqual(hostileFixtureNames().filter((f) => !HOSTILE.some((i) => i.name === f)), []);
    const doc = readFileSync(path.join(ROOT, 'docs', 'security.md'), 'utf8');
    const shown = /<!-- hostile:start -->\n([\s\S]*?)\n<!-- hostile:end -->/.exec(doc)?.[1];
    assert.equal(shown, boundsTable(), 'docs/security.md is out of date: paste the table that boundsTable() makes');
  });

  // (a) The service, reading each file as the checker and the server do.
  for (const input of HOSTILE) {
    it(`service: ${input.what}: ${input.codes.join(', ') || 'no finding'} within ${input.boundMs} ms`, async function () {
      if (!corpus.made.includes(input)) this.skip(); // a FIFO cannot be made here
      const started = performance.now();
      const read = await readWorkspaceFile(path.join(corpus.dir, input.name), DEFAULT_SETTINGS.maxFileSize);
      const ws = new Workspace();
      if ('text' in read) ws.setFile(input.name, read.text);
      else ws.setProblem(input.name, read.problem);
      const ds = ws.diagnostics(input.name);
      const ms = performance.now() - started;
      assert.deepEqual(codesOf(ds), input.codes);
      if (input.message) assert.ok(ds.some((d) => input.message!.test(d.message)), `no message matches ${input.message}: ${ds[0]?.message}`);
      assert.ok(ms < input.boundMs * SLACK, `${ms.toFixed(0)} ms, over ${SLACK} times the bound of ${input.boundMs} ms`);
    });
  }
});
