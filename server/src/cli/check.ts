/**
 * `octopus-roles check [PATH...]`: the findings of the files the PATHs select, each computed with the whole
 * workspace it is in (see load.ts), so that a pre-commit hook naming one changed file gets that file's
 * findings exactly as a check of the whole repository would report them. Output as text (coloured on a
 * terminal), JSON, SARIF or GitHub Actions annotations.
 */
import * as path from 'node:path';
import type { LoadedConfig } from '../node/configs';
import { uriToPath } from '../node/project';
import { finalDiagnostics, LineMap, type Diagnostic } from '../service';
import type { Options } from './args';
import { COLOUR, PLAIN, useColour, type Paint } from './colour';
import { accessLines, fixFiles } from './fix';
import { githubFile, toGithub } from './github';
import { loadWorkspaces, type LoadedWorkspace } from './load';
import { display, jsonText, printable, summary, toJson, toSarif, toText, writeChunked, writeJsonArray, type Finding } from './output';

/** Where the checker writes and what it knows of its surroundings; tests pass their own. */
export interface CheckIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** The environment (`NO_COLOR`, `FORCE_COLOR`, `GITHUB_WORKSPACE`; `pull`'s key); none when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** True when stdout is a terminal: text output is coloured there. */
  readonly isTTY?: boolean;
  /**
   * Why the run must stop, once it must: `interrupted` (a signal) or `closed` (the reader of an output went
   * away). Fixing stops at the next file boundary; nothing more is printed.
   */
  readonly stop?: () => 'interrupted' | 'closed' | undefined;
  /** Told when fixing starts and ends: only then does an interruption wait for the file being written. */
  readonly fixing?: (active: boolean) => void;
}

/** Exit statuses for a run that was stopped, as a shell reports a program stopped by SIGINT or SIGPIPE. */
export const STOPPED = { interrupted: 130, closed: 141 } as const;

/** One workspace's selected files, by display path, and the paths shown for every file. */
interface Selection {
  readonly w: LoadedWorkspace;
  readonly files: string[];
  readonly displayOf: (uri: string) => string;
}

/** Runs `check` with parsed options; returns the exit status. */
export async function runCheck(options: Options, io: CheckIO): Promise<number> {
  const loaded = await loadWorkspaces(options.paths, io, { config: options.config, maxFileSize: options.maxFileSize });
  if (loaded === 2) return 2;
  if (!options.allowEmpty && !saidEmpty(options.paths, loaded, io)) return 2;
  const configFindings: Finding[] = [];
  const selections: Selection[] = [];
  for (const w of loaded) {
    const configs = configFindingsOf(w, options, io);
    if (configs === 2) return 2;
    configFindings.push(...configs);
    selections.push(selectionOf(w, io.cwd));
  }
  if (options.fix) {
    const stop = await fix(selections, options, io);
    if (stop) return STOPPED[stop];
  }
  const findings: Finding[] = [...configFindings.sort((a, b) => compare(a.file, b.file))];
  const files = selections.flatMap((s) => s.files.map((uri) => ({ uri, s, shown: s.displayOf(uri) }))).sort((a, b) => compare(a.shown, b.shown));
  for (const { uri, s } of files) findings.push(...findingsOf(s, uri));
  const stop = io.stop?.();
  if (stop) return STOPPED[stop];
  report(findings, files.length, options, io);
  const errors = findings.filter((f) => f.diagnostic.severity === 'error').length;
  const warnings = findings.filter((f) => f.diagnostic.severity === 'warning').length;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    io.stderr(`octopus-roles: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${options.maxWarnings} allows\n`);
    return 1;
  }
  return errors ? 1 : 0;
}

/**
 * Says which PATHs select no file, as ESLint does for a pattern that matches nothing: a mistyped folder
 * in CI must not pass forever. False when some PATH selects none.
 */
function saidEmpty(paths: readonly string[], loaded: readonly LoadedWorkspace[], io: CheckIO): boolean {
  const given = paths.length ? paths : ['.'];
  const empty = given.filter((_, i) => loaded.every((w) => !w.counts.get(i)));
  for (const arg of empty) io.stderr(`octopus-roles: ${printable(arg)}: no role, team, space or Terraform files to check there (--allow-empty accepts that)\n`);
  return empty.length === 0;
}

/** The selected files of a workspace in display order, with their display paths made once. */
function selectionOf(w: LoadedWorkspace, cwd: string): Selection {
  const pathOf = (uri: string) => uriToPath(uri) ?? uri;
  // Display paths once per file: path.relative is not cheap, and sorting would call it n log n times.
  const displayed = new Map([...w.selected].map((uri) => [uri, display(pathOf(uri), cwd)]));
  const displayOf = (uri: string) => displayed.get(uri) ?? display(pathOf(uri), cwd);
  return { w, files: [...displayed.keys()].sort((a, b) => compare(displayed.get(a)!, displayed.get(b)!)), displayOf };
}

/**
 * The findings of the configuration files that apply to the selected files (a broken one changes what
 * they report), or 2 when the file `--config` names cannot be read.
 */
function configFindingsOf(w: LoadedWorkspace, options: Options, io: CheckIO): Finding[] | 2 {
  for (const config of w.project.configFiles()) {
    if (options.config !== undefined && config.text === '' && config.diagnostics.some((d) => d.code === 'unreadable-file')) {
      io.stderr(`octopus-roles: ${printable(options.config)}: cannot read the configuration file: ${printable(config.diagnostics[0].message)}\n`);
      return 2;
    }
  }
  const applying = new Map<string, LoadedConfig>();
  const folders = new Map<string, string>();
  for (const uri of w.selected) folders.set(path.dirname(uriToPath(uri) ?? uri), uri);
  for (const uri of folders.values()) for (const c of w.project.configsFor(uri)) applying.set(c.uri, c);
  const out: Finding[] = [];
  for (const config of applying.values()) {
    const lines = new LineMap(config.text);
    for (const d of config.diagnostics) out.push({ file: display(config.path, io.cwd), diagnostic: d, range: lines.rangeOf(d.span), related: [] });
  }
  return out;
}

/** A file's findings, with related places. */
function findingsOf(s: Selection, uri: string): Finding[] {
  const { project } = s.w;
  const ws = project.ws;
  const diagnostics: readonly Diagnostic[] = finalDiagnostics(ws, uri, project.settingsFor(uri));
  if (diagnostics.length === 0) return [];
  const lines = ws.lines(uri)!;
  return diagnostics.map((d) => ({
    file: s.displayOf(uri),
    diagnostic: d,
    range: lines.rangeOf(d.span),
    related: (d.related ?? []).map((r) => ({ file: s.displayOf(r.uri), range: (ws.lines(r.uri) ?? lines).rangeOf(r.span), message: r.message })),
  }));
}

/** Applies the safe fixes to the selected files of each workspace; says why the run stopped, if it did. */
async function fix(selections: readonly Selection[], options: Options, io: CheckIO): Promise<'interrupted' | 'closed' | undefined> {
  // Text output goes to stdout with the findings; JSON, SARIF and annotations keep stdout for themselves.
  const report = options.format === 'text' ? io.stdout : io.stderr;
  io.fixing?.(true);
  try {
    for (const { w, files, displayOf } of selections) {
      const finished = await fixFiles(files, {
        ws: w.project.ws,
        scope: { roots: w.roots },
        settingsFor: (uri) => w.project.settingsFor(uri),
        pathOf: (uri) => uriToPath(uri) ?? uri,
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
      });
      const stop = io.stop?.();
      if (!finished && stop) return stop;
    }
  } finally {
    io.fixing?.(false);
  }
  return undefined;
}

/** Writes the findings (errors only with `--quiet`) in the chosen format. */
function report(findings: readonly Finding[], fileCount: number, options: Options, io: CheckIO): void {
  const shown = options.quiet ? findings.filter((f) => f.diagnostic.severity === 'error') : findings;
  switch (options.format) {
    case 'json':
      writeJsonArray(shown, toJson, io.stdout);
      return;
    case 'sarif':
      io.stdout(jsonText(toSarif(shown, io.cwd), 2) + '\n');
      return;
    case 'github': {
      const workspace = io.env?.GITHUB_WORKSPACE;
      writeChunked(shown, (f) => toGithub(f, githubFile(f.file, io.cwd, workspace)), io.stdout);
      io.stdout(summaryLine(shown, findings.length - shown.length, fileCount, PLAIN) + '\n');
      return;
    }
    default: {
      const paint = useColour(options.color, io.env ?? {}, io.isTTY ?? false) ? COLOUR : PLAIN;
      writeChunked(shown, (f) => toText(f, paint), io.stdout);
      io.stdout(summaryLine(shown, findings.length - shown.length, fileCount, paint) + '\n');
    }
  }
}

/** The summary line, coloured by the worst severity shown; it says how many findings `--quiet` hid. */
function summaryLine(shown: readonly Finding[], hidden: number, fileCount: number, paint: Paint): string {
  const hiddenText = hidden ? ` (${hidden} warning${hidden === 1 ? '' : 's'} and notes hidden by --quiet)` : '';
  if (shown.length === 0 && hidden) return paint('ok', `${fileCount} file${fileCount === 1 ? '' : 's'} checked, no errors`) + hiddenText;
  const severities = new Set(shown.map((f) => f.diagnostic.severity));
  const style = severities.has('error') ? 'error' : severities.has('warning') ? 'warning' : shown.length ? 'note' : 'ok';
  return paint(style, summary(shown, fileCount)) + hiddenText;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
