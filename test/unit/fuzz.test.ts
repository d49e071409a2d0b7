/**
 * Property-based tests over generated workspaces: any sequence of edits (structural and byte-level),
 * deletions and restorations leaves the incremental model with exactly the diagnostics of a fresh analysis
 * of the final text, and nothing ever throws. `npm run fuzz` runs a long campaign (FUZZ_RUNS).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateWorkspace } from '../../bench/generate';
import { Workspace } from '../../server/src/service';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const NOISE = [':', '-', ' ', '\n', '[', ']', '{', '}', ',', '#', '&a ', '*a', '!', '|', '>', '"', "'", '\t', '\r\n', '---\n', 'x', '\u00e9', '\ufeff', '<<: ', '? '];

type Op =
  | { kind: 'insert'; file: number; at: number; text: string }
  | { kind: 'delete'; file: number; at: number; length: number }
  | { kind: 'swapLines'; file: number; a: number; b: number }
  | { kind: 'rename'; file: number; from: number; to: number }
  | { kind: 'remove'; file: number }
  | { kind: 'restore'; file: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), file: fc.nat(), at: fc.nat(), text: fc.oneof(fc.constantFrom(...NOISE), fc.string({ maxLength: 6 })) }),
  fc.record({ kind: fc.constant('delete' as const), file: fc.nat(), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('swapLines' as const), file: fc.nat(), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), file: fc.nat(), from: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('remove' as const), file: fc.nat() }),
  fc.record({ kind: fc.constant('restore' as const), file: fc.nat() }),
);

/** Names that occur in the corpus, so that renames make and break references between files. */
function namesOf(texts: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(/(?:name|space|role): (.+)/g)) names.add(m[1].trim());
  return [...names];
}

function apply(op: Op, uris: string[], current: Map<string, string>, original: Map<string, string>, names: string[]): { uri: string; text?: string } {
  const uri = uris[op.file % uris.length];
  const text = current.get(uri) ?? original.get(uri)!;
  switch (op.kind) {
    case 'insert': {
      const at = op.at % (text.length + 1);
      return { uri, text: text.slice(0, at) + op.text + text.slice(at) };
    }
    case 'delete': {
      const at = op.at % (text.length + 1);
      return { uri, text: text.slice(0, at) + text.slice(at + op.length) };
    }
    case 'swapLines': {
      const lines = text.split('\n');
      const a = op.a % lines.length;
      const b = op.b % lines.length;
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return { uri, text: lines.join('\n') };
    }
    case 'rename': {
      const from = names[op.from % names.length];
      const to = names[op.to % names.length];
      return { uri, text: text.split(from).join(to) };
    }
    case 'remove':
      return { uri };
    case 'restore':
      return { uri, text: original.get(uri)! };
  }
}

describe(`fuzzing the workspace model (${RUNS} runs)`, function () {
  this.timeout(600000);

  it('incremental analysis after any edits equals a fresh analysis, and never throws', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.array(fc.nat(), { maxLength: 25 }), (seed, ops, peeks) => {
        const original = new Map([...generateWorkspace({ files: 30, seed, breachRate: 0.2 })].map(([p, t]) => [`/ws/${p}`, t]));
        const uris = [...original.keys()];
        const names = namesOf(original.values());
        const current = new Map(original);
        const ws = new Workspace();
        for (const [uri, text] of current) ws.setFile(uri, text);
        ops.forEach((op, i) => {
          const { uri, text } = apply(op, uris, current, original, names);
          if (text === undefined) {
            current.delete(uri);
            ws.removeFile(uri);
          } else {
            current.set(uri, text);
            ws.setFile(uri, text);
          }
          // Look at some files between edits, so that cached results are exercised too.
          if (peeks[i] !== undefined) ws.diagnostics(uris[peeks[i] % uris.length]);
        });
        const fresh = new Workspace();
        for (const [uri, text] of current) fresh.setFile(uri, text);
        for (const uri of uris) assert.deepEqual(ws.diagnostics(uri), fresh.diagnostics(uri), uri);
      }),
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
  });

  it('arbitrary bytes as a role, team or space file give diagnostics, not exceptions', () => {
    fc.assert(
      fc.property(fc.constantFrom('a.role.yaml', 'a.team.yaml', 'a.space.yaml'), fc.string({ unit: 'binary', maxLength: 400 }), (uri, text) => {
        const ws = new Workspace();
        ws.setFile(uri, text);
        ws.setFile('b.team.yaml', 'name: T\nspace: S\nroles: [X]\n');
        for (const d of [...ws.diagnostics(uri), ...ws.diagnostics('b.team.yaml')]) {
          assert.ok(d.span.start >= 0 && d.span.end >= d.span.start, 'a well-formed range');
          assert.ok(d.message.length > 0);
        }
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
