/**
 * Effective access over LSP (SPEC section 5): code lenses on teams and roles, inlay hints after role
 * references, and commands any client can run with `workspace/executeCommand` (see `ACCESS_COMMANDS`):
 * - `octopus-roles.showAccess` / `octopus-roles.accessDocument` [principal] → the principal's effective
 *   access as Markdown (the team lens runs the first; VS Code opens the answer as a preview);
 * - `octopus-roles.whoCan` [permission or capability, space?] → who holds it, with locations (a principal of
 *   a Terraform module has `module`, the module folder's URI);
 * - `octopus-roles.accessSubjects` [] → the permissions, capabilities and spaces to choose from (the YAML
 *   model's declared spaces and the spaces modules grant in), and every principal (`SubjectPrincipal`);
 * - `octopus-roles.showRoleUsers` [uri, position, locations] → the locations (the role lens runs it; VS Code
 *   shows them in a peek).
 */
import type { CodeLens, Connection, InlayHint, Location, ServerCapabilities } from 'vscode-languageserver/node';
import { accessDocument, accessHints, accessLenses, accessTeams, allPermissions, CAPABILITIES, moduleSpaces, policyLenses, reachOf, whoCan, type ModelIndex } from '../service';
import type { FeatureContext } from './features';
import { afterSteps } from './lifecycle';
import { ACCESS_COMMANDS, type SubjectPrincipal } from './protocol';

/** The capabilities effective access adds; its commands are merged into `executeCommandProvider` by the switchboard. */
export function accessCapabilities(): ServerCapabilities {
  return { codeLensProvider: { resolveProvider: false }, inlayHintProvider: true };
}

/** Runs an access command; undefined for any other command. */
export type AccessCommands = (params: { command: string; arguments?: unknown[] }) => Promise<unknown> | unknown | undefined;

/** A lens per policy with its result; a click on breaches shows the assignments that give the access (SPEC section 11). */
function policyCodeLenses(ws: ModelIndex, uri: string, location: (uri: string, span: { start: number; end: number }) => Location | undefined): CodeLens[] {
  const lines = ws.lines(uri);
  if (!lines) return [];
  return policyLenses(ws, uri).map((l): CodeLens => {
    const range = lines.rangeOf(l.span);
    const sources = l.sources.map((s) => location(s.uri, s.span)).filter((x): x is Location => x !== undefined);
    return { range, command: { title: l.title, command: sources.length ? ACCESS_COMMANDS.showRoleUsers : '', arguments: sources.length ? [uri, range.start, sources] : [] } };
  });
}

export function registerAccess(connection: Connection, ctx: FeatureContext): AccessCommands {
  const { lifecycle, project } = ctx;
  const { current, everything } = ctx.steps;
  const ws = (): ModelIndex => project.ws;
  const location = (uri: string, span: { start: number; end: number }): Location | undefined => {
    const lines = ws().lines(uri);
    return lines ? { uri, range: lines.rangeOf(span) } : undefined;
  };

  connection.onCodeLens(
    lifecycle.request('codeLens', [] as CodeLens[], (params, token) => {
      const uri = params.textDocument.uri;
      return afterSteps([...everything, current(uri, token)], () => {
        const lines = ws().lines(uri);
        if (!lines) return [];
        return accessLenses(ws(), uri).map((l): CodeLens => {
          const range = lines.rangeOf(l.span);
          if (l.target.kind === 'principal') return { range, command: { title: l.title, command: ACCESS_COMMANDS.showAccess, arguments: [l.target.principal] } };
          const users = l.target.users.map((s) => location(s.uri, s.span)).filter((x): x is Location => x !== undefined);
          return { range, command: { title: l.title, command: ACCESS_COMMANDS.showRoleUsers, arguments: [uri, range.start, users] } };
        }).concat(policyCodeLenses(ws(), uri, location));
      });
    }),
  );

  connection.languages.inlayHint.on(
    lifecycle.request('inlayHint', [] as InlayHint[], (params, token) => {
      const uri = params.textDocument.uri;
      return afterSteps([...everything, current(uri, token)], () => {
        const lines = ws().lines(uri);
        if (!lines) return [];
        const range = { start: lines.offsetAt(params.range.start), end: lines.offsetAt(params.range.end) };
        return accessHints(ws(), uri, range).map((h): InlayHint => ({ position: lines.positionAt(h.offset), label: h.label, paddingLeft: true, tooltip: h.tooltip }));
      });
    }),
  );

  const commands = new Set<string>(Object.values(ACCESS_COMMANDS));
  return (params) => {
    if (!commands.has(params.command)) return undefined;
    return afterSteps(everything, () => {
      const args = params.arguments ?? [];
      switch (params.command) {
        case ACCESS_COMMANDS.showAccess:
        case ACCESS_COMMANDS.accessDocument:
          return typeof args[0] === 'string' ? (accessDocument(ws(), args[0]) ?? null) : null;
        case ACCESS_COMMANDS.whoCan: {
          if (typeof args[0] !== 'string') return null;
          const entries = whoCan(ws(), args[0], { space: typeof args[1] === 'string' && args[1] ? args[1] : undefined });
          return (
            entries?.map((e) => ({
              principal: e.key,
              kind: e.principal.kind,
              name: e.principal.name,
              space: e.principal.space,
              module: e.principal.module,
              grants: e.grants.map((g) => ({ scope: g.scope, space: g.space, restrictions: g.restrictions, via: g.via.map((v) => `${v.role} in ${v.team}`) })),
              locations: e.sources.map((s) => location(s.uri, s.span)).filter((x) => x !== undefined),
            })) ?? null
          );
        }
        case ACCESS_COMMANDS.accessSubjects:
          return {
            permissions: Array.from(allPermissions(), (p) => ({ name: p.name, level: p.level, description: p.description })),
            capabilities: CAPABILITIES.map((c) => ({ name: c.id, description: c.description })),
            spaces: [...new Set([...ws().spaceNames(), ...moduleSpaces(ws())])].sort(),
            principals: Array.from(reachOf(accessTeams(ws())), ([key, { principal: p }]): SubjectPrincipal => ({ key, kind: p.kind, name: p.name, space: p.space, module: p.module })),
          };
        case ACCESS_COMMANDS.showRoleUsers:
          return Array.isArray(args[2]) ? args[2] : [];
        default:
          return null;
      }
    });
  };
}
