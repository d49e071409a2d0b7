/**
 * The checker's command line: the arguments `octopus-roles check` takes, and its usage text.
 */
import { CONFIG_FILE_NAME, parseSize } from '../service';

export type Format = 'text' | 'json' | 'sarif';

export interface Options {
  format: Format;
  paths: string[];
  config?: string;
  maxFileSize?: number;
  fix: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: octopus-roles check [PATH...] [options]
       octopus-roles explain PRINCIPAL [PATH...]      (see octopus-roles explain --help)
       octopus-roles who-can PERMISSION [PATH...]     (see octopus-roles who-can --help)
       octopus-roles diff BASE [HEAD] [PATH...]       (see octopus-roles diff --help)
       octopus-roles import --from DIR [--out DIR]    (see octopus-roles import --help)
       octopus-roles pull --server URL --out DIR      (see octopus-roles pull --help)
       octopus-roles diff --live DIR [PATH...]        (see octopus-roles diff --live --help)
       octopus-roles export --format terraform --out DIR [PATH...]   (see octopus-roles export --help)

Checks the Octopus Deploy role, team and space files (*.role.yaml, *.team.yaml, *.space.yaml) of a
workspace, and the Terraform files (*.tf, each folder a module) that use the Octopus provider. PATH is a
folder or a file; the default is the current folder. All PATHs form one workspace.

Options:
  --format text|json|sarif   output format (default: text)
  --config FILE              use this configuration file for every file instead of the ${CONFIG_FILE_NAME}
                             files found from each PATH up to the repository root
  --max-file-size SIZE       skip files larger than SIZE (such as 2MB, 512KB); overrides the configuration
  --fix                      apply the safe fixes to the files, print what changed, then report what is left
  -h, --help                 show this help
  -v, --version              show the version

Exit status: 0 no errors, 1 errors found, 2 bad usage or a PATH that does not exist; 130 when interrupted
and 141 when the reader of the output went away (| head), each after finishing the file being fixed.`;

/** Parses the arguments after the program's name; throws UsageError for bad usage. */
export function parseArgs(args: readonly string[]): Options | 'help' | 'version' {
  if (args.length === 0) throw new UsageError('missing command; did you mean `octopus-roles check`?');
  const [command, ...rest] = args;
  if (command === '-h' || command === '--help' || command === 'help') return 'help';
  if (command === '-v' || command === '--version') return 'version';
  if (command !== 'check') throw new UsageError(`unknown command \`${command}\`; the commands are check, explain, who-can, diff, import, pull and export`);
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

