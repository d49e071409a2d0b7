/**
 * The YAML reader's fast path (syntax/yaml/fast.ts) against the full `yaml` parser, as a differential
 * test: for every text the fast path accepts, `parseAllDocuments` must report no error or warning and
 * build the same nodes (kinds, values, the start and end of every range, flow or block), and the model
 * read from both (documents, spans, findings, suppressions) must be identical. Texts come from generated
 * workspaces, the examples and the rule fixtures, each mutated the ways people write YAML: comment lines
 * at every indentation between and after items, blank and whitespace-only lines, trailing comments,
 * CRLF line ends, sequences at their key's indentation, quoted and flow values, empty values, `---`.
 * The fast path must also accept the plain files it exists for, or the checker loses its speed.
 * `npm run fuzz` runs the mutations for 200 rounds (FAST_ROUNDS) instead of 12; FAST_SEED picks others.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { fastDocuments } from '../../server/src/service/syntax/yaml/fast';
import { SYNTAX_REPORTER } from '../../server/src/service/rules/registry';
import { parseYaml, yamlKindOf } from '../../server/src/service/syntax/yaml/parse';
import { generateWorkspace, mulberry32 } from '../support/generate';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** A node as a comparable value: kind, value, range start and end, flow, children. */
function shape(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  const n = node as Node;
  const range = n.range ? [n.range[0], n.range[1]] : null;
  if (isScalar(n)) return { scalar: n.value, range };
  if (isMap(n)) return { map: n.items.map((p) => (isPair(p) ? [shape(p.key), shape(p.value)] : 'not a pair')), range, flow: !!n.flow };
  if (isSeq(n)) return { seq: n.items.map(shape), range, flow: !!n.flow };
  return { other: String(n) };
}

/** Compares the fast path with the full parser on one text; true when the fast path accepted it. */
function compare(text: string, what: string): boolean {
  const fast = fastDocuments(text);
  if (!fast) return false;
  const full = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  const docs = Array.isArray(full) ? full : [];
  for (const d of docs) {
    assert.deepEqual([...d.errors, ...d.warnings].map((e) => e.code), [], `${what}: the fast path accepted a text the parser reports on:\n${text}`);
  }
  // An empty document's root is a null scalar to the parser and null to the fast path; the reader reads both as no document.
  const root = (n: unknown) => (isScalar(n) && n.value === null ? null : shape(n));
  assert.deepEqual(fast.map(root), docs.map((d) => root(d.contents)), `${what}: different nodes for\n${JSON.stringify(text)}`);
  const kind = yamlKindOf(what) ?? 'team';
  const uri = `file:///w/${kind}.${kind}.yaml`;
  assert.deepEqual(parseYaml(uri, text, kind, SYNTAX_REPORTER), parseYaml(uri, text, kind, SYNTAX_REPORTER, { fast: false }), `${what}: different models for\n${JSON.stringify(text)}`);
  return true;
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** Rewrites a text the ways people write YAML; `rnd` decides where and how. */
function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  let lines = text.split('\n');
  const ops = 1 + Math.floor(rnd() * 4);
  for (let o = 0; o < ops; o++) {
    const at = Math.floor(rnd() * (lines.length + 1));
    const indent = ' '.repeat(Math.floor(rnd() * 9));
    switch (Math.floor(rnd() * 14)) {
      case 0:
        lines.splice(at, 0, `${indent}# a comment`);
        break;
      case 1:
        lines.splice(at, 0, pick(['', '   ', ' ']));
        break;
      case 2:
        lines.splice(at, 0, `${indent}# one`, pick(['', `${indent}# two`, `${' '.repeat(Math.floor(rnd() * 9))}# two`]));
        break;
      case 3:
        if (lines[at] && !lines[at].trimStart().startsWith('#') && lines[at].trim() !== '---') lines[at] += pick(['  # note', ' #x', '   ']);
        break;
      case 4:
        // A sequence at its key's indentation: `- x` lines moved left by two.
        lines = lines.map((l) => (/^ {2,}- /.test(l) && rnd() < 0.7 ? l.slice(2) : l));
        break;
      case 5:
        lines.splice(at, 0, pick(['---', '--- # next', '---   ']));
        break;
      case 6:
        lines.splice(at, 0, `${indent}${pick(['externalGroups:', 'members:  # none', 'projects:   ', 'description: "a \'quoted\' text"', "description: 'it''s'", 'builtIn: true', 'builtIn: False', 'space: ~', 'space: null', 'members: []', 'members: [ a , "b c", \'d\' ]', 'name: 42', 'name: &a x', 'name: *a', 'name: !!str x', 'name: |', 'name: >-', 'name: {a: b}', 'name: "a\\tb"', 'name: a: b', 'name: a #b', 'name: a#b', '- x', '-', '- - x', '- [a, b]', '- role: X', '? x', '<<: *a', 'k :', '"q": v'])}`);
        break;
      case 7:
        if (lines.length > 1) lines.splice(at, 1);
        break;
      case 8:
        if (lines[at] !== undefined) lines.splice(at, 0, lines[at]);
        break;
      case 9:
        if (lines[at] !== undefined) lines[at] = ' '.repeat(1 + Math.floor(rnd() * 2)) + lines[at];
        break;
      case 10:
        if (lines[at] !== undefined && lines[at].startsWith(' ')) lines[at] = lines[at].slice(1);
        break;
      case 11:
        if (lines[at] !== undefined) lines[at] = lines[at].replace(/: \[(.*)\]$/, (_m, inner: string) => `: [${pick([inner, ` ${inner} `, inner.replace(/, /g, ','), `${inner},`, `${inner}, `])}]`);
        break;
      case 12:
        lines.splice(at, 0, pick(['...', '%YAML 1.2', 'x', '\tname: x', 'name:\tx', 'name: x\r']));
        break;
      case 13:
        if (lines[at] !== undefined) lines[at] = lines[at].replace(/: (.+)$/, (_m, v: string) => `: ${pick([`"${v}"`, `'${v}'`, `${v}  `, ` ${v}`])}`);
        break;
    }
  }
  let out = lines.join('\n');
  if (rnd() < 0.2) out = out.replace(/\n/g, '\r\n');
  if (rnd() < 0.2) out = out.replace(/\r?\n$/, '');
  return out;
}

describe('YAML fast path', () => {
  const generated = [...generateWorkspace({ files: 400, seed: 7 })].filter(([p]) => yamlKindOf(p));
  const written = [...yamlFilesUnder(path.join(ROOT, 'examples')), ...yamlFilesUnder(path.join(ROOT, 'test', 'fixtures'))].map((p) => [p, readFileSync(p, 'utf8')] as const);

  it('reads generated files exactly as the full parser does, and accepts nearly all of them', () => {
    let accepted = 0;
    for (const [p, text] of generated) if (compare(text, p)) accepted++;
    // The generator writes plain block YAML, apart from deliberate breaches of the rules (not of YAML).
    assert.ok(accepted >= generated.length * 0.95, `the fast path took ${accepted} of ${generated.length} generated files`);
  });

  it('reads the examples and rule fixtures it accepts exactly as the full parser does', () => {
    let accepted = 0;
    for (const [p, text] of written) if (compare(text, p)) accepted++;
    assert.ok(accepted > written.length / 2, `the fast path took ${accepted} of ${written.length} files`);
  });

  it('reads mutated files exactly as the full parser does (comments, blank lines, CRLF, layouts)', () => {
    const rnd = mulberry32(Number(process.env.FAST_SEED ?? 20261129));
    const bases = [...generated.slice(0, 150), ...written];
    let accepted = 0;
    let tried = 0;
    for (let round = 0; round < Number(process.env.FAST_ROUNDS ?? 12); round++) {
      for (const [p, text] of bases) {
        tried++;
        if (compare(mutate(text, rnd), p)) accepted++;
      }
    }
    // Most mutations stay within plain block YAML; if hardly any did, this test would prove nothing.
    assert.ok(accepted > tried / 3, `the fast path took ${accepted} of ${tried} mutated files`);
  });

  it('places a collection end as the parser does whatever comment lines follow its last item', () => {
    // Every placement of up to two comment lines (and a blank line) after each line of a nested file.
    const base = ['name: T', 'roles:', '  - role: R', '    environments:', '      - Dev', '    projects: [A]', '  - S', 'members:', '- ann', 'externalGroups: []'];
    const fillers = ['', '#c', ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) => `${' '.repeat(n)}# c`)];
    let accepted = 0;
    for (let at = 1; at <= base.length; at++) {
      for (const a of fillers) {
        for (const b of ['', ...fillers.slice(1)]) {
          const lines = [...base];
          lines.splice(at, 0, ...[a, b].filter((x, i) => i === 0 || x !== ''));
          for (const end of ['\n', '']) if (compare(lines.join('\n') + end, 'placement.team.yaml')) accepted++;
        }
      }
    }
    assert.ok(accepted > 1000, `only ${accepted} placements were read by the fast path`);
  });

  it('leaves to the full parser what it does not read, and the reader still reports it', () => {
    const cases: [string, string][] = [
      ['name: &a X\nspacePermissions: [*a]\n', 'anchors and aliases'],
      ['name: 42\n', 'a number'],
      ['name: x\n\tspacePermissions: []\n', 'a tab'],
      ['name: |\n  x\n', 'a block scalar'],
      ['name: "a\\u0041"\n', 'an escape'],
      ['name: a\n  b\n', 'a multi-line plain scalar'],
      ['<<: {name: X}\n', 'a merge key'],
      ['name: x\n...\n', 'a document end marker'],
      ['name: [a,\n  b]\n', 'a multi-line flow sequence'],
    ];
    for (const [text, what] of cases) {
      assert.equal(fastDocuments(text), undefined, what);
      const slow = parseYaml('file:///w/x.role.yaml', text, 'role', SYNTAX_REPORTER, { fast: false });
      assert.deepEqual(parseYaml('file:///w/x.role.yaml', text, 'role', SYNTAX_REPORTER), slow, what);
    }
  });
});
