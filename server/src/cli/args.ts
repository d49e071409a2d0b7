/**
 * The checker's command line: the arguments `octopus-roles check` takes, and its usage text.
 */
import { CONFIG_FILE_NAME, parseSize } from '../service';
import { printable } from './output';

export type Format = 'text' | 'json' | 'sarif' | 'github';

export interface Options {
  format: Format;
  paths: string[];
  config?: string;
  maxFileSize?: number;
  fix: boolean;
  /** Report errors only. */
  quiet: boolean;
  /** Exit 1 when there are more warnings than this. */
  maxWarnings?: number;
  /** Exit 0 when the PATHs hold no files, instead of 2. */
  allowEmpty: boolean;
  /** Colour in text output: forced on or off; undefined decides from the terminal and the environment. */
  color?: boolean;
}

export class UsageError extends Error {}

/**
 * A command's options from `parse` (which throws UsageError for bad usage, and checks what is required
 * only when `help` is not set), or its exit status once its usage is printed: 0 for `--help`, 2 with the
 * problem for bad usage.
 */
export function optionsOr<T extends { readonly help?: boolean }>(parse: () => T, usage: string, io: { stdout(text: string): void; stderr(text: string): void }): T | number {
  let o: T;
  try {
    o = parse();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`octopus-roles: ${printable(err.message)}\n\n${usage}\n`);
    return 2;
  }
  if (o.help) {
    io.stdout(usage + '\n');
    return 0;
  }
  return o;
}

/**
 * Walks a command's arguments: `--flag value` or `--flag=value` (a separate value never starts with `--`),
 * `--` (everything after it is positional), and positionals. `onFlag` returns false for a flag the command
 * does not have; a value is read only when the flag takes one.
 */
export function walkArgs(args: readonly string[], onFlag: (flag: string, value: () => string) => boolean, onPositional: (arg: string) => void): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      for (const rest of args.slice(i + 1)) onPositional(rest);
      return;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!flag.startsWith('-') || flag === '-') {
      onPositional(arg);
      continue;
    }
    let inlineUsed = false;
    const value = (): string => {
      if (eq > 0) {
        inlineUsed = true;
        return arg.slice(eq + 1);
      }
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i++;
      return v;
    };
    if (!onFlag(flag, value)) throw new UsageError(`unknown option \`${flag}\``);
    if (eq > 0 && !inlineUsed) throw new UsageError(`${flag} takes no value`);
  }
}

export const USAGE = `Usage: octopus-roles check [PATH...] [options]
       octopus-roles explain PRINCIPAL [PATH...]      (see octopus-roles explain --help)
       octopus-roles who-can PERMISSION [PATH...]     (see octopus-roles who-can --help)
       octopus-roles diff BASE [HEAD] [PATH...]       (see octopus-roles diff --help)
       octopus-roles import --from DIR [--out DIR]    (see octopus-roles import --help)
       octopus-roles pull --server URL --out DIR      (see octopus-roles pull --help)
       octopus-roles diff --live DIR [PATH...]        (see octopus-roles diff --live --help)
       octopus-roles export --format terraform --out DIR [PATH...]   (see octopus-roles export --help)
       octopus-roles init [FOLDER]                    (see octopus-roles init --help)

Checks the Octopus Deploy role, team and space files (*.role.yaml, *.team.yaml, *.space.yaml) of a
workspace, and the Terraform files (*.tf, each folder a module) that use the Octopus provider, and proves
its access policies (*.policy.yaml). PATH is a folder or a file; the default is the current folder. PATHs
choose which files are reported; the model is always the whole workspace they are in: the git repository
(or the folder below it whose ${CONFIG_FILE_NAME} sets root: true), or the current folder outside git.

Options:
  --format text|json|sarif|github
                             output format (default: text; github: GitHub Actions annotations)
  --quiet                    report errors only
  --max-warnings N           exit 1 when there are more than N warnings
  --allow-empty              exit 0 when the PATHs hold no files to check (default: exit 2)
  --color, --no-color        colour the text output, or not (default: on a terminal, unless NO_COLOR is
                             set; FORCE_COLOR turns it on)
  --config FILE              use this configuration file for every file instead of the ${CONFIG_FILE_NAME}
                             files found from each PATH up to the repository root
  --max-file-size SIZE       skip files larger than SIZE (such as 2MB, 512KB); overrides the configuration
  --fix                      apply the safe fixes to the files, print what changed, then report what is left
  -h, --help                 show this help
  -v, --version              show the version

Exit status: 0 no errors, 1 errors found (or more warnings than --max-warnings), 2 bad usage, a PATH that
does not exist, or PATHs with no files to check; 130 when interrupted and 141 when the reader of the
output went away (| head), each after finishing the file being fixed.`;

/** Parses the arguments after the program's name; throws UsageError for bad usage. */
export function parseArgs(args: readonly string[]): Options | 'help' | 'version' {
  if (args.length === 0) throw new UsageError('missing command; did you mean `octopus-roles check`?');
  const [command, ...rest] = args;
  if (command === '-h' || command === '--help' || command === 'help') return 'help';
  if (command === '-v' || command === '--version') return 'version';
  if (command !== 'check') throw new UsageError(`unknown command \`${command}\`; the commands are check, explain, who-can, diff, import, pull, export and init`);
  const options: Options = { format: 'text', paths: [], fix: false, quiet: false, allowEmpty: false };
  let asked: 'help' | 'version' | undefined;
  walkArgs(
    rest,
    (flag, value) => {
      switch (flag) {
        case '-h':
        case '--help':
          asked ??= 'help';
          return true;
        case '-v':
        case '--version':
          asked ??= 'version';
          return true;
        case '-f':
        case '--format': {
          const f = value();
          if (f !== 'text' && f !== 'json' && f !== 'sarif' && f !== 'github') throw new UsageError(`unknown format \`${f}\`; use text, json, sarif or github`);
          options.format = f;
          return true;
        }
        case '-q':
        case '--quiet':
          options.quiet = true;
          return true;
        case '--allow-empty':
          options.allowEmpty = true;
          return true;
        case '--color':
        case '--colour':
          options.color = true;
          return true;
        case '--no-color':
        case '--no-colour':
          options.color = false;
          return true;
        case '--max-warnings': {
          const raw = value();
          if (!/^\d{1,9}$/.test(raw)) throw new UsageError(`--max-warnings: \`${raw}\` is not a number of warnings such as 0 or 10`);
          options.maxWarnings = Number(raw);
          return true;
        }
        case '--config':
          options.config = value();
          return true;
        case '--fix':
          options.fix = true;
          return true;
        case '--max-file-size': {
          const raw = value();
          const size = parseSize(raw);
          if (size === undefined) throw new UsageError(`--max-file-size: \`${raw}\` is not a size such as 2MB or 512KB`);
          options.maxFileSize = size;
          return true;
        }
        default:
          return false;
      }
    },
    (arg) => options.paths.push(arg),
  );
  if (asked) return asked;
  return options;
}

