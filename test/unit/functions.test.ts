/**
 * No function of the shipped sources (server/src, client/src) or the benchmarks is longer than
 * `MAX_FUNCTION_LINES` (STYLE.md: "functions under 80 lines"), but the few listed here with the reason
 * each is left; the list must shrink, never hide a function that is no longer long.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ROOT, sourceFiles } from '../support/architecture';
import { functionLengths, longFunctions, MAX_FUNCTION_LINES } from '../support/functions';

/** Long functions left as they are, by `file:name`, with why. */
const LEFT: Readonly<Record<string, string>> = {
};

describe(`functions of at most ${MAX_FUNCTION_LINES} lines`, () => {
  it('holds for server/src, client/src and bench/, but for the functions listed with a reason', () => {
    const files = ['server/src', 'client/src', 'bench'].flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
    const long = longFunctions(files, ROOT).map((f) => `${f.file}:${f.name}`);
    assert.deepEqual(long.filter((f) => !(f in LEFT)), [], 'split these functions');
    assert.deepEqual(Object.keys(LEFT).filter((f) => !long.includes(f)), [], 'no longer long: take them off the list');
  });

  it('measures each function from its first line to its last, callbacks on their own', () => {
    const text = ['function outer() {', '  const inner = () => {', '    return 1;', '  };', '  return inner();', '}', 'class C {', '  m(): void {}', '}'].join('\n');
    assert.deepEqual(
      functionLengths('x.ts', text).map((f) => `${f.name}:${f.line}:${f.lines}`),
      ['outer:1:6', 'inner:2:3', 'm:8:1'],
    );
  });
});
