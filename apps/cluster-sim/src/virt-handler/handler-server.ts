// virt-handler's HTTPS server, which virt-api calls for a VMI on this node (kubevirt
// cmd/virt-handler/virt-handler.go): the `console` and `vnc` WebSockets and the lifecycle and
// guest-agent requests. Mutual TLS with KubeVirt's CA, as virt-handler: the server presents
// kubevirt-virt-handler-server-certs (virt-api checks CN kubevirt.io:system:node:virt-handler),
// and only clients with a certificate of kubevirt-ca get in (virt-api's handler client cert).
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { join } from 'node:path'
import type { ResourceDef } from '../kube/registry.ts'
import type { ControllerStore } from '../controllers/controller-store.ts'
import { ConsoleSubresources, type ConsoleTarget } from '../kubevirt/console-subresources.ts'
import type { GuestRegistry } from '../kubevirt/guest-registry.ts'
import type { GuestRuntime } from '../kubevirt/guest-runtime.ts'
import { conditionOf, phaseOf } from '../kubevirt/k8s-util.ts'
import { screendump } from '../guest/screendump.ts'
import { guestAgentInfo } from './guest-agent-info.ts'

const PATH =
  /^\/v1\/namespaces\/([^/]+)\/virtualmachineinstances\/([^/]+)\/(console|vnc|vnc\/screenshot|pause|unpause|softreboot|reset|freeze|unfreeze|guestosinfo|userlist|filesystemlist)$/

function parse(pathname: string): { namespace: string; name: string; op: string } | undefined {
  const match = PATH.exec(pathname)
  if (!match) return undefined
  const [, namespace = '', name = '', op = ''] = match
  return { namespace: decodeURIComponent(namespace), name: decodeURIComponent(name), op }
}

function consoleTarget(pathname: string): ConsoleTarget | undefined {
  const target = parse(pathname)
  if (!target || (target.op !== 'console' && target.op !== 'vnc')) return undefined
  return { version: 'v1', ...target, kind: target.op }
}

export interface HandlerServerOptions {
  store: Pick<ControllerStore, 'peek'>
  vmiDef: ResourceDef
  runtime: GuestRuntime
  guests: GuestRegistry
  certsDir: string
  /** Every node's address: one listener each, as one virt-handler per node. */
  addresses: readonly string[]
  port: number
  /** A VMI whose guest changed (paused, frozen) is synced again. */
  changed(namespace: string, name: string): void
}

export interface HandlerServer {
  consoles: ConsoleSubresources
  close(): Promise<void>
}

export async function startHandlerServer(options: HandlerServerOptions): Promise<HandlerServer> {
  const file = (...parts: string[]) => readFileSync(join(options.certsDir, ...parts))
  const consoles = new ConsoleSubresources({
    store: options.store,
    vmiDef: options.vmiDef,
    guests: options.guests,
    parsePath: consoleTarget,
    // The TLS handshake already proved the caller is virt-api (kubevirt-ca's client certificate).
    authenticate: (req) => ({
      username:
        (req.socket as TLSSocket).getPeerCertificate().subject?.CN?.toString() ?? 'virt-api',
    }),
  })
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    void serve(options, req, res).catch((error: unknown) => {
      reply(res, 500, { message: (error as Error).message })
    })
  }
  const servers: Server[] = options.addresses.map(() =>
    createServer(
      {
        cert: file('kubevirt-virt-handler-server-certs', 'tls.crt'),
        key: file('kubevirt-virt-handler-server-certs', 'tls.key'),
        ca: file('kubevirt-ca', 'ca-bundle'),
        requestCert: true,
        rejectUnauthorized: true,
      },
      handle,
    ),
  )
  await Promise.all(
    servers.map(
      (server, i) =>
        new Promise<void>((resolve, reject) => {
          server.on('upgrade', consoles.upgradeListener(handle))
          server.once('error', reject)
          server.listen(options.port, options.addresses[i], () => resolve())
        }),
    ),
  )
  return {
    consoles,
    async close() {
      consoles.close()
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections()
              server.close(() => resolve())
            }),
        ),
      )
    },
  }
}

function reply(res: ServerResponse, code: number, body?: unknown): void {
  if (res.headersSent) return
  res.writeHead(code, body === undefined ? {} : { 'content-type': 'application/json' })
  res.end(body === undefined ? undefined : JSON.stringify(body))
}

async function serve(
  options: HandlerServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const target = parse(new URL(req.url ?? '/', 'https://localhost').pathname)
  if (!target) return reply(res, 404, { message: 'not found' })
  const vmi = options.store.peek(options.vmiDef, target.namespace, target.name)
  if (!vmi || phaseOf(vmi) !== 'Running')
    return reply(res, 400, { message: `VMI ${target.namespace}/${target.name} is not running` })
  const uid = vmi.metadata.uid ?? ''
  const { runtime } = options
  const done = () => {
    options.changed(target.namespace, target.name)
    reply(res, 200)
  }
  switch (`${req.method ?? ''} ${target.op}`) {
    case 'PUT pause':
      await runtime.pause(uid)
      return done()
    case 'PUT unpause':
      await runtime.resume(uid)
      return done()
    case 'PUT softreboot':
    case 'PUT reset':
      await runtime.reset(uid)
      return done()
    case 'PUT freeze':
    case 'PUT unfreeze':
      // No filesystem to freeze in the simulated guest's initramfs: the agent answers at once.
      return done()
    case 'GET vnc/screenshot': {
      // virt-handler answers with the image and its type; virt-api passes both through.
      const guest = runtime.state(uid)?.guest
      if (!guest?.running)
        return reply(res, 400, { message: 'no display: the guest is not running' })
      const png = await screendump(guest)
      res.writeHead(200, { 'content-type': 'image/png' })
      return void res.end(png)
    }
    case 'GET guestosinfo':
    case 'GET userlist':
    case 'GET filesystemlist':
      if (conditionOf(vmi, 'AgentConnected')?.status !== 'True')
        return reply(res, 400, { message: 'VMI does not have guest agent connected' })
      return reply(res, 200, guestAgentInfo(target.op, vmi))
    default:
      return reply(res, 405, { message: `${req.method} ${target.op} is not supported` })
  }
}
