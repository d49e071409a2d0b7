/**
 * Inputs that have broken language servers before, made here at their full size, and the checker over the
 * whole hostile corpus as a child process: the slow lane (npm test). Each input of the corpus alone is in
 * hostile-corpus.test.ts, in the fast lane.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Workspace } from '../../server/src/service';
import { CHECKER_BOUND_MS, LINKS_NOT_FOLLOWED, WHOLE_SLACK, codesOf, corpusForBlock } from '../support/hostile-corpus';

const ROOT = path.resolve(__dirname, '..', '..', '..');

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

describe('the hostile corpus, through the checker (each input alone: hostile-corpus.test.ts)', function () {
  this.timeout(120000);
  const corpus = corpusForBlock();

  // (b) The checker, over the whole corpus at once.
  it(`checker: every input gets its codes, links out and loops are not followed, within ${CHECKER_BOUND_MS} ms`, () => {
    const started = performance.now();
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'octopus-roles.js'), 'check', '.', '--format', 'json'], {
      cwd: corpus.dir,
      encoding: 'utf8',
      maxBuffer: 2 ** 30,
    });
    const ms = performance.now() - started;
    assert.equal(run.status, 1, run.stderr);
    const out = JSON.parse(run.stdout) as { file: string; code: string; message: string }[];
    const byFile = new Map<string, { code: string; message: string }[]>();
    for (const d of out) {
      if (!byFile.has(d.file)) byFile.set(d.file, []);
      byFile.get(d.file)!.push(d);
    }
    for (const input of corpus.made) {
      const ds = byFile.get(input.name) ?? [];
      assert.deepEqual(codesOf(ds), input.codes, input.name);
      if (input.message) assert.ok(ds.some((d) => input.message!.test(d.message)), `${input.name}: no message matches ${input.message}`);
    }
    assert.deepEqual([...byFile.keys()].filter((f) => !corpus.made.some((i) => i.name === f)), [], 'nothing through `loop` or outside the workspace');
    for (const link of LINKS_NOT_FOLLOWED) assert.match(run.stderr, new RegExp(`skipped ${link.replace('.', '\\.')}: a symbolic link to .*, outside the workspace: not followed`));
    assert.ok(ms < CHECKER_BOUND_MS * WHOLE_SLACK, `${ms.toFixed(0)} ms, over ${WHOLE_SLACK} times the bound of ${CHECKER_BOUND_MS} ms`);
  });
});
