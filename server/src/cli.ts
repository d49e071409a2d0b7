/**
 * `octopus-roles check [PATH...]`: the command-line checker, on the same service as the editor.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findConfigFile, findWorkspaceFiles, forEachLimited, readWorkspaceFile } from './node/files';
import { ensureTerraform } from './node/terraform';
import {
  CONFIG_FILE_NAME,
  finalDiagnostics,
  fixAll,
  isTerraformPath,
  kindOfPath,
  needsTerraformGrammar,
  LineMap,
  mergeSettings,
  parseConfig,
  parseSize,
  RULE_CODES,
  RULES,
  ruleDocsUrl,
  Workspace,
  type Diagnostic,
  type Range,
  type Settings,
} from './service';
import { VERSION } from './version';

export { VERSION };

/** Where the checker writes; tests pass their own. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

type Format = 'text' | 'json' | 'sarif';

interface Options {
  format: Format;
  paths: string[];
  config?: string;
  maxFileSize?: number;
  fix: boolean;
}

class UsageError extends Error {}

const USAGE = `Usage: octopus-roles check [PATH...] [options]

Checks the Octopus Deploy role, team and space files (*.role.yaml, *.team.yaml, *.space.yaml) of a
workspace, and the Terraform files (*.tf, each folder a module) that use the Octopus provider. PATH is a
folder or a file; the default is the current folder. All PATHs form one workspace.

Options:
  --format text|json|sarif   output format (default: text)
  --config FILE              use this configuration file instead of the nearest ${CONFIG_FILE_NAME}
  --max-file-size SIZE       skip files larger than SIZE (such as 2MB, 512KB); overrides the configuration
  --fix                      apply the safe fixes to the files, print what changed, then report what is left
  -h, --help                 show this help
  -v, --version              show the version

Exit status: 0 no errors, 1 errors found, 2 bad usage or a PATH that does not exist.`;

function parseArgs(args: readonly string[]): Options | 'help' | 'version' {
  if (args.length === 0) throw new UsageError('missing command; did you mean `octopus-roles check`?');
  const [command, ...rest] = args;
  if (command === '-h' || command === '--help' || command === 'help') return 'help';
  if (command === '-v' || command === '--version') return 'version';
  if (command !== 'check') throw new UsageError(`unknown command \`${command}\`; the command is \`check\``);
  const options: Options = { format: 'text', paths: [], fix: false };
  const value = (i: number, flag: string): string => {
    const v = rest[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < rest.length; i++) {
    let arg = rest[i];
    let inline: string | undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const take = (flag: string): string => {
      if (inline !== undefined) return inline;
      const v = value(i, flag);
      i++;
      return v;
    };
    switch (arg) {
      case '-h':
      case '--help':
        return 'help';
      case '-v':
      case '--version':
        return 'version';
      case '-f':
      case '--format': {
        const f = take('--format');
        if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`unknown format \`${f}\`; use text, json or sarif`);
        options.format = f;
        break;
      }
      case '--config':
        options.config = take('--config');
        break;
      case '--fix':
        if (inline !== undefined) throw new UsageError('--fix takes no value');
        options.fix = true;
        break;
      case '--max-file-size': {
        const raw = take('--max-file-size');
        const size = parseSize(raw);
        if (size === undefined) throw new UsageError(`--max-file-size: \`${raw}\` is not a size such as 2MB or 512KB`);
        options.maxFileSize = size;
        break;
      }
      case '--':
        options.paths.push(...rest.slice(i + 1));
        i = rest.length;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option \`${arg}\``);
        options.paths.push(rest[i]);
    }
  }
  return options;
}

/** One diagnostic with the file it belongs to, ready for output. */
interface Finding {
  readonly file: string;
  readonly diagnostic: Diagnostic;
  readonly range: Range;
  readonly related: { file: string; range: Range; message: string }[];
}

/** Runs the checker. Returns the exit status; never throws for bad input. */
export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  let options: Options | 'help' | 'version';
  try {
    options = parseArgs(args);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`octopus-roles: ${err.message}\n\n${USAGE}\n`);
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
  const inputs = (options.paths.length ? options.paths : ['.']).map((p) => path.resolve(io.cwd, p));
  const dirs: string[] = [];
  const files: string[] = [];
  for (const [i, input] of inputs.entries()) {
    const stat = await fs.stat(input).catch(() => undefined);
    const given = options.paths[i] ?? '.';
    if (!stat) {
      io.stderr(`octopus-roles: ${given}: no such file or folder\n`);
      return 2;
    }
    if (stat.isDirectory()) dirs.push(input);
    else if (kindOfPath(input)) files.push(input);
    else {
      io.stderr(`octopus-roles: ${given}: not a role, team, space or Terraform file (*.role.yaml, *.team.yaml, *.space.yaml, *.tf)\n`);
      return 2;
    }
  }

  const configPath = options.config ? path.resolve(io.cwd, options.config) : await findConfigFile(dirs[0] ?? path.dirname(files[0]));
  let configFinding: Finding[] = [];
  let settings: Settings = mergeSettings({});
  if (configPath) {
    const text = await fs.readFile(configPath, 'utf8').catch(() => undefined);
    if (text === undefined) {
      io.stderr(`octopus-roles: ${options.config ?? configPath}: cannot read the configuration file\n`);
      return 2;
    }
    const parsed = parseConfig(text);
    settings = parsed.settings;
    const lines = new LineMap(text);
    configFinding = parsed.diagnostics.map((d) => ({ file: display(configPath, io.cwd), diagnostic: d, range: lines.rangeOf(d.span), related: [] }));
  }
  if (options.maxFileSize !== undefined) settings = mergeSettings(settings, { maxFileSize: options.maxFileSize });

  const found = await findWorkspaceFiles(dirs, (dir, reason) => io.stderr(`octopus-roles: skipped ${display(dir, io.cwd)}: ${reason}\n`));
  let all = [...new Set([...found, ...files])];
  // Terraform files (SPEC section 9): off with `terraform: false`; the grammar loads only when there are some.
  if (settings.terraform === false) all = all.filter((f) => !isTerraformPath(f));
  const ws = new Workspace();
  let grammarProblem = false;
  await forEachLimited(all, async (file) => {
    const read = await readWorkspaceFile(file, settings.maxFileSize);
    // The grammar loads with the first file that uses the provider (once; the promise is shared).
    if ('text' in read && needsTerraformGrammar(file, read.text)) {
      try {
        await ensureTerraform();
      } catch (err) {
        if (!grammarProblem) io.stderr(`octopus-roles: cannot load the Terraform grammar, .tf files are not checked: ${err instanceof Error ? err.message : String(err)}\n`);
        grammarProblem = true;
        return;
      }
    }
    if ('text' in read) ws.setFile(file, read.text);
    else ws.setProblem(file, read.problem);
  });

  if (options.fix) {
    // Text output goes to stdout with the findings; JSON and SARIF keep stdout for the document.
    const report = options.format === 'text' ? io.stdout : io.stderr;
    for (const file of all.sort()) {
      const checked = ws.text(file);
      let fixed: ReturnType<typeof fixAll>;
      try {
        fixed = checked !== undefined && ws.model(file) ? fixAll(ws, file, settings, true) : undefined;
      } catch (err) {
        ws.setFile(file, checked!);
        io.stderr(`octopus-roles: ${display(file, io.cwd)}: not fixed: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
        continue;
      }
      if (!fixed) continue;
      const problem = await writeFixed(file, checked!, fixed.text);
      if (problem) {
        ws.setFile(file, checked!);
        io.stderr(`octopus-roles: ${display(file, io.cwd)}: not fixed: ${problem}\n`);
        continue;
      }
      report(`${display(file, io.cwd)}: fixed ${fixed.applied.length} problem${fixed.applied.length === 1 ? '' : 's'}\n${fixed.applied.map((t) => `  ${t}\n`).join('')}`);
    }
  }

  const findings: Finding[] = [...configFinding];
  for (const file of all.sort()) {
    const diagnostics = finalDiagnostics(ws, file, settings);
    if (diagnostics.length === 0) continue;
    const lines = ws.lines(file)!;
    for (const d of diagnostics) {
      findings.push({
        file: display(file, io.cwd),
        diagnostic: d,
        range: lines.rangeOf(d.span),
        related: (d.related ?? []).map((r) => ({
          file: display(r.uri, io.cwd),
          range: (ws.lines(r.uri) ?? lines).rangeOf(r.span),
          message: r.message,
        })),
      });
    }
  }

  switch (options.format) {
    case 'json':
      io.stdout(JSON.stringify(findings.map(toJson), null, 2) + '\n');
      break;
    case 'sarif':
      io.stdout(JSON.stringify(toSarif(findings, io.cwd), null, 2) + '\n');
      break;
    default:
      if (findings.length) io.stdout(findings.map(toText).join('') + summary(findings, all.length) + '\n');
  }
  return findings.some((f) => f.diagnostic.severity === 'error') ? 1 : 0;
}

/**
 * Writes a fixed file: only if it still holds the text that was checked (nothing typed since is lost),
 * keeping a byte-order mark, through a temporary file renamed over it so that a crash never leaves half
 * a file. Returns why it did not write, or undefined.
 */
async function writeFixed(file: string, checked: string, text: string): Promise<string | undefined> {
  const temp = `${file}.octopus-roles-${process.pid}.tmp`;
  try {
    const bytes = await fs.readFile(file);
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    if (new TextDecoder('utf-8').decode(bytes) !== checked) return 'it changed while it was being checked';
    const { mode } = await fs.stat(file);
    await fs.writeFile(temp, (bom ? '\ufeff' : '') + text, { mode });
    await fs.rename(temp, file);
    return undefined;
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    return err instanceof Error ? err.message : String(err);
  }
}

/** A path as shown to the user: relative to the current folder when inside it, with forward slashes. */
function display(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
  return shown.split(path.sep).join('/');
}

function toText(f: Finding): string {
  const { line, character } = f.range.start;
  return `${f.file}:${line + 1}:${character + 1}: ${f.diagnostic.severity} ${f.diagnostic.code}: ${f.diagnostic.message}\n`;
}

function summary(findings: readonly Finding[], fileCount: number): string {
  const count = (s: string) => findings.filter((f) => f.diagnostic.severity === s).length;
  const parts = [
    [count('error'), 'error'],
    [count('warning'), 'warning'],
    [count('information') + count('hint'), 'note'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, w]) => `${n} ${w}${n === 1 ? '' : 's'}`);
  return `${parts.join(', ')} in ${fileCount} file${fileCount === 1 ? '' : 's'} checked`;
}

function toJson(f: Finding) {
  return { file: f.file, range: f.range, severity: f.diagnostic.severity, code: f.diagnostic.code, message: f.diagnostic.message };
}

function sarifLevel(severity: string): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

function sarifLocation(file: string, range: Range) {
  const absolute = path.isAbsolute(file);
  return {
    physicalLocation: {
      artifactLocation: absolute
        ? { uri: pathToFileURL(file).href }
        : { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
      region: {
        startLine: range.start.line + 1,
        startColumn: range.start.character + 1,
        endLine: range.end.line + 1,
        endColumn: range.end.character + 1,
      },
    },
  };
}

function toSarif(findings: readonly Finding[], cwd: string) {
  const rules = RULE_CODES.map((code) => ({
    id: code,
    name: code.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: RULES[code].summary },
    helpUri: ruleDocsUrl(code),
    defaultConfiguration: { level: sarifLevel(RULES[code].severity) },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'octopus-roles',
            version: VERSION,
            informationUri: 'https://github.com/octopus-roles/octopus-roles',
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({
          ruleId: f.diagnostic.code,
          ruleIndex: (RULE_CODES as readonly string[]).indexOf(f.diagnostic.code),
          level: sarifLevel(f.diagnostic.severity),
          message: { text: f.diagnostic.message },
          locations: [sarifLocation(f.file, f.range)],
          ...(f.related.length
            ? { relatedLocations: f.related.map((r, id) => ({ id, ...sarifLocation(r.file, r.range), message: { text: r.message } })) }
            : {}),
        })),
      },
    ],
  };
}

/** The process entry point used by `bin/octopus-roles.js`. */
export function main(): void {
  runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`octopus-roles: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
