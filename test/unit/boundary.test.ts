import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const SERVICE = path.resolve(__dirname, '..', '..', '..', 'server', 'src', 'service');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : name.endsWith('.ts') ? [full] : [];
  });
}

describe('the language service boundary', () => {
  it('imports no vscode, no vscode-languageserver runtime and no file system', () => {
    const offenders: string[] = [];
    for (const file of sources(SERVICE)) {
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
