/**
 * The model as the workspace keeps it (model/compact.ts) says exactly what the front-end read: every
 * field of every object, spans included, over the rule fixtures, the Terraform fixtures and a generated
 * workspace; the local rules find the same on both; a key table answers as the Map it replaces.
 */
import * as assert from 'node:assert/strict';
import { ensureTerraform } from '../../server/src/node/terraform';
import { FRONT_ENDS, Workspace, type FrontEnd, type ParsedFile } from '../../server/src/service';
import { compactParsed, docNameOf, KeyTable, listValues, roleNameOf, roleSpanOf, teamSpaceOf } from '../../server/src/service/model/compact';
import { NO_RESTRICTIONS, restrictionsOf } from '../../server/src/service/model/grants';
import { ANALYSER } from '../../server/src/service/rules/registry';
import { FINDINGS_KEPT } from '../../server/src/service/model/workspace';
import type { Doc, KeyRef, NameList, TeamDoc } from '../../server/src/service/model/types';
import { fixtureSources, parseFixture } from '../support/fixture';
import { generateWorkspace } from '../support/generate';

/**
 * Asserts that `kept` has every field `raw` has, with the same value, read as a reader of the model
 * reads it (spans through their getters, key tables and maps by their entries).
 */
function assertSame(raw: unknown, kept: unknown, at: string): void {
  if (raw === null || typeof raw !== 'object') {
    assert.equal(kept, raw, at);
    return;
  }
  assert.ok(kept !== null && typeof kept === 'object', `${at}: an object`);
  if (Array.isArray(raw)) {
    const list = kept as readonly unknown[];
    assert.equal(list.length, raw.length, `${at}: length`);
    raw.forEach((x, i) => assertSame(x, list[i], `${at}[${i}]`));
    return;
  }
  if (raw instanceof Set) {
    assert.deepEqual([...(kept as Set<unknown>)].sort(), [...raw].sort(), at);
    return;
  }
  if (raw instanceof Map) {
    const entries = [...(kept as ReadonlyMap<unknown, unknown>).entries()];
    assert.equal((kept as ReadonlyMap<unknown, unknown>).size, raw.size, `${at}: size`);
    [...raw.entries()].forEach(([k, v], i) => {
      assert.equal(entries[i][0], k, `${at}: key ${i}`);
      assertSame(v, entries[i][1], `${at}.get(${String(k)})`);
    });
    return;
  }
  for (const [k, v] of Object.entries(raw)) {
    if (v !== undefined) assertSame(v, (kept as Record<string, unknown>)[k], `${at}.${k}`);
  }
}

/** What the file's front-end reads from it, with the front-end. */
function parse(uri: string, text: string): { raw: ParsedFile; frontEnd: FrontEnd } | undefined {
  const frontEnd = FRONT_ENDS.find((f) => f.kindOf(uri));
  return frontEnd ? { raw: frontEnd.parse(uri, text, frontEnd.kindOf(uri)!, ANALYSER.reporter), frontEnd } : undefined;
}

/** Every file of the fixtures and of a generated workspace, as URI and text. */
function corpus(): [string, string][] {
  const files: [string, string][] = [];
  for (const f of fixtureSources()) {
    for (const file of parseFixture(f.text, f.defaultPath)) files.push([`file:///${f.name}/${file.path}`, file.text]);
  }
  for (const [p, text] of generateWorkspace({ files: 300, seed: 7 })) files.push([`file:///gen/${p}`, text]);
  return files;
}

describe('the model as the workspace keeps it', () => {
  before(async () => {
    await ensureTerraform();
  });

  it('holds every field and span the front-end read, and the local rules find the same in it', () => {
    let checked = 0;
    for (const [uri, text] of corpus()) {
      const read = parse(uri, text);
      if (!read) continue;
      const { raw, frontEnd } = read;
      const kept = compactParsed(raw);
      assertSame(raw, kept, uri);
      assert.deepEqual(ANALYSER.local(kept, frontEnd.terms), ANALYSER.local(raw, frontEnd.terms), `${uri}: local findings`);
      checked++;
    }
    assert.ok(checked > 300, `${checked} files checked`);
  });

  it('answers every document, span and field the front-end read from the workspace, through edits that move them', () => {
    const ws = new Workspace();
    const files = corpus().filter(([uri]) => !uri.endsWith('.tf'));
    // As read; then moved down by a comment and given a second document; then back to one document.
    const versions = (text: string) => [text, `# moved\n\n${text}${text.endsWith('\n') ? '' : '\n'}---\nname: Second\n`, `\n${text}`];
    let checked = 0;
    for (let v = 0; v < 3; v++) {
      for (const [uri, text] of files) {
        const version = versions(text)[v];
        const read = parse(uri, version);
        if (!read) continue;
        ws.setFile(uri, version);
        assertSame(read.raw, ws.model(uri), `${uri} (version ${v})`);
        checked++;
      }
    }
    assert.ok(checked > 900, `${checked} files checked`);
  });

  it('reads names, spaces, roles and lists without making the names, as the names themselves say, kept or not', () => {
    // The proof of policies reads these for every team of a workspace (model/teams.ts): a reader that
    // answered differently from the model would prove something other than the files say.
    const sameList = (list: NameList | undefined, at: string) => {
      if (!list) return;
      const values = listValues(list);
      assert.deepEqual(values, list.items.map((i) => i.value), at);
      // Sized to its names: readers keep some of these lists (every team's members).
      assert.equal(values.length, list.items.length, `${at}: length`);
    };
    const readers = (doc: Doc, at: string) => {
      assert.equal(docNameOf(doc), doc.name?.value, `${at}: name`);
      if (doc.kind !== 'team') return 0;
      assert.equal(teamSpaceOf(doc), doc.space?.value, `${at}: space`);
      sameList(doc.members, `${at}: members`);
      sameList(doc.externalGroups, `${at}: groups`);
      doc.assignments.forEach((a, i) => {
        assert.equal(roleNameOf(a), a.role.value, `${at}: assignment ${i} role`);
        assert.deepEqual(roleSpanOf(a), a.role.span, `${at}: assignment ${i} role span`);
        for (const r of a.restrictions) sameList(r.list, `${at}: assignment ${i} ${r.dimension}`);
      });
      return doc.assignments.length;
    };
    let assignments = 0;
    for (const [uri, text] of corpus()) {
      const read = parse(uri, text);
      if (!read) continue;
      for (const [form, parsed] of [['raw', read.raw], ['kept', compactParsed(read.raw)]] as const) {
        for (const doc of parsed.docs) assignments += readers(doc, `${uri} (${form}) #${doc.index}`);
      }
    }
    assert.ok(assignments > 1000, `${assignments} assignments read`);
  });

  it('reads quoted and escaped names by their values, and their spans as written', () => {
    const ws = new Workspace();
    const uri = 'file:///w/quoted.team.yaml';
    ws.setFile(uri, 'name: "Ops \\"A\\""\nspace: \'Main Space\'\nmembers: ["alice b", carol, \'d\']\nroles:\n  - role: "Project Viewer"\n    environments: [Dev, "Pre Prod", Dev]\n');
    const team = ws.model(uri)!.docs[0] as TeamDoc;
    assert.equal(docNameOf(team), 'Ops "A"');
    assert.equal(teamSpaceOf(team), 'Main Space');
    assert.deepEqual(listValues(team.members!), ['alice b', 'carol', 'd']);
    const a = team.assignments[0];
    assert.equal(roleNameOf(a), 'Project Viewer');
    // The span covers the quotes, as the name's own span does.
    assert.deepEqual(roleSpanOf(a), a.role.span);
    assert.equal(roleSpanOf(a).end - roleSpanOf(a).start, '"Project Viewer"'.length);
    // An assignment's restrictions keep each value once, in the order written.
    assert.deepEqual(restrictionsOf(a), { environments: ['Dev', 'Pre Prod'] });
  });

  it('lists its files in order through additions, removals and edits', () => {
    const ws = new Workspace();
    const uris = ['file:///w/b.role.yaml', 'file:///w/a.team.yaml', 'file:///w/c/d.space.yaml'];
    ws.setFile(uris[0], 'name: B\nspacePermissions: [ProjectView]\n');
    ws.setFile(uris[1], 'name: A\n');
    assert.deepEqual(ws.sortedUris(), ['file:///w/a.team.yaml', 'file:///w/b.role.yaml']);
    ws.setFile(uris[2], 'name: D\n');
    assert.deepEqual(ws.sortedUris(), ['file:///w/a.team.yaml', 'file:///w/b.role.yaml', 'file:///w/c/d.space.yaml']);
    // An edit keeps the list; a removal shortens it.
    ws.setFile(uris[0], 'name: B2\n');
    assert.deepEqual(ws.sortedUris(), ['file:///w/a.team.yaml', 'file:///w/b.role.yaml', 'file:///w/c/d.space.yaml']);
    ws.removeFile(uris[1]);
    assert.deepEqual(ws.sortedUris(), ['file:///w/b.role.yaml', 'file:///w/c/d.space.yaml']);
    assert.deepEqual([...ws.sortedUris()], [...ws.uris()].sort(), 'the same files as uris()');
  });

  it('gives every unrestricted assignment one shared, frozen set of restrictions', () => {
    const ws = new Workspace();
    ws.setFile('file:///w/t.team.yaml', 'name: T\nroles:\n  - role: Project Viewer\n    space: A\n  - role: Project Deployer\n    space: B\n');
    const team = ws.model('file:///w/t.team.yaml')!.docs[0] as TeamDoc;
    const [a, b] = team.assignments.map(restrictionsOf);
    assert.equal(a, NO_RESTRICTIONS);
    assert.equal(b, NO_RESTRICTIONS);
    assert.ok(Object.isFrozen(a), 'no reader can change what every unrestricted grant shares');
  });

  it('keeps a YAML document\'s span as offsets, its name as its value and start, its key table as slots, a file\'s one document and an assignment\'s one restriction, with no object of their own', () => {
    const ws = new Workspace();
    const texts = new Map([
      ['file:///a.role.yaml', 'name: A\nspacePermissions: [ProjectView]\n'],
      ['file:///b.team.yaml', '# b\nname: B\nspace: S\nroles: [A]\n'],
    ]);
    for (const [uri, text] of texts) ws.setFile(uri, text);
    for (const [uri, text] of texts) {
      const doc = ws.model(uri)!.docs[0];
      const own = Object.values(doc as object).filter((v): v is object => typeof v === 'object' && v !== null);
      assert.ok(!own.some((v) => 'start' in v && 'end' in v && Object.keys(v).length === 2), `${uri}: a span object`);
      assert.ok(!own.some((v) => v instanceof KeyTable), `${uri}: a key table object`);
      assert.ok(!own.some((v) => 'value' in v && 'span' in v), `${uri}: a name object`);
      // A file of one document keeps it without a list.
      const model = ws.model(uri)!;
      assert.ok(!Object.values(model).some((v) => Array.isArray(v) && v.includes(doc)), `${uri}: a list of its document`);
      assert.equal(model.docs.length, 1);
      assert.deepEqual(doc.span, parse(uri, text)!.raw.docs[0].span);
      assert.equal(doc.span.start, text.indexOf('name'));
      assert.deepEqual([...doc.keys.keys()], uri.startsWith('file:///a') ? ['name', 'spacePermissions'] : ['name', 'space', 'roles']);
      assert.deepEqual([doc.name!.value, doc.name!.span], [uri.startsWith('file:///a') ? 'A' : 'B', { start: text.indexOf('name: ') + 6, end: text.indexOf('name: ') + 7 }]);
    }
    // An assignment restricted in one dimension keeps that restriction without a list.
    ws.setFile('file:///c.team.yaml', 'name: C\nspace: S\nroles:\n  - role: A\n    environments: [Dev]\n');
    const team = ws.model('file:///c.team.yaml')!.docs[0] as TeamDoc;
    const [assignment] = team.assignments;
    assert.ok(!Object.values(assignment).some((v) => Array.isArray(v) && v.includes(assignment.restrictions[0])), 'a list of its restriction');
    assert.deepEqual(
      assignment.restrictions.map((r) => [r.dimension, r.list.items.map((i) => i.value)]),
      [['environments', ['Dev']]],
    );
  });

  it('shares one frozen empty list between files', () => {
    const ws = new Workspace();
    ws.setFile('file:///a.role.yaml', 'name: A\nspacePermissions: [ProjectView]\n');
    ws.setFile('file:///b.team.yaml', 'name: B\nroles: [A]\n');
    const a = ws.model('file:///a.role.yaml')!;
    const b = ws.model('file:///b.team.yaml')!;
    assert.equal(a.syntaxFindings, b.syntaxFindings);
    assert.equal(a.guessed, b.local);
    assert.ok(Object.isFrozen(a.syntaxFindings));
    assert.equal(a.suppressions, b.suppressions);
  });

  it('answers line maps for the current text of every file, beyond the 2,048 it keeps', () => {
    const ws = new Workspace();
    const uri = (i: number) => `file:///f${i}.role.yaml`;
    const text = (i: number, blank: number) => `${'\n'.repeat(blank)}name: R${i}\n`;
    const lineOfName = (i: number) => ws.lines(uri(i))!.positionAt(ws.text(uri(i))!.indexOf('name')).line;
    for (let i = 0; i < 2100; i++) ws.setFile(uri(i), text(i, i % 5));
    for (let i = 0; i < 2100; i++) assert.equal(lineOfName(i), i % 5, `file ${i}`);
    // The first files' maps were dropped, the last ones' are kept: both follow a change of text.
    for (const i of [0, 1, 2099]) {
      ws.setFile(uri(i), text(i, 7));
      assert.equal(lineOfName(i), 7, `file ${i} after its change`);
    }
  });

  it('keeps the findings of the files used last, and works out the same findings again for the others', () => {
    const ws = new Workspace();
    const uri = (i: number) => `file:///f${i}.role.yaml`;
    const n = FINDINGS_KEPT + 10;
    for (let i = 0; i < n; i++) ws.setFile(uri(i), `name: R${i}\nspacePermissions: [ProjectVeiw${i}]\n`);
    const first = [0, 1].map((i) => ws.diagnostics(uri(i)));
    for (let i = 2; i < n; i++) assert.ok(ws.diagnostics(uri(i)).some((d) => d.code === 'unknown-permission'), `file ${i}`);
    const last = ws.diagnostics(uri(n - 1));
    // The first files' findings were let go and are worked out again, the same; the last one's are kept.
    assert.notEqual(ws.diagnostics(uri(0)), first[0]);
    assert.deepEqual(ws.diagnostics(uri(0)), first[0]);
    assert.deepEqual(ws.diagnostics(uri(1)), first[1]);
    assert.equal(ws.diagnostics(uri(n - 1)), last);
  });

  it('answers a key table as the Map it replaces, small or large, also for a key filed under another name', () => {
    const ref = (key: string, at: number): KeyRef => ({ key, keySpan: { start: at, end: at + key.length }, pairSpan: { start: at, end: at + key.length + 3 } });
    for (const n of [0, 3, 16, 17, 400]) {
      const map = new Map<string, KeyRef>();
      for (let i = 0; i < n; i++) map.set(`k${i}`, ref(`k${i}`, i * 10));
      map.set('block', ref('dynamic', 9999));
      const table = new KeyTable(map);
      assert.equal(table.size, map.size);
      assert.deepEqual([...table.keys()], [...map.keys()]);
      assert.deepEqual([...table.values()], [...map.values()]);
      assert.deepEqual([...table], [...map]);
      const seen: string[] = [];
      table.forEach((v, k) => {
        assert.equal(v, map.get(k));
        seen.push(k);
      });
      assert.deepEqual(seen, [...map.keys()]);
      for (const k of [...map.keys(), 'absent', 'k', 'dynamic']) {
        assert.equal(table.has(k), map.has(k), `has ${k} (${n})`);
        assert.equal(table.get(k), map.get(k), `get ${k} (${n})`);
      }
    }
  });
});
