/**
 * A stand-in Octopus server on loopback for the pull tests, written from the API reference: the `/all`
 * endpoints answer bare arrays, the list endpoints answer pages (`ItemType`, `TotalResults`,
 * `ItemsPerPage`, `Items`, `Links` with `Page.Next` while there are more), every request needs the
 * `X-Octopus-ApiKey` header or, when the stand-in is given one, an access token as `Authorization: Bearer`
 * (401 otherwise), and a path can be made to never answer. For the attacks a hostile server makes, a test
 * can answer any request itself (a redirect, a huge or deeply nested body) and rewrite the links a team
 * carries; every request's headers are recorded, so a test can see what reached which server.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { idKey, isSystem, type Dump } from '../../server/src/bridge/api';

export interface StandIn {
  readonly url: string;
  /** Every path and query asked for, in order. */
  readonly requests: string[];
  /** Every request's path and query with its headers, in order. */
  readonly received: { readonly path: string; readonly headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** What a test's own answer to a request is: a status with headers and a body, or a body streamed. */
export interface CustomAnswer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** The body: text, or bytes of JSON made up to this size and streamed (`{ stream: 70e6 }`). */
  readonly body?: string | { readonly stream: number };
}

export interface StandInOptions {
  readonly key: string;
  /** Items per page of the list endpoints. */
  readonly pageSize?: number;
  /** Requests whose path matches are never answered. */
  readonly hang?: RegExp;
  /** Leave `Page.Next` out of pages of team scoped user roles, so that the client must use skip/take. */
  readonly noNextLinks?: boolean;
  /** A path prefix the server lives under (a virtual directory), such as /octopus. */
  readonly prefix?: string;
  /** An access token accepted as `Authorization: Bearer TOKEN` besides the key. */
  readonly bearer?: string;
  /** Answers a request (after the key is checked) instead of the stand-in, when it returns an answer. */
  readonly answer?: (url: URL) => CustomAnswer | undefined;
  /** The `ScopedUserRoles` link each team carries (default: the team's own scoped user roles path). */
  readonly scopedUserRolesLink?: (teamId: string) => string;
}

/** Resolves when the response can take more, or is gone (the client stopped reading). */
const drained = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

/** Streams a JSON list of users of about `bytes` bytes, with backpressure, until it is sent or the client goes. */
async function streamUsers(res: ServerResponse, bytes: number): Promise<void> {
  const item = JSON.stringify({ Id: 'Users-1', Username: 'u'.repeat(1000) });
  const chunk = Array.from({ length: 64 }, () => item).join(',') + ',';
  res.write('[');
  for (let sent = 1; sent < bytes && !res.destroyed; sent += chunk.length) if (!res.write(chunk)) await drained(res);
  if (!res.destroyed) res.end(item + ']');
}

function sendCustom(res: ServerResponse, answer: CustomAnswer): void {
  if (typeof answer.body === 'object') {
    res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...answer.headers });
    void streamUsers(res, answer.body.stream);
    return;
  }
  const body = answer.body ?? '';
  res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), ...answer.headers });
  res.end(body);
}

/** Starts the stand-in on 127.0.0.1 with a free port, serving `dump`. */
export async function startStandIn(dump: Dump, options: StandInOptions): Promise<StandIn> {
  const requests: string[] = [];
  const received: { path: string; headers: IncomingHttpHeaders }[] = [];
  const pageSize = options.pageSize ?? 2;
  const prefix = options.prefix ?? '';
  const hanging: ServerResponse[] = [];
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const page = (res: ServerResponse, url: URL, items: readonly unknown[], itemType: string, nextLinks = true) => {
    const skip = Number(url.searchParams.get('skip') ?? 0);
    const take = Number(url.searchParams.get('take') ?? pageSize);
    const slice = items.slice(skip, skip + take);
    const links: Record<string, string> = { Self: url.pathname + url.search };
    if (nextLinks && skip + take < items.length) {
      const next = new URL(url.toString());
      next.searchParams.set('skip', String(skip + take));
      next.searchParams.set('take', String(take));
      links['Page.Next'] = next.pathname + next.search;
    }
    send(res, 200, { ItemType: itemType, TotalResults: items.length, ItemsPerPage: take, NumberOfPages: Math.ceil(items.length / take), Items: slice, Links: links });
  };
  const inSpace = (spaceId: string) => (r: { SpaceId?: string | null }) => !isSystem(r.SpaceId) && idKey(r.SpaceId!) === idKey(spaceId);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname + url.search);
    received.push({ path: url.pathname + url.search, headers: req.headers });
    if (options.hang?.test(url.pathname)) {
      hanging.push(res);
      return;
    }
    const bearer = options.bearer !== undefined && req.headers.authorization === `Bearer ${options.bearer}`;
    if (req.headers['x-octopus-apikey'] !== options.key && !bearer) return send(res, 401, { ErrorMessage: 'You must be logged in to perform this action.' });
    const custom = options.answer?.(url);
    if (custom) return sendCustom(res, custom);
    if (!url.pathname.startsWith(prefix + '/api/')) return send(res, 404, { ErrorMessage: 'Not found' });
    const parts = url.pathname.slice(prefix.length + '/api/'.length).split('/');
    const scoped = (id: string) => options.scopedUserRolesLink?.(id) ?? `${prefix}/api/teams/${id}/scopeduserroles{?skip,take}`;
    const withLinks = <T extends { Id: string; SpaceId?: string | null }>(t: T) => ({ ...t, Links: { Self: `${prefix}/api/teams/${t.Id}`, ScopedUserRoles: scoped(t.Id) } });
    if (parts.length === 2 && parts[1] === 'all') {
      const lists: Record<string, readonly unknown[]> = {
        spaces: dump.spaces,
        userroles: dump.userRoles,
        users: dump.users,
        // The system endpoint lists the system teams; space teams come from each space's endpoint.
        teams: dump.teams.filter((t) => isSystem(t.SpaceId)).map(withLinks),
      };
      if (lists[parts[0]]) return send(res, 200, lists[parts[0]]);
    }
    if (parts[0] === 'teams' && parts[2] === 'scopeduserroles' && parts.length === 3) {
      const items = dump.scopedUserRoles.filter((s) => idKey(s.TeamId) === idKey(decodeURIComponent(parts[1])));
      return page(res, url, items, 'ScopedUserRole', !options.noNextLinks);
    }
    const space = dump.spaces.find((s) => idKey(s.Id) === idKey(decodeURIComponent(parts[0])));
    if (space && parts[1] === 'teams' && parts.length === 2) {
      const includeSystem = url.searchParams.get('includeSystem') === 'true';
      return page(res, url, dump.teams.filter((t) => inSpace(space.Id)(t) || (includeSystem && isSystem(t.SpaceId))).map(withLinks), 'Team');
    }
    if (space && parts[2] === 'all' && parts.length === 3) {
      const lists: Record<string, readonly { SpaceId?: string | null }[]> = {
        environments: dump.environments,
        projects: dump.projects,
        projectgroups: dump.projectGroups,
        tenants: dump.tenants,
      };
      if (lists[parts[1]]) return send(res, 200, lists[parts[1]].filter(inSpace(space.Id)));
    }
    send(res, 404, { ErrorMessage: `No route for ${url.pathname}` });
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
