/**
 * The diagnostics scheduler: which files' diagnostics may have changed, and how the client learns it.
 *
 * Every change bumps the file's version at once, so a pull that follows an edit is never told
 * "unchanged". Changed files are collected for a short batch; then push clients get one
 * `publishDiagnostics` per file, and pull clients have their held `workspace/diagnostic` request woken
 * (and, when an open file changed because of an edit elsewhere, a `workspace/diagnostic/refresh`).
 *
 * While the workspace is being read (`indexing`), only findings that no other file can change are
 * reported: an `unknown-role` for a role in a file not read yet would be false. Files that are not open
 * wait for the end of indexing, when every file counts as changed. A file the client opens is always
 * published once, empty when it is clean, so that a push client knows it was checked.
 *
 * It knows nothing of the connection: the server passes functions in, and the unit tests drive it directly.
 */
import type { CancellationToken, Diagnostic as LspDiagnostic, DocumentDiagnosticReport, WorkspaceDiagnosticReport, WorkspaceDocumentDiagnosticReport } from 'vscode-languageserver/node';

/** What the scheduler needs from the server. */
export interface SchedulerHost {
  /** A file's diagnostics; only those that no other file can change when `localOnly`. */
  diagnostics(uri: string, localOnly: boolean): LspDiagnostic[];
  /** Every file of the workspace. */
  files(): Iterable<string>;
  /** True when the workspace holds the file. */
  has(uri: string): boolean;
  isOpen(uri: string): boolean;
  /** `textDocument/publishDiagnostics` (push clients). */
  publish(uri: string, diagnostics: LspDiagnostic[]): void;
  /** `workspace/diagnostic/refresh` (pull clients that support it). */
  refresh(): void;
  /** The `octopusRoles/status` notification. */
  status(status: Status): void;
}

/** The indexing state and counts that a status item shows (`octopusRoles/status`). */
export interface Status {
  /** True while the workspace is being read. */
  readonly indexing: boolean;
  /** Files in the model (read so far, while indexing). */
  readonly files: number;
  readonly errors: number;
  readonly warnings: number;
}

/** Timers, injectable so that tests decide when a batch is flushed. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SchedulerOptions {
  /** The client pulls diagnostics (LSP 3.17); otherwise they are pushed. */
  readonly pull: boolean;
  /** The client accepts `workspace/diagnostic/refresh`. */
  readonly refreshSupport: boolean;
  readonly timers?: Timers;
  /** How long changes are collected before the client is told (ms). */
  readonly batchMs?: number;
  /** The least time between two status notifications (ms). */
  readonly statusMs?: number;
  /** The longest a slice of a large batch runs before other messages are let through (ms; SLICE_MS). */
  readonly sliceMs?: number;
  /**
   * How a large batch goes on after a slice: by default on a timer of 0 ms. The server gives the event
   * loop away until the messages read meanwhile are answered (node/walk.ts, `giveWay`): behind a timer, a
   * message read during one slice was handled after the next and answered after the one after that.
   */
  readonly resume?: (next: () => void) => void;
}

const ERROR = 1;
const WARNING = 2;
/**
 * The longest a batch of pushed diagnostics, or of counts for the status, runs before it yields to other
 * messages (ms), once it has done at least SLICE_MIN files.
 */
const SLICE_MS = 8;
const SLICE_MIN = 4;
/**
 * The most diagnostics a slice of a large batch sends. Each is encoded and written after the slice, in
 * turns of the event loop queued ahead of any message read meanwhile: fifty files with findings (2 ms of
 * working them out) took another 3 ms to write, which a file opened then waited for as well.
 */
const SENT_PER_SLICE = 16;

/** A batch or a status count going on after a slice through `resume`; cancelled like a timer. */
class Resumption {
  cancelled = false;
}
/**
 * A file whose diagnostics took longer than this to work out (ms) is a slow dependent: pushed when the
 * changes that affect it pause (twice its cost, at most SLOW_WAIT_MAX_MS), not after every keystroke in
 * another file. A policy file re-proved over a large workspace is one; without the wait it would hold
 * every request behind it while the user types in a team file.
 */
const SLOW_FILE_MS = 50;
const SLOW_WAIT_MAX_MS = 1000;
/** However long the changes go on, a slow file is pushed at least this often (ms). */
const SLOW_STARVE_MS = 10_000;

export class DiagnosticsScheduler {
  private readonly timers: Timers;
  private readonly batchMs: number;
  private readonly sliceMs: number;
  private readonly statusMs: number;
  /** Per file, a number that changes whenever its diagnostics may have: part of the pull result id. */
  private readonly versions = new Map<string, number>();
  /** Distinguishes this server's result ids from those of an earlier one the client may still hold. */
  private readonly session = Date.now().toString(36);
  private pending = new Set<string>();
  /** Files last changed by the client's own edit in this batch: it pulls those anyway, so they need no refresh. */
  private typedIn = new Set<string>();
  /** Opened files that get a publish even when clean. */
  private readonly announce = new Set<string>();
  /** Files whose last push was not empty. */
  private readonly pushed = new Set<string>();
  private waiters: (() => void)[] = [];
  private batch: unknown;
  private statusTimer: unknown;
  private lastStatus = '';
  /** The status waits for the batch being pushed in slices (see `sendStatus`). */
  private statusAfterFlush = false;
  /** Per file with any, its errors and warnings as last computed; recomputed for `staleCounts` on demand. */
  private readonly counts = new Map<string, readonly [number, number]>();
  private readonly staleCounts = new Set<string>();
  /** A server starts without having read anything: until `setIndexing(false)`, findings are file-local. */
  private indexingNow = true;
  private disposed = false;
  /** Slow files (see SLOW_FILE_MS) with what their diagnostics last cost (ms). */
  private readonly slowCosts = new Map<string, number>();
  /** Slow files waiting for a pause: their timer, and when they first started waiting. */
  private readonly slowWaits = new Map<string, { timer: unknown; since: number }>();

  constructor(
    private readonly host: SchedulerHost,
    private readonly options: SchedulerOptions,
  ) {
    this.timers = options.timers ?? realTimers;
    this.batchMs = options.batchMs ?? 15;
    this.sliceMs = options.sliceMs ?? SLICE_MS;
    this.statusMs = options.statusMs ?? 500;
  }

  get indexing(): boolean {
    return this.indexingNow;
  }

  /** The pull result id of a file's current diagnostics. */
  resultId(uri: string): string {
    return `${this.session}:${this.versions.get(uri) ?? 0}`;
  }

  /**
   * The diagnostics of `uris` may have changed. `typedIn` is the file the client edited, if the change
   * came from an edit: a pull client asks for that one itself.
   */
  changed(uris: Iterable<string>, typedIn?: string): void {
    for (const u of uris) {
      // Changed by something other than the client's own edit: the client cannot know, so it needs a refresh.
      if (u !== typedIn) this.typedIn.delete(u);
      this.pending.add(u);
      this.staleCounts.add(u);
      // Versions make pull result ids; a push client never sees one, so none is kept per file for it.
      if (this.options.pull) this.versions.set(u, (this.versions.get(u) ?? 0) + 1);
    }
    if (typedIn !== undefined) this.typedIn.add(typedIn);
    if (this.batch === undefined && this.pending.size > 0 && !this.disposed) this.batch = this.timers.set(() => this.flush(), this.batchMs);
  }

  /** The client opened a file: it is published once even when clean. */
  opened(uri: string): void {
    if (!this.options.pull) this.announce.add(uri);
    this.changed([uri], uri);
  }

  /** Publishes one file now, outside the batch: the file being typed in (push clients). */
  publishNow(uri: string): void {
    if (this.options.pull) return;
    this.pending.delete(uri);
    this.publish(uri);
  }

  /** Tells the client about the batch now. */
  flush(): void {
    this.cancel(this.batch);
    this.batch = undefined;
    const typed = this.typedIn;
    this.typedIn = new Set();
    if (this.options.pull) {
      const uris = [...this.pending];
      this.pending = new Set();
      this.wake();
      if (this.options.refreshSupport && uris.some((u) => !typed.has(u) && this.host.isOpen(u))) this.host.refresh();
    } else {
      // Files that are not open wait for the end of indexing, which marks every file changed; a file that
      // has left the workspace will not be among them, so its last findings are cleared now. A large
      // batch (the end of indexing: every file) goes out in slices, so that requests are answered
      // meanwhile; what is left stays pending, in order, for the next slice (taken from the front of the
      // set, so a slice costs what it publishes, not what is left).
      const started = performance.now();
      let done = 0;
      let sent = 0;
      for (const u of this.pending) {
        if (done++ >= SLICE_MIN && (performance.now() - started > this.sliceMs || sent >= SENT_PER_SLICE)) {
          if (!this.disposed) this.batch = this.later(() => this.flush());
          return;
        }
        this.pending.delete(u);
        if (!typed.has(u) && this.deferSlow(u)) continue;
        if ((!this.indexingNow || this.host.isOpen(u) || !this.host.has(u)) && this.publish(u)) sent++;
      }
      if (this.statusAfterFlush) {
        this.statusAfterFlush = false;
        this.sendStatus();
        return;
      }
    }
    this.scheduleStatus();
  }

  /** Runs `next` after a slice: through `resume` when the server gave one, else on a timer of 0 ms. */
  private later(next: () => void): unknown {
    const resume = this.options.resume;
    if (!resume) return this.timers.set(next, 0);
    const handle = new Resumption();
    resume(() => {
      if (!handle.cancelled) next();
    });
    return handle;
  }

  private cancel(handle: unknown): void {
    if (handle instanceof Resumption) handle.cancelled = true;
    else if (handle !== undefined) this.timers.clear(handle);
  }

  /** Starts or ends the reading of the workspace. At its end every file's diagnostics go out in full. */
  setIndexing(on: boolean): void {
    if (this.indexingNow === on) return;
    this.indexingNow = on;
    if (!on) {
      this.changed(this.host.files());
      this.flush();
    }
    this.sendStatus();
  }

  /** The answer to `textDocument/diagnostic`. */
  documentReport(uri: string, previousResultId: string | undefined): DocumentDiagnosticReport {
    const resultId = this.resultId(uri);
    if (previousResultId === resultId) return { kind: 'unchanged', resultId };
    return { kind: 'full', resultId, items: this.compute(uri) };
  }

  /**
   * The answer to `workspace/diagnostic`: every file whose result id differs from the one the client
   * holds. When none does (or the workspace is still being read) the request is held until something
   * changes or the client cancels it. The token is checked between files, and the work yields to other
   * messages every few milliseconds, so that a cancellation can arrive.
   */
  async workspaceReport(previous: readonly { uri: string; value: string }[], token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    const held = new Map(previous.map((p) => [p.uri, p.value]));
    while (!token.isCancellationRequested && !this.disposed) {
      if (!this.indexingNow) {
        const items = await this.collect(held, token);
        if (items.length > 0 && !token.isCancellationRequested) return { items };
      }
      await this.nextChange(token);
    }
    return { items: [] };
  }

  /** The indexing state and counts, recomputing the files that changed since they were last counted. */
  status(): Status {
    for (const u of this.staleCounts) {
      if (this.host.has(u)) this.compute(u);
      else this.counts.delete(u);
    }
    this.staleCounts.clear();
    let errors = 0;
    let warnings = 0;
    for (const [e, w] of this.counts.values()) {
      errors += e;
      warnings += w;
    }
    let files = 0;
    for (const _ of this.host.files()) files++;
    return { indexing: this.indexingNow, files, errors, warnings };
  }

  /**
   * Sends the status now if it differs from the last one sent. After a change to many files (the end of
   * indexing) it waits for a push client's diagnostics to go out, and brings the counts up to date a
   * slice at a time, so that requests are answered meanwhile.
   */
  sendStatus(): void {
    this.cancel(this.statusTimer);
    this.statusTimer = undefined;
    if (this.disposed) return;
    if (!this.options.pull && this.batch !== undefined && this.pending.size > SLICE_MIN) {
      this.statusAfterFlush = true;
      return;
    }
    const started = performance.now();
    let done = 0;
    for (const u of this.staleCounts) {
      if (done++ >= SLICE_MIN && performance.now() - started > this.sliceMs) {
        this.statusTimer = this.later(() => this.sendStatus());
        return;
      }
      if (this.host.has(u)) this.compute(u);
      else {
        this.counts.delete(u);
        this.staleCounts.delete(u);
      }
    }
    const status = this.status();
    const text = JSON.stringify(status);
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    this.host.status(status);
  }

  /** Releases held requests and stops the timers (on shutdown). */
  dispose(): void {
    this.disposed = true;
    this.cancel(this.batch);
    this.cancel(this.statusTimer);
    for (const { timer } of this.slowWaits.values()) this.timers.clear(timer);
    this.slowWaits.clear();
    this.batch = this.statusTimer = undefined;
    this.wake();
  }

  /**
   * Holds a slow file's push until the changes pause (the wait restarts with each change, up to
   * SLOW_STARVE_MS after the first); false for a file that is not slow, or while the workspace is read.
   */
  private deferSlow(uri: string): boolean {
    const cost = this.slowCosts.get(uri);
    if (cost === undefined || this.indexingNow || !this.host.has(uri)) return false;
    const now = Date.now();
    const waiting = this.slowWaits.get(uri);
    if (waiting && now - waiting.since > SLOW_STARVE_MS) return false;
    if (waiting) this.timers.clear(waiting.timer);
    const timer = this.timers.set(() => {
      this.slowWaits.delete(uri);
      if (!this.disposed) this.publish(uri);
    }, Math.min(SLOW_WAIT_MAX_MS, Math.max(this.batchMs, Math.ceil(2 * cost))));
    this.slowWaits.set(uri, { timer, since: waiting?.since ?? now });
    return true;
  }

  private scheduleStatus(): void {
    if (this.statusTimer === undefined && !this.disposed) this.statusTimer = this.timers.set(() => this.sendStatus(), this.statusMs);
  }

  private compute(uri: string): LspDiagnostic[] {
    const diagnostics = this.host.has(uri) ? this.host.diagnostics(uri, this.indexingNow) : [];
    let errors = 0;
    let warnings = 0;
    for (const d of diagnostics) {
      if (d.severity === ERROR) errors++;
      else if (d.severity === WARNING) warnings++;
    }
    // Only files with findings are kept: most files have none, and a pair per file adds up over 50,000.
    if (this.host.has(uri) && errors + warnings > 0) this.counts.set(uri, [errors, warnings]);
    else this.counts.delete(uri);
    this.staleCounts.delete(uri);
    return diagnostics;
  }

  /** Works out a file's diagnostics and sends them if the client needs them; true when they were sent. */
  private publish(uri: string): boolean {
    const waiting = this.slowWaits.get(uri);
    if (waiting) this.timers.clear(waiting.timer);
    this.slowWaits.delete(uri);
    const started = performance.now();
    const diagnostics = this.compute(uri);
    const cost = performance.now() - started;
    if (cost > SLOW_FILE_MS) this.slowCosts.set(uri, cost);
    else this.slowCosts.delete(uri);
    const announce = this.announce.delete(uri);
    if (diagnostics.length === 0 && !this.pushed.has(uri) && !announce) return false;
    if (diagnostics.length > 0) this.pushed.add(uri);
    else this.pushed.delete(uri);
    this.host.publish(uri, diagnostics);
    return true;
  }

  private async collect(held: ReadonlyMap<string, string>, token: CancellationToken): Promise<WorkspaceDocumentDiagnosticReport[]> {
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    let slice = performance.now();
    for (const uri of [...this.host.files()]) {
      if (token.isCancellationRequested) return [];
      if (performance.now() - slice > this.sliceMs) {
        const resume = this.options.resume;
        await new Promise<void>((resolve) => (resume ? resume(resolve) : setImmediate(resolve)));
        slice = performance.now();
        if (!this.host.has(uri)) continue;
      }
      const resultId = this.resultId(uri);
      if (held.get(uri) === resultId) continue;
      items.push({ kind: 'full', uri, version: null, resultId, items: this.compute(uri) });
    }
    // Files the client holds results for that are gone: an empty report, once.
    for (const [uri, value] of held) {
      const resultId = this.resultId(uri);
      if (value !== resultId && !this.host.has(uri) && !this.host.isOpen(uri)) items.push({ kind: 'full', uri, version: null, resultId, items: [] });
    }
    return items;
  }

  private nextChange(token: CancellationToken): Promise<void> {
    return new Promise((resolve) => {
      const subscription = token.onCancellationRequested(() => done());
      const done = () => {
        subscription.dispose();
        resolve();
      };
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}

/**
 * Work that many events ask for and one run answers: re-reading the configuration, which a branch switch
 * or a formatter run asks for hundreds of times in a burst. A request starts (or restarts) a short wait,
 * and the work runs once the requests stop for `quietMs`, or `maxWaitMs` after the first of them when
 * they keep coming. Requests made while the work runs lead to one more run after it.
 */
export class Coalescer {
  private timer: unknown;
  private firstAt = 0;
  private running = false;
  private again = false;
  private disposed = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly timers: Timers = realTimers,
    private readonly quietMs = 150,
    private readonly maxWaitMs = 1000,
  ) {}

  request(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const now = performance.now();
    if (this.timer === undefined) this.firstAt = now;
    else this.timers.clear(this.timer);
    const wait = Math.max(0, Math.min(this.quietMs, this.firstAt + this.maxWaitMs - now));
    this.timer = this.timers.set(() => void this.fire(), wait);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    try {
      await this.work();
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.request();
      }
    }
  }
}
