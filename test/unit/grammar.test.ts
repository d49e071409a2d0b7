import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';
import { allPermissions } from '../../server/src/service/catalog';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PERMISSION = 'support.constant.permission.octopus-roles';

/**
 * The shipped grammar with its injection. VS Code supplies `source.yaml`; here it is absent, so only what
 * this project adds is tokenised, which is what these tests are about.
 */
async function loadGrammar(): Promise<IGrammar> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const files: Record<string, string> = {
    'source.octopus-roles': path.join(ROOT, 'syntaxes', 'octopus-roles.tmLanguage.json'),
    'permission.injection.octopus-roles': path.join(ROOT, 'syntaxes', 'permission-injection.tmLanguage.json'),
  };
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => (files[scope] ? parseRawGrammar(readFileSync(files[scope], 'utf8'), files[scope]) : null),
    getInjections: (scope) => (scope === 'source.octopus-roles' ? ['permission.injection.octopus-roles'] : undefined),
  });
  const grammar = await registry.loadGrammar('source.octopus-roles');
  assert.ok(grammar);
  return grammar;
}

function marked(grammar: IGrammar, line: string): string[] {
  return grammar
    .tokenizeLine(line, INITIAL)
    .tokens.filter((t) => t.scopes.includes(PERMISSION))
    .map((t) => line.slice(t.startIndex, t.endIndex));
}

describe('the TextMate grammar', () => {
  let grammar: IGrammar;
  before(async () => {
    grammar = await loadGrammar();
  });

  it('marks every current permission name', () => {
    for (const p of allPermissions()) assert.deepEqual(marked(grammar, `  - ${p.name}`), [p.name], p.name);
  });

  it('marks names in flow lists, but not retired, misspelt or partial names', () => {
    assert.deepEqual(marked(grammar, 'spacePermissions: [ProjectView, TaskViewLog, ProjectVeiw, TeamView]'), ['ProjectView', 'TeamView']);
    assert.deepEqual(marked(grammar, '  - ProjectViewer'), []);
    assert.deepEqual(marked(grammar, '  - XProjectView'), []);
  });
});
