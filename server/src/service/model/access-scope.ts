/**
 * The effective-access model a file belongs to, whichever syntax it was read from. The YAML files form
 * one model; each Terraform module is a model of its own (SPEC section 9; model/scope.ts), computed by
 * model/teams.ts and model/modules.ts respectively. Features ask the file's `AccessScope` for its teams,
 * its principals and what it could not count, and never which of the two it is.
 */
import { accessNotes, moduleAccess, notesFor, teamsOf, type AccessNote } from './access';
import { moduleUsername } from './modules';
import type { Principal, TeamEntry } from './grants';
import type { ModelIndex } from './workspace';

/** One model of effective access. */
export interface AccessScope {
  /** The teams it counts. */
  teams(): TeamEntry[];
  /** What it could not count (computed facts) that concerns a principal reached through `teams`. */
  notesFor(teams: readonly TeamEntry[]): AccessNote[];
  /** The principal of this model a name stands for: principals of two models never merge. */
  principal(kind: Principal['kind'], name: string, space?: string): Principal;
  /** The user a member entry of this model names (a module's user resource stands for its username). */
  username(member: string): string;
  /** Why a team defined in this model may not be counted, in a sentence. */
  readonly uncountedTeam: string;
}

/** The YAML files' model. */
function yamlScope(ws: ModelIndex): AccessScope {
  return {
    teams: () => teamsOf(ws),
    notesFor: () => [],
    principal: (kind, name, space) => ({ kind, name, ...(space ? { space } : {}) }),
    username: (member) => member,
    uncountedTeam: 'Another team of this name is defined first; its definition counts.',
  };
}

/** A Terraform module's model. */
function moduleScope(ws: ModelIndex, module: string): AccessScope {
  return {
    teams: () => moduleAccess(ws, module).teams,
    notesFor: (teams) => notesFor(accessNotes(ws, module), teams),
    principal: (kind, name, space) => ({ kind, name, ...(space ? { space } : {}), module }),
    username: (member) => moduleUsername(ws, module, member),
    uncountedTeam: 'Octopus refuses this team resource (a built-in team or an earlier resource has its name), so it grants nothing.',
  };
}

/** The access model the file at `uri` belongs to. */
export function accessScopeOf(ws: ModelIndex, uri: string): AccessScope {
  const module = ws.model(uri)?.module;
  return module === undefined ? yamlScope(ws) : moduleScope(ws, module);
}
