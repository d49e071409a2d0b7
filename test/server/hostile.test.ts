/**
 * The hostile corpus (test/support/hostile-corpus.ts) against the shipped language server: the whole corpus
 * in the workspace, then each input opened in the editor in turn. Every input gets the diagnostics the
 * table states, and after each one the server answers a hover on an ordinary file, correctly and within
 * the input's bound plus a margin for the protocol.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import {
  editorTextOf,
  LINKS_NOT_FOLLOWED,
  SERVER_MARGIN_MS,
  SERVER_SCAN_BOUND_MS,
  SLACK,
  WHOLE_SLACK,
  writeCorpus,
  type HostileInput,
} from '../support/hostile-corpus';
import { PUSH_CAPABILITIES, TestClient, uriOf } from './client';

const codesOf = (ds: readonly { code?: string | number }[] | undefined) => [...new Set((ds ?? []).map((d) => String(d.code)))].sort();

describe('language server on the hostile corpus', function () {
  this.timeout(300000);
  let base: string;
  let dir: string;
  let made: HostileInput[];
  let client: TestClient;

  before(() => {
    base = mkdtempSync(path.join(tmpdir(), 'octopus-roles-hostile-server-'));
    dir = path.join(base, 'workspace');
    mkdirSync(path.join(base, 'outside'));
    made = writeCorpus(dir, path.join(base, 'outside'));
  });
  after(async () => {
    await client?.dispose();
    if (existsSync(path.join(dir, 'locked.role.yaml'))) chmodSync(path.join(dir, 'locked.role.yaml'), 0o644);
    rmSync(base, { recursive: true, force: true });
  });

  const hoverNormal = async (): Promise<number> => {
    const started = performance.now();
    const h = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: uriOf(dir, 'normal.role.yaml') },
      position: { line: 2, character: 6 },
    })) as Hover | null;
    assert.match((h?.contents as { value: string } | undefined)?.value ?? '', /\*\*ProjectView\*\*/);
    return performance.now() - started;
  };

  it(`indexes the corpus within ${SERVER_SCAN_BOUND_MS} ms, with the stated diagnostics for every input`, async () => {
    const started = performance.now();
    client = new TestClient();
    await client.initialize(dir, PUSH_CAPABILITIES, SERVER_SCAN_BOUND_MS * WHOLE_SLACK);
    const withCodes = made.filter((i) => i.codes.length > 0);
    await client.waitFor('every input with findings', () => withCodes.every((i) => client.published.has(uriOf(dir, i.name))), SERVER_SCAN_BOUND_MS * WHOLE_SLACK);
    const ms = performance.now() - started;
    for (const input of made) {
      const ds = client.published.get(uriOf(dir, input.name));
      assert.deepEqual(codesOf(ds), input.codes, input.name);
      if (input.message) assert.ok(ds!.some((d) => input.message!.test(String(d.message))), `${input.name}: no message matches ${input.message}`);
    }
    assert.deepEqual([...client.published.keys()].filter((u) => !made.some((i) => uriOf(dir, i.name) === u)), [], 'nothing through `loop` or outside');
    for (const link of LINKS_NOT_FOLLOWED) assert.ok(client.logs.some((l) => l.includes(path.join(dir, link)) && /outside the workspace: not followed/.test(l)), `a log line for ${link}`);
    assert.ok(ms < SERVER_SCAN_BOUND_MS * WHOLE_SLACK, `${ms.toFixed(0)} ms, over ${WHOLE_SLACK} times the bound of ${SERVER_SCAN_BOUND_MS} ms`);
    assert.ok((await hoverNormal()) < SERVER_MARGIN_MS * SLACK);
  });

  it('keeps answering while each input is opened in the editor, and shows its diagnostics', async () => {
    for (const input of made) {
      const text = editorTextOf(input);
      if (text === undefined || input.name === 'normal.role.yaml') continue;
      const uri = uriOf(dir, input.name);
      client.published.delete(uri);
      const started = performance.now();
      void client.open(uri, text);
      await hoverNormal();
      const ms = performance.now() - started;
      const bound = input.boundMs + SERVER_MARGIN_MS;
      assert.ok(ms < bound * SLACK, `${input.name}: the next request took ${ms.toFixed(0)} ms, over ${SLACK} times its bound of ${bound} ms`);
      if (!input.editorText) {
        // The editor's text is the file's: the same findings (a file without any gets none pushed).
        if (input.codes.length) await client.waitFor(`diagnostics of ${input.name}`, () => client.published.has(uri), bound * SLACK);
        else await client.connection.sendRequest('octopusRoles/memoryUsage');
        assert.deepEqual(codesOf(client.published.get(uri)), input.codes, input.name);
      }
      // Back to the disk's version; wait until the server has it, so that each input is timed alone.
      client.published.delete(uri);
      await client.close(uri);
      if (input.codes.length) await client.waitFor(`${input.name} read from disk again`, () => client.published.has(uri), bound * SLACK);
      else await client.connection.sendRequest('octopusRoles/memoryUsage');
    }
  });
});
