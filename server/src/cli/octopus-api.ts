/**
 * Reading an Octopus server's REST API for `pull`: GET with the `X-Octopus-ApiKey` header and a timeout per
 * request, every page of a list (following `Links["Page.Next"]`, or `skip`/`take` when a page has no such
 * link), and errors that say what went wrong in words a user can act on.
 */

/** Why a pull stopped; the message is for the user. */
export class ApiError extends Error {}

export interface ApiClientOptions {
  /** The server's address, such as https://octopus.example.com (a path prefix is kept). */
  readonly server: string;
  readonly apiKey: string;
  /** Milliseconds to wait for each answer. */
  readonly timeoutMs: number;
}

type Json = unknown;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** At most this many pages of one list: a server whose `Page.Next` never ends cannot keep a pull going. */
const MAX_PAGES = 10_000;

export class ApiClient {
  private readonly base: URL;
  /** The path the server lives under, without a trailing slash ('' at the root). */
  private readonly prefix: string;

  constructor(private readonly options: ApiClientOptions) {
    let base: URL;
    try {
      base = new URL(options.server);
    } catch {
      throw new ApiError(`${options.server} is not a URL such as https://octopus.example.com`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new ApiError(`${options.server}: only http and https servers can be pulled from`);
    this.prefix = base.pathname.replace(/\/+$/, '');
    base.search = '';
    base.hash = '';
    this.base = base;
  }

  /** The URL of an API path (`/api/...`) or of a link the server returned (which may carry the prefix). */
  url(link: string): URL {
    const clean = link.replace(/\{[^}]*\}/g, ''); // link templates such as {?skip,take}
    const prefix = this.prefix;
    const pathPart = prefix && clean.startsWith(prefix + '/') ? clean : `${prefix}${clean.startsWith('/') ? '' : '/'}${clean}`;
    return new URL(pathPart, this.base.origin);
  }

  /** GETs one resource or page as JSON. */
  async get(link: string): Promise<Json> {
    const url = this.url(link);
    const where = url.toString();
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { 'X-Octopus-ApiKey': this.options.apiKey, Accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'follow',
      });
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new ApiError(`no answer from ${where} within ${this.options.timeoutMs / 1000} s`);
      throw new ApiError(`cannot reach ${where}: ${e.cause?.code ?? e.cause?.message ?? e.message ?? String(err)}`);
    }
    let body: string;
    try {
      body = await response.text();
    } catch (err) {
      const e = err as { name?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new ApiError(`no answer from ${where} within ${this.options.timeoutMs / 1000} s`);
      throw new ApiError(`${where}: the answer broke off`);
    }
    if (response.status === 401 || response.status === 403) {
      throw new ApiError(`the server refused the API key (HTTP ${response.status}) at ${where}; check the key and that its user may view teams, user roles, users and spaces`);
    }
    if (!response.ok) throw new ApiError(`HTTP ${response.status} from ${where}`);
    try {
      return JSON.parse(body) as Json;
    } catch {
      throw new ApiError(`${where} did not answer with JSON (is ${this.base.origin}${this.prefix} an Octopus server?)`);
    }
  }

  /**
   * Every item of a list endpoint: a bare array (`/all`), or pages followed to the end through
   * `Links["Page.Next"]`, or by `skip` and `take` when the server gives no such link.
   */
  async all(link: string): Promise<Json[]> {
    const first = await this.get(link);
    if (Array.isArray(first)) return first;
    if (!isObject(first) || !Array.isArray(first.Items)) throw new ApiError(`${this.url(link).toString()} did not answer with a list`);
    const items: Json[] = [...first.Items];
    let page: Record<string, unknown> = first;
    const seen = new Set<string>([this.url(link).toString()]);
    for (let n = 1; n < MAX_PAGES; n++) {
      const links = isObject(page.Links) ? page.Links : {};
      const total = typeof page.TotalResults === 'number' ? page.TotalResults : undefined;
      let next: string | undefined = typeof links['Page.Next'] === 'string' ? links['Page.Next'] : undefined;
      if (next === undefined) {
        if (total === undefined || items.length >= total || !(page.Items as Json[]).length) break;
        const u = this.url(link);
        u.searchParams.set('skip', String(items.length));
        u.searchParams.set('take', String(typeof page.ItemsPerPage === 'number' && page.ItemsPerPage > 0 ? page.ItemsPerPage : (page.Items as Json[]).length));
        next = u.pathname + u.search;
      }
      const key = this.url(next).toString();
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
