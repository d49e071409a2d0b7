import * as assert from 'node:assert/strict';
import { hoverAt } from '../support/features';

describe('hover', () => {
  it('explains where a permission applies, what it allows, its restrictions and built-in roles', () => {
    const h = hoverAt('name: R\nspacePermissions:\n  - Deploy$0mentCreate\n')!;
    assert.equal(h.text, 'DeploymentCreate');
    assert.match(h.markdown, /^\*\*DeploymentCreate\*\* · space permission/);
    assert.match(h.markdown, /applies inside the space where the role is applied/);
    assert.match(h.markdown, /Can be restricted by projects, environments, tenants, project groups \(a project group stands for its projects\)\./);
    assert.match(h.markdown, /Built-in roles that grant it: .*Deployment Creator/);
  });

  it('says that system permissions cannot be restricted, and names a retired permission\'s replacement', () => {
    assert.match(hoverAt('name: R\nsystemPermissions: [User$0View]\n')!.markdown, /Cannot be restricted: system permissions never are\./);
    assert.match(hoverAt('name: R\nspacePermissions: [TaskView$0Log]\n')!.markdown, /\(retired\)[\s\S]*Use `TaskView` instead/);
  });

  it('tells a mixed role by what it grants server-wide, on a definition and on a reference', () => {
    const src = '#= r.role.yaml\nname: Mixed$0\nspacePermissions: [ProjectView]\nsystemPermissions: [UserView]\n';
    assert.match(hoverAt(src)!.markdown, /Mixed role[\s\S]*grants these server-wide: `UserView`/);
    const ref = hoverAt('#= t.team.yaml\nname: T\nspace: S\nroles: [Space Man$0ager]\n')!;
    assert.match(ref.markdown, /\*\*Space Manager\*\* · built-in role/);
    assert.match(ref.markdown, /server-wide: `DeploymentFreezeAdminister`/);
    assert.match(hoverAt('#= t.team.yaml\nname: T\nroles: [System Man$0ager]\n')!.markdown, /System-only role/);
  });

  it("shows a team's effective permissions per space and server-wide", () => {
    const src = `#= r.role.yaml
name: Mixed
spacePermissions: [ProjectView]
systemPermissions: [UserView]
#= t.team.yaml
name: Rel$0ease
roles:
  - System Manager
  - role: Mixed
    space: Finance
  - role: Deployment Creator
    space: Platform
  - Build Server
`;
    const h = hoverAt(src)!;
    assert.match(h.markdown, /system team/);
    assert.match(h.markdown, /Server-wide \(27\): .*`UserView`/);
    assert.match(h.markdown, /In space Finance \(1\): `ProjectView`/);
    assert.match(h.markdown, /In space Platform \(15\)/);
  });

  it('has nothing to say about free text', () => {
    assert.equal(hoverAt('name: R\ndescription: Some $0text\nspacePermissions: [ProjectView]\n'), undefined);
  });
});
