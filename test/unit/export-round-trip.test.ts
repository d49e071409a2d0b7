/**
 * The Terraform export read back (SPEC section 10, issue 23) on a generated workspace with every feature it
 * carries, for both providers: `explain` of every principal over the export equals `explain` over the
 * workspace, less exactly what the provider cannot carry safely (spaces' managers and the members of the
 * built-in system teams, each said in a note); every file parses with HashiCorp's HCL parser; and the
 * import map's round trip (workspace, dump, `import`, `export --map`) gives the same bytes.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { toApi } from '../../server/src/bridge/to-api';
import { loadPaths } from '../../server/src/cli/load';
import { workspaceOf } from '../support/bridge';
import { explainAll } from '../support/explain-all';
import { everyFeatureWorkspace } from '../support/every-feature';
import { check, filesIn, scratchTrees } from '../support/folders';
import { parseHcl } from '../support/hcl';

async function modelOf(dir: string) {
  const loaded = await loadPaths([dir], { stderr: () => undefined, cwd: dir });
  assert.notEqual(loaded, 2);
  return (loaded as Exclude<typeof loaded, 2>).project.ws;
}

const filesOf = (dir: string) => Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.tf')).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));

describe('the export of a generated workspace with every feature, read back (round trip)', () => {
  const tree = scratchTrees();
  for (const seed of [1, 2]) {
    const full = Object.fromEntries(everyFeatureWorkspace({ seed, teams: 4 }));
    const carried = Object.fromEntries(everyFeatureWorkspace({ seed, teams: 4, carried: true }));

    it(`is a workspace without errors, in which the managers and built-in members matter (seed ${seed})`, async () => {
      const dir = tree(full);
      const r = await check(['check', dir, '--format', 'json'], dir);
      assert.equal(r.code === 0 || r.code === 1, true, r.stderr);
      const findings = JSON.parse(r.stdout) as { severity: string; code: string; message: string }[];
      assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
      const [a, b] = [explainAll(await modelOf(dir)), explainAll(await modelOf(tree(carried)))];
      assert.ok(Object.keys(a).length > 20, `${Object.keys(a).length} principals`);
      assert.notDeepEqual(a, b, 'what the export cannot carry changes access, so the test below can tell');
    });

    for (const provider of ['octopusdeploy', 'labs']) {
      it(`gives the same access as the workspace, less what it says it leaves out (${provider}, seed ${seed})`, async () => {
        const dir = tree(full);
        const out = tree({});
        const run = await check(['export', '--format', 'terraform', '--provider', provider, '--out', out, dir], dir);
        assert.equal(run.code, 0, run.stderr);
        // Every file is HCL that HashiCorp's parser reads.
        for (const [name, text] of Object.entries(filesOf(out))) await parseHcl(text, name);
        const back = explainAll(await modelOf(out));
        const expected = explainAll(await modelOf(tree(carried)));
        const keys = [...new Set([...Object.keys(back), ...Object.keys(expected)])].sort();
        assert.deepEqual(keys.filter((k) => JSON.stringify(back[k]) !== JSON.stringify(expected[k])), []);
        // What is left out is said, one note each.
        assert.match(run.stderr, /team "Octopus Administrators": the members of a built-in team are not exported/);
        assert.match(run.stderr, /team "Octopus Managers": the members of a built-in team are not exported/);
        assert.match(run.stderr, /space "Finance": its managers are not exported/);
        // The module the export writes is one the checker finds no error in.
        const checked = await check(['check', out, '--format', 'json'], out);
        assert.deepEqual((JSON.parse(checked.stdout) as { severity: string }[]).filter((f) => f.severity === 'error'), []);
      });
    }
  }
});

describe("the import map's round trip: a workspace, its dump, import, and export --map", () => {
  const tree = scratchTrees();
  const EXAMPLES = path.resolve(__dirname, '../../../examples/acme');
  const acme = () => {
    const files: Record<string, string> = {};
    for (const sub of ['roles', 'teams', 'spaces']) for (const f of readdirSync(path.join(EXAMPLES, sub))) files[`${sub}/${f}`] = readFileSync(path.join(EXAMPLES, sub, f), 'utf8');
    return files;
  };
  const cases: [string, () => Record<string, string>][] = [
    ['examples/acme', acme],
    ['a generated workspace with every feature', () => Object.fromEntries(everyFeatureWorkspace({ seed: 3, teams: 3 }))],
  ];
  for (const [what, files] of cases) {
    it(`exports the same bytes from the workspace and from its import, and imports the same bytes twice (${what})`, async () => {
      const dir = tree({ ...files(), 'dump/': '' });
      writeFileSync(path.join(dir, 'dump/all.json'), JSON.stringify(toApi(workspaceOf(dir))));
      const imports = [];
      for (const out of ['imported', 'again']) {
        const r = await check(['import', '--from', path.join(dir, 'dump'), '--out', path.join(dir, out)], dir);
        assert.equal(r.code, 0, r.stderr);
        imports.push(filesIn(path.join(dir, out)));
      }
      assert.deepEqual(imports[1], imports[0], 'the same dump imports to the same bytes');
      const map = path.join('imported', '.octopus-roles', 'import-map.json');
      const exports = [];
      for (const model of ['roles teams spaces', 'imported']) {
        const out = path.join(dir, `tf-${model.split(' ')[0]}`);
        const r = await check(['export', '--format', 'terraform', '--map', map, '--out', out, ...model.split(' ')], dir);
        assert.equal(r.code, 0, r.stderr);
        exports.push(filesOf(out));
      }
      assert.ok(Object.keys(exports[0]).includes('imports.tf'), 'the map adopts what the server has');
      assert.deepEqual(exports[1], exports[0]);
    });
  }
});
