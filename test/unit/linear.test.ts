/**
 * Input the structure must stay linear on (SPEC section 7): thousands of keys, and a suppression comment
 * of 80,000 spaces. Timed against each other within one run, not against the clock alone.
 */
import * as assert from 'node:assert/strict';
import { codeFixes, DEFAULT_SETTINGS, finalDiagnostics, Workspace } from '../../server/src/service';

function fresh(files: Record<string, string>): Workspace {
  const ws = new Workspace();
  for (const [uri, text] of Object.entries(files)) ws.setFile(uri, text);
  return ws;
}

describe('hostile input the structure must stay linear on', () => {
  it('finds duplicate keys in time linear in their number (the parser compared each with each: 13 s for 30,000)', () => {
    const time = (n: number): number => {
      const keys = Array.from({ length: n }, (_, i) => `k${i}: 1`).join('\n');
      let best = Infinity;
      for (let run = 0; run < 2; run++) {
        const started = process.hrtime.bigint();
        const ds = fresh({ 'big.role.yaml': `name: Big\nspacePermissions: [ProjectView]\n${keys}\nk7: 2\n` }).diagnostics('big.role.yaml');
        best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
        assert.equal(ds.filter((d) => d.code === 'yaml-syntax').length, 1);
        assert.match(ds.find((d) => d.code === 'yaml-syntax')!.message, /`k7` is already set on line 10/);
      }
      return best;
    };
    const small = time(4000);
    const large = time(16000);
    // Four times the keys: about four times the time when linear, sixteen when quadratic.
    assert.ok(large / small < 9, `4,000 keys: ${small.toFixed(0)} ms, 16,000 keys: ${large.toFixed(0)} ms`);
  });

  it('offers the suppression fix under a comment of 80,000 spaces without backtracking (it took 9 s)', () => {
    const text = `name: R\nspacePermissions:\n  # octopus-roles-disable-next-line${' '.repeat(80000)}\n  - ProjectVeiw\n`;
    const ws = fresh({ 'r.role.yaml': text });
    const d = ws.diagnostics('r.role.yaml').find((x) => x.code === 'unknown-permission')!;
    // The bare directive already silences every code on the line, so nothing is shown and no fix offered.
    assert.equal(finalDiagnostics(ws, 'r.role.yaml', DEFAULT_SETTINGS).length, 0);
    const started = process.hrtime.bigint();
    const fixes = codeFixes(ws, 'r.role.yaml', d, DEFAULT_SETTINGS);
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 2000);
    assert.ok(!fixes.some((f) => f.title.startsWith('Suppress')));
  });
});

