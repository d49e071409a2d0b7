/**
 * CI keeps the extension it builds: .ci/run packages it after the tests (a failed packaging counts as a
 * failure) and still ends with its summary line; the GitHub workflow uploads the file `npm run package`
 * writes as the run's artifact.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const vsix = /--out (\S+)/.exec(pkg.scripts.package)![1];

describe('CI and the .vsix', () => {
  it('.ci/run packages the extension after the tests and ends with the summary line', () => {
    const lines = readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8').trimEnd().split('\n');
    const test = lines.findIndex((l) => l.startsWith('npm test'));
    const pack = lines.findIndex((l) => l.includes('npm run package'));
    assert.ok(test > 0 && pack > test, 'npm run package after npm test');
    assert.ok(lines.slice(pack, pack + 8).some((l) => /failed=\$\(\(failed \+ 1\)\)/.test(l)), 'a failed packaging is counted');
    assert.deepEqual(lines.slice(-2), ['echo "$passed passed, $failed failed, $skipped skipped"', 'exit "$status"']);
  });

  it('the GitHub workflow uploads the .vsix that npm run package writes', () => {
    const workflow = parse(readFileSync(path.join(ROOT, '.github', 'workflows', 'ci.yml'), 'utf8')) as { jobs: Record<string, { steps: { run?: string; uses?: string; with?: Record<string, string> }[] }> };
    const steps = workflow.jobs.test.steps;
    const pack = steps.findIndex((s) => s.run === 'npm run package');
    const upload = steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
    assert.ok(pack > 0 && upload > pack);
    assert.equal(steps[upload].with!.path, vsix);
    assert.equal(steps[upload].with!['if-no-files-found'], 'error');
    assert.ok(steps.slice(0, pack).some((s) => s.run === 'npx mocha'), 'the tests run before');
  });
});
