/**
 * The YAML front-end's reading of one policy of a `*.policy.yaml` file (SPEC section 11), after the
 * document reader has read its fields by the kinds of value they take: here they are judged as a policy
 * (a subject, one or more assertions, principals written as who-can takes them) and built into the model.
 */
import { CAPABILITY_IDS, parsePrincipal, PRINCIPAL_FORMS } from '../../model/policy-terms';
import type { KeyRef, Name, NameList, PolicyContext, PolicyDoc, Span } from '../../model/types';

/** A policy's fields as the document reader read them, and how to report a value of the wrong kind. */
export interface PolicyFields extends PolicyContext {
  readonly keys: ReadonlyMap<string, KeyRef>;
  readonly docSpan: Span;
  readonly permission?: Name;
  readonly capability?: Name;
  readonly only?: NameList;
  readonly includes?: NameList;
  readonly unrestricted?: Name;
  invalid(span: Span, what: string, expected: string): void;
}

type Base = Pick<PolicyDoc, 'uri' | 'index' | 'span' | 'name' | 'keys'>;

/**
 * A policy from its fields, reporting what cannot make a policy: no subject or two, an unknown
 * capability, no assertion, `unrestricted` other than `none`, a principal not written as one. Principals
 * of the wrong form are left out of their list, so that the proof never reads them.
 */
export function readPolicy(f: PolicyFields, base: Base): PolicyDoc {
  const anchor = f.keys.get('name')?.keySpan ?? f.keys.values().next().value?.keySpan ?? f.docSpan;
  let capability = f.capability;
  if (f.permission && capability) {
    f.invalid(capability.span, '`capability`', 'absent when the policy names a `permission`: a policy is about one of them');
    capability = undefined;
  } else if (!f.permission && !capability && !f.keys.has('permission') && !f.keys.has('capability')) {
    f.invalid(anchor, 'A policy', 'given a `permission:` or a `capability:` (export-projects, import-projects)');
  }
  if (capability && !CAPABILITY_IDS.includes(capability.value)) {
    f.invalid(capability.span, '`capability`', `one of ${CAPABILITY_IDS.map((c) => `\`${c}\``).join(', ')}`);
    capability = undefined;
  }
  let unrestricted = f.unrestricted;
  if (unrestricted && unrestricted.value !== 'none') {
    f.invalid(unrestricted.span, '`unrestricted`', '`none` (no holder may hold it unrestricted)');
    unrestricted = undefined;
  }
  if (!f.keys.has('only') && !f.keys.has('includes') && !f.keys.has('unrestricted')) {
    f.invalid(anchor, 'A policy', 'given what must hold: `only: [...]`, `includes: [...]` or `unrestricted: none`');
  }
  let untenanted = f.untenanted;
  if (untenanted?.value && f.tenant) {
    f.invalid(untenanted.span, '`untenanted`', 'absent when the policy names a `tenant`');
    untenanted = undefined;
  }
  const context = { space: f.space, environment: f.environment, project: f.project, projectGroup: f.projectGroup, tenant: f.tenant, untenanted };
  return { ...base, kind: 'policy', permission: f.permission, capability, context, only: principals(f.only, f), includes: principals(f.includes, f), unrestricted };
}

/** A list of principals with the items that are not written as one reported and left out. */
function principals(list: NameList | undefined, f: PolicyFields): NameList | undefined {
  if (!list) return undefined;
  const items = list.items.filter((i) => {
    if (parsePrincipal(i.value)) return true;
    f.invalid(i.span, `An item of \`${list.key.key}\``, PRINCIPAL_FORMS);
    return false;
  });
  return items.length === list.items.length ? list : { key: list.key, items, valueSpan: list.valueSpan };
}
