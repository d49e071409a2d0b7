import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli';
import { RULE_CODES } from '../../server/src/service';

const ROOT = path.resolve(__dirname, '..', '..', '..');

async function check(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: ROOT });
  return { code, stdout };
}

describe('the examples', () => {
  it('examples/acme is clean: no problems in its 11 files (its policies hold), exit 0', async () => {
    assert.deepEqual(await check(['check', 'examples/acme']), { code: 0, stdout: '11 files checked, no problems\n' });
  });

  it('examples/showcase yields the codes its comments announce, each at the line announced, and no other', async () => {
    const dir = path.join(ROOT, 'examples', 'showcase');
    // A comment `# code: why` announces the code on the next line; a file-level code is reported at line 1.
    const expected: string[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml') || n.endsWith('.tf'))) {
      const lines = readFileSync(path.join(dir, name), 'latin1').split('\n');
      lines.forEach((line, i) => {
        const m = /^\s*# ([a-z-]+):/.exec(line);
        if (!m || !(RULE_CODES as string[]).includes(m[1])) return;
        const fileLevel = m[1] === 'file-too-large' || m[1] === 'unreadable-file';
        expected.push(`${name}:${fileLevel ? 1 : i + 2} ${m[1]}`);
      });
    }
    const run = await check(['check', 'examples/showcase', '--format', 'json']);
    assert.equal(run.code, 1);
    const found = (JSON.parse(run.stdout) as { file: string; range: { start: { line: number } }; code: string }[]).map(
      (d) => `${path.basename(d.file)}:${d.range.start.line + 1} ${d.code}`,
    );
    assert.deepEqual(found.sort(), expected.sort());
    // A showcase, not a fixture: a new rule needs no example here (rules.test.ts asks for its fixture).
  });
});
