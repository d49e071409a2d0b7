/**
 * The diagnostics scheduler and the open documents, driven directly: no connection, no process, and
 * timers that fire when the test says so.
 */
import * as assert from 'node:assert/strict';
import { CancellationTokenSource, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { OpenDocuments } from '../../server/src/lsp/documents';
import { DiagnosticsScheduler, type SchedulerHost, type Status, type Timers } from '../../server/src/lsp/scheduler';

/** Timers that fire only on `fire()`. */
class ManualTimers implements Timers {
  private next = 0;
  readonly due = new Map<number, () => void>();
  set(fn: () => void): unknown {
    this.due.set(++this.next, fn);
    return this.next;
  }
  clear(handle: unknown): void {
    this.due.delete(handle as number);
  }
  fire(): void {
    const fns = [...this.due.values()];
    this.due.clear();
    fns.forEach((f) => f());
  }
}

const diag = (code: string, severity: 1 | 2 | 3 | 4 = 1): Diagnostic => ({ code, severity, message: code, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } });

/** A workspace of files with file-local and cross-file findings, recording what the client is told. */
class FakeHost implements SchedulerHost {
  readonly local = new Map<string, Diagnostic[]>();
  readonly cross = new Map<string, Diagnostic[]>();
  readonly open = new Set<string>();
  readonly publishes: [string, string[]][] = [];
  readonly statuses: Status[] = [];
  refreshes = 0;
  computed = 0;
  diagnostics(uri: string, localOnly: boolean): Diagnostic[] {
    this.computed++;
    return [...(this.local.get(uri) ?? []), ...(localOnly ? [] : this.cross.get(uri) ?? [])];
  }
  files(): Iterable<string> {
    return new Set([...this.local.keys(), ...this.cross.keys()]);
  }
  has(uri: string): boolean {
    return this.local.has(uri) || this.cross.has(uri);
  }
  isOpen(uri: string): boolean {
    return this.open.has(uri);
  }
  publish(uri: string, diagnostics: Diagnostic[]): void {
    this.publishes.push([uri, diagnostics.map((d) => String(d.code))]);
  }
  refresh(): void {
    this.refreshes++;
  }
  status(s: Status): void {
    this.statuses.push(s);
  }
  set(uri: string, local: Diagnostic[], cross: Diagnostic[] = []): void {
    this.local.set(uri, local);
    this.cross.set(uri, cross);
  }
  remove(uri: string): void {
    this.local.delete(uri);
    this.cross.delete(uri);
  }
}

function setup(pull: boolean) {
  const host = new FakeHost();
  const timers = new ManualTimers();
  const scheduler = new DiagnosticsScheduler(host, { pull, refreshSupport: true, timers });
  return { host, timers, scheduler };
}

/** A scheduler whose workspace has been read: `a` has a cross-file error, `b` is clean. */
function indexed(pull: boolean) {
  const s = setup(pull);
  s.host.set('a', [], [diag('unknown-role')]);
  s.host.set('b', []);
  s.scheduler.setIndexing(false);
  s.host.publishes.length = 0;
  return s;
}

describe('diagnostics scheduler', () => {
  it('changes a file\'s result id with the change itself, before any batch is flushed', () => {
    const { host, scheduler } = indexed(true);
    const first = scheduler.documentReport('a', undefined);
    assert.equal(first.kind, 'full');
    assert.deepEqual(scheduler.documentReport('a', first.resultId), { kind: 'unchanged', resultId: first.resultId });
    host.set('a', [diag('unknown-key', 2)]);
    scheduler.changed(['a'], 'a');
    const second = scheduler.documentReport('a', first.resultId);
    assert.equal(second.kind, 'full');
    assert.deepEqual(second.kind === 'full' && second.items.map((d) => d.code), ['unknown-key']);
    assert.notEqual(second.resultId, first.resultId);
  });

  it('pushes a batch once per file when it is flushed, the file typed in at once, and nothing for files that stay clean', () => {
    const { host, timers, scheduler } = indexed(false);
    host.set('c', [diag('empty-role', 2)]);
    scheduler.changed(['a', 'b', 'c']);
    scheduler.changed(['a', 'c']);
    assert.deepEqual(host.publishes, [], 'nothing before the batch is flushed');
    timers.fire();
    assert.deepEqual(host.publishes.sort(), [
      ['a', ['unknown-role']],
      ['c', ['empty-role']],
    ]);
    host.publishes.length = 0;
    host.set('c', []);
    scheduler.changed(['c'], 'c');
    scheduler.publishNow('c');
    assert.deepEqual(host.publishes, [['c', []]], 'a file that became clean gets an empty publish, at once');
    timers.fire();
    assert.deepEqual(host.publishes, [['c', []]], 'and not again with the batch');
  });

  it('publishes a file the client opens even when it is clean', () => {
    const { host, timers, scheduler } = indexed(false);
    host.open.add('b');
    scheduler.opened('b');
    timers.fire();
    assert.deepEqual(host.publishes, [['b', []]]);
    scheduler.changed(['b']);
    timers.fire();
    assert.deepEqual(host.publishes, [['b', []]], 'once: later clean results of a clean file are not repeated');
  });

  it('reports only file-local findings while indexing, holds other files back, and sends everything at its end', () => {
    const { host, timers, scheduler } = setup(false);
    assert.equal(scheduler.indexing, true, 'a server starts without having read anything');
    host.set('open', [diag('unknown-key', 2)], [diag('unknown-role')]);
    host.set('closed', [], [diag('unknown-role')]);
    host.open.add('open');
    scheduler.opened('open');
    scheduler.changed(['closed']);
    timers.fire();
    assert.deepEqual(host.publishes, [['open', ['unknown-key']]]);
    scheduler.setIndexing(false);
    assert.deepEqual(host.publishes.slice(1).sort(), [
      ['closed', ['unknown-role']],
      ['open', ['unknown-key', 'unknown-role']],
    ]);
  });

  it('clears the findings of a file that leaves the workspace while indexing', () => {
    const { host, timers, scheduler } = setup(false);
    host.set('gone', [diag('unknown-key', 2)]);
    host.open.add('gone');
    scheduler.opened('gone');
    timers.fire();
    host.open.delete('gone');
    host.remove('gone');
    scheduler.changed(['gone']);
    timers.fire();
    assert.deepEqual(host.publishes, [
      ['gone', ['unknown-key']],
      ['gone', []],
    ]);
  });

  it('answers a pull with file-local findings while indexing, and gives a new result id when indexing ends', () => {
    const { host, scheduler } = setup(true);
    host.set('a', [diag('unknown-key', 2)], [diag('unknown-role')]);
    host.open.add('a');
    const early = scheduler.documentReport('a', undefined);
    assert.deepEqual(early.kind === 'full' && early.items.map((d) => d.code), ['unknown-key']);
    scheduler.setIndexing(false);
    assert.equal(host.refreshes, 1, 'the client is asked to pull the open file again');
    const late = scheduler.documentReport('a', early.resultId);
    assert.deepEqual(late.kind === 'full' && late.items.map((d) => d.code), ['unknown-key', 'unknown-role']);
  });

  it('holds a workspace pull while indexing and while nothing changed, and wakes it with the changed files only', async () => {
    const { host, timers, scheduler } = setup(true);
    host.set('a', [], [diag('unknown-role')]);
    host.set('b', []);
    const source = new CancellationTokenSource();
    let answered = false;
    const first = scheduler.workspaceReport([], source.token).then((r) => ((answered = true), r));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answered, false, 'held while the workspace is read');
    scheduler.setIndexing(false);
    const report = await first;
    assert.deepEqual(report.items.map((i) => [i.uri, i.kind === 'full' ? i.items.map((d) => d.code) : []]).sort(), [
      ['a', ['unknown-role']],
      ['b', []],
    ]);
    const held = report.items.map((i) => ({ uri: i.uri, value: i.resultId! }));
    let second = false;
    const next = scheduler.workspaceReport(held, source.token).then((r) => ((second = true), r));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(second, false, 'nothing changed: held');
    host.set('b', [diag('empty-role', 2)]);
    scheduler.changed(['b']);
    timers.fire();
    assert.deepEqual((await next).items.map((i) => [i.uri, i.kind === 'full' ? i.items.map((d) => d.code) : []]), [['b', ['empty-role']]]);
  });

  it('answers a held workspace pull that the client cancels with an empty report', async () => {
    const { scheduler, host } = indexed(true);
    const held = [...host.files()].map((uri) => ({ uri, value: scheduler.resultId(uri) }));
    const source = new CancellationTokenSource();
    const pending = scheduler.workspaceReport(held, source.token);
    source.cancel();
    assert.deepEqual(await pending, { items: [] });
  });

  it('reports a removed file once, empty, in the workspace pull', async () => {
    const { host, timers, scheduler } = indexed(true);
    const token = new CancellationTokenSource().token;
    const held = [...host.files()].map((uri) => ({ uri, value: scheduler.resultId(uri) }));
    host.remove('a');
    scheduler.changed(['a']);
    timers.fire();
    const report = await scheduler.workspaceReport(held, token);
    assert.deepEqual(report.items.map((i) => [i.uri, i.kind === 'full' ? i.items : undefined]), [['a', []]]);
    const after = scheduler.workspaceReport([...held.filter((h) => h.uri !== 'a'), { uri: 'a', value: report.items[0].resultId! }], token);
    let answered = false;
    void after.then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answered, false, 'not reported again: the pull is held');
    scheduler.dispose();
    assert.deepEqual(await after, { items: [] }, 'released on shutdown');
  });

  it('asks a pull client to refresh only when an open file changed because of something else than its own edit', () => {
    const { host, timers, scheduler } = indexed(true);
    host.open.add('a');
    host.open.add('b');
    scheduler.changed(['a'], 'a');
    timers.fire();
    assert.equal(host.refreshes, 0, 'the client pulls the file it edited itself');
    scheduler.changed(['b'], 'b');
    scheduler.changed(['a', 'b'], 'a');
    timers.fire();
    assert.equal(host.refreshes, 1, 'b changed because of the edit to a');
    scheduler.changed(['c']);
    timers.fire();
    assert.equal(host.refreshes, 1, 'a file that is not open comes with the workspace pull');
    assert.deepEqual(host.publishes, [], 'a pull client gets nothing pushed');
  });

  it('counts errors and warnings for the status, recomputing only changed files, and notifies only on a change', () => {
    const { host, timers, scheduler } = setup(false);
    host.set('a', [diag('unknown-key', 2)], [diag('unknown-role')]);
    host.set('b', [diag('empty-role', 2), diag('implicit-system-grant', 3)]);
    assert.deepEqual(scheduler.status(), { indexing: true, files: 2, errors: 0, warnings: 0 }, 'nothing counted before the files are checked');
    scheduler.setIndexing(false);
    assert.deepEqual(host.statuses.at(-1), { indexing: false, files: 2, errors: 1, warnings: 2 });
    const computed = host.computed;
    host.set('b', []);
    scheduler.changed(['b']);
    assert.deepEqual(scheduler.status(), { indexing: false, files: 2, errors: 1, warnings: 1 });
    assert.equal(host.computed - computed, 1, 'only the changed file is checked again');
    timers.fire(); // the batch
    timers.fire(); // the status after it
    assert.deepEqual(host.statuses.at(-1), { indexing: false, files: 2, errors: 1, warnings: 1 });
    const sent = host.statuses.length;
    scheduler.changed(['a']);
    timers.fire();
    timers.fire();
    assert.equal(host.statuses.length, sent, 'the same counts are not sent again');
  });
});

describe('diagnostics scheduler and slow files', () => {
  it('pushes a file whose diagnostics are slow to work out once the changes pause, not after every change', () => {
    const { host, timers, scheduler } = indexed(false);
    // `policies` stands for a policy file re-proved over a large workspace: 60 ms a computation.
    const slow = new Set(['policies']);
    const diagnostics = host.diagnostics.bind(host);
    host.diagnostics = (uri: string, localOnly: boolean) => {
      if (slow.has(uri)) for (const until = performance.now() + 60; performance.now() < until; );
      return diagnostics(uri, localOnly);
    };
    host.set('policies', [diag('policy-breach')]);
    scheduler.changed(['policies']);
    timers.fire();
    // Its first push goes out with the batch: nothing says yet that it is slow.
    assert.deepEqual(host.publishes, [['policies', ['policy-breach']]]);
    host.publishes.length = 0;
    // Typing in a team file: every change makes the policy file's diagnostics stale again.
    host.set('policies', []);
    scheduler.changed(['policies', 'b'], 'b');
    scheduler.flush();
    assert.deepEqual(host.publishes, [], 'held while the changes go on');
    const before = new Set(timers.due.keys());
    host.set('policies', [diag('policy-breach'), diag('unknown-principal')]);
    scheduler.changed(['policies', 'b'], 'b');
    scheduler.flush();
    assert.deepEqual(host.publishes, []);
    assert.ok([...before].some((k) => !timers.due.has(k)), 'the wait restarts with the change');
    timers.fire();
    // Once the changes pause: one push, of the newest diagnostics.
    assert.deepEqual(host.publishes, [['policies', ['policy-breach', 'unknown-principal']]]);
    // A file that became quick waits once more (its last computation was slow), then goes with the batch.
    slow.delete('policies');
    host.publishes.length = 0;
    scheduler.changed(['policies']);
    timers.fire();
    assert.deepEqual(host.publishes, []);
    timers.fire();
    assert.deepEqual(host.publishes, [['policies', ['policy-breach', 'unknown-principal']]]);
    host.publishes.length = 0;
    scheduler.changed(['policies']);
    timers.fire();
    assert.deepEqual(host.publishes, [['policies', ['policy-breach', 'unknown-principal']]]);
  });
});

describe('diagnostics scheduler at the end of indexing', () => {
  /** A host whose every analysis takes about `ms` of CPU, like a cross-file check. */
  class SlowHost extends FakeHost {
    constructor(private readonly ms: number) {
      super();
    }
    override diagnostics(uri: string, localOnly: boolean): Diagnostic[] {
      const until = performance.now() + this.ms;
      while (performance.now() < until) {
        // the analysis
      }
      return super.diagnostics(uri, localOnly);
    }
  }

  for (const pull of [false, true]) {
    it(`${pull ? 'counts' : 'pushes'} 400 files in slices with turns of the event loop between them, and sends the status after all of them`, () => {
      const host = new SlowHost(0.5);
      const timers = new ManualTimers();
      const scheduler = new DiagnosticsScheduler(host, { pull, refreshSupport: true, timers });
      for (let i = 0; i < 400; i++) host.set(`f${i}`, [], i % 4 === 0 ? [diag('unknown-role')] : []);
      scheduler.setIndexing(false);
      // The first slice stops after a few milliseconds: requests waiting meanwhile are answered.
      assert.ok(host.computed < 400, `${host.computed} files analysed before the first turn`);
      assert.ok(host.statuses.every((st) => st.indexing), 'no end-of-indexing status before every file is counted');
      let turns = 0;
      while (timers.due.size > 0 && turns < 1000) {
        timers.fire();
        turns++;
      }
      assert.ok(turns > 1, `${turns} turns`);
      if (!pull) assert.deepEqual(host.publishes.map(([u]) => u).sort(), [...Array(100).keys()].map((i) => `f${i * 4}`).sort(), 'each file with findings published once');
      const last = host.statuses[host.statuses.length - 1];
      assert.deepEqual(last, { indexing: false, files: 400, errors: 100, warnings: 0 });
    });
  }

  it('sends at most 16 files\' diagnostics in a slice, however fast they are worked out (each is written after the slice)', () => {
    const host = new FakeHost();
    const resumed: (() => void)[] = [];
    const scheduler = new DiagnosticsScheduler(host, { pull: false, refreshSupport: false, timers: new ManualTimers(), sliceMs: 2, resume: (next) => resumed.push(next) });
    for (let i = 0; i < 400; i++) host.set(`f${i}`, [], [diag('unknown-role')]);
    scheduler.setIndexing(false);
    const perSlice = [host.publishes.length];
    while (resumed.length > 0) {
      const before = host.publishes.length;
      resumed.shift()!();
      perSlice.push(host.publishes.length - before);
    }
    assert.equal(host.publishes.length, 400);
    assert.ok(perSlice.every((n) => n <= 16), perSlice.join(' '));
  });

  it('goes on after each slice the way the server gives it (resume), and stops going on when flushed meanwhile', () => {
    const host = new SlowHost(0.5);
    const timers = new ManualTimers();
    const resumed: (() => void)[] = [];
    const scheduler = new DiagnosticsScheduler(host, { pull: false, refreshSupport: false, timers, sliceMs: 2, resume: (next) => resumed.push(next) });
    for (let i = 0; i < 400; i++) host.set(`f${i}`, [], i % 4 === 0 ? [diag('unknown-role')] : []);
    scheduler.setIndexing(false);
    assert.ok(host.computed < 400, `${host.computed} files analysed in the first slice`);
    assert.equal(timers.due.size, 0, 'no timer: the batch waits for the server to resume it');
    assert.equal(resumed.length, 1);
    // A flush meanwhile (as after the client's own edit) takes the batch further; the old resumption is void.
    const stale = resumed.shift()!;
    scheduler.flush();
    const before = host.publishes.length;
    stale();
    assert.equal(host.publishes.length, before, 'a cancelled resumption publishes nothing');
    let slices = 2;
    while (resumed.length > 0 && slices < 1000) {
      resumed.shift()!();
      slices++;
    }
    assert.ok(slices > 3, `${slices} slices`);
    assert.deepEqual(host.publishes.map(([u]) => u).sort(), [...Array(100).keys()].map((i) => `f${i * 4}`).sort(), 'each file with findings published once');
    while (timers.due.size > 0 || resumed.length > 0) {
      if (resumed.length) resumed.shift()!();
      else timers.fire();
    }
    assert.deepEqual(host.statuses[host.statuses.length - 1], { indexing: false, files: 400, errors: 100, warnings: 0 });
  });
});

describe('open documents', () => {
  const setupDocs = () => {
    const analysed: [string, string, boolean][] = [];
    const timers = new ManualTimers();
    const docs = new OpenDocuments((uri, text, opened) => analysed.push([uri, text, opened]), { largeFile: 100, timers });
    return { analysed, timers, docs };
  };
  const insert = (at: number, text: string) => ({ range: { start: { line: 0, character: at }, end: { line: 0, character: at } }, text });

  it('analyses a small file at every change, and a large one only once typing pauses, with its newest text', () => {
    const { analysed, timers, docs } = setupDocs();
    docs.open('small', 'octopus-roles', 1, 'name: A');
    docs.change('small', 2, [insert(7, 'B')]);
    assert.deepEqual(analysed, [
      ['small', 'name: A', true],
      ['small', 'name: AB', false],
    ]);
    analysed.length = 0;
    const big = 'x'.repeat(200);
    docs.open('big', 'octopus-roles', 1, big);
    for (let v = 2; v < 12; v++) docs.change('big', v, [insert(0, 'y')]);
    assert.deepEqual(analysed, [['big', big, true]], 'opening analyses at once; the ten changes wait');
    assert.equal(docs.isWaiting('big'), true);
    timers.fire();
    assert.deepEqual(analysed.slice(1), [['big', 'y'.repeat(10) + big, false]], 'one analysis, of the newest text');
  });

  it('lets a request about a waiting file wait for its analysis; ContentModified when the text moved on, RequestCancelled when cancelled', async () => {
    const { timers, docs } = setupDocs();
    docs.open('big', 'octopus-roles', 1, 'x'.repeat(200));
    docs.change('big', 2, [insert(0, 'y')]);
    const waiting = docs.current('big', undefined);
    timers.fire();
    await waiting;
    docs.change('big', 3, [insert(0, 'y')]);
    const modified = docs.current('big', undefined);
    docs.change('big', 4, [insert(0, 'y')]);
    timers.fire();
    await assert.rejects(modified, (e: { code?: number }) => e.code === -32801);
    docs.change('big', 5, [insert(0, 'y')]);
    const source = new CancellationTokenSource();
    const cancelled = docs.current('big', source.token);
    source.cancel();
    await assert.rejects(cancelled, (e: { code?: number }) => e.code === -32800);
  });

  it('lets a large file wait for a pause in proportion to what its last analysis cost', () => {
    const pauses: number[] = [];
    const timers: Timers = { set: (_fn, ms) => pauses.push(ms), clear: () => undefined };
    const docs = new OpenDocuments(
      (uri) => {
        // A slow analysis: 60 ms of work; the quick file's costs next to nothing.
        const until = performance.now() + (uri === 'slow' ? 60 : 0);
        while (performance.now() < until) {
          // the analysis
        }
      },
      { largeFile: 100, delayMs: 250, timers },
    );
    docs.open('slow', 'octopus-roles', 1, 'x'.repeat(200));
    docs.open('quick', 'octopus-roles', 1, 'x'.repeat(200));
    docs.change('quick', 2, [insert(0, 'y')]);
    docs.change('slow', 2, [insert(0, 'y')]);
    assert.equal(pauses[0], 50, 'a quick analysis: the shortest pause');
    assert.ok(pauses[1] >= 120 && pauses[1] <= 250, `twice the slow analysis's 60 ms: ${pauses[1]}`);
  });

  it('drops a waiting text on close and analyses every waiting file on settleAll', () => {
    const { analysed, timers, docs } = setupDocs();
    docs.open('one', 'octopus-roles', 1, 'x'.repeat(200));
    docs.open('two', 'octopus-roles', 1, 'x'.repeat(200));
    analysed.length = 0;
    docs.change('one', 2, [insert(0, 'y')]);
    docs.change('two', 2, [insert(0, 'z')]);
    docs.close('one');
    docs.settleAll();
    assert.deepEqual(analysed.map(([uri, text]) => [uri, text[0]]), [['two', 'z']]);
    timers.fire();
    assert.equal(analysed.length, 1, 'nothing left to analyse');
  });
});
