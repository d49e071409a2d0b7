/** The effective access of every principal of a model, for the export's round-trip tests. */
import { accessOf, accessTeams, type Principal } from '../../server/src/service';

/**
 * A record's restrictions with each dimension's values in one order: a restriction is a set of values
 * (the export writes them sorted, the workspace as the user did).
 */
const restrictionsText = (r: Record<string, readonly string[] | undefined>) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([d, v]) => [d, [...(v ?? [])].sort()])));

/** `explain` of every principal of a model (in a module or not), as grants without their sources. */
export function explainAll(ws: Parameters<typeof accessTeams>[0]): Record<string, string[]> {
  const teams = accessTeams(ws);
  const out: Record<string, string[]> = {};
  const principals = new Map<string, Principal>();
  for (const t of teams) {
    principals.set(`team:${t.space ?? ''}/${t.name}`, { kind: 'team', name: t.name, ...(t.space !== undefined ? { space: t.space } : {}), ...(t.module !== undefined ? { module: t.module } : {}) });
    for (const m of t.members) principals.set(`user:${m}`, { kind: 'user', name: m, ...(t.module !== undefined ? { module: t.module } : {}) });
    for (const g of t.groups) principals.set(`group:${g}`, { kind: 'group', name: g, ...(t.module !== undefined ? { module: t.module } : {}) });
  }
  for (const [key, p] of principals) {
    const grants = accessOf(teams, p).grants.map((g) => `${g.scope}/${g.space ?? ''} ${g.permission} ${restrictionsText(g.restrictions)}`);
    if (grants.length) out[key] = grants.sort();
  }
  return out;
}
