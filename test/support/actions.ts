/**
 * A small stand-in for the GitHub Actions runner, enough to run a composite action's steps (action.yml)
 * as GitHub runs them: each `run:` step as a bash script (`bash --noprofile --norc -eo pipefail`, GitHub's
 * `shell: bash`) in the workspace, with GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH and
 * RUNNER_TEMP, the step's `env`, and `if:` conditions and `${{ }}` values evaluated with GitHub's rules
 * for the expressions the action uses (contexts, literals, `== != && || !`, `always()`, `success()`,
 * `failure()`, `cancelled()`; strings compared without case, mismatched types compared as numbers).
 * `uses:` steps are not run (no network here): they are recorded with their evaluated inputs, so that a
 * test can check what they would have been given.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** A value of GitHub's expressions. */
export type Value = string | number | boolean | null | { [key: string]: Value } | Value[];

/** What a step did. */
export interface StepResult {
  readonly name: string;
  readonly id?: string;
  readonly ran: boolean;
  /** For a `uses:` step that would have run: the action and its evaluated inputs. */
  readonly uses?: { action: string; with: Record<string, string> };
  readonly status?: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
}

/** What the action did. */
export interface ActionResult {
  readonly steps: StepResult[];
  readonly outputs: Record<string, string>;
  readonly failed: boolean;
  readonly summary: string;
  readonly stdout: string;
}

/** The `github` context and the environment a job step gets. */
export interface RunnerContext {
  /** The repository checkout, where run steps start. */
  readonly workspace: string;
  readonly github: Record<string, Value>;
  /** Extra environment (GITHUB_API_URL, GITHUB_REPOSITORY, ...). */
  readonly env?: Record<string, string>;
  /** A folder for RUNNER_TEMP and the step scripts, which the caller removes. */
  readonly temp: string;
}

interface StepDef {
  name?: string;
  id?: string;
  if?: string | boolean;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

/** Runs the composite action in `actionDir` with the inputs a workflow's `with:` gives. */
export async function runComposite(actionDir: string, given: Record<string, string>, ctx: RunnerContext): Promise<ActionResult> {
  const action = parse(readFileSync(path.join(actionDir, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: string }>;
    outputs?: Record<string, { value: string }>;
    runs: { using: string; steps: StepDef[] };
  };
  if (action.runs.using !== 'composite') throw new Error('not a composite action');
  const temp = mkdtempSync(path.join(ctx.temp, 'runner-'));
  const summaryFile = path.join(temp, 'summary.md');
  writeFileSync(summaryFile, '');
  const contexts: Record<string, Value> = { github: ctx.github, inputs: {}, steps: {}, runner: { temp, os: 'Linux' }, env: {} };
  const inputs = contexts.inputs as Record<string, Value>;
  for (const [name, def] of Object.entries(action.inputs ?? {})) inputs[name] = given[name] ?? interpolate(String(def.default ?? ''), contexts);
  for (const name of Object.keys(given)) if (!(name in inputs)) throw new Error(`the action has no input ${name}`);
  const steps: StepResult[] = [];
  let failed = false;
  let stdout = '';
  for (const [i, def] of action.runs.steps.entries()) {
    const condition = def.if === undefined ? 'success()' : String(def.if).replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1');
    const status = { failed };
    const name = def.name ?? def.uses ?? `step ${i + 1}`;
    const implied = /\b(always|failure|cancelled|success)\(\)/.test(condition) ? condition : `success() && (${condition})`;
    if (!truthy(evaluate(implied, contexts, status))) {
      if (def.id) (contexts.steps as Record<string, Value>)[def.id] = { outputs: {}, outcome: 'skipped' };
      steps.push({ name, id: def.id, ran: false, stdout: '', stderr: '', outputs: {} });
      continue;
    }
    if (def.uses !== undefined) {
      const withs = Object.fromEntries(Object.entries(def.with ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts)]));
      steps.push({ name, id: def.id, ran: false, uses: { action: def.uses, with: withs }, stdout: '', stderr: '', outputs: {} });
      continue;
    }
    if (def.shell !== 'bash' || def.run === undefined) throw new Error(`${name}: only bash run steps are supported, and composite steps must name their shell`);
    const result = await runStep(def, contexts, { ctx, actionDir, temp, summaryFile, index: i });
    stdout += result.stdout;
    if (def.id) (contexts.steps as Record<string, Value>)[def.id] = { outputs: result.outputs, outcome: result.status === 0 ? 'success' : 'failure' };
    steps.push({ name, id: def.id, ran: true, ...result });
    if (result.status !== 0) failed = true;
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([k, o]) => [k, interpolate(o.value, contexts)]));
  return { steps, outputs, failed, summary: readFileSync(summaryFile, 'utf8'), stdout };
}

/** Runs one `run:` step; asynchronous, so that a stand-in server in the test's process can answer it. */
async function runStep(def: StepDef, contexts: Record<string, Value>, at: { ctx: RunnerContext; actionDir: string; temp: string; summaryFile: string; index: number }): Promise<{ status: number; stdout: string; stderr: string; outputs: Record<string, string> }> {
  const script = path.join(at.temp, `step-${at.index}.sh`);
  const outputFile = path.join(at.temp, `output-${at.index}`);
  writeFileSync(script, interpolate(def.run!, contexts));
  writeFileSync(outputFile, '');
  const stepEnv = Object.fromEntries(Object.entries(def.env ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts)]));
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: at.ctx.workspace,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: at.ctx.workspace,
      GITHUB_ACTION_PATH: at.actionDir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: at.summaryFile,
      GITHUB_EVENT_NAME: String(at.ctx.github.event_name ?? ''),
      RUNNER_TEMP: at.temp,
      ...at.ctx.env,
      ...stepEnv,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const status = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { status, stdout, stderr, outputs: readOutputs(readFileSync(outputFile, 'utf8')) };
}

/** GITHUB_OUTPUT's format: `name=value` lines, or `name<<DELIMITER` ... `DELIMITER`. */
export function readOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
  }
  return out;
}

/** A value with its `${{ }}` parts evaluated, as GitHub turns them into text. */
export function interpolate(text: string, contexts: Record<string, Value>): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, expr: string) => asText(evaluate(expr, contexts, { failed: false })));
}

function asText(v: Value): string {
  return v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function truthy(v: Value): boolean {
  return !(v === false || v === null || v === 0 || v === '' || (typeof v === 'number' && Number.isNaN(v)));
}

function asNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b && typeof a !== 'object') return a === b;
  if (a === null && b === null) return true;
  return asNumber(a) === asNumber(b);
}

/** Evaluates an expression of the subset described above; throws on anything else. */
export function evaluate(expr: string, contexts: Record<string, Value>, status: { failed: boolean }): Value {
  const tokens = expr.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[!()]|[A-Za-z_][\w.-]*(?:\(\))?|-?\d+(?:\.\d+)?|\S/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  const primary = (): Value => {
    const t = next();
    if (t === undefined) throw new Error(`unexpected end of \`${expr}\``);
    if (t === '(') {
      const v = or();
      if (next() !== ')') throw new Error(`missing ) in \`${expr}\``);
      return v;
    }
    if (t === '!') return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^-?\d/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (t === 'always()') return true;
    if (t === 'cancelled()') return false;
    if (t === 'success()') return !status.failed;
    if (t === 'failure()') return status.failed;
    if (/^[A-Za-z_]/.test(t) && !t.endsWith('()')) {
      let v: Value = contexts;
      for (const part of t.split('.')) v = v !== null && typeof v === 'object' && !Array.isArray(v) && part in v ? v[part] : null;
      return v;
    }
    throw new Error(`unsupported \`${t}\` in \`${expr}\``);
  };
  const comparison = (): Value => {
    let left = primary();
    while (peek() === '==' || peek() === '!=') {
      const op = next();
      const right = primary();
      left = op === '==' ? equal(left, right) : !equal(left, right);
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (peek() === '&&') {
      next();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (peek() === '||') {
      next();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const v = or();
  if (at !== tokens.length) throw new Error(`unexpected \`${tokens[at]}\` in \`${expr}\``);
  return v;
}
