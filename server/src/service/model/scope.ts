/**
 * Scopes of names. The YAML files of a workspace form one model; each Terraform module (a folder of `.tf`
 * files) is a model of its own, whose documents refer to each other by address (SPEC section 9). A
 * `NameTables` holds one scope's definitions and references; `analysedModel` gives a module's file the
 * shape rules expect: references by address resolved, assignments whose role is not known left out,
 * and documents that add assignments to a team elsewhere given that team's name and space.
 */
import type { Located } from './roles';
import type { Assignment, Doc, FileModel, Name, RoleDoc, SpaceDoc, TeamDoc } from './types';
import type { Suggester } from '../util/suggest';

/** What an address of a module stands for: a document, or a built-in role looked up by name. */
export type AddressTarget = { readonly uri: string; readonly doc: Doc } | { readonly uri: string; readonly builtinRole: string };

/** One scope's names: definitions by lower-cased name, references by name and by address. */
export class NameTables {
  readonly roleDefs = new Map<string, Located<RoleDoc>[]>();
  readonly spaceDefs = new Map<string, Located<SpaceDoc>[]>();
  readonly teamDefs = new Map<string, Located<TeamDoc>[]>();
  readonly roleRefs = new Map<string, Set<string>>();
  readonly spaceRefs = new Map<string, Set<string>>();
  /** Team names a space's `managers.teams` refers to (trimmed, lower case). */
  readonly teamRefs = new Map<string, Set<string>>();
  readonly teamFiles = new Set<string>();
  /** Addresses (Terraform) to what they stand for, in file order. */
  readonly addressDefs = new Map<string, AddressTarget[]>();
  /** Addresses to the files that refer to them. */
  readonly addressRefs = new Map<string, Set<string>>();
  roleSuggester: Suggester | undefined;
  spaceSuggester: Suggester | undefined;
  teamSuggester: Suggester | undefined;

  get empty(): boolean {
    const maps = [this.roleDefs, this.spaceDefs, this.teamDefs, this.roleRefs, this.spaceRefs, this.teamRefs, this.addressDefs, this.addressRefs];
    return maps.every((m) => m.size === 0) && this.teamFiles.size === 0;
  }
}

/** The ids of Octopus's built-in system teams, as Terraform modules write them. */
const BUILTIN_TEAM_IDS: ReadonlyMap<string, string> = new Map([
  ['teams-everyone', 'Everyone'],
  ['teams-administrators', 'Octopus Administrators'],
]);
const SPACE_MANAGERS_ID = /^teams-spacemanagers-(.+)$/i;

/** A team as a scoped assignment's target: its name and space (undefined: a system team). */
interface TeamFacts {
  readonly name: string;
  readonly space?: Name;
}

/** What the index answers for the resolution below. */
export interface AddressResolver {
  resolveAddress(address: string): AddressTarget | undefined;
  hasRole(value: string): boolean;
}

/** The facts of a team that a scoped assignment targets; undefined when they are not known. */
function targetTeam(ws: AddressResolver, target: Name): TeamFacts | undefined {
  if (target.computed) {
    const found = ws.resolveAddress(target.value);
    if (!found || !('doc' in found) || found.doc.kind !== 'team' || found.doc.unknown || found.doc.target || !found.doc.name) return undefined;
    if (found.doc.name.computed) return undefined;
    return { name: found.doc.name.value, space: found.doc.space };
  }
  const builtin = BUILTIN_TEAM_IDS.get(target.value.toLowerCase());
  if (builtin) return { name: builtin };
  const managers = SPACE_MANAGERS_ID.exec(target.value);
  if (managers) return { name: 'Space Managers', space: { value: managers[1], span: target.span } };
  return undefined;
}

/**
 * An assignment as Octopus takes it in a team of `space`: Terraform writes the space on every assignment
 * applied in a space, so in a space team a `space_id` that is (or may be) the team's own says nothing,
 * and only a different literal space is kept (for `space-not-allowed`).
 */
function inTeam(a: Assignment, space: Name | undefined): Assignment {
  if (!space || !a.space) return a;
  const differs = !a.space.computed && !space.computed && a.space.value !== space.value;
  return differs ? a : { ...a, space: undefined, spaceKey: undefined };
}

/** A module file as rules read it (see the module comment). YAML files pass unchanged. */
export function analysedModel(ws: AddressResolver, model: FileModel): FileModel {
  if (model.module === undefined) return model;
  const docs: Doc[] = [];
  for (const doc of model.docs) {
    if (doc.kind !== 'team') {
      docs.push(doc);
      continue;
    }
    if (doc.unknown) continue;
    let name = doc.name;
    let space = doc.space;
    if (doc.target) {
      const team = targetTeam(ws, doc.target);
      if (!team) continue;
      name = { value: team.name, span: doc.target.span };
      space = team.space && { ...team.space, span: doc.target.span };
    }
    const assignments = doc.assignments.filter((a) => ws.hasRole(a.role.value)).map((a) => inTeam(a, space));
    docs.push({ ...doc, name, space, assignments });
  }
  return { ...model, docs };
}
