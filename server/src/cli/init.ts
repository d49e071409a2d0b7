/**
 * `octopus-roles init [FOLDER] [--force] [--no-workflow] [--action REF]`: a starter `.octopus-roles.yaml`
 * (every setting shown with its default, commented out, so that it changes nothing until a line is
 * uncommented) and a GitHub Actions workflow that checks the folder on every push and pull request and
 * comments each pull request with what it does to access, through this repository's action (action.yml).
 * Nothing is written over an existing file without --force: when one exists, nothing at all is written.
 */
import { lstatSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { repositoryRoot } from '../node/configs';
import { realPath } from '../node/files';
import { CONFIG_FILE_NAME, RULE_CODES, RULES } from '../service';
import { optionsOr, UsageError, walkArgs } from './args';
import type { ImportIO } from './import';
import { display, printable } from './output';
import { notWritten, writeFiles } from './write';

/** The action the workflow uses unless --action says otherwise: this repository's action.yml. */
export const DEFAULT_ACTION = 'octopus-roles/octopus-roles@main';

/** Where the workflow goes, relative to the repository root. */
export const WORKFLOW_FILE = '.github/workflows/octopus-roles.yml';

export const INIT_USAGE = `Usage: octopus-roles init [FOLDER] [options]

Writes a starter ${CONFIG_FILE_NAME} into FOLDER (default: the current folder), with every setting and
rule shown at its default and commented out, and a GitHub Actions workflow,
.github/workflows/octopus-roles.yml at the root of FOLDER's git repository, that checks FOLDER on every
push and pull request and comments each pull request with what it does to access.

Options:
  --force         overwrite files that exist
  --no-workflow   write only ${CONFIG_FILE_NAME}
  --action REF    the action the workflow uses (default: ${DEFAULT_ACTION}), such as
                  a fork or a pinned commit: OWNER/REPO@REF
  -h, --help      show this help

Exit status: 0 written, 1 a file exists (without --force) or cannot be written, 2 bad usage or no such
FOLDER.`;

interface InitOptions {
  folder?: string;
  force: boolean;
  workflow: boolean;
  action: string;
  help: boolean;
}

function parse(args: readonly string[]): InitOptions {
  const o: InitOptions = { force: false, workflow: true, action: DEFAULT_ACTION, help: false };
  walkArgs(
    args,
    (flag, value) => {
      if (flag === '--force') o.force = true;
      else if (flag === '--no-workflow') o.workflow = false;
      else if (flag === '--action') {
        const ref = value();
        // Written into YAML, where GitHub would also evaluate `${{ }}`: only what an action reference holds.
        if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_./-]+)?@[A-Za-z0-9_./-]+$/.test(ref)) throw new UsageError(`--action: \`${ref}\` is not an action reference such as OWNER/REPO@REF`);
        o.action = ref;
      } else if (flag === '-h' || flag === '--help') o.help = true;
      else return false;
      return true;
    },
    (arg) => {
      if (o.folder !== undefined) throw new UsageError(`unexpected argument \`${arg}\`; init takes one FOLDER`);
      o.folder = arg;
    },
  );
  return o;
}

/** The starter configuration: every key and every rule code at its default, each line commented out. */
export function starterConfig(): string {
  const width = Math.max(...RULE_CODES.map((c) => c.length)) + 2;
  const lines = [
    '# Octopus Roles configuration for this folder and every folder below it (a deeper one overrides it',
    '# key by key). Every setting is shown at its default and commented out: a commented-out line sets',
    '# nothing, so uncomment only what you change. The rules and the settings are in the README of',
    '# Octopus Roles, sections "Rules" and "Configuration file".',
    '',
    '# rules:                   # per rule code: error, warning, information, hint or off',
    ...RULE_CODES.map((code) => `#   ${`${code}:`.padEnd(width)}${RULES[code].severity.padEnd(12)}# ${RULES[code].summary}`),
    '',
    '# maxFileSize: 2MB         # files larger than this are not analysed: bytes, or a size such as 512KB',
    '',
    '# exclude: []              # globs relative to this folder of files not to analyse, such as generated/**',
    '',
    '# terraform: true          # read the *.tf files that use the Octopus provider',
  ];
  return lines.join('\n') + '\n';
}

/**
 * The workflow: check FOLDER (`paths`, relative to the repository root) on pushes to the default branch and
 * on pull requests, and comment each pull request with the access diff. `paths` is written as a YAML
 * double-quoted string; the caller refuses one holding `${{`, which GitHub would evaluate.
 */
export function starterWorkflow(action: string, paths: string): string {
  return `# Octopus Roles: checks the access model on every push and pull request, and comments each pull
# request with what it does to access (who gains or loses which permission). Written by
# \`octopus-roles init\`; the action's inputs are in its action.yml.
name: Octopus Roles

on:
  push:
    branches: [main]              # your default branch
  pull_request:

permissions:
  contents: read
  pull-requests: write            # for the access comment
  # security-events: write        # with sarif: true

jobs:
  octopus-roles:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ${action}
        with:
          paths: ${JSON.stringify(paths)}
          # sarif: true           # also upload the findings to GitHub code scanning
          # comment: false        # the access diff in the job summary only, no pull-request comment
`;
}


function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Runs `init`; returns the exit status. */
export async function runInit(args: readonly string[], io: ImportIO): Promise<number> {
  const o = optionsOr(() => parse(args), INIT_USAGE, io);
  if (typeof o === 'number') return o;
  const folder = path.resolve(io.cwd, o.folder ?? '.');
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    // reported below
  }
  if (!isFolder) {
    io.stderr(`octopus-roles: ${printable(o.folder ?? '.')}: no such folder\n`);
    return 2;
  }
  const real = realPath(folder);
  if (typeof real !== 'string') {
    io.stderr(`octopus-roles: ${printable(o.folder ?? '.')}: ${printable(real.reason)}\n`);
    return 2;
  }
  const root = repositoryRoot(real);
  const paths = path.relative(root, real).split(path.sep).join('/') || '.';
  if (o.workflow && (paths.includes('${{') || /[\u0000-\u001f]/.test(paths))) {
    io.stderr(`octopus-roles: ${printable(paths)}: a folder name that cannot go into a workflow; use --no-workflow\n`);
    return 2;
  }
  const files: [string, string][] = [[path.join(real, CONFIG_FILE_NAME), starterConfig()]];
  if (o.workflow) files.push([path.join(root, ...WORKFLOW_FILE.split('/')), starterWorkflow(o.action, paths)]);
  const shown = (file: string) => printable(display(file, io.cwd));
  const existing = files.filter(([file]) => exists(file)).map(([file]) => shown(file));
  if (existing.length && !o.force) {
    io.stderr(`octopus-roles: ${existing.join(' and ')} exist${existing.length === 1 ? 's' : ''} already; nothing written. Use --force to overwrite.\n`);
    return 1;
  }
  // Both files or neither, through the one safe writer: no link below the repository root is followed.
  const outcome = writeFiles([{ out: root, files: new Map(files.map(([file, text]) => [path.relative(root, file).split(path.sep).join('/'), text])) }], { force: o.force });
  if (outcome.kind !== 'written') {
    io.stderr(notWritten(outcome, (file) => printable(display(path.join(root, file), io.cwd))));
    return 1;
  }
  for (const [file] of files) io.stderr(`octopus-roles: wrote ${shown(file)}\n`);
  io.stderr(`Next: octopus-roles check${o.folder === undefined ? '' : ` ${printable(o.folder)}`}${o.workflow ? `, then commit ${shown(files[1][0])}` : ''}\n`);
  return 0;
}
