/**
 * The product's one door to the network: only server/src/cli/http.ts may make requests (docs/security.md,
 * "The bridge's HTTP client and dumps"). The sources of the server, the command line and the extension are
 * read, comments left out, for every way Node.js offers to reach a network: fetch, the http, https,
 * http2, net, tls, dgram and dns modules, undici, XMLHttpRequest, WebSocket and EventSource.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const HTTP_CLIENT = 'server/src/cli/http.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : /\.(ts|js|mjs|cjs)$/.test(name) ? [full] : [];
  });
}

/**
 * The code of a source file without its comment lines (those that start with `//`, `/*` or `*`, as this
 * codebase writes them). Nothing else is taken out, so that no string (a glob that holds a slash and a
 * star looks like a comment's start) can hide code from the test; a comment after code on its line counts.
 */
const code = (text: string) => text.replace(/^\s*(?:\/\/|\/\*|\*).*$/gm, '');

const NETWORK: readonly [string, RegExp][] = [
  ['fetch', /\bfetch\b(?!\s*:)|\[\s*['"`]fetch['"`]\s*\]/],
  // A module named where modules are loaded (`from`, `require(`, `import(`), not any string that says "http".
  ['a network module', /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)['"`](?:node:)?(?:http|https|http2|net|tls|dgram|dns|dns\/promises|undici)['"`]/],
  ['a browser network API', /\b(?:XMLHttpRequest|WebSocket|EventSource)\b/],
];

/** Each file under the folders given and the ways it reaches the network. */
function offenders(folders: readonly string[]): string[] {
  const found: string[] = [];
  for (const folder of folders) {
    for (const file of sources(path.join(ROOT, folder))) {
      const rel = path.relative(ROOT, file).split(path.sep).join('/');
      const text = code(readFileSync(file, 'utf8'));
      for (const [what, pattern] of NETWORK) if (pattern.test(text)) found.push(`${rel}: ${what}`);
    }
  }
  return found;
}

describe('the network boundary', () => {
  it('lets only the bridge HTTP client reach the network', () => {
    assert.deepEqual(offenders(['server/src', 'client/src', 'bin']), [`${HTTP_CLIENT}: fetch`]);
  });

  it('finds each way to the network it looks for', () => {
    const samples = [
      "await fetch(url, { redirect: 'follow' })",
      'const f = globalThis.fetch; f(url)',
      "import { request } from 'node:https'",
      "import * as http from 'http'",
      "const net = require('node:net')",
      "import { fetch as get } from 'undici'",
      "await import('node:dns')",
      'new WebSocket(url)',
    ];
    for (const s of samples) assert.ok(NETWORK.some(([, p]) => p.test(code(s))), s);
    for (const s of ["const TRANSPORTS = ['http', 'https', 'ssh']", '// we fetch nothing here', ' * calls `fetch` (a doc comment)', '/* fetch( */', 'const fetched = fetchAll(api)', 'prefetch()', 'const o = { fetch: 1 }']) {
      assert.ok(!NETWORK.some(([, p]) => p.test(code(s))), s);
    }
  });
});
