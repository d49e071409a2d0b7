/**
 * A small server dump with the quirks real dumps have, written after Octopus's API reference (the
 * UserRoleResource, TeamResource, ScopedUserRoleResource, SpaceResource, UserResource, EnvironmentResource,
 * ProjectResource, ProjectGroupResource and TenantResource shapes): pages and bare arrays, system level as
 * null, missing and "", ids in mixed case, built-in roles and teams, an empty external group, a member id
 * that is no user, a team without scoped user roles, and a restriction id the dump lacks.
 */
import { BUILTIN_ROLE_FACTS } from '../../server/src/service/catalog/facts';

const links = { Self: '/api/x' };
const builtin = (name: string, id: string, change?: (space: string[], system: string[]) => void) => {
  const fact = BUILTIN_ROLE_FACTS.find((r) => r.name === name)!;
  const space = [...fact.space];
  const system = [...fact.system];
  change?.(space, system);
  return { Id: id, Name: name, Description: 'built in', SupportedRestrictions: [], SpacePermissionDescriptions: [], SystemPermissionDescriptions: [], GrantedSpacePermissions: space, GrantedSystemPermissions: system, CanBeDeleted: false, Links: links };
};

/** File name to JSON text, as `curl` would have saved each endpoint. */
export const DUMP: Record<string, unknown> = {
  'userroles.json': [
    builtin('Project Viewer', 'userroles-projectviewer'),
    builtin('Space Manager', 'userroles-spacemanager'),
    builtin('System Administrator', 'userroles-systemadministrator'),
    // This server's Project Contributor lost ProjectEdit: written with builtIn: true.
    builtin('Project Contributor', 'userroles-projectcontributor', (space) => space.splice(space.indexOf('ProjectEdit'), 1)),
    { Id: 'UserRoles-1', Name: 'Deployer', Description: 'Deploys things', GrantedSpacePermissions: ['ProjectView', 'DeploymentCreate'], GrantedSystemPermissions: [], CanBeDeleted: true, Links: links },
    { Id: 'UserRoles-2', Name: 'Auditor', GrantedSpacePermissions: [], GrantedSystemPermissions: ['EventView', 'UserView'], CanBeDeleted: true },
  ],
  'spaces.json': {
    ItemType: 'Space',
    TotalResults: 1,
    ItemsPerPage: 30,
    Items: [{ Id: 'Spaces-1', Name: 'Finance', Slug: 'finance', Description: '', IsDefault: true, TaskQueueStopped: false, SpaceManagersTeams: ['teams-spacemanagers-Spaces-1', 'Teams-2'], SpaceManagersTeamMembers: ['Users-3'], Links: links }],
    Links: links,
  },
  'users.json': [
    { Id: 'Users-1', Username: 'alice', DisplayName: 'Alice', IsActive: true, IsService: false },
    { Id: 'Users-2', Username: 'bob', DisplayName: 'Bob', IsActive: true, IsService: false },
    { Id: 'Users-3', Username: 'carol', DisplayName: 'Carol', IsActive: true, IsService: false },
  ],
  'teams-system.json': [
    { Id: 'teams-everyone', Name: 'Everyone', SpaceId: null, MemberUserIds: [], ExternalSecurityGroups: [], CanBeDeleted: false, CanBeRenamed: false, CanChangeRoles: true, CanChangeMembers: false },
    { Id: 'teams-administrators', Name: 'Octopus Administrators', MemberUserIds: ['users-2'], ExternalSecurityGroups: [], CanBeDeleted: false },
    { Id: 'Teams-3', Name: 'Auditors', SpaceId: '', MemberUserIds: ['Users-1', 'Users-99'], ExternalSecurityGroups: [{}, { Id: 'CN=Audit,DC=corp', DisplayName: 'Audit', DisplayIdAndName: false }], CanBeDeleted: true },
  ],
  'teams-finance.json': {
    Items: [
      { Id: 'teams-spacemanagers-Spaces-1', Name: 'Space Managers', SpaceId: 'Spaces-1', MemberUserIds: ['Users-1'], ExternalSecurityGroups: [], CanBeDeleted: false },
      { Id: 'Teams-1', Name: 'Finance Deployers', Description: 'Ships finance', SpaceId: 'spaces-1', MemberUserIds: ['Users-1', 'Users-2'], ExternalSecurityGroups: [], CanBeDeleted: true },
      { Id: 'Teams-2', Name: 'Finance Leads', SpaceId: 'Spaces-1', MemberUserIds: ['Users-3'], ExternalSecurityGroups: [], CanBeDeleted: true },
      { Id: 'Teams-4', Name: 'Idle', SpaceId: 'Spaces-1', MemberUserIds: [], ExternalSecurityGroups: [], CanBeDeleted: true },
    ],
  },
  'scopeduserroles.json': [
    { Id: 'ScopedUserRoles-1', UserRoleId: 'UserRoles-1', TeamId: 'Teams-1', SpaceId: 'Spaces-1', EnvironmentIds: ['Environments-2'], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
    { Id: 'ScopedUserRoles-2', UserRoleId: 'USERROLES-PROJECTVIEWER', TeamId: 'teams-1', SpaceId: 'Spaces-1', EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
    { Id: 'ScopedUserRoles-3', UserRoleId: 'UserRoles-2', TeamId: 'Teams-3', SpaceId: null, EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
    { Id: 'ScopedUserRoles-4', UserRoleId: 'userroles-projectviewer', TeamId: 'Teams-3', SpaceId: 'Spaces-1', EnvironmentIds: [], ProjectIds: ['Projects-1', 'Projects-404'], ProjectGroupIds: [], TenantIds: [] },
    { Id: 'ScopedUserRoles-5', UserRoleId: 'userroles-projectcontributor', TeamId: 'Teams-2', SpaceId: 'Spaces-1', EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: ['ProjectGroups-1'], TenantIds: ['Tenants-1'] },
    { Id: 'ScopedUserRoles-6', UserRoleId: 'userroles-projectviewer', TeamId: 'teams-everyone', SpaceId: 'Spaces-1', EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
    { Id: 'ScopedUserRoles-7', UserRoleId: 'userroles-systemadministrator', TeamId: 'teams-administrators', EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
    { Id: 'ScopedUserRoles-8', UserRoleId: 'userroles-spacemanager', TeamId: 'teams-spacemanagers-Spaces-1', SpaceId: 'Spaces-1', EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
  ],
  'environments.json': [
    { Id: 'Environments-1', Name: 'Test', SpaceId: 'Spaces-1', SortOrder: 0, UseGuidedFailure: false, AllowDynamicInfrastructure: false },
    { Id: 'Environments-2', Name: 'Production', SpaceId: 'Spaces-1', SortOrder: 1, UseGuidedFailure: false, AllowDynamicInfrastructure: false },
  ],
  'projects.json': { Items: [{ Id: 'Projects-1', Name: 'Billing', Slug: 'billing', ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1', SpaceId: 'Spaces-1' }] },
  'projectgroups.json': [{ Id: 'ProjectGroups-1', Name: 'Back office', SpaceId: 'Spaces-1', EnvironmentIds: [] }],
  'tenant-1.json': { Id: 'Tenants-1', Name: 'Acme', SpaceId: 'Spaces-1', ProjectEnvironments: {} },
};

/** The dump as files (name to text). */
export function dumpFiles(dump: Record<string, unknown> = DUMP): Record<string, string> {
  return Object.fromEntries(Object.entries(dump).map(([name, value]) => [name, JSON.stringify(value, null, 2)]));
}
