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
 */
export class Sequencer {
  private tail: Promise<unknown> = Promise.resolve();
  private busy = 0;

  /** Runs `work` after every piece of work begun before it: at once, synchronously, when there is none. */
  run(work: () => void | Promise<void>): Promise<void> {
    if (this.busy === 0) {
      const result = work();
      return result instanceof Promise ? this.track(result) : Promise.resolve();
    }
    return this.track(this.tail.then(work));
  }

  /**
   * The work begun so far, to wait for; undefined when there is none. Await the promise itself (no
   * `.then` chain in between): its reactions run in the order they were registered, so a request that
   * arrived before an edit resumes before that edit's analysis, and answers from the text it was sent for.
   */
  idle(): Promise<unknown> | undefined {
    return this.busy > 0 ? this.tail : undefined;
  }

  private track(p: Promise<void>): Promise<void> {
    this.busy++;
    const done = p.finally(() => this.busy--);
    this.tail = done.catch(() => undefined);
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

  constructor(
    private readonly sequencer: Sequencer,
    private readonly logError: (message: string) => void,
  ) {}

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
