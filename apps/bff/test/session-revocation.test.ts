// Issue 12, finding 1: after `DELETE /api/v1/session` (204), replaying the old cookie still
// cordoned a node (202) and opened a root serial console for the rest of its 8 hours. Sessions now
// have ids; logout and "end this user's sessions" are recorded as ConfigMaps in the BFF's
// namespace, watched by every replica (no sticky sessions, no store outside the cluster).
import Fastify, { type FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import app from '../src/app.ts'
import { frameworkErrors } from '../src/framework-errors.ts'
import {
  as,
  buildStack,
  C,
  login,
  ORIGIN,
  trackCookie,
  waitUntil,
  type TestStack,
} from './helper.ts'
import { events } from './sse.ts'

const KEY = 'test-session-key-0123456789abcdef0123456789'
let stack: TestStack
/** A second replica: same keys, same cluster, its own memory. */
let replica: FastifyInstance
let replicaUrl: string

beforeAll(async () => {
  stack = await buildStack()
  replica = Fastify({ logger: false, frameworkErrors })
  await replica.register(app, {
    kubeconfigPath: stack.sim.kubeconfigPath,
    sessionKeys: [KEY],
    publicOrigin: ORIGIN,
    demo: true,
  })
  replicaUrl = await replica.listen({ port: 0, host: '127.0.0.1' })
  await waitUntil(() => replica.revocations.ready && replica.clusters.get('vmdeck-sim')!.vms.synced)
})
afterAll(async () => {
  await replica.close()
  await stack.close()
})

const nodeDef = () => stack.sim.registry.find('', 'v1', 'nodes')!
const unschedulable = (node: string) =>
  (stack.sim.store.get(nodeDef(), undefined, node).spec as { unschedulable?: boolean } | undefined)
    ?.unschedulable === true
const sessionOf = (cookie: string) => stack.app.sessions.open(cookie.split('=')[1])!
const logout = (app: FastifyInstance, cookie: string) =>
  app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie, origin: ORIGIN } })

/** The status a WebSocket upgrade gets (101 when it opens). */
function upgradeStatus(base: string, path: string, headers: Record<string, string>) {
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(base.replace('http:', 'ws:') + path, ['plain.kubevirt.io'], {
      headers,
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('open', () => {
      resolve(101)
      ws.terminate()
    })
    ws.once('error', () => undefined)
  })
}

describe('logout revokes the session on every replica', () => {
  it('a logged-out cookie replayed on another replica cannot cordon a node or open a serial console', async () => {
    const cookie = await login(stack.app, 'admin')
    expect((await as(replica, cookie).get('/api/v1/session')).status).toBe(200)
    expect((await logout(stack.app, cookie)).statusCode).toBe(204)
    const session = sessionOf(cookie)
    await waitUntil(() => replica.revocations.isRevoked(session))

    for (const server of [stack.app, replica]) {
      const cordon = await as(server, cookie).post(`${C}/nodes/node-2/cordon`)
      expect(cordon.status).toBe(401)
    }
    expect(unschedulable('node-2')).toBe(false)
    const consoles = stack.sim.consoles.requests.length
    expect(
      await upgradeStatus(replicaUrl, `${C}/namespaces/prod/vms/web-01/serial`, {
        cookie,
        origin: ORIGIN,
      }),
    ).toBe(401)
    expect(stack.sim.consoles.requests.length).toBe(consoles)
  })

  it('records the revocation as a ConfigMap in the BFF namespace, standard core v1 only', () => {
    const configMaps = stack.sim.store
      .list(stack.sim.registry.find('', 'v1', 'configmaps')!, 'default')
      .items.filter((cm) => cm.metadata?.labels?.['vmdeck.io/revocation'] === 'session')
    expect(configMaps.length).toBeGreaterThan(0)
    const data = (configMaps[0] as { data?: Record<string, string> }).data ?? {}
    expect(Object.keys(data).sort()).toEqual(['reason', 'sessionId', 'until'])
    expect(data.reason).toBe('logout')
    // Nothing secret in the record: neither the token nor the cookie.
    expect(JSON.stringify(configMaps)).not.toContain(stack.sim.tokens.admin)
  })

  it('ends an open event stream on another replica when the session logs out', async () => {
    const cookie = await login(stack.app, 'viewer')
    const response = await fetch(`${replicaUrl}${C.slice(0)}/events/stream?topics=vms`, {
      headers: { cookie },
    })
    expect(response.status).toBe(200)
    const reader = events(response.body!)
    expect((await reader.next()).value).toMatchObject({ event: 'sync' })
    expect((await logout(stack.app, cookie)).statusCode).toBe(204)
    // The stream ends (no further events): the iterator finishes.
    let next = await reader.next()
    while (!next.done) next = await reader.next()
    expect(next.done).toBe(true)
  })
})

describe('an administrator ends a user’s sessions', () => {
  it('needs delete on sessions.vmdeck.io: the help desk is refused, nothing is recorded', async () => {
    const viewer = await login(stack.app, 'viewer')
    const helpdesk = await login(stack.app, 'helpdesk')
    const refused = await as(stack.app, helpdesk).del('/api/v1/users/viewer/sessions')
    expect(refused.status).toBe(403)
    expect((await as(replica, viewer).get('/api/v1/session')).status).toBe(200)
  })

  it('ends every session of that user on every replica; a new login works', async () => {
    const viewerA = await login(stack.app, 'viewer')
    const viewerB = await login(replica, 'viewer')
    const admin = await login(stack.app, 'admin')
    const ended = await as(stack.app, admin).del('/api/v1/users/viewer/sessions')
    expect(ended.status).toBe(204)
    await waitUntil(() => replica.revocations.isRevoked(sessionOf(viewerB)))
    for (const server of [stack.app, replica])
      for (const cookie of [viewerA, viewerB])
        expect((await as(server, cookie).get('/api/v1/session')).status).toBe(401)
    // The administrator's own session is untouched; the user can log in again.
    expect((await as(replica, admin).get('/api/v1/session')).status).toBe(200)
    const again = await login(replica, 'viewer')
    expect((await as(stack.app, again).get('/api/v1/session')).status).toBe(200)
  })
})

describe('idle timeout beside the absolute one', () => {
  it('ends a session unused for 30 minutes (default); a request in between keeps it alive', async () => {
    const cookie = await login(stack.app, 'viewer')
    const start = Date.now()
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(start + 20 * 60_000)
      const seen = await stack.app.inject({
        method: 'GET',
        url: '/api/v1/session',
        headers: { cookie },
      })
      expect(seen.statusCode).toBe(200)
      const refreshed = seen.cookies.find((c) => c.name === 'vmdeck_session')
      expect(refreshed).toBeDefined()
      trackCookie(refreshed!.value)
      vi.setSystemTime(start + 45 * 60_000)
      // The refreshed cookie was seen 25 minutes ago: still good. The original one: idle.
      expect(
        (await as(stack.app, `vmdeck_session=${refreshed!.value}`).get('/api/v1/session')).status,
      ).toBe(200)
      expect((await as(stack.app, cookie).get('/api/v1/session')).status).toBe(401)
    } finally {
      vi.useRealTimers()
    }
  })

  it('takes the idle timeout from the options', async () => {
    const cookie = await login(replica, 'viewer')
    const start = Date.now()
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(start + 31 * 60_000)
      expect((await as(replica, cookie).get('/api/v1/session')).status).toBe(401)
    } finally {
      vi.useRealTimers()
    }
    expect((replica.server.address() as AddressInfo).port).toBeGreaterThan(0)
  })
})
