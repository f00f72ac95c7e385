import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, request as httpsRequest, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { ApiServer } from './apiserver/api-server.ts'
import { ObjectStore } from './apiserver/object-store.ts'
import { Registry } from './apiserver/registry.ts'
import { TokenAuthenticator, type UserInfo } from './auth/authenticator.ts'
import { selfSubjectReviewHandler, authenticationResources } from './auth/self-subject-review.ts'
import { startVmStatusController } from './controllers/vm-status-controller.ts'
import { writeKubeconfig } from './kubeconfig.ts'
import { coreResources } from './resources/core-resources.ts'
import { kubevirtResources } from './resources/kubevirt-resources.ts'
import { demoSeed } from './seed/demo-fleet.ts'
import { ensureServingCerts } from './tls/make-certs.ts'

export interface SimOptions {
  /** Where certificates and tokens live between runs. */
  stateDir: string
  kubeconfigPath?: string
  host?: string
  /** 0 picks a free port (tests). */
  port?: number
  seed?: 'demo' | 'none'
  bookmarkIntervalMs?: number
  historySize?: number
}

export interface Sim {
  url: string
  kubeconfigPath: string
  ca: string
  tokens: Record<DemoUser, string>
  registry: Registry
  store: ObjectStore
  /** One HTTPS request to the API server, trusting its CA (as admin unless `token` says otherwise). */
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; text: string }>
  close(): Promise<void>
}

export const demoUsers = ['admin', 'helpdesk', 'viewer'] as const
export type DemoUser = (typeof demoUsers)[number]

const demoIdentity: Record<DemoUser, UserInfo> = {
  admin: { username: 'admin', uid: 'uid-admin', groups: ['vmdeck:admins'] },
  helpdesk: { username: 'helpdesk', uid: 'uid-helpdesk', groups: ['vmdeck:helpdesk'] },
  viewer: { username: 'viewer', uid: 'uid-viewer', groups: ['vmdeck:viewers'] },
}

/** Starts the simulated cluster in this process: HTTPS API server, controllers, seed data. */
export async function startSim(options: SimOptions): Promise<Sim> {
  mkdirSync(options.stateDir, { recursive: true })
  const certs = ensureServingCerts(join(options.stateDir, 'pki'))
  const tokens = loadTokens(join(options.stateDir, 'tokens.json'))

  const registry = new Registry()
  for (const def of [...coreResources, ...authenticationResources, ...kubevirtResources])
    registry.add(def)
  const store = new ObjectStore(options.historySize ? { historySize: options.historySize } : {})
  const authenticator = new TokenAuthenticator()
  for (const user of demoUsers) authenticator.add(tokens[user], demoIdentity[user])

  if ((options.seed ?? 'demo') === 'demo') {
    for (const { group, plural, object } of demoSeed()) {
      const def = registry.defs.find((d) => d.group === group && d.plural === plural)
      if (!def) throw new Error(`seed refers to unknown resource ${plural}.${group}`)
      store.create(def, object)
    }
  }
  const stopController = startVmStatusController(registry, store)

  const host = options.host ?? '127.0.0.1'
  const server: Server = createServer({ cert: certs.cert, key: certs.key })
  const url = await new Promise<string>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 6443, host, () => {
      const { port } = server.address() as AddressInfo
      resolve(`https://${host}:${port}`)
    })
  })
  const api = new ApiServer({
    registry,
    store,
    authenticator,
    serverAddress: url.replace('https://', ''),
    ...(options.bookmarkIntervalMs ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
  })
  api.customHandlers.push(selfSubjectReviewHandler)
  server.on('request', api.handle)

  const kubeconfigPath = options.kubeconfigPath ?? join(options.stateDir, 'kubeconfig')
  writeKubeconfig(kubeconfigPath, {
    server: url,
    ca: certs.ca,
    users: demoUsers.map((name) => ({ name, token: tokens[name] })),
    current: 'admin',
  })

  return {
    url,
    kubeconfigPath,
    ca: certs.ca,
    tokens,
    registry,
    store,
    request: (method, path, { token, body, headers } = {}) =>
      new Promise((resolve, reject) => {
        const req = httpsRequest(
          url + path,
          {
            method,
            ca: certs.ca,
            headers: {
              authorization: `Bearer ${token ?? tokens.admin}`,
              'content-type': 'application/json',
              ...headers,
            },
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (chunk: Buffer) => chunks.push(chunk))
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8')
              let parsed: unknown = undefined
              try {
                parsed = JSON.parse(text)
              } catch {
                // watch streams and plain-text bodies stay text
              }
              resolve({ status: res.statusCode ?? 0, body: parsed, text })
            })
          },
        )
        req.on('error', reject)
        req.end(body === undefined ? undefined : JSON.stringify(body))
      }),
    async close() {
      stopController()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function loadTokens(path: string): Record<DemoUser, string> {
  if (existsSync(path)) {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Partial<Record<DemoUser, string>>
    if (demoUsers.every((user) => typeof saved[user] === 'string'))
      return saved as Record<DemoUser, string>
  }
  const tokens = Object.fromEntries(
    demoUsers.map((user) => [user, `${user}-${randomBytes(18).toString('base64url')}`]),
  ) as Record<DemoUser, string>
  writeFileSync(path, JSON.stringify(tokens, null, 2), { mode: 0o600 })
  return tokens
}
