import { startSim, type Sim, type SimOptions } from '@vmdeck/cluster-sim'
import Fastify, { type FastifyInstance } from 'fastify'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import app, { type AppOptions } from '../src/app.ts'
import { frameworkErrors } from '../src/framework-errors.ts'
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts'

export const ORIGIN = 'http://vmdeck.test'

export interface TestStack {
  sim: Sim
  app: FastifyInstance
  /** Every log line the BFF wrote (level debug and up). */
  logs: string[]
  /** Every route the app registered, with whether it is marked public. */
  routes: { method: string; url: string; public: boolean }[]
  /** Restarts the control plane (same address, tokens, CA and etcd data), as an upgrade would. */
  restartSim(): Promise<void>
  /** The BFF reaches kube-apiserver through this relay: `network.cut()` drops every connection. */
  network: TcpProxy
  close(): Promise<void>
}

/** Session cookie values issued in this test file: none may ever appear in a log line. */
const issuedCookies = new Set<string>()

/** Fails when a log line carries a token, a session cookie or an Authorization header. */
export function findSecrets(logs: string[], sim: Sim): string[] {
  const secrets = [...Object.values(sim.tokens), ...issuedCookies]
  return logs.filter(
    (line) =>
      secrets.some((secret) => line.includes(secret)) ||
      /bearer\s+[A-Za-z0-9._~+/-]{8,}/i.test(line) ||
      /"authorization"|"cookie"|vmdeck_session=/i.test(line),
  )
}

/** The real BFF against a real (simulated) cluster, both in this process. */
export async function buildStack(
  overrides: Partial<AppOptions> = {},
  simOptions: Partial<SimOptions> = {},
): Promise<TestStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-bff-test-'))
  const sim = await startSim({ stateDir, port: 0, ...simOptions })
  const network = await startTcpProxy(sim.url)
  const kubeconfigPath = throughProxy(sim.kubeconfigPath, network.url, stateDir)
  const logs: string[] = []
  const fastify = Fastify({
    logger: { level: 'debug', stream: { write: (line: string) => void logs.push(line) } },
    frameworkErrors,
  })
  const routes: TestStack['routes'] = []
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      routes.push({
        method,
        url: route.url,
        public: route.config?.public === true,
      })
  })
  await fastify.register(app, {
    kubeconfigPath,
    sessionKeys: ['test-session-key-0123456789abcdef0123456789'],
    publicOrigin: ORIGIN,
    demo: true,
    ...overrides,
  })
  await fastify.ready()
  await waitUntil(
    () => [...fastify.clusters.values()].every((c) => c.vms.synced) && fastify.revocations.ready,
  )
  const stack: TestStack = {
    sim,
    app: fastify,
    logs,
    routes,
    network,
    restartSim: () => sim.restartControlPlane(),
    async close() {
      await fastify.close()
      await network.close()
      await sim.close()
      rmSync(stateDir, { recursive: true, force: true })
      // Every suite doubles as a log audit (SECURITY.md item 7).
      const leaks = findSecrets(logs, sim)
      if (leaks.length)
        throw new Error(`secrets in ${leaks.length} log line(s): ${leaks[0]?.slice(0, 300)}`)
    },
  }
  return stack
}

/** A copy of the simulator's kubeconfig whose server is the relay. */
function throughProxy(path: string, server: string, dir: string): string {
  const config = JSON.parse(readFileSync(path, 'utf8')) as {
    clusters: { cluster: { server: string } }[]
  }
  for (const { cluster } of config.clusters) cluster.server = server
  const copy = join(dir, 'kubeconfig-via-proxy')
  writeFileSync(copy, JSON.stringify(config), { mode: 0o600 })
  return copy
}

/**
 * Resolves as soon as `check` holds (no fixed sleeps). It re-checks every 10 ms rather than on
 * each turn of the event loop: a setImmediate loop keeps one of the machine's few CPUs busy
 * while kube-apiserver, etcd and KubeVirt's components need it to make `check` true.
 */
export async function waitUntil(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Remembers a cookie value so the log audit looks for it (tests that log in by hand). */
export function trackCookie(value: string): void {
  issuedCookies.add(value)
}

export async function login(app: FastifyInstance, demoUser: string): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/session',
    headers: { origin: ORIGIN },
    payload: { demoUser },
  })
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`)
  const cookie = response.cookies.find((c) => c.name === 'vmdeck_session')
  if (!cookie) throw new Error('no session cookie')
  issuedCookies.add(cookie.value)
  return `vmdeck_session=${cookie.value}`
}

export interface Answer<T = Record<string, unknown>> {
  status: number
  body: T
}

/** A browser-like client of the BFF for one logged-in user: same-origin, JSON bodies. */
export function as(app: FastifyInstance, cookie: string) {
  const call = async <T>(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<Answer<T>> => {
    const response = await app.inject({
      method,
      url,
      headers: { cookie, origin: ORIGIN },
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
    let body: unknown
    try {
      body = response.json()
    } catch {
      body = response.body
    }
    return { status: response.statusCode, body: body as T }
  }
  return {
    get: <T = Record<string, unknown>>(url: string) => call<T>('GET', url),
    post: <T = Record<string, unknown>>(url: string, payload: unknown = {}) =>
      call<T>('POST', url, payload),
    del: <T = Record<string, unknown>>(url: string) => call<T>('DELETE', url),
  }
}

export const C = '/api/v1/clusters/vmdeck-sim'
export const vmUrl = (namespace: string, name: string) => `${C}/namespaces/${namespace}/vms/${name}`
