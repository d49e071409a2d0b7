/**
 * The `octopus-roles` command line: each command's entry point (`check` in check.ts), on the same loader
 * (server/src/node) and the same service as the editor, so that both report the same findings on the
 * same files; and the process entry point.
 */
import { VERSION } from '../version';
import { parseArgs, USAGE, UsageError, type Options } from './args';
import { runAccess } from './access';
import { runCheck, STOPPED, type CheckIO } from './check';
import { runDiff } from './diff';
import { runDrift } from './drift';
import { runImport } from './import';
import { runPull } from './pull';
import { runExport } from './export';
import { runInit } from './init';
import { printable } from './output';

export { VERSION };

/**
 * Where the commands write and what they know of their surroundings (tests pass their own): the
 * checker's (`check.ts`), whose environment `pull` also reads its API key from (the process's when absent).
 */
export type CliIO = CheckIO;

/** Runs the checker. Returns the exit status; never throws for bad input. */
export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  if (args[0] === 'explain' || args[0] === 'who-can') return runAccess(args[0], args.slice(1), io);
  if (args[0] === 'diff' && args.some((a) => a === '--live' || a.startsWith('--live='))) return runDrift(args.slice(1), io);
  if (args[0] === 'diff') return runDiff(args.slice(1), io);
  if (args[0] === 'import') return runImport(args.slice(1), io);
  if (args[0] === 'pull') return runPull(args.slice(1), io);
  if (args[0] === 'export') return runExport(args.slice(1), io);
  if (args[0] === 'init') return runInit(args.slice(1), io);
  let options: Options | 'help' | 'version';
  try {
    options = parseArgs(args);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`octopus-roles: ${printable(err.message)}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (options === 'help') {
    io.stdout(USAGE + '\n');
    return 0;
  }
  if (options === 'version') {
    io.stdout(VERSION + '\n');
    return 0;
  }
  return runCheck(options, io);
}

/**
 * The process entry point used by `bin/octopus-roles.js`. A signal (SIGINT, SIGTERM, SIGHUP) ends the run
 * at once, or, while fixing, after the file being written; a reader that closes stdout or stderr (`| head`)
 * ends it at the next file boundary, quietly. Commands that write a run of files (`import`, `pull`,
 * `export`) write it synchronously, so a signal is handled before or after the run, never in it.
 */
export function main(): void {
  let stop: 'interrupted' | 'closed' | undefined;
  let fixing = false;
  // While a file is being fixed, the run ends after it; otherwise there is nothing to finish.
  const interrupt = () => {
    if (!fixing) process.exit(STOPPED.interrupted);
    stop ??= 'interrupted';
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, interrupt);
  // Either output's reader going away stops the run, as SIGPIPE would stop a C program; without a
  // listener, the stream's error would be thrown at the next file boundary and end the run with status 1,
  // its stack trace written to the closed pipe and the JSON report lost. Nothing more goes to a closed one.
  const closed = new Set<NodeJS.WriteStream>();
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      closed.add(stream);
      stop ??= err.code === 'EPIPE' ? 'closed' : 'interrupted';
    });
  }
  const write = (stream: NodeJS.WriteStream) => (t: string) => {
    if (!closed.has(stream)) stream.write(t);
  };
  const io: CliIO = {
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    stop: () => stop,
    fixing: (active) => (fixing = active),
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      for (const s of signals) process.off(s, interrupt);
      process.exitCode = code;
    },
    (err: unknown) => {
      if (!closed.has(process.stderr)) process.stderr.write(`octopus-roles: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
