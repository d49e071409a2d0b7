/**
 * How policies (SPEC section 11) write what they are about: principals as explain and who-can take them
 * (section 8: `team:NAME`, `team:SPACE/NAME`, `user:NAME`, `group:ID`), plus `Everyone`, and the
 * capabilities no permission names. The front-end reads policies with these and the proof resolves them.
 */
import { EVERYONE } from '../catalog';
import { CAPABILITIES } from './grants';

/** The capability ids a policy may name instead of a permission. */
export const CAPABILITY_IDS: readonly string[] = CAPABILITIES.map((c) => c.id);

/** How a principal is written, for messages. */
export const PRINCIPAL_FORMS = 'a principal: `team:NAME`, `team:SPACE/NAME`, `user:NAME`, `group:ID` or `Everyone`';

/** A principal as a policy writes it: its kind and the rest of the text (a team's may be `SPACE/NAME`). */
export interface WrittenPrincipal {
  readonly kind: 'team' | 'user' | 'group';
  readonly rest: string;
  /** Where the rest starts in the written text (after `team:`, ...), for spans of the name alone. */
  readonly offset: number;
}

/** A principal's text read as one; undefined for text that is not written as a principal. */
export function parsePrincipal(text: string): WrittenPrincipal | undefined {
  if (text.trim().toLowerCase() === EVERYONE.toLowerCase()) return { kind: 'team', rest: EVERYONE, offset: 0 };
  const m = /^(team|user|group):/.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m[0].length);
  if (rest.trim().length === 0) return undefined;
  return { kind: m[1] as WrittenPrincipal['kind'], rest, offset: m[0].length };
}
