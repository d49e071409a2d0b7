/** Waiting on the editor's events in end-to-end tests, never sleeping. */
import * as vscode from 'vscode';

/** Resolves when `check` returns a value, re-checked on each event of `events`. */
export function when<T>(what: string, check: () => T | undefined, ...events: vscode.Event<unknown>[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const first = check();
    if (first !== undefined) return resolve(first);
    const subs: vscode.Disposable[] = [];
    const timer = setTimeout(() => {
      subs.forEach((s) => s.dispose());
      reject(new Error(`timed out waiting for ${what}`));
    }, 45000);
    for (const e of events) {
      subs.push(
        e(() => {
          const v = check();
          if (v === undefined) return;
          clearTimeout(timer);
          subs.forEach((s) => s.dispose());
          resolve(v);
        }),
      );
    }
  });
}
