/**
 * The server's lifecycle and the wrapping every handler gets: requests before `initialize` are refused
 * with ServerNotInitialized and requests after `shutdown` with InvalidRequest, as the protocol requires;
 * notifications then are dropped. A handler that throws is logged with its stack and answered with an
 * empty result, so one bad request never takes the server down. Handlers run in order with the model
 * updates that wait for the disk (see `Sequencer`).
 */
import { ErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';

/**
 * Model updates that wait for the disk (a file closed in the editor, changes that watchers report) and the
 * updates queued behind them. Each handler first waits for those begun before it, so that no answer comes
 * from a state older than the messages the client sent before its request.
 *
 * Background work (re-reading the workspace after a configuration change) is queued like the rest, so that
 * the disk work after it waits for it, but requests and the analysis of the user's edits do not: they
 * answer from the model as it is, as they do while the workspace is first read.
 */
export class Sequencer {
  private tail: Promise<unknown> = Promise.resolve();
  private busy = 0;
  /** The last work that is not background work, and how many such pieces are unfinished. */
  private foregroundTail: Promise<unknown> = Promise.resolve();
  private foregroundBusy = 0;

  /** Runs `work` after every piece of work begun before it: at once, synchronously, when there is none. */
  run(work: () => void | Promise<void>): Promise<void> {
    if (this.busy === 0) {
      const result = work();
      return result instanceof Promise ? this.track(result, false) : Promise.resolve();
    }
    return this.track(this.tail.then(work), false);
  }

  /** Runs `work` after every piece of work begun before it; requests and edits do not wait for it. */
  background(work: () => Promise<void>): Promise<void> {
    return this.track(this.busy === 0 ? work() : this.tail.then(work), true);
  }

  /**
   * Runs the analysis of an edit: at once, synchronously, unless work other than background work is
   * pending, and then behind everything begun before it.
   */
  edit(work: () => void): Promise<void> {
    if (this.foregroundBusy > 0) return this.run(work);
    work();
    return Promise.resolve();
  }

  /**
   * The work begun so far that requests wait for, or undefined when there is none. Await the promise
   * itself (no `.then` chain in between): its reactions run in the order they were registered, so a
   * request that arrived before an edit resumes before that edit's analysis, and answers from the text it
   * was sent for.
   */
  idle(): Promise<unknown> | undefined {
    return this.foregroundBusy > 0 ? this.foregroundTail : undefined;
  }

  private track(p: Promise<void>, background: boolean): Promise<void> {
    this.busy++;
    if (!background) this.foregroundBusy++;
    const done = p.finally(() => {
      this.busy--;
      if (!background) this.foregroundBusy--;
    });
    this.tail = done.catch(() => undefined);
    if (!background) this.foregroundTail = this.tail;
    return done;
  }
}

export type Phase = 'starting' | 'running' | 'shut down';

/** An error answer. Its `data` is never set, so it fits every request's error type. */
export type Refusal = ResponseError<never>;

export function refuse(code: number, message: string): Refusal {
  return new ResponseError<never>(code, message);
}

type Answer<R> = R | Refusal;

export class Lifecycle {
  phase: Phase = 'starting';
  /** True when a message was handled since `takeHandled` was last called. */
  private handled = false;

  constructor(
    private readonly sequencer: Sequencer,
    private readonly logError: (message: string) => void,
  ) {}

  /**
   * Whether a message was handled since the last call: its answer or the diagnostics it caused may be
   * queued for writing, and background work lets them out first (node/walk.ts, `Slicer`).
   */
  takeHandled(): boolean {
    const handled = this.handled;
    this.handled = false;
    return handled;
  }

  /** The error for a request that the current phase does not allow, if any. */
  refusal(): Refusal | undefined {
    if (this.phase === 'starting') return refuse(ErrorCodes.ServerNotInitialized, 'The server has not been initialized yet: send "initialize" first.');
    if (this.phase === 'shut down') return refuse(ErrorCodes.InvalidRequest, 'The server is shutting down: it accepts no more requests.');
    return undefined;
  }

  /** Wraps a request handler. `fallback` answers a handler that throws. */
  request<P, R>(name: string, fallback: R, fn: (params: P, token: CancellationToken) => Answer<R> | Promise<Answer<R>>) {
    return async (params: P, token: CancellationToken): Promise<Answer<R>> => {
      const refused = this.refusal();
      if (refused) return refused;
      try {
        const before = this.sequencer.idle();
        if (before) await before;
        // No other await before `fn`: it runs in the same turn, on the model as it is now.
        return await fn(params, token);
      } catch (err) {
        if (err instanceof ResponseError) return refuse(err.code, err.message);
        this.logError(`${name} failed: ${describe(err)}`);
        return fallback;
      } finally {
        this.handled = true;
      }
    };
  }

  /** Wraps a notification handler; the notification is dropped outside the running phase. */
  notification<P>(name: string, fn: (params: P) => void | Promise<void>) {
    return async (params: P): Promise<void> => {
      if (this.phase !== 'running') return;
      try {
        await fn(params);
      } catch (err) {
        this.logError(`${name} failed: ${describe(err)}`);
      } finally {
        this.handled = true;
      }
    };
  }
}

/**
 * Runs the steps in order, each of which may return something to wait for, then `answer`. A step with
 * nothing to wait for costs no turn of the event loop, so the answer comes from the model as it is when
 * the request is handled, not after edits that arrived behind it.
 */
export function afterSteps<R>(steps: readonly (() => Promise<unknown> | undefined)[], answer: () => R): R | Promise<R> {
  for (let i = 0; i < steps.length; i++) {
    const wait = steps[i]();
    if (wait) return wait.then(() => afterSteps(steps.slice(i + 1), answer));
  }
  return answer();
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.stack ?? err.message : String(err);
}
