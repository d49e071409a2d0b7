import * as assert from 'node:assert/strict';
import {
  applyEdits,
  definition,
  documentSymbols,
  finalDiagnostics,
  LineMap,
  prepareRename,
  references,
  rename,
  workspaceSymbols,
  DEFAULT_SETTINGS,
  Workspace,
  type OutlineSymbol,
  type SourceLocation,
} from '../../server/src/service';
import { parseFixture, workspaceOf, type FixtureFile } from '../support/fixture';

/** The fixture's workspace and the file and offset of its `$0`. */
function at(source: string) {
  const files = parseFixture(source);
  const { ws } = workspaceOf(files);
  const file = files.find((f) => f.cursor !== undefined);
  assert.ok(file, 'the fixture has no $0');
  return { ws, files, uri: file.path, offset: file.cursor! };
}

/** Locations as `path:line:column text`, so a test reads what a user would see. */
function render(files: readonly FixtureFile[], locations: readonly SourceLocation[]): string[] {
  return locations.map((l) => {
    const text = files.find((f) => f.path === l.uri)!.text;
    const p = new LineMap(text).positionAt(l.span.start);
    return `${l.uri}:${p.line + 1}:${p.character} ${text.slice(l.span.start, l.span.end)}`;
  });
}

const definitionsAt = (source: string): string[] => {
  const { ws, files, uri, offset } = at(source);
  return render(files, definition(ws, uri, offset));
};

const referencesAt = (source: string, includeDeclaration = true): string[] => {
  const { ws, files, uri, offset } = at(source);
  return render(files, references(ws, uri, offset, includeDeclaration));
};

/** Renames at `$0`; returns every file's new text, or the refusal. */
function renameAt(source: string, newName: string): { texts: Map<string, string>; changed: string[] } | string {
  const { ws, files, uri, offset } = at(source);
  const change = rename(ws, uri, offset, newName);
  if ('error' in change) return change.error;
  const texts = new Map(files.map((f) => [f.path, f.text]));
  for (const [u, edits] of change.edits) texts.set(u, applyEdits(texts.get(u)!, edits));
  return { texts, changed: [...change.edits.keys()].sort() };
}

/** Every diagnostic of a workspace, as `path code` lines. */
function problems(texts: ReadonlyMap<string, string>): string[] {
  const ws = new Workspace();
  for (const [u, t] of texts) ws.setFile(u, t);
  return [...texts.keys()].flatMap((u) => finalDiagnostics(ws, u, DEFAULT_SETTINGS).map((d) => `${u} ${d.code}`));
}

const ROLES = `#= roles/deployer.role.yaml
name: Deployer
spacePermissions: [DeploymentCreate, ProjectView]
`;

describe('navigation', () => {
  describe('definition', () => {
    it('goes from a role reference to the custom role, in another file', () => {
      const src = `${ROLES}#= teams/finance.team.yaml
name: Finance
space: Finance
roles:
  - Deplo$0yer
`;
      assert.deepEqual(definitionsAt(src), ['roles/deployer.role.yaml:1:6 Deployer']);
    });

    it('goes from a long-form reference, and lists every definition of a name defined twice', () => {
      const src = `${ROLES}#= roles/again.role.yaml
name: Other
spacePermissions: [ProjectView]
---
name: "Deployer"
spacePermissions: [ProjectView]
#= t.team.yaml
name: T
space: S
roles:
  - role: $0Deployer
    environments: [Test]
`;
      assert.deepEqual(definitionsAt(src), ['roles/again.role.yaml:4:6 "Deployer"', 'roles/deployer.role.yaml:1:6 Deployer']);
    });

    it('has no definition for a built-in role, even when a custom role shadows it, nor for an unknown role', () => {
      const src = (ref: string) => `#= r.role.yaml
name: Project Viewer
spacePermissions: [ProjectView]
#= t.team.yaml
name: T
space: S
roles: [${ref}]
`;
      assert.deepEqual(definitionsAt(src('Project $0Viewer')), []);
      assert.deepEqual(definitionsAt(src('Nobo$0dy')), []);
    });

    it('resolves by exact name: a reference in another case does not reach the role', () => {
      assert.deepEqual(definitionsAt(`${ROLES}#= t.team.yaml\nname: T\nspace: S\nroles: [deplo$0yer]\n`), []);
    });

    it('goes from a team space and an assignment space to the space', () => {
      const spaces = '#= s.space.yaml\nname: Finance\n---\nname: Platform\n';
      assert.deepEqual(definitionsAt(`${spaces}#= t.team.yaml\nname: T\nspace: Fin$0ance\nroles: [Deployer]\n`), ['s.space.yaml:1:6 Finance']);
      assert.deepEqual(definitionsAt(`${spaces}#= t.team.yaml\nname: T\nroles:\n  - role: Deployer\n    space: $0Platform\n`), ['s.space.yaml:3:6 Platform']);
    });

    it('answers with the name itself on a role, space or team name, and nothing on a permission', () => {
      assert.deepEqual(definitionsAt('#= r.role.yaml\nname: Deploy$0er\nspacePermissions: [ProjectView]\n'), ['r.role.yaml:1:6 Deployer']);
      assert.deepEqual(definitionsAt('#= s.space.yaml\nname: $0Finance\n'), ['s.space.yaml:1:6 Finance']);
      assert.deepEqual(definitionsAt('#= t.team.yaml\nname: Ops$0\nroles: [System Manager]\n'), ['t.team.yaml:1:6 Ops']);
      assert.deepEqual(definitionsAt('#= r.role.yaml\nname: R\nspacePermissions: [Project$0View]\n'), []);
    });
  });

  describe('references', () => {
    const src = (cursorInRole: boolean) => `#= roles/deployer.role.yaml
name: ${cursorInRole ? 'Dep$0loyer' : 'Deployer'}
spacePermissions: [DeploymentCreate, ProjectView]
#= teams/a.team.yaml
name: A
space: Finance
roles: [Deployer, deployer, Project Viewer]
#= teams/b.team.yaml
name: B
roles:
  - role: ${cursorInRole ? 'Deployer' : 'Deploy$0er'}
    space: Finance
---
name: C
space: Platform
roles:
  - Deployer
`;
    const expected = ['teams/a.team.yaml:3:8 Deployer', 'teams/b.team.yaml:3:10 Deployer', 'teams/b.team.yaml:9:4 Deployer'];

    it('finds every assignment of a role across files, from its definition or from a reference', () => {
      assert.deepEqual(referencesAt(src(true)), ['roles/deployer.role.yaml:1:6 Deployer', ...expected]);
      assert.deepEqual(referencesAt(src(false)), ['roles/deployer.role.yaml:1:6 Deployer', ...expected]);
      assert.deepEqual(referencesAt(src(false), false), expected);
    });

    it('keeps a built-in role and a custom role that shadows it apart', () => {
      const shadow = (cursorOnDefinition: boolean) => `#= r.role.yaml
name: ${cursorOnDefinition ? 'Project $0Viewer' : 'Project Viewer'}
spacePermissions: [ProjectView]
#= t.team.yaml
name: T
space: S
roles: [${cursorOnDefinition ? 'Project Viewer' : 'Project Vie$0wer'}]
`;
      assert.deepEqual(referencesAt(shadow(true)), ['r.role.yaml:1:6 Project Viewer']);
      assert.deepEqual(referencesAt(shadow(false)), ['t.team.yaml:3:8 Project Viewer']);
    });

    it('finds team spaces and assignment spaces naming a space', () => {
      const spaces = `#= s.space.yaml
name: Fin$0ance
#= t.team.yaml
name: T
space: Finance
roles: [Deployer]
---
name: U
roles:
  - role: Deployer
    space: Finance
  - role: Deployer
    space: Platform
`;
      assert.deepEqual(referencesAt(spaces), ['s.space.yaml:1:6 Finance', 't.team.yaml:2:7 Finance', 't.team.yaml:8:11 Finance']);
    });

    it('finds every role listing a permission, in either list', () => {
      const permission = `#= a.role.yaml
name: A
spacePermissions: [ProjectView, Team$0View]
#= b.role.yaml
name: B
systemPermissions:
  - TeamView
  - UserView
---
name: C
spacePermissions: [ProjectView]
`;
      assert.deepEqual(referencesAt(permission), ['a.role.yaml:2:32 TeamView', 'b.role.yaml:3:4 TeamView']);
    });

    it('has only the declaration for a team, and nothing off a name', () => {
      assert.deepEqual(referencesAt('#= t.team.yaml\nname: O$0ps\nroles: [System Manager]\n'), ['t.team.yaml:1:6 Ops']);
      assert.deepEqual(referencesAt('#= t.team.yaml\nname: O$0ps\nroles: [System Manager]\n', false), []);
      assert.deepEqual(referencesAt('#= t.team.yaml\nname: Ops\ndescription: some $0text\n'), []);
    });
  });

  describe('prepareRename', () => {
    const prepared = (source: string) => {
      const { ws, files, uri, offset } = at(source);
      const p = prepareRename(ws, uri, offset);
      if ('error' in p) return p.error;
      const text = files.find((f) => f.path === uri)!.text;
      return `${text.slice(p.span.start, p.span.end)} | ${p.placeholder}`;
    };

    it('offers the value of a custom role, space or team name, without its quotes', () => {
      assert.equal(prepared(`${ROLES}#= t.team.yaml\nname: T\nspace: S\nroles: [Dep$0loyer]\n`), 'Deployer | Deployer');
      assert.equal(prepared("#= r.role.yaml\nname: 'Release $0Deployer'\nspacePermissions: [ProjectView]\n"), 'Release Deployer | Release Deployer');
      assert.equal(prepared('#= s.space.yaml\nname: "Fin$0ance"\n'), 'Finance | Finance');
      assert.equal(prepared('#= t.team.yaml\nname: O$0ps\nroles: [System Manager]\n'), 'Ops | Ops');
    });

    it('refuses built-in roles, permissions, undefined names and anything else, saying why', () => {
      assert.match(prepared('#= t.team.yaml\nname: T\nspace: S\nroles: [Project $0Viewer]\n'), /^Built-in roles cannot be renamed/);
      assert.match(prepared('#= r.role.yaml\nname: R\nspacePermissions: [Project$0View]\n'), /^Permission names are defined by Octopus/);
      assert.match(prepared('#= t.team.yaml\nname: T\nspace: S\nroles: [Nob$0ody]\n'), /No role named `Nobody` is defined/);
      assert.match(prepared('#= s.space.yaml\nname: Finance\n#= t.team.yaml\nname: T\nspace: Fi$0nnce\n'), /No space named `Finnce` is defined/);
      assert.equal(prepared('#= r.role.yaml\nname: R\ndescription: D$0eploys\n'), 'Only role, space and team names can be renamed.');
    });

    it('allows renaming a space that teams name when the workspace declares no spaces', () => {
      assert.equal(prepared('#= t.team.yaml\nname: T\nspace: Fin$0ance\nroles: [Deployer]\n'), 'Finance | Finance');
    });
  });

  describe('rename', () => {
    const WORKSPACE = `#= roles/deployer.role.yaml
name: Deployer
spacePermissions: [DeploymentCreate, ProjectView]
#= spaces.space.yaml
name: Finance
environments: [Test]
#= teams/a.team.yaml
name: A
space: Finance
roles: [Deployer, Project Viewer]
#= teams/b.team.yaml
name: B
roles:
  - role: Depl$0oyer
    space: Finance
  - {role: Deployer, space: Finance, environments: [Test]}
#= teams/c.team.yaml
name: C
space: Finance
roles:
  - "Deployer"
  - 'Deployer'
  - Deployers
`;
    /** The workspace's findings before any rename; a rename must leave exactly these. */
    const BEFORE = problems(new Map(parseFixture(WORKSPACE).map((f) => [f.path, f.text])));

    it('renames a role everywhere; the result has no new diagnostics and the references resolve to it', () => {
      const result = renameAt(WORKSPACE, 'Release Deployer');
      assert.ok(typeof result !== 'string', result as string);
      assert.deepEqual(result.changed, ['roles/deployer.role.yaml', 'teams/a.team.yaml', 'teams/b.team.yaml', 'teams/c.team.yaml']);
      assert.equal(result.texts.get('roles/deployer.role.yaml'), 'name: Release Deployer\nspacePermissions: [DeploymentCreate, ProjectView]');
      assert.equal(result.texts.get('teams/a.team.yaml'), 'name: A\nspace: Finance\nroles: [Release Deployer, Project Viewer]');
      assert.equal(
        result.texts.get('teams/b.team.yaml'),
        'name: B\nroles:\n  - role: Release Deployer\n    space: Finance\n  - {role: Release Deployer, space: Finance, environments: [Test]}',
      );
      // Quoted names keep their quotes; a different name is left alone.
      assert.equal(result.texts.get('teams/c.team.yaml'), 'name: C\nspace: Finance\nroles:\n  - "Release Deployer"\n  - \'Release Deployer\'\n  - Deployers\n');

      assert.deepEqual(BEFORE, ['teams/a.team.yaml implicit-system-grant', 'teams/c.team.yaml duplicate-assignment', 'teams/c.team.yaml unknown-role']);
      assert.deepEqual(problems(result.texts), BEFORE);
      const ws = new Workspace();
      for (const [u, t] of result.texts) ws.setFile(u, t);
      const b = result.texts.get('teams/b.team.yaml')!;
      assert.deepEqual(definition(ws, 'teams/b.team.yaml', b.indexOf('Release')), [{ uri: 'roles/deployer.role.yaml', span: { start: 6, end: 22 } }]);
      assert.equal(ws.resolveRole('Release Deployer')?.definition?.uri, 'roles/deployer.role.yaml');
    });

    it('quotes a new name where it needs quotes, and only there', () => {
      const result = renameAt(WORKSPACE, 'Deployers, EU');
      assert.ok(typeof result !== 'string', result as string);
      assert.equal(result.texts.get('roles/deployer.role.yaml'), 'name: Deployers, EU\nspacePermissions: [DeploymentCreate, ProjectView]');
      assert.equal(result.texts.get('teams/a.team.yaml'), 'name: A\nspace: Finance\nroles: ["Deployers, EU", Project Viewer]');
      assert.match(result.texts.get('teams/b.team.yaml')!, /- role: Deployers, EU\n[\s\S]*\{role: "Deployers, EU", space/);
      assert.deepEqual(problems(result.texts), BEFORE);

      const colon = renameAt(WORKSPACE, 'Ops: deploy');
      assert.ok(typeof colon !== 'string', colon as string);
      assert.equal(colon.texts.get('roles/deployer.role.yaml')!.split('\n')[0], 'name: "Ops: deploy"');
      assert.equal(colon.texts.get('teams/c.team.yaml')!.split('\n')[4], "  - 'Ops: deploy'");
      assert.deepEqual(problems(colon.texts), BEFORE);

      const yes = renameAt(WORKSPACE, 'yes');
      assert.ok(typeof yes !== 'string', yes as string);
      assert.equal(yes.texts.get('roles/deployer.role.yaml')!.split('\n')[0], 'name: "yes"');
      assert.deepEqual(problems(yes.texts), BEFORE);
    });

    it('refuses invalid new names: empty, too long, built-in (in any case), or taken', () => {
      const taken = `${WORKSPACE}#= roles/other.role.yaml\nname: Auditor\nsystemPermissions: [EventView]\n`;
      assert.equal(renameAt(WORKSPACE, '   '), 'A name cannot be empty.');
      assert.match(renameAt(WORKSPACE, 'x'.repeat(201)) as string, /at most 200 characters/);
      assert.ok(typeof renameAt(WORKSPACE, 'x'.repeat(200)) !== 'string');
      assert.match(renameAt(WORKSPACE, 'project viewer') as string, /`Project Viewer` is the name of a built-in role/);
      assert.match(renameAt(taken, 'AUDITOR') as string, /A role named `Auditor` already exists \(other\.role\.yaml\)/);
      assert.match(renameAt(WORKSPACE, 'Two\nlines') as string, /line breaks/);
    });

    it('trims the new name, changes only case when asked, and does nothing for the same name', () => {
      const cased = renameAt(WORKSPACE, ' DEPLOYER ');
      assert.ok(typeof cased !== 'string', cased as string);
      assert.equal(cased.texts.get('teams/a.team.yaml'), 'name: A\nspace: Finance\nroles: [DEPLOYER, Project Viewer]');
      const same = renameAt(WORKSPACE, 'Deployer');
      assert.ok(typeof same !== 'string');
      assert.deepEqual(same.changed, []);
    });

    it('refuses to rename a built-in role or a permission', () => {
      assert.match(renameAt('#= t.team.yaml\nname: T\nspace: S\nroles: [Space $0Manager]\n', 'Boss') as string, /^Built-in roles cannot be renamed/);
      assert.match(renameAt('#= r.role.yaml\nname: R\nspacePermissions: [$0ProjectView]\n', 'Look') as string, /^Permission names/);
    });

    it('renames both definitions of a duplicated name, and leaves built-in references alone when renaming a shadowing role', () => {
      const dup = `${ROLES}#= roles/dup.role.yaml\nname: Deployer$0\nspacePermissions: [ProjectView]\n#= t.team.yaml\nname: T\nspace: S\nroles: [Deployer]\n`;
      const result = renameAt(dup, 'Shipper');
      assert.ok(typeof result !== 'string', result as string);
      assert.deepEqual(result.changed, ['roles/deployer.role.yaml', 'roles/dup.role.yaml', 't.team.yaml']);
      const shadow = '#= r.role.yaml\nname: Project $0Viewer\nspacePermissions: [ProjectView]\n#= t.team.yaml\nname: T\nspace: S\nroles: [Project Viewer]\n';
      const fixed = renameAt(shadow, 'Project Peeker');
      assert.ok(typeof fixed !== 'string', fixed as string);
      assert.deepEqual(fixed.changed, ['r.role.yaml']);
      // shadows-builtin is gone; the team still gets the built-in role, with what that role grants.
      assert.deepEqual(problems(new Map(parseFixture(shadow).map((f) => [f.path, f.text]))), ['r.role.yaml shadows-builtin', 't.team.yaml implicit-system-grant']);
      assert.deepEqual(problems(fixed.texts), ['t.team.yaml implicit-system-grant']);
    });

    it('does not trip over an alias that makes two references of one scalar', () => {
      const src = `${ROLES}#= t.team.yaml\nname: T\nspace: S\nroles:\n  - &r Deployer$0\n  - *r\n`;
      const result = renameAt(src, 'Shipper');
      assert.ok(typeof result !== 'string', result as string);
      assert.equal(result.texts.get('t.team.yaml'), 'name: T\nspace: S\nroles:\n  - &r Shipper\n  - *r\n');
    });

    it('renames a space: its definition, team spaces and assignment spaces', () => {
      const src = WORKSPACE.replace('name: Finance\nenv', 'name: Fin$0ance\nenv').replace('Depl$0oyer', 'Deployer');
      const result = renameAt(src, 'Money');
      assert.ok(typeof result !== 'string', result as string);
      assert.deepEqual(result.changed, ['spaces.space.yaml', 'teams/a.team.yaml', 'teams/b.team.yaml', 'teams/c.team.yaml']);
      assert.equal(result.texts.get('teams/b.team.yaml'), 'name: B\nroles:\n  - role: Deployer\n    space: Money\n  - {role: Deployer, space: Money, environments: [Test]}');
      assert.deepEqual(problems(result.texts), BEFORE);
      assert.match(renameAt(`${src}#= more.space.yaml\nname: Platform\n`, 'platform') as string, /A space named `Platform` already exists/);
    });

    it('refuses to merge two spaces that teams name when no space is declared', () => {
      const src = '#= a.team.yaml\nname: A\nspace: Fin$0ance\nroles: [Deployer]\n#= b.team.yaml\nname: B\nspace: Platform\nroles: [Deployer]\n';
      assert.match(renameAt(src, 'platform') as string, /Teams already use a space named `Platform` \(b\.team\.yaml\)/);
      const ok = renameAt(src, 'Money');
      assert.ok(typeof ok !== 'string', ok as string);
      assert.deepEqual(ok.changed, ['a.team.yaml']);
    });

    it('renames a team, refusing the name of another team in the same space only', () => {
      const src = '#= t.team.yaml\nname: O$0ps\nspace: Finance\nroles: [Deployer]\n---\nname: Audit\nspace: Finance\nroles: [Deployer]\n---\nname: Admins\nroles: [System Manager]\n';
      assert.match(renameAt(src, 'audit') as string, /A team named `Audit` already exists in space `Finance`/);
      const result = renameAt(src, 'Admins');
      assert.ok(typeof result !== 'string', result as string);
      assert.match(result.texts.get('t.team.yaml')!, /^name: Admins\nspace: Finance/);
    });
  });

  describe('document symbols', () => {
    const outline = (source: string): string[] => {
      const files = parseFixture(source);
      const { ws } = workspaceOf(files);
      const file = files[0];
      const text = file.text;
      const out: string[] = [];
      const walk = (s: OutlineSymbol, depth: number) => {
        assert.ok(s.selection.start >= s.span.start && s.selection.end <= s.span.end, `${s.name}: selection outside its range`);
        out.push(`${'  '.repeat(depth)}${s.kind} ${s.name}${s.detail ? ` (${s.detail})` : ''} @${text.slice(s.selection.start, s.selection.end)}`);
        s.children.forEach((c) => walk(c, depth + 1));
      };
      documentSymbols(ws.model(file.path)!).forEach((s) => walk(s, 0));
      return out;
    };

    it('outlines a role with its permission lists, labelled by level', () => {
      assert.deepEqual(outline('#= r.role.yaml\nname: Mixed\nspacePermissions: [ProjectView]\nsystemPermissions:\n  - UserView\n  - Nonsense\n---\nname: Sys\nsystemPermissions: [TeamView]\n'), [
        'role Mixed (mixed role) @Mixed',
        '  list spacePermissions (1 permission) @spacePermissions',
        '    permission ProjectView (space permission) @ProjectView',
        '  list systemPermissions (2 permissions) @systemPermissions',
        '    permission UserView (system permission) @UserView',
        '    permission Nonsense (unknown permission) @Nonsense',
        'role Sys (system-only role) @Sys',
        '  list systemPermissions (1 permission) @systemPermissions',
        '    permission TeamView (system or space permission) @TeamView',
      ]);
    });

    it('outlines a team with its assignments, their space and restrictions', () => {
      assert.deepEqual(outline('#= t.team.yaml\nname: Ops\nroles:\n  - System Manager\n  - role: Deployer\n    space: Finance\n    environments: [Test, Production]\n---\nname: Fin\nspace: Finance\nroles: [Deployer]\n---\nroles: [Deployer]\n'), [
        'team Ops (system team) @Ops',
        '  assignment System Manager @System Manager',
        '  assignment Deployer (in Finance · environments: Test, Production) @Deployer',
        'team Fin (space Finance) @Fin',
        '  assignment Deployer @Deployer',
        'team (unnamed team) (system team) @',
        '  assignment Deployer @Deployer',
      ]);
    });

    it('outlines a space with the names it declares', () => {
      assert.deepEqual(outline('#= s.space.yaml\nname: Finance\ntenants: [Acme]\nenvironments: [Test, Production]\n'), [
        'space Finance @Finance',
        '  list tenants (1 name) @tenants',
        '    value Acme @Acme',
        '  list environments (2 names) @environments',
        '    value Test @Test',
        '    value Production @Production',
      ]);
    });
  });

  describe('workspace symbols', () => {
    const src = `#= roles/r.role.yaml
name: Release Deployer
spacePermissions: [ProjectView]
---
name: Auditor
systemPermissions: [EventView]
#= s.space.yaml
name: Release Space
#= t.team.yaml
name: Releasers
space: Release Space
roles: [Release Deployer]
---
name: Deploy Admins
roles: [System Manager]
`;
    const names = (query: string, limit?: number) => {
      const { ws } = workspaceOf(parseFixture(src));
      return workspaceSymbols(ws, query, limit).map((s) => `${s.kind} ${s.name} [${s.container}]`);
    };

    it('matches names by substring or characters in order, without case, best first', () => {
      assert.deepEqual(names('release'), ['role Release Deployer [r.role.yaml]', 'space Release Space [s.space.yaml]', 'team Releasers [Release Space]']);
      assert.deepEqual(names('DEPLOY'), ['team Deploy Admins [system teams]', 'role Release Deployer [r.role.yaml]']);
      assert.deepEqual(names('rdep'), ['role Release Deployer [r.role.yaml]']);
      assert.deepEqual(names('zz'), []);
    });

    it('returns everything for an empty query, up to the limit', () => {
      assert.equal(names('').length, 5);
      assert.equal(names('', 2).length, 2);
    });
  });
});
