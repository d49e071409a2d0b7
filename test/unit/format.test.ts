/**
 * Format Document for role, team and space files: exact results on examples of each layout, and a
 * property over generated workspaces whose files are re-styled at random (deeper indentation, comments,
 * anchors, flow lists, CRLF): formatting succeeds, is idempotent, and the model and every diagnostic read
 * before and after are the same.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { applyEdits, formatFile, modelShape, parseFile, Workspace } from '../../server/src/service';
import { generateWorkspace } from '../support/generate';

function format(text: string, uri = 'r.role.yaml', tabSize = 2): string {
  const ws = new Workspace();
  ws.setFile(uri, text);
  return applyEdits(text, formatFile(ws, uri, { tabSize }));
}

const kindOf = (uri: string) => (/\.(role|team|space)\.ya?ml$/.exec(uri)?.[1] ?? 'role') as 'role' | 'team' | 'space';

/** Everything a reader of the file could notice besides white space: values, comments, anchors, findings. */
function meaning(uri: string, text: string) {
  const file = parseFile(uri, text, kindOf(uri));
  const comments = [...text.matchAll(/(?:^|\s)(#.*)$/gm)].map((m) => m[1].trimEnd());
  return {
    values: parseAllDocuments(text).map((d) => JSON.stringify(d.toJS({ maxAliasCount: -1 }))),
    comments,
    anchors: [...text.matchAll(/[&*][A-Za-z0-9_-]+/g)].map((m) => m[0]),
    model: modelShape(file),
    findings: file.local.map((d) => `${d.code} ${d.severity}`),
  };
}

describe('formatting', () => {
  it('re-indents to two spaces and keeps comments, anchors, key order, quoting and flow lists', () => {
    const before = [
      '# Release managers of the portal',
      'name:    "Release Manager"   # shown in Octopus',
      'description: Creates releases',
      'spacePermissions:',
      '    # reading first',
      '    - ProjectView',
      '    -   ReleaseCreate # the point of it',
      '',
      'systemPermissions: [ UserView ,TeamView ]',
      '',
    ].join('\n');
    assert.equal(
      format(before),
      [
        '# Release managers of the portal',
        'name: "Release Manager" # shown in Octopus',
        'description: Creates releases',
        'spacePermissions:',
        '  # reading first',
        '  - ProjectView',
        '  - ReleaseCreate # the point of it',
        '',
        'systemPermissions: [UserView, TeamView]',
        '',
      ].join('\n'),
    );
  });

  it('formats teams with anchors, merge keys and several documents, keeping CRLF and a trailing comment', () => {
    const before =
      'name: Finance\r\nspace: Finance\r\nroles:\r\n- role: Deployer\r\n  environments: &prod [Production]\r\n- role: Project Viewer\r\n  environments: *prod\r\n# end of Finance\r\n---\r\nname: Ops\r\nroles:\r\n    - System Manager\r\n';
    assert.equal(
      format(before, 'f.team.yaml'),
      'name: Finance\r\nspace: Finance\r\nroles:\r\n  - role: Deployer\r\n    environments: &prod [Production]\r\n  - role: Project Viewer\r\n    environments: *prod\r\n# end of Finance\r\n---\r\nname: Ops\r\nroles:\r\n  - System Manager\r\n',
    );
  });

  it('indents by the tab size the editor asks for', () => {
    assert.equal(format('name: R\nspacePermissions:\n  - ProjectView\n', 'r.role.yaml', 4), 'name: R\nspacePermissions:\n    - ProjectView\n');
  });

  it('leaves a file with a syntax error, or made of comments only, as it is', () => {
    for (const text of ['name: R\nspacePermissions:\n    - ProjectView\n  - "unclosed\n', '# nothing yet\n', '', 'name: R\n---\n# empty second document\n']) {
      assert.equal(format(text), text, JSON.stringify(text));
    }
  });

  it('changes nothing in the shipped examples, which are formatted already', () => {
    const root = path.resolve(__dirname, '..', '..', '..', 'examples');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? files(path.join(dir, n)) : /\.(role|team|space)\.yaml$/.test(n) ? [path.join(dir, n)] : []));
    const all = files(root);
    assert.ok(all.length >= 10);
    for (const f of all) {
      const text = readFileSync(f, 'utf8');
      assert.equal(format(text, path.basename(f)), text, f);
    }
  });

  it('is idempotent and keeps what files mean, on re-styled generated workspaces', () => {
    const corpus = [...generateWorkspace({ files: 60, seed: 16, breachRate: 0.2 })].filter(([p]) => /\.(role|team|space)\.yaml$/.test(p));
    const style = fc.record({
      file: fc.nat(corpus.length - 1),
      depth: fc.constantFrom(1, 2, 3),
      indentSeq: fc.boolean(),
      comments: fc.array(fc.nat(200), { maxLength: 4 }),
      flow: fc.boolean(),
      crlf: fc.boolean(),
      anchor: fc.boolean(),
    });
    let formatted = 0;
    fc.assert(
      fc.property(style, (s) => {
        const [uri, original] = corpus[s.file];
        // The same documents printed with deeper indentation, sequences flush with their key or not.
        let text = parseAllDocuments(original)
          .map((d) => d.toString({ indent: 2 * s.depth, indentSeq: s.indentSeq, lineWidth: 0 }))
          .join('');
        if (s.flow) text = text.replace(/^(\w+Permissions):\n((?:[ ]*- [A-Za-z]+\n)+)/m, (_m, key: string, items: string) => `${key}: [${items.trim().split(/\n\s*- /).map((x) => x.replace(/^- /, '')).join(', ')}]\n`);
        if (s.anchor) text = text.replace(/environments: \[([^\]]*)\]/, 'environments: &env [$1]');
        // Own-line comments at the indentation of the line they precede.
        const lines = text.split('\n');
        for (const at of s.comments) {
          const i = at % lines.length;
          lines.splice(i, 0, `${/^ */.exec(lines[i])![0]}# note ${at}`);
        }
        text = lines.join('\n');
        if (s.crlf) text = text.replace(/\n/g, '\r\n');
        const once = format(text, uri);
        assert.equal(format(once, uri), once, 'formatting twice changes nothing more');
        assert.deepEqual(meaning(uri, once), meaning(uri, text));
        if (once !== text) formatted++;
        // The result is at two spaces: no line is indented by an odd number of spaces... except comments.
        for (const l of once.split(/\r?\n/)) if (!/^\s*#/.test(l)) assert.equal(/^ */.exec(l)![0].length % 2, 0, l);
      }),
      { numRuns: 150, seed: 16 },
    );
    assert.ok(formatted > 100, `only ${formatted} of 150 re-styled files were formatted`);
  });
});
