// virt-api's subresource API (`subresources.kubevirt.io/v1` and the `v1alpha3` alias,
// docs/KUBEVIRT-NOTES.md#subresources): start/stop/restart/migrate on VMs,
// pause/unpause/reset/softreboot/guest-agent reads on VMIs, with the real success codes (202 vs
// 200) and error messages, as virt-api's aggregated API server (src/virt-api) serves them once it
// has authorized the request.
// The `vnc` and `console` WebSockets live in console-subresources.ts; `vnc/screenshot` is here.
import type { ServerResponse } from 'node:http'
import { StatusError } from '../kube/status-error.ts'
import { SubresourceOperations, type SubresourceContext } from './subresource-operations.ts'

export const SUBRESOURCE_GROUP = 'subresources.kubevirt.io'
export const SUBRESOURCE_VERSIONS = ['v1', 'v1alpha3'] as const
/** WebSocket subresources: served by console-subresources.ts (or not at all: usbredir). */
const streamSubresources = new Set(['vnc', 'console', 'usbredir'])

/** A request for one object's subresource, as virt-api's authorizer reads it from the path. */
export interface SubresourceTarget {
  version: string
  namespace: string
  resource: 'virtualmachines' | 'virtualmachineinstances'
  name: string
  /** Everything after the name joined by '/' (`vnc/screenshot`), `portforward/…` collapsed. */
  subresource: string
}

/** What a handler answers: an empty 200/202, JSON, plain text (virt-api's GET errors), a PNG. */
export type SubresourceReply =
  | { status: number; type: 'empty' }
  | { status: number; type: 'json'; body: unknown }
  | { status: number; type: 'text'; body: string }
  | { status: number; type: 'png'; body: Buffer }

const notFound = () =>
  new StatusError(404, 'NotFound', 'the server could not find the requested resource')

/**
 * Reads `/apis/subresources.kubevirt.io/<v>/namespaces/<ns>/<resource>/<name>/<sub…>`:
 * undefined for a path outside the group's namespaced objects (discovery, `version`,
 * `expand-vm-spec`), a 404 StatusError for a path in it that names nothing served.
 */
export function parseSubresourcePath(pathname: string): SubresourceTarget | undefined {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent)
  const [apis, group, version = '', nsWord, namespace, resource, name, ...rest] = segments
  if (apis !== 'apis' || group !== SUBRESOURCE_GROUP) return undefined
  if (nsWord !== 'namespaces' || !namespace || !resource || resource === 'expand-vm-spec')
    return undefined
  if (
    !(SUBRESOURCE_VERSIONS as readonly string[]).includes(version) ||
    !name ||
    rest.length === 0 ||
    (resource !== 'virtualmachines' && resource !== 'virtualmachineinstances')
  )
    throw notFound()
  const subresource = rest[0] === 'portforward' ? 'portforward' : rest.join('/')
  return { version, namespace, resource, name, subresource }
}

/** A WebSocket subresource (console-subresources.ts answers those, over the upgrade). */
export const isStreamSubresource = (target: SubresourceTarget) =>
  target.resource === 'virtualmachineinstances' && streamSubresources.has(target.subresource)

/** virt-api's RBAC verb for an HTTP method (`mapHttpVerbToRbacVerb`, a named object). */
export function rbacVerb(method: string): string {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
      return 'get'
    case 'PUT':
      return 'update'
    case 'POST':
      return 'create'
    case 'PATCH':
      return 'patch'
    case 'DELETE':
      return 'delete'
    default:
      return method.toLowerCase()
  }
}

/** Runs one subresource request; failures are thrown as the Status virt-api answers. */
export async function callSubresource(
  ctx: SubresourceContext,
  method: string,
  target: SubresourceTarget,
  bodyText: string,
): Promise<SubresourceReply> {
  const body = method === 'PUT' ? parseOptions(bodyText) : {}
  const dryRun = Array.isArray(body.dryRun) && body.dryRun.includes('All')
  const ops = new SubresourceOperations(ctx, target.namespace, target.name)
  const accepted: SubresourceReply = { status: 202, type: 'empty' }
  const ok: SubresourceReply = { status: 200, type: 'empty' }
  switch (`${method} ${target.resource}/${target.subresource}`) {
    case 'PUT virtualmachines/start':
      await ops.start(body, dryRun)
      return accepted
    case 'PUT virtualmachines/stop':
      await ops.stop(body, dryRun)
      return accepted
    case 'PUT virtualmachines/restart':
      await ops.restart(body, dryRun)
      return accepted
    case 'PUT virtualmachines/migrate':
      await ops.migrate(body, dryRun)
      return accepted
    case 'GET virtualmachines/expand-spec':
      return { status: 200, type: 'json', body: ops.expandSpec() }
    case 'PUT virtualmachineinstances/freeze':
    case 'PUT virtualmachineinstances/unfreeze':
      await ops.freeze(target.subresource === 'freeze', dryRun)
      return ok
    case 'PUT virtualmachineinstances/pause':
      await ops.pause(dryRun)
      return ok
    case 'PUT virtualmachineinstances/unpause':
      await ops.unpause(dryRun)
      return ok
    case 'PUT virtualmachineinstances/reset':
      await ops.reset(dryRun)
      return ok
    case 'PUT virtualmachineinstances/softreboot':
      await ops.softreboot(dryRun)
      return ok
    case 'GET virtualmachineinstances/vnc/screenshot':
      return { status: 200, type: 'png', body: await ops.screenshot() }
    case 'GET virtualmachineinstances/guestosinfo':
    case 'GET virtualmachineinstances/userlist':
    case 'GET virtualmachineinstances/filesystemlist': {
      const result = ops.guestAgent(target.subresource)
      // httpGetRequestHandler: every failure is a plain-text 500
      // (docs/KUBEVIRT-NOTES.md#subresources).
      if (typeof result === 'string') return { status: 500, type: 'text', body: result }
      return { status: 200, type: 'json', body: result }
    }
    default:
      throw notFound()
  }
}

export function writeSubresourceReply(res: ServerResponse, reply: SubresourceReply): void {
  switch (reply.type) {
    case 'empty':
      res.writeHead(reply.status, { 'content-length': '0' }).end()
      return
    case 'json': {
      const text = JSON.stringify(reply.body)
      res
        .writeHead(reply.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        })
        .end(text)
      return
    }
    case 'text':
      res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body)
      return
    case 'png':
      res
        .writeHead(reply.status, {
          'content-type': 'image/png',
          'content-length': reply.body.length,
        })
        .end(reply.body)
  }
}

function parseOptions(text: string): Record<string, unknown> {
  if (!text.trim()) return {}
  try {
    const parsed = JSON.parse(text) as unknown
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {
    // fall through
  }
  throw new StatusError(400, 'BadRequest', 'Can not unmarshal Request body to struct')
}
