import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, request as httpsRequest, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { ApiServer } from './apiserver/api-server.ts'
import { KubevirtMetrics } from './metrics/kubevirt-metrics.ts'
import { ObjectStore } from './apiserver/object-store.ts'
import { Registry } from './apiserver/registry.ts'
import { TokenAuthenticator, type UserInfo } from './auth/authenticator.ts'
import { selfSubjectReviewHandler, authenticationResources } from './auth/self-subject-review.ts'
import { accessReviewHandler } from './auth/access-reviews.ts'
import { serviceAccountTokenHandler } from './auth/service-account-token.ts'
import { impersonate } from './auth/impersonation.ts'
import { startRbac, type AuthorizationAttributes, type Decision } from './auth/rbac/rbac.ts'
import { rbacResources } from './resources/rbac-resources.ts'
import { rbacSeed } from './seed/rbac-seed.ts'
import { crdSeed } from './seed/crd-seed.ts'
import { loadState, saveState } from './seed/state-file.ts'
import { operatorResources } from './resources/operator-resources.ts'
import { platformResources } from './resources/platform-resources.ts'
import { startKubevirt } from './kubevirt/kubevirt.ts'
import { kubevirtSubresourceResources } from './kubevirt/subresource-resources.ts'
import { ConsoleSubresources, tokenConsoleAuth } from './kubevirt/console-subresources.ts'
import type { GuestRegistry } from './kubevirt/guest-registry.ts'
import { writeKubeconfig } from './kubeconfig.ts'
import { coreResources } from './resources/core-resources.ts'
import { kubevirtResources } from './resources/kubevirt-resources.ts'
import { fleetSeed } from './seed/demo-fleet.ts'
import { ensureServingCerts } from './tls/make-certs.ts'

export interface SimOptions {
  /** Where certificates and tokens live between runs. */
  stateDir: string
  kubeconfigPath?: string
  host?: string
  /** 0 picks a free port (tests). */
  port?: number
  /** `demo` (default): the demo fleet; `none`: no VMs; a number: that many VMs (scale runs). */
  seed?: 'demo' | 'none' | number
  bookmarkIntervalMs?: number
  historySize?: number
  /** Objects are read from this file at start (instead of the seed) and written to it on close. */
  stateFile?: string
  /**
   * `qemu`: every running VMI is a real QEMU guest; `none` (the default here; `main.ts`
   * defaults to qemu): VMIs run without processes, for tests and scale runs.
   */
  guests?: 'qemu' | 'none'
  /** The guest image (vmlinuz, initrd.img); default `<VMDECK_ROOT or cwd>/.vmdeck/guest`. */
  guestImageDir?: string
  /** Cap on concurrent QEMU processes (VMIs beyond it run simulated); default 6. */
  maxGuests?: number
  /** The emulator to run guests with (default `qemu-system-x86_64`). */
  qemuBinary?: string
}

export interface Sim {
  url: string
  kubeconfigPath: string
  ca: string
  tokens: Record<DemoUser, string>
  registry: Registry
  store: ObjectStore
  /** The `vnc` and `console` WebSocket subresources of VMIs (open sessions, requests received). */
  consoles: ConsoleSubresources
  /** Running guests by VMI (namespace/name), filled by the VMI controller in `qemu` mode. */
  guests: GuestRegistry
  /**
   * The RBAC decision for a user and request attributes, for handlers outside the generic REST
   * path (KubeVirt's subresource API asks it like virt-api's SubjectAccessReview).
   */
  authorize(user: UserInfo, attributes: AuthorizationAttributes): Decision
  /** The `/metrics` scrape target; `metrics.useGuests()` makes it read real guests. */
  metrics: KubevirtMetrics
  /** One HTTPS request to the API server, trusting its CA (as admin unless `token` says otherwise). */
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; text: string }>
  /** Cuts every open connection (watches included) as a network blip would; the server stays up. */
  dropConnections(): void
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
  for (const def of [
    ...coreResources,
    ...authenticationResources,
    ...rbacResources,
    ...platformResources,
    ...kubevirtResources,
    ...operatorResources,
    ...kubevirtSubresourceResources,
  ])
    registry.add(def)
  const store = new ObjectStore(options.historySize ? { historySize: options.historySize } : {})
  const authenticator = new TokenAuthenticator()
  for (const user of demoUsers) authenticator.add(tokens[user], demoIdentity[user])

  // RBAC is there whatever the seed: a cluster always has its bootstrap roles and KubeVirt's.
  const restored = options.stateFile ? loadState(options.stateFile, registry, store) : false
  const seed = restored
    ? []
    : [...crdSeed(registry.defs), ...rbacSeed(), ...fleetSeed(options.seed ?? 'demo')]
  for (const { group, plural, object } of seed) {
    const def = registry.defs.find((d) => d.group === group && d.plural === plural)
    if (!def) throw new Error(`seed refers to unknown resource ${plural}.${group}`)
    store.create(def, object)
  }
  const rbac = startRbac(registry, store)
  const kubevirt = startKubevirt({
    registry,
    store,
    guests: options.guests ?? 'none',
    imageDir:
      options.guestImageDir ?? join(process.env.VMDECK_ROOT ?? process.cwd(), '.vmdeck/guest'),
    stateDir: options.stateDir,
    ...(options.maxGuests ? { maxGuests: options.maxGuests } : {}),
    ...(options.qemuBinary ? { qemuBinary: options.qemuBinary } : {}),
    // virt-api's SubjectAccessReview on subresources.
    authorize: () => rbac.authorizer,
  })

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
    authorize: rbac.authorizer,
    authorizeNonResource: (user, verb, path) => rbac.authorize(user, { verb, path }).allowed,
    impersonate: (user, headers) =>
      impersonate(user, headers, (u, attributes) => rbac.authorize(u, attributes).allowed),
    serverAddress: url.replace('https://', ''),
    ...(options.bookmarkIntervalMs ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
  })
  api.customHandlers.push(
    selfSubjectReviewHandler,
    accessReviewHandler(rbac),
    serviceAccountTokenHandler(registry, store, authenticator),
  )
  // KubeVirt: the eviction interceptor must see evictions before any generic handler.
  api.customHandlers.unshift(...kubevirt.handlers)
  api.admission.push(...kubevirt.admission)
  // `/metrics` is a scrape target (API.md §8), unauthenticated like /healthz.
  const metrics = new KubevirtMetrics({ registry, store, guests: () => kubevirt.guests })
  server.on('request', (req, res) => metrics.handle(req, res) || api.handle(req, res))
  // WebSocket subresources, authorized by RBAC as virt-api's SubjectAccessReview.
  const consoles = new ConsoleSubresources({
    store,
    vmiDef: kubevirt.context.defs.vmi,
    ...tokenConsoleAuth(authenticator, () => rbac.authorizer),
    guests: kubevirt.guests,
  })
  server.on(
    'upgrade',
    consoles.upgradeListener((req, res) => server.emit('request', req, res)),
  )

  const kubeconfigPath = options.kubeconfigPath ?? join(options.stateDir, 'kubeconfig')
  writeKubeconfig(kubeconfigPath, {
    server: url,
    ca: certs.ca,
    users: demoUsers.map((name) => ({ name, token: tokens[name] })),
    current: 'admin',
  })

  // The seeded fleet reaches its steady state (VMIs running, guests up) before anyone looks.
  await kubevirt.settled()

  return {
    url,
    kubeconfigPath,
    ca: certs.ca,
    tokens,
    registry,
    store,
    consoles,
    guests: kubevirt.guests,
    metrics,
    authorize: (user, attributes) => rbac.authorize(user, attributes),
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
    dropConnections: () => server.closeAllConnections(),
    async close() {
      await kubevirt.close()
      if (options.stateFile) saveState(options.stateFile, registry, store)
      rbac.close()
      consoles.close()
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
