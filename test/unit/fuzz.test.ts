/**
 * Property-based tests over generated workspaces: any sequence of edits (byte-level and structural, see
 * mutations.ts), deletions and restorations leaves the incremental model with exactly the diagnostics of a
 * fresh analysis of the final text (a differential test), nothing ever throws, and every case stays within
 * its time bound. `npm run fuzz` runs a long campaign (FUZZ_RUNS, default 3,000) and prints the number of
 * cases run and the slowest case; FUZZ_SEED replays a campaign.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateWorkspace } from '../support/generate';
import { decodeText } from '../../server/src/node/files';
import { Workspace } from '../../server/src/service';
import { Corpus, opArb, type FileState, type Op } from '../support/mutations';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/** The campaign's seed, printed with its report so that it can be replayed (FUZZ_SEED). */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
/** Whether to print the campaign's report (npm run fuzz sets FUZZ_RUNS). */
const REPORT = process.env.FUZZ_RUNS !== undefined;
/**
 * The bound of one case: 30 files, up to 25 edits, a fresh analysis and a comparison take about 80 ms
 * on the 2-core machine of docs/performance.md; a case over 25 times that fails.
 */
export const CASE_BOUND_MS = 2000;

/** Counts the cases a property runs and remembers the slowest, for the campaign's report. */
class Timing {
  cases = 0;
  slowest = { ms: 0, what: '' };
  run<T>(what: () => string, body: () => T): T {
    const started = performance.now();
    const result = body();
    const ms = performance.now() - started;
    this.cases++;
    if (ms > this.slowest.ms) this.slowest = { ms, what: what() };
    assert.ok(ms < CASE_BOUND_MS, `a case took ${ms.toFixed(0)} ms, over its bound of ${CASE_BOUND_MS} ms: ${what()}`);
    return result;
  }
  report(name: string): void {
    if (REPORT) console.log(`      ${name}: ${this.cases} cases run (FUZZ_SEED=${SEED}); slowest ${this.slowest.ms.toFixed(1)} ms (${this.slowest.what})`);
  }
}

function describeOps(seed: number, ops: readonly Op[]): string {
  const kinds = new Map<string, number>();
  for (const op of ops) kinds.set(op.kind, (kinds.get(op.kind) ?? 0) + 1);
  return `workspace seed ${seed}, ${ops.length} edits: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`;
}

/** Puts a file's state into a workspace as the checker would: its text, or the reason it is not read. */
function put(ws: Workspace, uri: string, state: FileState | undefined): void {
  if (!state) ws.removeFile(uri);
  else if (state.problem) ws.setProblem(uri, state.problem);
  else ws.setFile(uri, state.text);
}

describe(`fuzzing the workspace model (${RUNS} runs)`, function () {
  this.timeout(0);

  it('incremental analysis after any edits equals a fresh analysis, never throws, and stays within its bound', () => {
    const timing = new Timing();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.array(fc.nat(), { maxLength: 25 }), (seed, ops, peeks) =>
        timing.run(
          () => describeOps(seed, ops),
          () => {
            const corpus = new Corpus(new Map([...generateWorkspace({ files: 30, seed, breachRate: 0.2 })].map(([p, t]) => [`/ws/${p}`, t])));
            const current = new Map<string, FileState>([...corpus.original].map(([uri, text]) => [uri, { text }]));
            const ws = new Workspace();
            for (const [uri, { text }] of current) ws.setFile(uri, text);
            ops.forEach((op, i) => {
              const { uri, state } = corpus.apply(op, current);
              if (state) current.set(uri, state);
              else current.delete(uri);
              put(ws, uri, state);
              // Look at some files between edits, so that cached results are exercised too.
              if (peeks[i] !== undefined) ws.diagnostics(corpus.uris[peeks[i] % corpus.uris.length]);
            });
            const fresh = new Workspace();
            for (const [uri, state] of current) put(fresh, uri, state);
            for (const uri of corpus.uris) assert.deepEqual(ws.diagnostics(uri), fresh.diagnostics(uri), uri);
          },
        ),
      ),
      { numRuns: RUNS, seed: SEED },
    );
    timing.report('edit sequences');
  });

  it('arbitrary text as a role, team or space file gives diagnostics, not exceptions', () => {
    const timing = new Timing();
    fc.assert(
      fc.property(fc.constantFrom('a.role.yaml', 'a.team.yaml', 'a.space.yaml'), fc.string({ unit: 'binary', maxLength: 400 }), (uri, text) =>
        timing.run(
          () => `${uri}, ${text.length} characters`,
          () => {
            const ws = new Workspace();
            const team = 'name: T\nspace: S\nroles: [X]\n';
            ws.setFile(uri, text);
            ws.setFile('b.team.yaml', team);
            for (const [file, length] of [[uri, text.length], ['b.team.yaml', team.length]] as const) {
              for (const d of ws.diagnostics(file)) {
                assert.ok(d.span.start >= 0 && d.span.end >= d.span.start && d.span.end <= length, 'a range inside the file');
                assert.ok(d.message.length > 0);
              }
            }
          },
        ),
      ),
      { numRuns: RUNS * 5, seed: SEED },
    );
    timing.report('arbitrary text');
  });

  it('arbitrary bytes on disk are read as text or reported as unreadable, never an exception', () => {
    const timing = new Timing();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) =>
        timing.run(
          () => `${bytes.length} bytes`,
          () => {
            const read = decodeText(bytes);
            const ws = new Workspace();
            if ('problem' in read) {
              assert.equal(read.problem.code, 'unreadable-file');
              ws.setProblem('a.role.yaml', read.problem);
            } else ws.setFile('a.role.yaml', read.text);
            for (const d of ws.diagnostics('a.role.yaml')) assert.ok(d.message.length > 0);
          },
        ),
      ),
      { numRuns: RUNS * 5, seed: SEED },
    );
    timing.report('arbitrary bytes');
  });
});
