import * as assert from 'node:assert/strict';
import { documentHighlights, semanticTokens } from '../../server/src/service';
import { parseFixture, workspaceOf } from '../support/fixture';

const WORKSPACE = `#= deployer.role.yaml
name: Deployer
spacePermissions: [ProjectView, TaskViewLog, ProjectVeiw]
systemPermissions:
  - UserView
#= finance.space.yaml
name: Finance
#= ops.team.yaml
name: Ops
space: Finance
roles:
  - Deployer
  - Project Viewer
  - Deployr
  - role: "Deployer"
    environments: [Production]
`;

/** The tokens of the fixture's last file, as `text type+modifier` strings. */
function tokens(source: string): string[] {
  const files = parseFixture(source);
  const { ws } = workspaceOf(files);
  const file = files[files.length - 1];
  return semanticTokens(ws, file.path).map((t) => [file.text.slice(t.span.start, t.span.end), [t.type, ...t.modifiers].join('+')].join(' '));
}

/** The highlights at the fixture's `$0`, as `text kind` strings with their line. */
function highlights(source: string): string[] {
  const files = parseFixture(source);
  const { ws } = workspaceOf(files);
  const file = files.find((f) => f.cursor !== undefined)!;
  return documentHighlights(ws, file.path, file.cursor!).map((h) => {
    const line = file.text.slice(0, h.span.start).split('\n').length;
    return `${line}: ${file.text.slice(h.span.start, h.span.end)} ${h.kind}`;
  });
}

describe('semantic tokens and highlights', () => {
  it('tells built-in and custom roles, spaces, teams and permissions apart; unknown names get no token', () => {
    assert.deepEqual(tokens(WORKSPACE), [
      'Ops struct+declaration',
      'Finance namespace',
      'Deployer class',
      'Project Viewer class+defaultLibrary',
      '"Deployer" class',
    ]);
    const role = WORKSPACE.split('#= finance.space.yaml')[0];
    assert.deepEqual(tokens(role), [
      'Deployer class+declaration',
      'ProjectView enumMember+defaultLibrary',
      'TaskViewLog enumMember+defaultLibrary+deprecated',
      'UserView enumMember+defaultLibrary',
    ]);
  });

  it('does not colour a space that is not declared', () => {
    assert.deepEqual(tokens('#= t.team.yaml\nname: T\nspace: Nowhere\nroles: [Project Viewer]\n'), ['T struct+declaration', 'Project Viewer class+defaultLibrary']);
  });

  it('highlights the occurrences of a role in the file, not a misspelt one; on a definition, the definition', () => {
    const src = `#= ops.team.yaml\nname: Ops\nspace: Finance\nroles:\n  - Deploy$0er\n  - role: Deployer\n    environments: [Test]\n  - Deployr\n`;
    assert.deepEqual(highlights(src), ['4: Deployer reference', '5: Deployer reference']);
    assert.deepEqual(highlights('#= d.role.yaml\nname: Dep$0loyer\nspacePermissions: [ProjectView]\n---\nname: Other\nspacePermissions: [ProjectView]\n'), ['1: Deployer definition']);
  });

  it('highlights a permission in both lists, and a space in the team and its assignments', () => {
    assert.deepEqual(highlights('name: R\nspacePermissions: [ProjectView, TaskView]\nsystemPermissions:\n  - ProjectV$0iew\n'), [
      '2: ProjectView reference',
      '4: ProjectView reference',
    ]);
    assert.deepEqual(highlights('#= t.team.yaml\nname: T\nspace: Fin$0ance\nroles:\n  - role: Deployer\n    space: Finance\n  - role: X\n    space: Platform\n'), [
      '2: Finance reference',
      '5: Finance reference',
    ]);
  });

  it('keeps a custom role that shadows a built-in one apart from the built-in role', () => {
    const src = '#= r.role.yaml\nname: Project Viewer\nspacePermissions: [ProjectView]\n#= t.team.yaml\nname: T\nspace: S\nroles:\n  - Project Vie$0wer\n';
    assert.deepEqual(highlights(src), ['4: Project Viewer reference']);
  });

  it('highlights nothing away from a name', () => {
    assert.deepEqual(highlights('name: R\nspace$0Permissions: [ProjectView]\n'), []);
  });
});
