/**
 * Colour in the checker's text output, as terminals and CI logs show it: whether to use it (the
 * `--color`/`--no-color` flags, then `FORCE_COLOR`, then `NO_COLOR`, then whether stdout is a terminal,
 * the order Node.js itself follows), and the SGR sequences for each kind of text. Colour wraps text that
 * `printable` has already escaped, so the only escape sequences in the output are these.
 */

/** What a piece of text is, which decides its colour. */
export type Style = 'error' | 'warning' | 'note' | 'path' | 'code' | 'ok';

/** Wraps text in the colour of its style, or returns it as it is. */
export type Paint = (style: Style, text: string) => string;

/** No colour. */
export const PLAIN: Paint = (_style, text) => text;

const SGR: Record<Style, string> = {
  error: '\x1b[31m',
  warning: '\x1b[33m',
  note: '\x1b[36m',
  path: '\x1b[1m',
  code: '\x1b[2m',
  ok: '\x1b[32m',
};
const RESET = '\x1b[0m';

/** ANSI colour. */
export const COLOUR: Paint = (style, text) => (text === '' ? text : `${SGR[style]}${text}${RESET}`);

/**
 * Whether to colour: `flag` when given; else, when `FORCE_COLOR` is set, on for the values Node.js
 * accepts (`''`, `1`, `true`, `2`, `3`) and off for any other; else off when `NO_COLOR` is set and not
 * empty (no-color.org) or `TERM` is `dumb`; else on a terminal only.
 */
export function useColour(flag: boolean | undefined, env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', 'true', '2', '3'].includes(force);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}
