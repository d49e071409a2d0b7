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

/**
 * The layers of docs/architecture.md: what each folder of the service may import. A file may always
 * import from its own folder. Entries name a folder or one module (folder/file without `.ts`).
 */
const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  catalog: ['util'],
  model: ['catalog', 'util', 'syntax/frontend'],
  syntax: ['model', 'catalog', 'util', 'edits/edit', 'rules/rule', 'rules/structure'],
  rules: ['model', 'catalog', 'util', 'edits/context', 'config'],
  features: ['model', 'catalog', 'util', 'edits/edit', 'edits/fixes'],
  edits: ['model', 'catalog', 'util', 'rules', 'features/locate', 'syntax/frontend', 'config'],
};

describe('the layers of the language service', () => {
  it('imports only what docs/architecture.md allows each layer', () => {
    const offenders: string[] = [];
    for (const file of sources(SERVICE)) {
      const rel = path.relative(SERVICE, file).split(path.sep).join('/');
      const layer = rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : undefined;
      if (!layer || !(layer in ALLOWED)) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s+(?:type\s+)?[^'"]*from\s+'(\.[^']*)'/gm)) {
        const target = path.relative(SERVICE, path.resolve(path.dirname(file), m[1])).split(path.sep).join('/');
        const targetLayer = target.split('/')[0];
        if (targetLayer === layer) continue;
        const ok = ALLOWED[layer].some((a) => target === a || target.startsWith(a + '/') || (a.includes('/') ? false : targetLayer === a));
        if (!ok) offenders.push(`${rel} imports ${target}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
