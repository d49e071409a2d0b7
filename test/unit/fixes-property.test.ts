/**
 * Every offered fix over a generated corpus of broken workspaces: the generator's deliberate breaches
 * plus mutations that provoke the other rules. For each diagnostic of each file, every fix the service
 * offers is applied and checked as in the example tests (fixcheck.ts): valid YAML, the diagnostic gone,
 * no new error in any file of a freshly built workspace. Fix-all is checked the same way per file.
 * FIX_RUNS sets the number of workspaces (default 25); the total of fixes checked is printed.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateWorkspace } from '../support/generate';
import { codeFixes, DEFAULT_SETTINGS, finalDiagnostics, fixAll, parseFile, Workspace } from '../../server/src/service';
import { checkInvariants } from '../support/fixcheck';
import { Corpus, opArb } from '../support/mutations';

const RUNS = Number(process.env.FIX_RUNS ?? 25);

type Mutation = (text: string, pick: number) => string;

const lines = (t: string) => t.split('\n');
const pickLine = (t: string, pick: number, re: RegExp): number => {
  const all = lines(t);
  const hits = all.map((l, i) => (re.test(l) ? i : -1)).filter((i) => i >= 0);
  return hits.length ? hits[pick % hits.length] : -1;
};
const insertAfter = (t: string, i: number, text: string) => {
  const all = lines(t);
  all.splice(i + 1, 0, text);
  return all.join('\n');
};
const indentOf = (l: string) => /^\s*/.exec(l)![0];

/** Text mutations, each aimed at one or more rules. */
const MUTATIONS: Record<string, Mutation> = {
  duplicateItem: (t, p) => {
    const i = pickLine(t, p, /^\s+- \S/);
    return i < 0 ? t : insertAfter(t, i, lines(t)[i]);
  },
  retired: (t, p) => {
    const i = pickLine(t, p, /^\s+- [A-Z][A-Za-z]+$/);
    return i < 0 ? t : insertAfter(t, i, `${indentOf(lines(t)[i])}- ${['TaskViewLog', 'AuditView', 'RunbookRunEdit'][p % 3]}`);
  },
  keyTypo: (t, p) => t.replace(['spacePermissions:', 'systemPermissions:', 'roles:', 'space:'][p % 4], (k) => k.slice(0, -2) + ':'),
  kindMismatch: (t, p) => `kind: ${['Role', 'Team', 'Space'][p % 3]}\n${t}`,
  dropName: (t) => t.replace(/^name: .*\n/, ''),
  spaceOnAssignment: (t, p) => {
    const i = pickLine(t, p, /^\s+- role: /);
    return i < 0 ? t : insertAfter(t, i, `${indentOf(lines(t)[i])}  space: ${['Finance', 'Platform', 'Nowhere'][p % 3]}`);
  },
  restriction: (t, p) => {
    const i = pickLine(t, p, /^\s+- role: /);
    const dim = ['environments', 'projects', 'projectGroups', 'tenants'][p % 4];
    return i < 0 ? t : insertAfter(t, i, `${indentOf(lines(t)[i])}  ${dim}: [${['Production', 'Nowhere', 'Test'][p % 3]}]`);
  },
  spaceManager: (t, p) => {
    const i = pickLine(t, p, /^roles:/);
    return i < 0 ? t : insertAfter(t, i, `  - role: Space Manager\n    environments: [Test]`);
  },
  systemRole: (t, p) => {
    const i = pickLine(t, p, /^roles:/);
    return i < 0 ? t : insertAfter(t, i, `  - ${['System Manager', 'System Administrator', 'User Manager'][p % 3]}`);
  },
  systemRoleRestricted: (t, p) => {
    const i = pickLine(t, p, /^roles:/);
    return i < 0 ? t : insertAfter(t, i, `  - role: System Manager\n    ${['environments', 'tenants'][p % 2]}: [Test]`);
  },
  shadowBuiltin: (t, p) => t.replace(/^name: .*/, ['name: project viewer', 'name: Space Manager'][p % 2]),
  flowList: (t) => t.replace(/^(\w+):\n((?: {2}- .*\n)+)/m, (_m, key: string, items: string) => `${key}: [${items.trim().split('\n').map((l) => l.replace(/^\s+- /, '')).join(', ')}]\n`),
  crlf: (t) => t.replace(/\n/g, '\r\n'),
};

describe(`quick fixes over a generated corpus of broken workspaces (${RUNS} workspaces)`, function () {
  this.timeout(600000);

  it('every offered fix removes its diagnostic, keeps the YAML valid and adds no error; so does fix-all', () => {
    let fixesChecked = 0;
    let fixAllChecked = 0;
    const codes = new Set<string>();
    const mutationArb = fc.array(fc.tuple(fc.constantFrom(...Object.keys(MUTATIONS)), fc.nat(), fc.nat()), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), mutationArb, fc.array(opArb, { maxLength: 4 }), (seed, mutations, ops) => {
        const texts = new Map([...generateWorkspace({ files: 12, seed, breachRate: 0.3 })].map(([p, t]) => [`/ws/${p}`, t]));
        const uris = [...texts.keys()];
        for (const [name, file, pick] of mutations) {
          const uri = uris[file % uris.length];
          texts.set(uri, MUTATIONS[name](texts.get(uri)!, pick));
        }
        // Then the fuzzer's own edits (structural and byte level), for layouts no mutation above makes.
        const corpus = new Corpus(new Map(texts));
        const states = new Map([...texts].map(([u, text]) => [u, { text }]));
        for (const op of ops) {
          if (op.kind === 'remove' || op.kind === 'bytes') continue;
          const { uri, state } = corpus.apply(op, states);
          if (state) {
            states.set(uri, { text: state.text });
            texts.set(uri, state.text);
          }
        }
        const ws = new Workspace();
        for (const [uri, text] of texts) ws.setFile(uri, text);
        for (const uri of uris) {
          for (const d of finalDiagnostics(ws, uri, DEFAULT_SETTINGS)) {
            for (const fix of codeFixes(ws, uri, d, DEFAULT_SETTINGS)) {
              checkInvariants(texts, DEFAULT_SETTINGS, uri, d, fix);
              fixesChecked++;
              codes.add(d.code);
            }
          }
          // The model is unchanged by offering fixes.
          assert.equal(ws.text(uri), texts.get(uri));
          const all = fixAll(ws, uri, DEFAULT_SETTINGS);
          if (!all) continue;
          fixAllChecked++;
          const after = new Map(texts).set(uri, all.text);
          const fresh = new Workspace();
          for (const [u, t] of after) fresh.setFile(u, t);
          const syntax = (t: string) => parseFile(uri, t, 'team').local.filter((x) => x.code === 'yaml-syntax').length;
          assert.ok(syntax(all.text) <= syntax(texts.get(uri)!), `fix-all broke the YAML of ${uri}:\n${all.text}`);
          for (const u of uris) {
            const errors = (w: Workspace) => w.diagnostics(u).filter((x) => x.severity === 'error').length;
            assert.ok(errors(fresh) <= errors(ws), `fix-all added an error to ${u}:\n${after.get(u)}`);
          }
          assert.ok(finalDiagnostics(fresh, uri, DEFAULT_SETTINGS).length < finalDiagnostics(ws, uri, DEFAULT_SETTINGS).length, 'fix-all fixed something');
        }
      }),
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    // Reported, and read by the closing note of a long campaign.
    console.log(`      ${fixesChecked} fixes and ${fixAllChecked} fix-alls checked, for ${codes.size} codes: ${[...codes].sort().join(', ')}`);
    assert.ok(fixesChecked > RUNS * 5, 'the corpus provokes fixes');
  });
});
