/** A cancellation signal: the LSP's CancellationToken has this shape. Long work checks it between steps. */
export interface CancelToken {
  readonly isCancellationRequested: boolean;
}
