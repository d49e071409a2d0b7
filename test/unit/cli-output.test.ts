/**
 * The checker's JSON and text output is written a chunk at a time (a 50,000-file workspace gives tens of
 * thousands of findings): the bytes must be exactly those of one `JSON.stringify(findings, null, 2)`, so
 * that scripts reading the output see no difference, and no single write may hold the whole output.
 */
import * as assert from 'node:assert/strict';
import { writeChunked, writeJsonArray } from '../../server/src/cli/output';

function collect(run: (write: (text: string) => void) => void): string[] {
  const writes: string[] = [];
  run((t) => writes.push(t));
  return writes;
}

describe('checker output in chunks', () => {
  const finding = (i: number) => ({
    file: `teams/t${i}.team.yaml`,
    range: { start: { line: i, character: 2 }, end: { line: i, character: 9 } },
    severity: i % 3 ? 'warning' : 'error',
    code: 'unknown-role',
    message: `Role \`R${i}\` "quoted"\nsecond line \u2028 ünïcödé`,
    related: i % 2 ? [] : [{ file: 'x', message: 'y' }],
  });

  for (const count of [0, 1, 2, 499, 500, 501, 1203]) {
    it(`writes ${count} findings as the same bytes as one JSON.stringify`, () => {
      const items = Array.from({ length: count }, (_, i) => finding(i));
      const writes = collect((w) => writeJsonArray(items, (x) => x, w));
      assert.equal(writes.join(''), JSON.stringify(items, null, 2) + '\n');
      JSON.parse(writes.join(''));
      if (count > 1000) assert.ok(writes.length >= 4, `${writes.length} writes for ${count} findings`);
    });
  }

  it('writes text lines in chunks, in order', () => {
    const items = Array.from({ length: 1203 }, (_, i) => `line ${i}\n`);
    const writes = collect((w) => writeChunked(items, (x) => x, w));
    assert.equal(writes.join(''), items.join(''));
    assert.ok(writes.every((w) => w.split('\n').length <= 501));
  });
});
