/**
 * `octopus-roles diff BASE [HEAD] [PATH...]` (SPEC section 8): what changed between two versions of the
 * model, in roles, teams and spaces, and per principal the grants gained and lost. A version is a git
 * revision of the repository the current folder is in (read with git itself: nothing is checked out) or a
 * folder; HEAD defaults to the working tree.
 */
import { accessNotes, compareModels, type DiffResult, type DiffSide, type Settings } from '../service';
import { errorCount, modelOfFile, parseAccessArgs } from './access';
import { grantJson, noteJson, type Places } from './access-output';
import { UsageError } from './args';
import { diffText, diffMarkdown } from './diff-output';
import { loadSides } from './diff-sides';
import { jsonText, printable } from './output';
import { breaksPolicy, comparePolicies } from '../service';
import { policyMarkdown, policyText } from './policy-diff-output';

export interface DiffIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export const DIFF_USAGE = `Usage: octopus-roles diff BASE [HEAD] [PATH...] [options]

Compares two versions of the access model: what changed in roles, teams and spaces, and for every team,
user and external group what it gained and lost, by contexts: a gain is an environment, project, tenant...
that some restriction record admits after and none admitted before (a widened restriction gains the new
values); records split differently over the same contexts are no change. Text and markdown show changes
by their sources, principals that change alike once (a team's members that gain what it gains in one
line), and a changed restriction as its delta (environments: +Production); markdown stays below GitHub's
comment limit, saying what it leaves out. --format json has every record.
BASE and HEAD are git revisions of the repository the current folder is in (read with git, nothing is
checked out or fetched), or folders; HEAD defaults to the working tree. After a revision BASE, a second
argument is HEAD when it is a revision, and a PATH otherwise. Each side is the whole workspace (a folder
BASE or HEAD is one); PATHs choose the models compared (the YAML model, a Terraform module), each whole,
and may exist on one side only. Both sides are read as check reads a workspace: the same configuration
files, exclude, maxFileSize, and no submodules.

Options:
  --format text|json|markdown   output format (default: text; markdown for a pull-request comment)
  --config FILE                 configuration for both sides, instead of the configuration files each has
  -h, --help                    show this help

Exit status: 0 nobody's access changed, 3 someone's did, 1 either side has errors or HEAD breaks an access
policy that BASE held, 2 bad usage or PATHs with nothing to compare. Policies whose result changes
(*.policy.yaml) come first in every format.`;

/** One side of the comparison, loaded: what the service compares (`DiffSide`), and how to show and check it. */
export interface Side extends DiffSide {
  readonly label: string;
  readonly settingsFor: (uri: string) => Settings;
  /**
   * The models the PATHs select (undefined: the YAML model; a module's folder URI): the side is loaded
   * whole, and only these are reported. Every model when absent.
   */
  readonly models?: ReadonlySet<string | undefined>;
}

/** Runs `diff`; returns the exit status. */
export async function runDiff(args: readonly string[], io: DiffIO): Promise<number> {
  let sides: { base: Side; head: Side } | 2;
  let format: string;
  try {
    const options = parseAccessArgs(args, ['text', 'json', 'markdown'], false);
    if (options.help) {
      io.stdout(DIFF_USAGE + '\n');
      return 0;
    }
    format = options.format;
    sides = await loadSides(options.positionals, io, options.config);
  } catch (err) {
    if (!(err instanceof UsageError)) {
      // A revision git cannot read (a missing object, a broken repository): say what git said.
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      io.stderr(`octopus-roles: ${printable(message)}\n`);
      return 2;
    }
    io.stderr(`octopus-roles: ${printable(err.message)}\n\n${DIFF_USAGE}\n`);
    return 2;
  }
  if (sides === 2) return 2;
  return printDiff(sides.base, sides.head, format, io);
}

/**
 * Prints the comparison of two sides in `format` (text, json or markdown) and returns the exit status:
 * 1 when either side has errors, 3 when someone's access changed, 0 otherwise. `diff --live` shares it.
 */
export function printDiff(base: Side, head: Side, format: string, io: DiffIO): number {
  const result = selected(compareModels(base, head), base, head);
  const baseAt = sidePlaces(base);
  const headAt = sidePlaces(head);
  const notesOf = (side: Side) => (side.modules === false ? [] : accessNotes(side.ws).filter((n) => side.models?.has(n.module) ?? true));
  const notes = { base: notesOf(base), head: notesOf(head) };
  const policies = comparePolicies(base.ws, head.ws);
  if (format === 'json') {
    io.stdout(
      jsonText(
        {
          // Present when either side has policies (SPEC section 11), so that output without them is as before.
          ...(policies.present ? { policies: policies.changes } : {}),
          objects: result.objects,
          access: result.access.map((a) => ({
            principal: a.principal,
            gains: a.gains.map((g) => grantJson(g, headAt)),
            losses: a.losses.map((g) => grantJson(g, baseAt)),
          })),
          ...(notes.base.length || notes.head.length ? { notes: { base: notes.base.map((n) => noteJson(n, baseAt)), head: notes.head.map((n) => noteJson(n, headAt)) } } : {}),
        },
        2,
      ) + '\n',
    );
  } else {
    const sides = { base: { label: base.label, places: baseAt, notes: notes.base }, head: { label: head.label, places: headAt, notes: notes.head } };
    io.stdout(format === 'markdown' ? policyMarkdown(policies.changes) + diffMarkdown(result, sides) : policyText(policies.changes) + diffText(result, sides));
  }
  const errors = [base, head].map((s) => errorCount(s.ws, s.settingsFor, (uri) => s.models?.has(modelOfFile(s.ws, uri)) ?? true));
  if (errors.some((n) => n > 0)) {
    io.stderr(`octopus-roles: ${errors[0]} error${errors[0] === 1 ? '' : 's'} in ${printable(base.label)}, ${errors[1]} in ${printable(head.label)} (see octopus-roles check)\n`);
    return 1;
  }
  if (breaksPolicy(policies.changes)) {
    io.stderr('octopus-roles: the change breaks an access policy that held before\n');
    return 1;
  }
  return result.access.length ? 3 : 0;
}

/**
 * The objects and principals of the models the PATHs select on either side (a module by its path
 * relative to its side's root, as `compare` names it); all of them when the sides say nothing.
 */
function selected(result: DiffResult, base: Side, head: Side): DiffResult {
  if (!base.models && !head.models) return result;
  const shown = new Set<string | undefined>();
  for (const side of [base, head]) for (const m of side.models ?? []) shown.add(m === undefined ? undefined : sidePlaces(side).module(m));
  return { ...result, objects: result.objects.filter((o) => shown.has(o.module)), access: result.access.filter((a) => shown.has(a.principal.module)) };
}

/** How a side shows its files and modules: paths relative to its root. */
function sidePlaces(side: Side): Places {
  return {
    where: (uri) => (uri ? { file: side.display(uri), lines: side.ws.lines(uri) } : {}),
    module: (module) => side.display(module).replace(/\/+$/, '') || '.',
  };
}
