/**
 * What a change does to the access policies (SPEC section 11): each policy's result on both sides of
 * `diff` (holds, or breached), and the policies whose result changes. Policies are matched by name (unique
 * in a workspace). A side without policy files of its own (a server's dump in `diff --live`) is held to the
 * other side's policies, so that drift from the server is proved too.
 */
import { proveOn, provePolicies } from '../model/policies';
import type { PolicyDoc } from '../model/types';
import type { ModelIndex } from '../model/workspace';

/** A policy's result on one side; `absent` where the side has no policy of that name. */
export type PolicyState = 'holds' | 'breached' | 'absent';

/** A policy whose result differs between the two sides. */
export interface PolicyChange {
  readonly name: string;
  readonly before: PolicyState;
  readonly after: PolicyState;
}

/** The policy files of a workspace, with their policies, sorted by file. */
function policyFiles(ws: ModelIndex): { uri: string; policies: PolicyDoc[] }[] {
  const out: { uri: string; policies: PolicyDoc[] }[] = [];
  for (const uri of [...ws.uris()].sort()) {
    const policies = (ws.model(uri)?.docs ?? []).filter((d): d is PolicyDoc => d.kind === 'policy');
    if (policies.length) out.push({ uri, policies });
  }
  return out;
}

/** Each named policy's result on `ws`, proving `from`'s policy files (its own unless said otherwise). */
export function policyStates(ws: ModelIndex, from: ModelIndex = ws): Map<string, Exclude<PolicyState, 'absent'>> {
  const out = new Map<string, Exclude<PolicyState, 'absent'>>();
  for (const { uri, policies } of policyFiles(from)) {
    const results = from === ws ? provePolicies(ws.forFile(uri), uri) : proveOn(ws, uri, policies);
    for (const p of policies) {
      const name = p.name?.value;
      if (name === undefined || out.has(name)) continue;
      const breached = (results.proofs.get(p.index) ?? []).some((proof) => Object.values(proof.byKind).some((list) => list.length > 0));
      out.set(name, breached ? 'breached' : 'holds');
    }
  }
  return out;
}

/** The policies whose result changes from `base` to `head`, by name; `present` when either side has policies. */
export interface PolicyComparison {
  readonly changes: readonly PolicyChange[];
  readonly present: boolean;
}

/** The policies whose result changes from `base` to `head`, by name. */
export function comparePolicies(base: ModelIndex, head: ModelIndex): PolicyComparison {
  const baseOwn = policyFiles(base).length > 0;
  const headOwn = policyFiles(head).length > 0;
  const before = policyStates(base, baseOwn || !headOwn ? base : head);
  const after = policyStates(head, headOwn || !baseOwn ? head : base);
  const out: PolicyChange[] = [];
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(name) ?? 'absent';
    const a = after.get(name) ?? 'absent';
    if (a !== b) out.push({ name, before: b, after: a });
  }
  return { changes: out, present: baseOwn || headOwn };
}

/** True when `head` breaks a policy that `base` held: `diff` then fails. */
export const breaksPolicy = (changes: readonly PolicyChange[]): boolean => changes.some((c) => c.before === 'holds' && c.after === 'breached');
