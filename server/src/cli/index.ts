/**
 * `octopus-roles check [PATH...]`: the command-line checker, on the same loader (server/src/node) and the
 * same service as the editor, so that both report the same findings on the same files.
 */
import { uriToPath, type Project } from '../node/project';
import { finalDiagnostics, LineMap, type Diagnostic } from '../service';
import { VERSION } from '../version';
import { parseArgs, USAGE, UsageError, type Options } from './args';
import { accessLines, fixFiles } from './fix';
import { loadPaths } from './load';
import { runAccess } from './access';
import { runDiff } from './diff';
import { runDrift } from './drift';
import { runImport } from './import';
import { runPull } from './pull';
import { runExport } from './export';
import { runInit } from './init';
import { display, jsonText, printable, summary, toGithub, toJson, toSarif, toText, writeChunked, writeJsonArray, type Finding } from './output';

export { VERSION };

/** Where the checker writes; tests pass their own. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** The environment variables `pull` reads its API key from (the process's when absent). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Why the run must stop, once it must: `interrupted` (a signal) or `closed` (the reader of stdout went
   * away). Fixing stops at the next file boundary; nothing more is printed.
   */
  readonly stop?: () => 'interrupted' | 'closed' | undefined;
  /** Told when fixing starts and ends: only then does an interruption wait for the file being written. */
  readonly fixing?: (active: boolean) => void;
}

/** Exit statuses for a run that was stopped, as a shell reports a program stopped by SIGINT or SIGPIPE. */
const STOPPED = { interrupted: 130, closed: 141 } as const;

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

/** `check`: loads the PATHs, fixes them with `--fix`, prints the findings. */
async function runCheck(options: Options, io: CliIO): Promise<number> {
  const loaded = await loadPaths(options.paths, io, { config: options.config, maxFileSize: options.maxFileSize });
  if (loaded === 2) return 2;
  const { project, roots } = loaded;
  const configFindings = configFindingsOf(project, options, io);
  if (configFindings === 2) return 2;

  const ws = project.ws;
  const pathOf = (uri: string) => uriToPath(uri) ?? uri;
  // Display paths once per file: path.relative is not cheap, and sorting would call it n log n times.
  const displayed = new Map([...ws.uris()].map((uri) => [uri, display(pathOf(uri), io.cwd)]));
  const displayOf = (uri: string) => displayed.get(uri) ?? display(pathOf(uri), io.cwd);
  const files = [...displayed.keys()].sort((a, b) => compare(displayed.get(a)!, displayed.get(b)!));
  if (options.fix) {
    const finished = await fixAndReport(project, files, roots, options, io, pathOf, displayOf);
    const stop = io.stop?.();
    if (!finished && stop) return STOPPED[stop];
  }

  const findings: Finding[] = [...configFindings, ...findingsOf(project, files, displayOf)];
  const stop = io.stop?.();
  if (stop) return STOPPED[stop];
  switch (options.format) {
    case 'json':
      writeJsonArray(findings, toJson, io.stdout);
      break;
    case 'sarif':
      io.stdout(jsonText(toSarif(findings, io.cwd), 2) + '\n');
      break;
    case 'github':
      // The commands become annotations and vanish from the log; the summary line stays for people.
      writeChunked(findings, toGithub, io.stdout);
      if (findings.length) io.stdout(summary(findings, files.length) + '\n');
      break;
    default:
      if (findings.length) {
        writeChunked(findings, toText, io.stdout);
        io.stdout(summary(findings, files.length) + '\n');
      }
  }
  return findings.some((f) => f.diagnostic.severity === 'error') ? 1 : 0;
}

/** The findings of the configuration files; 2 when the one `--config` names cannot be read. */
function configFindingsOf(project: Project, options: Options, io: CliIO): Finding[] | 2 {
  const findings: Finding[] = [];
  for (const config of project.configFiles()) {
    if (options.config !== undefined && config.text === '' && config.diagnostics.some((d) => d.code === 'unreadable-file')) {
      io.stderr(`octopus-roles: ${printable(options.config)}: cannot read the configuration file: ${printable(config.diagnostics[0].message)}\n`);
      return 2;
    }
    const lines = new LineMap(config.text);
    for (const d of config.diagnostics) findings.push({ file: display(config.path, io.cwd), diagnostic: d, range: lines.rangeOf(d.span), related: [] });
  }
  return findings;
}

/** `--fix`: fixes the files one by one, reporting each; false when stopped before the end. */
function fixAndReport(
  project: Project,
  files: readonly string[],
  roots: readonly string[],
  options: Options,
  io: CliIO,
  pathOf: (uri: string) => string,
  displayOf: (uri: string) => string,
): Promise<boolean> {
  // Text output goes to stdout with the findings; JSON and SARIF keep stdout for the document.
  const report = options.format === 'text' ? io.stdout : io.stderr;
  io.fixing?.(true);
  return fixFiles(files, {
    ws: project.ws,
    scope: { roots },
    settingsFor: (uri) => project.settingsFor(uri),
    pathOf,
    fixed: (uri, applied, access) => {
      if (io.stop?.()) return;
      report(`${printable(displayOf(uri))}: fixed ${applied.length} problem${applied.length === 1 ? '' : 's'}\n${applied.map((t) => `  ${printable(t)}\n`).join('')}${accessLines(access)}`);
    },
    notFixed: (uri, why) => {
      if (!io.stop?.()) io.stderr(`octopus-roles: ${printable(displayOf(uri))}: not fixed: ${printable(why)}\n`);
    },
    withheld: (uri, titles) => {
      if (io.stop?.()) return;
      const lines = titles.map((t) => `  ${printable(t)}\n`).join('');
      report(`${printable(displayOf(uri))}: left ${titles.length} fix${titles.length === 1 ? '' : 'es'} for you to choose in the editor, since ${titles.length === 1 ? 'it grants' : 'they grant'} access:\n${lines}`);
    },
    stopped: () => io.stop?.() !== undefined,
  }).finally(() => io.fixing?.(false));
}

/** Every file's final diagnostics, with display paths and ranges. */
function findingsOf(project: Project, files: readonly string[], displayOf: (uri: string) => string): Finding[] {
  const ws = project.ws;
  const findings: Finding[] = [];
  for (const uri of files) {
    const diagnostics: readonly Diagnostic[] = finalDiagnostics(ws, uri, project.settingsFor(uri));
    if (diagnostics.length === 0) continue;
    const lines = ws.lines(uri)!;
    for (const d of diagnostics) {
      findings.push({
        file: displayOf(uri),
        diagnostic: d,
        range: lines.rangeOf(d.span),
        related: (d.related ?? []).map((r) => ({
          file: displayOf(r.uri),
          range: (ws.lines(r.uri) ?? lines).rangeOf(r.span),
          message: r.message,
        })),
      });
    }
  }
  return findings;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
  runCli(process.argv.slice(2), { stdout: write(process.stdout), stderr: write(process.stderr), cwd: process.cwd(), stop: () => stop, fixing: (active) => (fixing = active) }).then(
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
