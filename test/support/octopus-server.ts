/**
 * A stand-in Octopus server on loopback for the pull tests, written from the API reference: the `/all`
 * endpoints answer bare arrays, the list endpoints answer pages (`ItemType`, `TotalResults`,
 * `ItemsPerPage`, `Items`, `Links` with `Page.Next` while there are more), every request needs the
 * `X-Octopus-ApiKey` header (401 otherwise), and a path can be made to never answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { idKey, isSystem, type Dump } from '../../server/src/bridge/api';

export interface StandIn {
  readonly url: string;
  /** Every path and query asked for, in order. */
  readonly requests: string[];
  close(): Promise<void>;
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
}

/** Starts the stand-in on 127.0.0.1 with a free port, serving `dump`. */
export async function startStandIn(dump: Dump, options: StandInOptions): Promise<StandIn> {
  const requests: string[] = [];
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
    if (options.hang?.test(url.pathname)) {
      hanging.push(res);
      return;
    }
    if (req.headers['x-octopus-apikey'] !== options.key) return send(res, 401, { ErrorMessage: 'You must be logged in to perform this action.' });
    if (!url.pathname.startsWith(prefix + '/api/')) return send(res, 404, { ErrorMessage: 'Not found' });
    const parts = url.pathname.slice(prefix.length + '/api/'.length).split('/');
    const withLinks = <T extends { Id: string; SpaceId?: string | null }>(t: T) => ({ ...t, Links: { Self: `${prefix}/api/teams/${t.Id}`, ScopedUserRoles: `${prefix}/api/teams/${t.Id}/scopeduserroles{?skip,take}` } });
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
