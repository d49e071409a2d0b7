import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { clientViolations, importsOf, layerViolations, placeOf, ROOT, sourceFiles } from '../support/architecture';

const SERVICE = path.join(ROOT, 'server', 'src', 'service');


describe('the language service boundary', () => {
  it('imports no vscode, no vscode-languageserver runtime and no file system', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SERVICE)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*import\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)) {
        const typeOnly = Boolean(m[1]);
        const mod = m[2];
        const forbidden =
          mod === 'vscode' ||
          (mod.startsWith('vscode-languageserver') && mod !== 'vscode-languageserver-textdocument' && !typeOnly) ||
          /^(node:)?(fs|child_process|net|http|https)$/.test(mod);
        if (forbidden) offenders.push(`${path.relative(SERVICE, file)}: ${m[0].trim()}`);
      }
      if (/\brequire\(/.test(text)) offenders.push(`${path.relative(SERVICE, file)}: require()`);
    }
    assert.deepEqual(offenders, []);
  });
});

describe('the layers (test/support/architecture.ts; docs/architecture.md shows the table)', () => {
  it('no module imports a floor above its own, nor another part of its floor', () => {
    assert.deepEqual(
      layerViolations().map((v) => `${v.from} imports ${v.to} (${v.why})`),
      [],
    );
  });

  it('places every source file on a floor', () => {
    for (const file of sourceFiles(path.join(ROOT, 'server', 'src'))) {
      assert.ok(placeOf(path.relative(path.join(ROOT, 'server', 'src'), file).split(path.sep).join('/')), file);
    }
  });

  it('finds imports as TypeScript does: type-only, re-exports, inline import types and require, none in comments', () => {
    const text = [
      "import type { A } from './a';",
      "import {\n  B,\n  C,\n} from '../b';",
      "export { D } from './d';",
      "export * from './e';",
      "type F = import('./f').F;",
      "const g = require('./g');",
      "// import { H } from './h';",
      "/* import { I } from './i'; */",
      "const s = '**/*.tf';",
    ].join('\n');
    assert.deepEqual(importsOf(text), ['./a', '../b', './d', './e', './f', './g']);
  });

  it('the client imports only the protocol and the README reader of the server', () => {
    assert.deepEqual(clientViolations(), []);
  });
});
