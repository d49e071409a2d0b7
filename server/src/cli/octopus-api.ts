/**
 * Reading an Octopus server's REST API for `pull`: GET through the one HTTP client (`http.ts`, which keeps
 * the credential to the named server's origin and bounds every answer), every page of a list (following
 * `Links["Page.Next"]`, or `skip`/`take` when a page has no such link), answers parsed as JSON no deeper
 * than a dump may be, and errors that say what went wrong in words a user can act on.
 */
import { parseJson } from '../bridge/api';
import { HttpClient, HttpError, type HttpClientOptions } from './http';

/** Why a pull stopped; the message is for the user. */
export class ApiError extends HttpError {}

type Json = unknown;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** At most this many pages of one list: a server whose `Page.Next` never ends cannot keep a pull going. */
const MAX_PAGES = 10_000;

export class ApiClient {
  private readonly http: HttpClient;
  /** The path the server lives under, without a trailing slash ('' at the root). */
  private readonly prefix: string;
  /** What the credential is called in messages. */
  private readonly credential: string;

  constructor(options: HttpClientOptions) {
    this.http = new HttpClient(options);
    this.credential = options.credential.kind === 'api-key' ? 'API key' : 'access token';
    this.prefix = options.server.pathname.replace(/\/+$/, '');
  }

  /**
   * The URL of an API path (`/api/...`) or of a link the server returned, which may carry the server's
   * path prefix or not; link templates such as `{?skip,take}` are dropped. A link that leaves the
   * server's origin is refused (HttpError), never rewritten into a path.
   */
  url(link: string): URL {
    const url = this.http.resolve(link.replace(/\{[^}]*\}/g, ''));
    // Set as a path, never parsed again as a reference: `//x` stays a path here.
    if (this.prefix && url.pathname !== this.prefix && !url.pathname.startsWith(this.prefix + '/')) url.pathname = this.prefix + url.pathname;
    return url;
  }

  /** GETs one resource or page as JSON. */
  async get(link: string): Promise<Json> {
    const answer = await this.http.get(this.url(link));
    const where = answer.url.href;
    if (answer.status === 401 || answer.status === 403) {
      throw new ApiError(`the server refused the ${this.credential} (HTTP ${answer.status}) at ${where}; check the ${this.credential} and that its user may view teams, user roles, users and spaces`);
    }
    if (answer.status < 200 || answer.status > 299) throw new ApiError(`HTTP ${answer.status} from ${where}`);
    const parsed = parseJson(answer.text);
    if ('value' in parsed) return parsed.value;
    if (parsed.problem.startsWith('not JSON')) throw new ApiError(`${where} did not answer with JSON (is ${this.http.origin}${this.prefix} an Octopus server?)`);
    throw new ApiError(`the answer of ${where} is ${parsed.problem}; not read`);
  }

  /**
   * Every item of a list endpoint: a bare array (`/all`), or pages followed to the end through
   * `Links["Page.Next"]`, or by `skip` and `take` when the server gives no such link.
   */
  async all(link: string): Promise<Json[]> {
    const first = await this.get(link);
    if (Array.isArray(first)) return first;
    if (!isObject(first) || !Array.isArray(first.Items)) throw new ApiError(`${this.url(link).href} did not answer with a list`);
    const items: Json[] = [...first.Items];
    let page: Record<string, unknown> = first;
    const seen = new Set<string>([this.url(link).href]);
    for (let n = 1; n < MAX_PAGES; n++) {
      const links = isObject(page.Links) ? page.Links : {};
      const total = typeof page.TotalResults === 'number' ? page.TotalResults : undefined;
      let next: string | undefined = typeof links['Page.Next'] === 'string' ? links['Page.Next'] : undefined;
      if (next === undefined) {
        if (total === undefined || items.length >= total || !(page.Items as Json[]).length) break;
        const u = this.url(link);
        u.searchParams.set('skip', String(items.length));
        u.searchParams.set('take', String(typeof page.ItemsPerPage === 'number' && page.ItemsPerPage > 0 ? page.ItemsPerPage : (page.Items as Json[]).length));
        next = u.href;
      }
      const key = this.url(next).href;
      if (seen.has(key)) break;
      seen.add(key);
      const got = await this.get(next);
      if (!isObject(got) || !Array.isArray(got.Items)) throw new ApiError(`${key} did not answer with a page`);
      if (!got.Items.length) break;
      items.push(...got.Items);
      page = got;
    }
    return items;
  }
}
