/**
 * What the package declares that the service already knows, generated here and checked by
 * test/unit/manifest.test.ts: the `octopusRoles.rules` setting (every rule code with its severities,
 * from the rule registry) and the JSON Schemas of role, team and space files (from the catalog and the
 * document fields). `npm run gen:docs` writes the setting (test/support/generated.ts) and
 * `node scripts/gen-manifest.mjs` the schemas, after a build.
 */
import { allPermissions, DIMENSIONS } from '../../server/src/service/catalog';
import { DOC_KEYS, RULE_CODES, RULES, type DocKind } from '../../server/src/service';
import { MANAGER_KEYS } from '../../server/src/service/model/fields';

export const SEVERITY_SETTINGS = ['error', 'warning', 'information', 'hint', 'off'] as const;

/** The `octopusRoles.rules` entry of package.json's `contributes.configuration.properties`. */
export function rulesSetting(): Record<string, unknown> {
  return {
    type: 'object',
    scope: 'resource',
    default: {},
    markdownDescription:
      'Severity per rule code (`error`, `warning`, `information`, `hint` or `off`), for example `{ "implicit-system-grant": "off" }`; for a rule with options, a map of `severity` and its options, for example `{ "implicit-system-grant": { "builtInRoles": false } }`. A workspace `.octopus-roles.yaml` wins over this setting for the codes and options it names.',
    properties: Object.fromEntries(
      RULE_CODES.map((code) => {
        const severity = { type: 'string', enum: [...SEVERITY_SETTINGS] };
        const markdownDescription = `${RULES[code].summary} Default: \`${RULES[code].severity}\`.`;
        const options = Object.entries(RULES[code].options ?? {});
        if (!options.length) return [code, { ...severity, markdownDescription }];
        const map = {
          type: 'object',
          properties: {
            severity,
            ...Object.fromEntries(options.map(([name, o]) => [name, { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['on', 'off'] }], markdownDescription: `\`false\` leaves out ${o.description.charAt(0).toLowerCase()}${o.description.slice(1)} Default: \`true\`.` }])),
          },
          additionalProperties: false,
        };
        return [code, { anyOf: [severity, map], markdownDescription }];
      }),
    ),
    additionalProperties: false,
  };
}

const names = (description: string) => ({ type: 'array', description, items: { type: 'string', minLength: 1 }, uniqueItems: true });
const KIND_WORD: Record<DocKind, string> = { role: 'Role', team: 'Team', space: 'Space', policy: 'Policy' };

function permissionNames(list: 'space' | 'system'): string[] {
  return [...allPermissions()].filter((p) => p.level === 'both' || p.level === list).map((p) => p.name).sort();
}

/** The JSON Schema of one kind of document (a file may hold several such documents). */
export function schemaOf(kind: DocKind): Record<string, unknown> {
  const common = {
    name: { type: 'string', minLength: 1, description: `The ${kind}'s name, as Octopus shows it.` },
    description: { type: 'string' },
    kind: { type: 'string', enum: [KIND_WORD[kind], KIND_WORD[kind].toLowerCase()], description: 'Optional; agrees with the file suffix.' },
  };
  const fields: Record<DocKind, Record<string, unknown>> = {
    role: {
      ...common,
      spacePermissions: { type: 'array', description: 'Permissions that apply inside a space.', items: { enum: permissionNames('space') } },
      systemPermissions: { type: 'array', description: 'Permissions that apply to the whole server.', items: { enum: permissionNames('system') } },
      builtIn: { type: 'boolean', description: "True when the document gives this server's permissions of the built-in role of that name." },
    },
    team: {
      ...common,
      space: { type: 'string', minLength: 1, description: 'The space of a space team; absent for a system team.' },
      members: names('Usernames of the members.'),
      externalGroups: names('External groups (Active Directory, Entra ID, ...) whose members belong to the team.'),
      roles: {
        type: 'array',
        description: 'Role assignments: a role name, or a role with a space and restrictions.',
        items: {
          oneOf: [
            { type: 'string', minLength: 1 },
            {
              type: 'object',
              required: ['role'],
              additionalProperties: false,
              properties: {
                role: { type: 'string', minLength: 1 },
                space: { type: 'string', minLength: 1 },
                ...Object.fromEntries(DIMENSIONS.map((d) => [d, names(`Restricts the assignment to these ${d}.`)])),
              },
            },
          ],
        },
      },
    },
    space: {
      ...common,
      ...Object.fromEntries(DIMENSIONS.map((d) => [d, names(`The ${d} of the space, for checking restrictions.`)])),
      managers: {
        type: 'object',
        description: "Who manages the space: Octopus's space managers team.",
        additionalProperties: false,
        properties: Object.fromEntries(MANAGER_KEYS.map((k) => [k, names(k === 'teams' ? 'Teams whose members manage the space.' : 'Usernames of the managers.')])),
      },
    },
    policy: policyFields(common.name, common.description),
  };
  const properties = fields[kind];
  if (Object.keys(properties).sort().join() !== [...DOC_KEYS[kind]].sort().join()) throw new Error(`the schema of ${kind} misses fields`);
  if (kind === 'policy') return policyFileSchema(properties, common.kind);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://octopus-roles.github.io/schemas/${kind}.json`,
    title: `Octopus Roles ${kind} document`,
    description: `A ${kind} document of a *.${kind}.yaml file. Generated from the catalog by scripts/gen-manifest.mjs.`,
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties,
  };
}

/** The fields of one policy (SPEC section 11). */
function policyFields(name: unknown, description: unknown): Record<string, unknown> {
  const principals = (what: string) => ({ type: 'array', description: `${what} Each is team:NAME, team:SPACE/NAME, user:NAME, group:ID or Everyone.`, items: { type: 'string', minLength: 1 } });
  const value = (what: string) => ({ type: 'string', minLength: 1, description: `The context: ${what}, as who-can's option.` });
  return {
    name,
    description,
    permission: { enum: [...allPermissions()].map((p) => p.name).sort(), description: 'The permission the policy is about.' },
    capability: { enum: ['export-projects', 'import-projects'], description: 'A capability no permission names (only Space Manager has it).' },
    space: value('the space'),
    environment: value('an environment'),
    project: value('a project'),
    projectGroup: value('a project group'),
    tenant: value('a tenant'),
    untenanted: { type: 'boolean', description: 'The context is untenanted work: only records unrestricted in tenants admit it.' },
    only: principals('Nobody else may hold it in the context.'),
    includes: principals('These must hold it everywhere the context says.'),
    unrestricted: { enum: ['none'], description: 'No holder may hold it unrestricted in every dimension the permission supports.' },
  };
}

/** A policy file: a `policies` list of policies, each with a name, a subject and one assertion. */
function policyFileSchema(properties: Record<string, unknown>, kind: unknown): Record<string, unknown> {
  const policy = {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties,
    oneOf: ['permission', 'capability'].map((k) => ({ properties: { [k]: true }, required: [k] })),
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://octopus-roles.github.io/schemas/policy.json',
    title: 'Octopus Roles policy file',
    description: 'The access policies of a *.policy.yaml file (SPEC section 11). Generated by scripts/gen-manifest.mjs.',
    type: 'object',
    required: ['policies'],
    additionalProperties: false,
    properties: { kind, policies: { type: 'array', description: 'What must stay true about access.', items: policy } },
  };
}

/** A pattern matching one of `words` in any case, with spaces around: how the checker reads them. */
function caseless(words: readonly string[]): string {
  const letters = (w: string) => [...w].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c)).join('');
  return `^\\s*(${words.map(letters).join('|')})\\s*$`;
}

/**
 * The JSON Schema of `.octopus-roles.yaml` (service/config.ts reads it): each rule code as the
 * `octopusRoles.rules` setting declares it, or a severity as the checker also accepts it (any case, the
 * aliases `info`, `warn`, `none` and `ignore`, or a boolean); `maxFileSize`; `exclude`; `terraform`; `root`.
 */
/**
 * A rule's map in the configuration: `severity` and the options its entry declares (rules/rule.ts), each
 * `on` or `off`; a rule without options takes `severity` alone (one definition, `#/definitions/severityMap`).
 */
function ruleMapSchema(code: string): Record<string, unknown> {
  const options = Object.entries(RULES[code as keyof typeof RULES].options ?? {});
  if (!options.length) return { $ref: '#/definitions/severityMap' };
  const onOff = { anyOf: [{ type: 'string', pattern: caseless(['on', 'off']) }, { type: 'boolean' }] };
  return {
    type: 'object',
    properties: {
      severity: { $ref: '#/definitions/severity' },
      ...Object.fromEntries(options.map(([name, o]) => [name, { ...onOff, description: `\`off\` leaves out ${o.description.charAt(0).toLowerCase()}${o.description.slice(1)} Default: \`on\`.` }])),
    },
    additionalProperties: false,
  };
}

export function configSchema(): Record<string, unknown> {
  const setting = rulesSetting() as { properties: Record<string, Record<string, unknown>>; additionalProperties: unknown };
  const lenient = [{ type: 'string', pattern: caseless([...SEVERITY_SETTINGS, 'info', 'warn', 'none', 'ignore']) }, { type: 'boolean' }];
  const rules = Object.fromEntries(
    Object.entries(setting.properties).map(([code, declared]) => {
      const { markdownDescription, anyOf, ...plain } = declared as { markdownDescription: unknown; anyOf?: unknown[] };
      // The editor setting's severity (the first of its shapes for a rule with options) and the file's own forms.
      return [code, { markdownDescription, anyOf: [anyOf ? anyOf[0] : plain, ...lenient, ruleMapSchema(code)] }];
    }),
  );
  const glob = { type: 'string', minLength: 1, maxLength: 1000 };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://octopus-roles.github.io/schemas/config.json',
    title: 'Octopus Roles configuration (.octopus-roles.yaml)',
    description: 'Rule severities, the file size limit and the files not to analyse, for this folder and below. Generated by scripts/gen-manifest.mjs.',
    type: 'object',
    additionalProperties: false,
    definitions: {
      severity: { anyOf: [{ type: 'string', enum: [...SEVERITY_SETTINGS] }, ...lenient] },
      severityMap: { type: 'object', properties: { severity: { $ref: '#/definitions/severity' } }, additionalProperties: false },
    },
    properties: {
      rules: { type: 'object', description: 'Severity per rule code, or a map of `severity` and the rule\'s options.', properties: rules, additionalProperties: setting.additionalProperties },
      maxFileSize: {
        description: 'Files larger than this are not analysed: a number of bytes, or a size such as 512KB or 2MB.',
        anyOf: [{ type: 'number', minimum: 1 }, { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*([Bb]|[Bb][Yy][Tt][Ee][Ss]?|[KkMmGg]([Ii]?[Bb])?)?\\s*$' }],
      },
      exclude: { description: 'Globs, relative to this folder, of files not to analyse.', anyOf: [glob, { type: 'array', items: glob }, { type: 'null' }] },
      terraform: { type: 'boolean', description: 'Read the *.tf files that use the Octopus provider (default true).' },
      root: { type: 'boolean', description: 'This folder is a workspace of its own: configuration above it does not apply, and the workspace above does not read it (default false).' },
    },
  };
}

/**
 * `octopus-roles init`'s starter configuration with every commented-out setting uncommented: the lines
 * `# KEY: ...` and `#   KEY: ...` (its prose never starts with a word and a colon).
 */
export function uncommented(text: string): string {
  return text.replace(/^# (?=\s*[A-Za-z][\w-]*:)/gm, '');
}
