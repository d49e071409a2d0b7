/**
 * The documents the client has open, and when each new text is analysed.
 *
 * A small file is analysed as each change arrives, so that a request right behind an edit answers from
 * the edited text. Parsing a large file takes long (about a second for 2 MB), so its changes wait until
 * typing pauses, and a newer change drops the older text before any work was spent on it. The pause is in
 * proportion to what the file's last analysis cost: twice that, between 50 ms and the set pause. Meanwhile
 * answers about other files come from the large file's last analysed text; a request about the large file
 * itself waits for its analysis, and is answered with ContentModified when the text moved on under it, or
 * RequestCancelled when the client gave up. Requests whose answers point into other files (edits,
 * locations) ask for `settleAll` so that no offset refers to a text the client no longer has.
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import { realTimers, type Timers } from './scheduler';

export interface DocumentsOptions {
  /** From this many characters on, a file's changes wait for a pause in typing. */
  readonly largeFile?: number;
  /** The pause, in ms. */
  readonly delayMs?: number;
  readonly timers?: Timers;
}

/** The shortest pause a large file's changes wait for (ms), however quick its last analysis was. */
const MIN_DELAY_MS = 50;

/** Analyses a text: brings it into the model. `opened` is true for the text of `didOpen`. */
export type Analyse = (uri: string, text: string, opened: boolean) => void;

export class OpenDocuments {
  private readonly docs = new Map<string, TextDocument>();
  /** Large files whose newest text is not analysed yet, with their timers. */
  private readonly waiting = new Map<string, unknown>();
  private readonly listeners = new Map<string, (() => void)[]>();
  /** Per open file, how long its last analysis took (ms). */
  private readonly costs = new Map<string, number>();
  private readonly largeFile: number;
  private readonly delayMs: number;
  private readonly timers: Timers;

  constructor(
    private readonly analyse: Analyse,
    options: DocumentsOptions = {},
  ) {
    this.largeFile = options.largeFile ?? 64 * 1024;
    this.delayMs = options.delayMs ?? 250;
    this.timers = options.timers ?? realTimers;
  }

  /** `textDocument/didOpen`: analysed at once, whatever its size. */
  open(uri: string, languageId: string, version: number, text: string): void {
    this.cancelWait(uri);
    this.docs.set(uri, TextDocument.create(uri, languageId, version, text));
    this.run(uri, text, true);
    this.notify(uri);
  }

  /** `textDocument/didChange`. */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    TextDocument.update(doc, changes, version);
    const delay = this.delayFor(uri, doc.getText().length);
    if (delay === 0) {
      this.settle(uri, true);
      return;
    }
    this.cancelWait(uri);
    this.waiting.set(
      uri,
      this.timers.set(() => this.settle(uri), delay),
    );
  }

  /**
   * How long a change waits for a pause in typing: a small file not at all; a large one twice what its
   * last analysis cost, at least MIN_DELAY_MS and at most the set pause (the whole pause before any).
   */
  private delayFor(uri: string, length: number): number {
    if (length < this.largeFile) return 0;
    const cost = this.costs.get(uri);
    return cost === undefined ? this.delayMs : Math.min(this.delayMs, Math.max(MIN_DELAY_MS, Math.ceil(2 * cost)));
  }

  private run(uri: string, text: string, opened: boolean): void {
    const started = performance.now();
    this.analyse(uri, text, opened);
    this.costs.set(uri, performance.now() - started);
  }

  /** `textDocument/didClose`: the pending text, if any, is dropped. */
  close(uri: string): void {
    this.cancelWait(uri);
    this.docs.delete(uri);
    this.costs.delete(uri);
    this.notify(uri);
  }

  get(uri: string): TextDocument | undefined {
    return this.docs.get(uri);
  }

  /** True while a large file's newest text waits for its analysis. */
  isWaiting(uri: string): boolean {
    return this.waiting.has(uri);
  }

  /** Analyses a waiting file's newest text now (or, with `always`, an open file's text in any case). */
  settle(uri: string, always = false): void {
    const doc = this.docs.get(uri);
    const wasWaiting = this.cancelWait(uri);
    if (!doc || (!wasWaiting && !always)) return;
    this.run(uri, doc.getText(), false);
    this.notify(uri);
  }

  /** Analyses every waiting file now: before answers that hold offsets into other files. */
  settleAll(): void {
    for (const uri of [...this.waiting.keys()]) this.settle(uri);
  }

  /** True when one of `uris` is waiting. */
  anyWaiting(uris: Iterable<string>): boolean {
    if (this.waiting.size === 0) return false;
    for (const u of uris) if (this.waiting.has(u)) return true;
    return false;
  }

  /**
   * Waits until the file's newest text is analysed (at once when it is). When it had to wait, throws
   * RequestCancelled if the token was cancelled meanwhile, and ContentModified if the text changed after
   * the request was sent.
   */
  async current(uri: string, token: CancellationToken | undefined): Promise<void> {
    if (!this.waiting.has(uri)) return;
    const version = this.docs.get(uri)?.version;
    while (this.waiting.has(uri)) {
      if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      await new Promise<void>((resolve) => {
        const subscription = token?.onCancellationRequested(() => done());
        const done = () => {
          subscription?.dispose();
          resolve();
        };
        const list = this.listeners.get(uri) ?? [];
        list.push(done);
        this.listeners.set(uri, list);
      });
    }
    if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    if (this.docs.get(uri)?.version !== version) throw new ResponseError(LSPErrorCodes.ContentModified, 'the document changed while the request waited');
  }

  /** Stops every timer (on shutdown). */
  dispose(): void {
    for (const uri of [...this.waiting.keys()]) this.cancelWait(uri);
    for (const uri of [...this.listeners.keys()]) this.notify(uri);
  }

  private cancelWait(uri: string): boolean {
    const timer = this.waiting.get(uri);
    if (timer === undefined) return false;
    this.timers.clear(timer);
    this.waiting.delete(uri);
    return true;
  }

  private notify(uri: string): void {
    const list = this.listeners.get(uri);
    this.listeners.delete(uri);
    list?.forEach((l) => l());
  }
}
