/**
 * The order of users and groups among a model's principals (SPEC rule 5): by name in English collation on
 * every machine, which messages, `who-can` and the policy file's breach lists follow. Names of lower-case
 * letters, digits, dots and hyphens take a faster sort that must come to the same order.
 */
import * as assert from 'node:assert/strict';
import { reachOf, type TeamEntry } from '../../server/src/service/model/access';

function team(name: string, members: readonly string[], groups: readonly string[] = []): TeamEntry {
  return { name, members, groups, grants: [], holdings: [], builtin: false, signature: name };
}

const order = (teams: readonly TeamEntry[], kind: 'user' | 'group') => [...reachOf(teams).values()].filter((r) => r.principal.kind === kind).map((r) => r.principal.name);

describe('the order of users and groups among principals', () => {
  it('sorts user names of letters, digits, dots and hyphens as English collation does: al10 before al2, judy-x before judy.data', () => {
    assert.deepEqual(order([team('Deployers', ['bob', 'alice', 'al2', 'judy.data', 'judy']), team('Viewers', ['al10', 'b0b', 'alice', 'judy2', 'judy-x'])], 'user'), [
      'al10',
      'al2',
      'alice',
      'b0b',
      'bob',
      'judy',
      'judy-x',
      'judy.data',
      'judy2',
    ]);
  });

  it('sorts names with capitals and punctuation by English collation, not by code units', () => {
    // Code units would put Alice and Bob before alice, and _z after them all.
    assert.deepEqual(order([team('Deployers', ['Bob', 'alice', 'carol.x']), team('Viewers', ['_z', 'bob', 'Alice'])], 'user'), ['_z', 'alice', 'Alice', 'bob', 'Bob', 'carol.x']);
    assert.deepEqual(order([team('Auditors', [], ['CN=Ops,DC=acme', 'cn=audit,dc=acme'])], 'group'), ['cn=audit,dc=acme', 'CN=Ops,DC=acme']);
  });
});
