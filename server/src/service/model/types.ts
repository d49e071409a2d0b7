/**
 * The access model every feature reads: roles, teams, role assignments and spaces as plain typed data.
 * Nothing here is YAML: a front-end (syntax/yaml today) reads a file into this model, and every node keeps
 * the span of its source, so rules, features and fixes can point back into whatever it was read from.
 * Offsets are UTF-16 code unit offsets into the file text; conversion to line/character happens only at
 * the edge (util/text.ts).
 *
 * The workspace keeps models in a compact form (model/compact.ts) whose spans are getters over offsets:
 * copy a model object field by field, never with an object spread, which leaves getters behind. A field
 * added here must be carried over there too; the compiler points to the place.
 */
import type { Dimension } from '../catalog';
import type { Span } from '../util/text';

export type { Span };

/**
 * The kind of a document: what it defines. (A role's own classification is its `RoleShape`.) A policy
 * (SPEC section 11) is one entry of a policy file's `policies` list: it defines no name others refer to.
 */
export type DocKind = 'role' | 'team' | 'space' | 'policy';

/**
 * The kind of a file: the kind of all its documents, or `mixed` for a file whose documents are of several
 * kinds (a Terraform file holds roles and teams side by side).
 */
export type FileKind = DocKind | 'mixed';

/**
 * The front-end that read a file, by the name it gives itself (`yaml`, `terraform`): a new syntax names
 * itself in its own folder, and nothing here lists them.
 */
export type SyntaxId = string;

/** A place in some file: a URI and a span of its text. */
export interface Source {
  readonly uri: string;
  readonly span: Span;
}

/** A value that names something, with the span of its source (quotes included). */
export interface Name {
  readonly value: string;
  readonly span: Span;
  /**
   * True when the value is not a literal but the source text of an expression that is only known when it
   * is evaluated (a Terraform `var.space_id`): two such values are equal only if written alike.
   */
  readonly computed?: boolean;
}

/**
 * A field of a document or assignment (a YAML key, an attribute in other syntaxes): its name, the span
 * of the name, and the span of the whole field (name and value).
 */
export interface KeyRef {
  readonly key: string;
  readonly keySpan: Span;
  readonly pairSpan: Span;
}

/** A list of names in a field, such as `spacePermissions` or `environments`. */
export interface NameList {
  readonly key: KeyRef;
  /** The string items; items of other types were reported as invalid-value and left out. */
  readonly items: readonly Name[];
  /** The span of the list value itself (absent when the value is empty). */
  readonly valueSpan?: Span;
}

export interface DocBase {
  /** The file the document was read from. */
  readonly uri: string;
  /** Index of the document in its file (0-based). */
  readonly index: number;
  /** Span of the document's content. */
  readonly span: Span;
  readonly name?: Name;
  /** The fields the document has, by name. */
  readonly keys: ReadonlyMap<string, KeyRef>;
  /**
   * The address other documents of its module refer to it by (Terraform: `octopusdeploy_user_role.x`);
   * absent in syntaxes that refer by name.
   */
  readonly address?: string;
  /**
   * True when facts that rules judge the document by are computed (a `for_each` resource, a permission
   * list built by a function): it then has no `name` in the model, and references to it resolve to nothing.
   */
  readonly unknown?: boolean;
}

export type PermissionListKey = 'spacePermissions' | 'systemPermissions';

/** A flag with the span of its value. */
export interface Flag {
  readonly value: boolean;
  readonly span: Span;
}

export interface RoleDoc extends DocBase {
  readonly kind: 'role';
  /**
   * `builtIn: true`: this document describes the server's own version of the built-in role of the same
   * name (administrators may edit built-in roles); its lists replace the defaults everywhere.
   */
  readonly builtIn?: Flag;
  readonly spacePermissions?: NameList;
  readonly systemPermissions?: NameList;
}

/** One role assignment of a team (Octopus's scoped user role). */
export interface Assignment {
  readonly role: Name;
  /** The whole assignment. */
  readonly span: Span;
  /** The space it names (only a system team's assignment of a space role should). */
  readonly space?: Name;
  readonly spaceKey?: KeyRef;
  readonly restrictions: readonly Restriction[];
}

/** A non-empty restriction list of an assignment. */
export interface Restriction {
  readonly dimension: Dimension;
  readonly list: NameList;
}

export interface TeamDoc extends DocBase {
  readonly kind: 'team';
  /** The team's space; absent for a system team. */
  readonly space?: Name;
  readonly assignments: readonly Assignment[];
  readonly roles?: KeyRef;
  /**
   * Set on a document that only adds assignments to a team defined elsewhere (a Terraform
   * `octopusdeploy_scoped_user_role`): the team's address or built-in id. Such a document has no name or
   * space of its own; the index gives it the target's (ModelIndex.analysed) before rules read it.
   */
  readonly target?: Name;
  /** User names. */
  readonly members?: NameList;
  /** External security groups. */
  readonly externalGroups?: NameList;
  /**
   * Parts of the team that are computed (Terraform: an assignment whose role, space or restrictions are
   * computed, a `dynamic` block, computed `users`): they exist, but what they grant or whom they reach is
   * not known. No rule reads them; effective access says that it cannot count them.
   */
  readonly computedParts?: readonly ComputedPart[];
}

/** A computed part of a team (see `TeamDoc.computedParts`). */
export interface ComputedPart {
  readonly what: 'assignment' | 'members' | 'groups';
  readonly span: Span;
  /** For an assignment, its role when that is known (as the file refers to it): only where it applies is not. */
  readonly role?: string;
}

export interface SpaceDoc extends DocBase {
  readonly kind: 'space';
  /**
   * The declared lists; a dimension absent here is not checked. Where `projectGroups` maps groups to
   * projects, its list is the groups, and the projects list holds the map's projects too.
   */
  readonly scopes: Partial<Record<Dimension, NameList>>;
  /**
   * `projectGroups` written as a map from each group to its projects (SPEC section 3): a project-group
   * restriction in this space then admits exactly the projects of its groups. Absent for a plain list.
   */
  readonly groupProjects?: readonly ProjectGroup[];
  /**
   * Who manages the space (Octopus's SpaceManagersTeamMembers and SpaceManagersTeams): the members of its
   * built-in Space Managers team, and other teams that hold Space Manager in it.
   */
  readonly managers?: Managers;
}

/** A project group of a space's map, with its projects (the list's key is the group's name). */
export interface ProjectGroup {
  readonly name: Name;
  readonly projects: NameList;
}

export interface Managers {
  readonly key: KeyRef;
  readonly members?: NameList;
  readonly teams?: NameList;
}

/** The context a policy speaks of (SPEC section 11): who-can's options. */
export interface PolicyContext {
  readonly space?: Name;
  readonly environment?: Name;
  readonly project?: Name;
  readonly projectGroup?: Name;
  readonly tenant?: Name;
  readonly untenanted?: Flag;
}

/**
 * One access policy of a `*.policy.yaml` file (SPEC section 11): a permission or capability in a context,
 * and what must hold of its holders there: `only` these, `includes` these, or `unrestricted: none`.
 * Principals are written as explain and who-can take them (`team:NAME`, `team:SPACE/NAME`, `user:NAME`,
 * `group:ID`, and `Everyone`).
 */
export interface PolicyDoc extends DocBase {
  readonly kind: 'policy';
  readonly permission?: Name;
  readonly capability?: Name;
  readonly context: PolicyContext;
  readonly only?: NameList;
  readonly includes?: NameList;
  /** `unrestricted: none`, its value as written (the reader reports any other value). */
  readonly unrestricted?: Name;
}

export type Doc = RoleDoc | TeamDoc | SpaceDoc | PolicyDoc;

/** A place in another (or the same) file, for `relatedInformation`. */
export interface Related extends Source {
  readonly message: string;
}

/**
 * What quick fixes and rule options need, stored with a diagnostic so that neither reads a message. Each
 * rule says which of these fields it writes (rules/rule.ts); nothing is written that nothing reads.
 */
export interface DiagnosticData {
  /** Replacement candidates, best first (did-you-mean, replacement of a retired name). */
  candidates?: string[];
  /** Spaces a role could be applied in, most likely first. */
  spaces?: string[];
  /** The list a permission should move to. */
  targetList?: PermissionListKey;
  /** True when the role the finding is about is built in (rule options filter by it: `builtInRoles`). */
  builtinRole?: boolean;
}

/** A diagnostic as the service produces it: offsets, not positions. */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly related?: readonly Related[];
  readonly data?: DiagnosticData;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Suppression comments of a file. */
export interface Suppressions {
  /** Line number (0-based) to the codes silenced on it; an empty set silences every code. */
  readonly lines: ReadonlyMap<number, ReadonlySet<string>>;
  /** Document spans whose first comment silences codes; an empty set silences every code. */
  readonly docs: readonly { readonly span: Span; readonly codes: ReadonlySet<string> }[];
}

/** A literal id where a file names a built-in role or team (see `ParsedFile.builtinIds`). */
export interface BuiltinIdRef {
  readonly kind: 'role' | 'team';
  /** The id as written, with the span of the literal. */
  readonly id: Name;
}

/** A value of a module (see `ParsedFile.values`): a literal, or another value it refers to. */
export interface ModuleValue {
  readonly value?: string;
  /** The key of the value it stands for (a local that is `var.space_id`). */
  readonly ref?: string;
  readonly span: Span;
  /** Precedence: a variable's default 0, `terraform.tfvars` 1, `*.auto.tfvars` 2; the higher wins. */
  readonly rank: number;
}

/** A space a module manages, with the managers it names (SPEC sections 3 and 9). */
export interface ModuleSpace {
  readonly address: string;
  readonly span: Span;
  readonly name?: Name;
  /** Teams that manage it: built-in ids, or team addresses (`computed`). */
  readonly teams: readonly Name[];
  /** Members of its Space Managers team: user ids, user addresses (`computed`), or usernames. */
  readonly members: readonly Name[];
  /** Managers that are computed. */
  readonly computed: readonly Span[];
}

/** What a front-end read from one file. */
export interface ParsedFile {
  readonly uri: string;
  readonly syntax: SyntaxId;
  /** The kind of every document of the file, or `mixed`. */
  readonly kind: FileKind;
  /**
   * The scope its names and addresses belong to: absent for the one model of YAML files; a Terraform
   * file's module (its folder's URI), whose files share names and addresses apart from every other model.
   */
  readonly module?: string;
  /**
   * Addresses of the file that stand for a built-in role without being a document: data sources that look
   * one up by its exact name (`data.octopusdeploy_user_roles.viewer` → `Project Viewer`).
   */
  readonly lookups?: ReadonlyMap<string, string>;
  /**
   * Users the file declares, by address, with their usernames (Terraform `octopusdeploy_user.alice` →
   * `alice`): teams list their users by address, effective access names them.
   */
  readonly users?: ReadonlyMap<string, string>;
  /**
   * Literal ids of built-in roles and teams, as written where the file names a role or a team (Terraform
   * `user_role_id = "userroles-projectviewer"`, `team_id`, `space_managers_teams`), known to the catalog or
   * not: `unknown-builtin-id` judges them. Absent in syntaxes that name objects by name.
   */
  readonly builtinIds?: readonly BuiltinIdRef[];
  /**
   * Values of a Terraform module that are literals, by the reference that reads them: `local.NAME`,
   * `var.NAME` (a default, or a value of `terraform.tfvars` / `*.auto.tfvars`), a space's id
   * (`data.octopusdeploy_space.X.id`, `octopusdeploy_space.X.id`: the space's name), and `import:ADDRESS`
   * (the id an `import` block adopts the resource from).
   */
  readonly values?: ReadonlyMap<string, ModuleValue>;
  /** The spaces a Terraform file manages (`octopusdeploy_space` resources), with their managers. */
  readonly spaces?: readonly ModuleSpace[];
  readonly docs: readonly Doc[];
  /** The front-end's findings: syntax errors and fields of the wrong shape. */
  readonly syntaxFindings: readonly Diagnostic[];
  /**
   * Where the front-end recovered from a syntax error by guessing: rule findings there are dropped,
   * since the syntax error already explains the place.
   */
  readonly guessed: readonly Span[];
  readonly suppressions: Suppressions;
}

/** A file as the workspace holds it: what its front-end read, plus the findings of the rules that read it alone. */
export interface FileModel extends ParsedFile {
  /** Findings that depend on this file alone (front-end findings and local rules). */
  readonly local: readonly Diagnostic[];
}
