/**
 * The bridge's one HTTP client: every network request this product makes goes through `HttpClient.get`
 * (test/unit/network.test.ts reads the sources and fails when anything else calls `fetch` or opens a
 * socket). It holds the promises docs/security.md makes about `pull`:
 * - the credential (an API key or an access token) goes only to the origin (scheme, host and port) of the
 *   server the user named; every URL is checked against that origin just before each request;
 * - redirects are followed by hand, at most MAX_REDIRECTS, and only within that origin: a redirect
 *   elsewhere is an error that names its target, and nothing is sent there;
 * - a link the server returns is resolved against the named server and refused when it leaves the origin
 *   (`//host/...`, `/\host/...`, an absolute URL of another host or scheme);
 * - every answer is streamed and stops at a size limit, per answer and for the whole session;
 * - plain http is refused to any host that is not loopback unless the user allows it.
 */
import { formatBytes } from '../service';

/** Why a request was refused or failed; the message is for the user. */
export class HttpError extends Error {}

/** How the credential is sent: Octopus's API key header, or an access token as a bearer token. */
export interface Credential {
  readonly kind: 'api-key' | 'bearer';
  readonly secret: string;
}

export interface HttpClientOptions {
  /** The server as the user named it, already checked by `serverUrl`. */
  readonly server: URL;
  readonly credential: Credential;
  /** Milliseconds to wait for each answer, from the request to its last byte. */
  readonly timeoutMs: number;
  /** Bytes one answer may have (after decompression). */
  readonly maxAnswerBytes: number;
  /** Bytes all answers of this client may have together. */
  readonly maxTotalBytes: number;
}

/** One answer: its status, the URL that gave it (after redirects) and its body as text. */
export interface Answer {
  readonly status: number;
  readonly url: URL;
  readonly text: string;
}

/** Redirects followed for one request. */
export const MAX_REDIRECTS = 5;

/**
 * True for a host name that is this machine's loopback: `localhost`, 127.0.0.0/8 and ::1 (also written as
 * an IPv4-mapped address). `hostname` is a URL's, already normalised by the URL parser (`127.1` and
 * `0x7f000001` are `127.0.0.1` there, `[0:0::1]` is `[::1]`).
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]') return true;
  if (/^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(h)) return true;
  const m = /^(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.exec(h);
  return m !== null && m[1] === '127';
}

/**
 * The server URL the user named, checked before anything is sent: http or https, no user name or password
 * in it, and plain http only to a loopback host unless `insecureHttp` (the key would cross the network
 * in clear text). Query and fragment are dropped; the path is kept (a server under a virtual directory).
 */
export function serverUrl(server: string, insecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new HttpError(`${server} is not a URL such as https://octopus.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpError(`${server}: only http and https servers can be pulled from`);
  if (url.username || url.password) throw new HttpError(`${url.origin}: a user name or password in the URL is not sent; give the key through the environment instead`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !insecureHttp) {
    throw new HttpError(
      `${url.origin} is plain http: the API key would cross the network unencrypted, readable by anyone on the way. Use https, or add --insecure-http if this network is trusted`,
    );
  }
  url.search = '';
  url.hash = '';
  return url;
}

/** The text of an error thrown by fetch or a stream, for a message. */
function reason(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

const isTimeout = (err: unknown): boolean => {
  const name = (err as { name?: string }).name;
  return name === 'TimeoutError' || name === 'AbortError';
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A GET-only client bound to one origin and one credential. */
export class HttpClient {
  /** The only origin requests go to: `https://octopus.example.com:8443`. */
  readonly origin: string;
  private received = 0;

  constructor(private readonly options: HttpClientOptions) {
    this.origin = options.server.origin;
    if (!/^[\x21-\x7e]+$/.test(options.credential.secret)) {
      throw new HttpError('the key holds spaces or characters an HTTP header cannot carry; check the environment variable');
    }
  }

  /**
   * A link the server returned (or an API path), resolved against the named server: the URL it stands
   * for, or an HttpError when it would leave the server's origin. A link with a host of its own
   * (`//other/...`, `/\other/...`, `https://other/...`) or another scheme is refused, never rewritten.
   */
  resolve(link: string): URL {
    let url: URL;
    try {
      url = new URL(link, this.options.server);
    } catch {
      throw new HttpError(`the server returned a link that is not a URL: ${JSON.stringify(link)}`);
    }
    if (url.origin !== this.origin) throw this.elsewhere(`the server returned a link to ${url.href}`);
    return url;
  }

  /** GETs `target` with the credential, following redirects within the origin; the answer of any status. */
  async get(target: URL): Promise<Answer> {
    let url = target;
    for (let hop = 0; ; hop++) {
      if (url.origin !== this.origin) throw this.elsewhere(`asked for ${url.href}`);
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      const response = await this.request(url, signal);
      if (!REDIRECTS.has(response.status)) return { status: response.status, url, text: await this.body(response, url) };
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('location');
      if (location === null) throw new HttpError(`HTTP ${response.status} from ${url.href} without a Location to go to`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new HttpError(`${url.href} redirects to ${JSON.stringify(location)}, which is not a URL`);
      }
      if (next.origin !== this.origin) throw this.elsewhere(`${url.href} redirects to ${next.href}`);
      if (hop >= MAX_REDIRECTS) throw new HttpError(`${target.href}: more than ${MAX_REDIRECTS} redirects; not followed further`);
      url = next;
    }
  }

  private elsewhere(what: string): HttpError {
    return new HttpError(`${what}, outside ${this.origin}, the server named: refused, and nothing was sent there`);
  }

  private async request(url: URL, signal: AbortSignal): Promise<Response> {
    const { kind, secret } = this.options.credential;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (kind === 'api-key') headers['X-Octopus-ApiKey'] = secret;
    else headers.Authorization = `Bearer ${secret}`;
    try {
      return await fetch(url, { headers, signal, redirect: 'manual' });
    } catch (err) {
      if (isTimeout(err)) throw this.timedOut(url);
      throw new HttpError(`cannot reach ${url.href}: ${reason(err)}`);
    }
  }

  private timedOut(url: URL): HttpError {
    return new HttpError(`no answer from ${url.href} within ${this.options.timeoutMs / 1000} s`);
  }

  /** The body as UTF-8 text, read chunk by chunk and stopped at the limits, before it is all in memory. */
  private async body(response: Response, url: URL): Promise<string> {
    const limit = this.options.maxAnswerBytes;
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (!response.headers.has('content-encoding') && declared > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw this.tooLarge(url, `${formatBytes(declared)}, over`);
    }
    if (!response.body) return '';
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (isTimeout(err)) throw this.timedOut(url);
        throw new HttpError(`${url.href}: the answer broke off (${reason(err)})`);
      }
      if (chunk.done) break;
      size += chunk.value.byteLength;
      this.received += chunk.value.byteLength;
      if (size > limit || this.received > this.options.maxTotalBytes) {
        await reader.cancel().catch(() => undefined);
        if (size > limit) throw this.tooLarge(url, 'larger than');
        throw new HttpError(`the answers up to ${url.href} pass ${formatBytes(this.options.maxTotalBytes)} together, the most one client reads; not read further`);
      }
      chunks.push(chunk.value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private tooLarge(url: URL, how: string): HttpError {
    return new HttpError(`the answer of ${url.href} is ${how} the limit of ${formatBytes(this.options.maxAnswerBytes)} per answer; not read further (raise the limit with --max-answer-size)`);
  }
}
