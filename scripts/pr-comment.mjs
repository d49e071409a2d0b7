// Posts the access diff (a markdown file) as a pull-request comment for the GitHub Action (action.yml),
// or updates the comment an earlier run posted, found by its marker among comments by bots (the workflow
// token posts as github-actions[bot]). When nobody's access changes and there is no earlier comment,
// nothing is posted. A refused request (a pull request from a fork gets a read-only token) is a warning,
// never a failed job: the diff is in the job summary either way.
//
// Reads GITHUB_API_URL, GITHUB_REPOSITORY and GITHUB_TOKEN as GitHub sets them, OCTOPUS_ROLES_PR (the pull
// request's number) and OCTOPUS_ROLES_CHANGED ('true' when someone's access changes). The token is sent
// to GITHUB_API_URL only, and the script follows no link the API returns.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Starts the comment, so that the next run finds it. */
export const MARKER = '<!-- octopus-roles:access-diff -->';

/** GitHub refuses comments over 65,536 characters. */
const MAX_BODY = 65000;
const MAX_PAGES = 50;

/** The comment's text: the marker, then the report, cut at a line with a note when it is too long. */
export function commentBody(report) {
  const text = report.trim() === '' ? "Octopus Roles: the access diff is empty.\n" : report;
  const note = '\n\n*The diff is cut here; the whole of it is in the job summary.*\n';
  if (MARKER.length + 1 + text.length <= MAX_BODY) return `${MARKER}\n${text}`;
  const cut = text.lastIndexOf('\n', MAX_BODY - MARKER.length - 1 - note.length);
  return `${MARKER}\n${text.slice(0, cut > 0 ? cut : MAX_BODY - MARKER.length - 1 - note.length)}${note}`;
}

function warn(message) {
  console.log(`::warning title=octopus-roles::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`);
}

async function request(api, token, method, route, body) {
  const response = await fetch(`${api}${route}`, {
    method,
    headers: {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${token}`,
      'X-GitHub-Api-Version': '2022-11-28',
      'User-Agent': 'octopus-roles-action',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'error',
    signal: AbortSignal.timeout(30000),
  });
  if (!response.ok) {
    const text = (await response.text()).slice(0, 300);
    throw new Error(`${method} ${route}: ${response.status} ${response.statusText}${text ? `: ${text}` : ''}`);
  }
  return response.json();
}

/** The id of the last comment an earlier run posted, if any. */
async function earlierComment(api, token, repo, pr) {
  let found;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = await request(api, token, 'GET', `/repos/${repo}/issues/${pr}/comments?per_page=100&page=${page}`);
    if (!Array.isArray(comments)) break;
    for (const c of comments) {
      if (typeof c?.body === 'string' && c.body.startsWith(MARKER) && c.user?.type === 'Bot' && Number.isSafeInteger(c.id)) found = c.id;
    }
    if (comments.length < 100) break;
  }
  return found;
}

/** Posts or updates the comment; returns what it did. Throws on a refused request. */
export async function postComment({ api, token, repo, pr, changed, report }) {
  const body = commentBody(report);
  const id = await earlierComment(api, token, repo, pr);
  if (id !== undefined) {
    await request(api, token, 'PATCH', `/repos/${repo}/issues/comments/${id}`, { body });
    return `updated comment ${id}`;
  }
  if (!changed) return "nobody's access changes: no comment";
  const created = await request(api, token, 'POST', `/repos/${repo}/issues/${pr}/comments`, { body });
  return `posted comment ${created?.id}`;
}

async function main() {
  const env = process.env;
  const api = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const repo = env.GITHUB_REPOSITORY ?? '';
  const pr = env.OCTOPUS_ROLES_PR ?? '';
  const token = env.GITHUB_TOKEN ?? '';
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo) || !/^\d+$/.test(pr)) return warn('not a pull request of a repository: no comment');
  if (!token) return warn('no token (the github-token input): no comment');
  let report;
  try {
    report = readFileSync(process.argv[2] ?? '', 'utf8');
  } catch (err) {
    return warn(`cannot read the access diff: ${err.message}`);
  }
  try {
    console.log(await postComment({ api, token, repo, pr, changed: env.OCTOPUS_ROLES_CHANGED === 'true', report }));
  } catch (err) {
    warn(`the access diff was not posted (${err.message}); a pull request from a fork gets a read-only token. The diff is in the job summary.`);
  }
}

// Run as a script, not when a test imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
