/**
 * `scalarText`, the one writer of YAML scalars (quick fixes, rename, import), held to the `yaml` parser:
 * every name it writes reads back as that same string, in block context and inside a flow list. Numbers
 * that start with a dot (`.5`) and YAML 1.1's binary integers read as numbers when left plain.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'yaml';
import { isPlainSafe, scalarText } from '../../server/src/service';

const TRICKY = ['.5', '+.5e3', '-.25', '.5E-2', '0b101', '1_000', '0x1F', '0o17', '1e3', '-.inf', '.NaN', 'yes', 'Off', '~', 'null', '12:30', '- item', 'a: b', 'a #b', '#x', '[x]', '"x"', "'x'", '*alias', '&anchor', '!tag', '%x', '@x', '`x`', ' lead', 'trail ', 'a,b', 'Release Managers', 'Ops.5', '5.x'];

function readsBack(value: string): void {
  assert.deepEqual(parse(`name: ${scalarText(value)}\n`), { name: value }, `block: ${JSON.stringify(value)}`);
  assert.deepEqual(parse(`names: [${scalarText(value, undefined, true)}]\n`), { names: [value] }, `flow: ${JSON.stringify(value)}`);
}

describe('scalarText: YAML scalars read back as the names they write', () => {
  it('quotes every value that a plain scalar would read as another value or type', () => {
    for (const value of TRICKY) readsBack(value);
  });

  it('quotes numbers that start with a dot, which once came back from import as numbers', () => {
    for (const value of ['.5', '+.5e3', '-.25']) {
      assert.equal(isPlainSafe(value, false), false, value);
      assert.equal(scalarText(value), JSON.stringify(value));
    }
  });

  it('leaves ordinary names plain', () => {
    for (const value of ['Release Managers', 'Ops.5', 'Project Deployer', 'Finance/Payments']) assert.equal(scalarText(value), value);
  });

  it('reads back any string built from YAML-significant characters', () => {
    const alphabet = fc.constantFrom('.', '5', 'e', '+', '-', ':', ' ', '#', ',', '[', ']', '{', '}', "'", '"', '&', '*', '!', '|', '>', '%', '@', '`', '?', 'x', '0', 'b', '_', '~', '\t');
    fc.assert(fc.property(fc.array(alphabet, { minLength: 1, maxLength: 8 }).map((cs) => cs.join('')), (value) => readsBack(value)), { numRuns: 2000 });
  });
});
