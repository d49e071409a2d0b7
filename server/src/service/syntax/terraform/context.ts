/**
 * Where the cursor stands in a Terraform file, for completion: inside a string item of
 * `granted_space_permissions` or `granted_system_permissions`, or inside a string where a built-in role or
 * team may be named by id (`user_role_id`, `team_id`, an item of `space_managers_teams`, the `id` of an
 * `import` block that adopts a team), or at an item of a list of users (`users`, `space_managers_team_members`).
 * Read from the text before the cursor, because the list being typed is often not valid HCL yet.
 */
import type { CompletionContext } from '../../model/frontend';

const LIST = /\b(granted_space_permissions|granted_system_permissions|space_managers_teams|users|space_managers_team_members)\s*=\s*\[/g;
const KEYS = { granted_space_permissions: 'spacePermissions', granted_system_permissions: 'systemPermissions', space_managers_teams: 'teams', users: 'members', space_managers_team_members: 'members' } as const;
/** Lists of users: an item is a user id in a string, or an expression (a reference, a lookup). */
const USER_LISTS: ReadonlySet<string> = new Set(['users', 'space_managers_team_members']);
/** A string value being typed after an attribute that takes a built-in role's or team's id. */
const ID_VALUE = /\b(user_role_id|team_id)\s*=\s*"([^"\\\r\n]*)$/;

/** `id = "` of an `import` block, from the block's keyword to the cursor (no brace between). */
const IMPORT_ID = /^import\s*\{[^{}]*\bid\s*=\s*"([^"\\\r\n]*)$/;
/** The `to` of an `import` block that adopts a team resource (the only kind a built-in id can adopt). */
const IMPORT_TEAM = /\bto\s*=\s*octopusdeploy_team\./;

/**
 * The id being typed in an `import` block that adopts a team resource (`to = octopusdeploy_team.X`, before
 * or after the cursor): a built-in team's id (SPEC section 9), as completion offers in `team_id`.
 */
function importId(text: string, before: string, from: number, offset: number): CompletionContext | undefined {
  const at = before.lastIndexOf('import');
  if (at < 0) return undefined;
  const id = IMPORT_ID.exec(before.slice(at));
  if (!id) return undefined;
  const close = text.indexOf('}', offset);
  if (!IMPORT_TEAM.test(text.slice(from + at, close < 0 ? text.length : close))) return undefined;
  return { type: 'id', of: 'team', replace: { start: offset - id[1].length, end: wordEnd(text, offset) } };
}

/** The end of the name or id the cursor is in: the span a proposal replaces ends there. */
function wordEnd(text: string, offset: number): number {
  let end = offset;
  while (end < text.length && /[A-Za-z0-9_-]/.test(text[end])) end++;
  return end;
}

/** The header of a top-level block: `resource "TYPE" "NAME" {`, `data "TYPE" ...`, `locals {` and the like. */
const BLOCK = /^[ \t]*(resource|data|locals|variable|output|module|provider|terraform|import|moved|check)\b[ \t]*(?:"([^"\r\n]*)")?/gm;

/**
 * Whether a list that opens at `at` of `before` may be one of the Octopus provider's: not inside a resource
 * or data source of another provider (a `users` list of another provider's team holds that provider's
 * users). Locals, variables and the rest may hold Octopus ids meant for such a list.
 */
function octopusBlock(before: string, at: number): boolean {
  let last: RegExpExecArray | undefined;
  for (const m of before.slice(0, at).matchAll(BLOCK)) last = m;
  if (!last || (last[1] !== 'resource' && last[1] !== 'data')) return true;
  return (last[2] ?? '').startsWith('octopusdeploy_');
}

/** How far back the opening `[` of a list may be; a longer list is completed without context. */
const WINDOW = 20_000;

export function completionContext(text: string, offset: number): CompletionContext | undefined {
  const from = Math.max(0, offset - WINDOW);
  const before = text.slice(from, offset);
  const id = ID_VALUE.exec(before);
  if (id) return { type: 'id', of: id[1] === 'team_id' ? 'team' : 'role', replace: { start: offset - id[2].length, end: wordEnd(text, offset) } };
  const adopted = importId(text, before, from, offset);
  if (adopted) return adopted;
  let open: { key: keyof typeof KEYS; end: number } | undefined;
  for (const m of before.matchAll(LIST)) open = { key: m[1] as keyof typeof KEYS, end: m.index + m[0].length };
  if (!open || !octopusBlock(before, open.end)) return undefined;
  // Between the `[` and the cursor: strings, commas, comments and spaces only, and the cursor in a string;
  // in a list of users also whole expressions (a lookup's `one([for ...])`), tracked by their depth.
  const users = USER_LISTS.has(open.key);
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  for (let i = open.end; i < before.length; i++) {
    const c = before[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      else if (c === '\n') return undefined;
      continue;
    }
    if (c === '"') {
      inString = true;
      stringStart = i + 1;
    } else if (users && (c === '(' || c === '[')) depth++;
    else if (users && depth > 0 && (c === ')' || c === ']')) depth--;
    else if (users && depth > 0 && c === '=') continue;
    else if (c === ']' || c === '=' || c === '{' || c === '}' || c === '(' || c === ')') return undefined;
    else if (c === '#') {
      const nl = before.indexOf('\n', i);
      if (nl < 0) return undefined;
      i = nl;
    }
  }
  if (depth > 0) return undefined;
  if (!inString) return users ? referenceAt(text, before, from, offset) : undefined;
  const replace = { start: from + stringStart, end: wordEnd(text, offset) };
  if (users) return { type: 'user', quoted: true, replace };
  return open.key === 'space_managers_teams' ? { type: 'id', of: 'team', replace } : { type: 'item', key: KEYS[open.key], replace };
}

/**
 * A reference being typed at an item of a list of users: the cursor after `[` or `,` and the start of an
 * address (`octopusdeploy_user.al`), which a proposal replaces to the end of the address.
 */
function referenceAt(text: string, before: string, from: number, offset: number): CompletionContext | undefined {
  const typed = /[A-Za-z0-9_.-]*$/.exec(before)![0];
  const lead = before.slice(0, before.length - typed.length).trimEnd();
  if (!lead.endsWith('[') && !lead.endsWith(',')) return undefined;
  let end = offset;
  while (end < text.length && /[A-Za-z0-9_.-]/.test(text[end])) end++;
  return { type: 'user', quoted: false, replace: { start: from + before.length - typed.length, end } };
}
