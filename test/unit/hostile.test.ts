import * as assert from 'node:assert/strict';
import { Workspace } from '../../server/src/service';

/** Inputs that have broken language servers before: each must give diagnostics, not an exception. */
describe('hostile input', () => {
  const check = (uri: string, text: string) => {
    const ws = new Workspace();
    ws.setFile(uri, text);
    return ws.diagnostics(uri);
  };

  it('a list of 100,000 unknown permissions: every one reported, suggestions only for the first 200', () => {
    const ds = check('big.role.yaml', 'name: Big\nspacePermissions:\n' + Array.from({ length: 100000 }, (_, i) => `  - ProjectViev${i}\n`).join(''));
    assert.equal(ds.length, 100000);
    assert.ok(ds.every((d) => d.code === 'unknown-permission'));
    assert.equal(ds.filter((d) => (d.data?.candidates ?? []).length > 0).length, 200);
  });

  it('a team with 150,000 findings does not overflow the stack', () => {
    const ds = check('t.team.yaml', 'name: T\nspace: S\nroles:\n' + '  - Build Server\n'.repeat(150000));
    assert.equal(ds.length, 149999);
  });

  it('nesting 10,000 deep is a syntax error, not a crash', () => {
    const ds = check('deep.role.yaml', 'name: Deep\nspacePermissions: ' + '['.repeat(10000) + ']'.repeat(10000) + '\n');
    assert.ok(ds.some((d) => d.code === 'yaml-syntax' || d.code === 'invalid-value'));
  });

  it('an alias bomb costs no more than its text', () => {
    let text = 'name: Bomb\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    let prev = 'a';
    for (let i = 0; i < 9; i++) {
      text += `b${i}: &b${i} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;
      prev = `b${i}`;
    }
    const ds = check('bomb.role.yaml', text + `spacePermissions: *${prev}\n`);
    assert.ok(ds.some((d) => d.code === 'invalid-value'), 'the aliased lists are not permission names');
  });

  it('a byte-order mark, CRLF line endings, an empty file and a file of comments are fine', () => {
    assert.deepEqual(check('bom.role.yaml', '\ufeffname: X\r\nspacePermissions:\r\n  - ProjectView\r\n'), []);
    assert.deepEqual(check('empty.role.yaml', ''), []);
    assert.deepEqual(check('comments.role.yaml', '# just\n# comments\n'), []);
  });
});
