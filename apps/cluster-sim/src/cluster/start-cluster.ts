// The simulated cluster on the real control plane: kube-apiserver, etcd, the controller manager
// and the scheduler run as `controlplane` (Go); this process is what runs beside them on a real
// cluster — KubeVirt's controllers and virt-api, the storage controllers, and the nodes.
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Registry } from '../kube/registry.ts'
import type { ResourceDef } from '../kube/registry.ts'
import { writeKubeconfig } from '../kubeconfig.ts'
import { startKubevirt } from '../kubevirt/kubevirt.ts'
import { fleetSettled } from '../kubevirt-components/fleet-settled.ts'
import { KubevirtMetrics } from '../metrics/kubevirt-metrics.ts'
import { coreResources } from '../resources/core-resources.ts'
import { kubevirtResources } from '../resources/kubevirt-resources.ts'
import { operatorResources } from '../resources/operator-resources.ts'
import { platformResources } from '../resources/platform-resources.ts'
import { rbacResources } from '../resources/rbac-resources.ts'
import { demoBindings } from '../seed/demo-bindings.ts'
import { fleetSeed } from '../seed/demo-fleet.ts'
import { cdiRoles } from '../seed/cdi-roles.ts'
import { kubevirtRoles } from '../seed/kubevirt-roles.ts'
import { apply, createSeed } from './bootstrap.ts'
import { installCrds, vmdeckCrdDirectory } from './install-crds.ts'
import { ClusterStore } from './cluster-store.ts'
import { attachControlPlane } from './attach-control-plane.ts'
import { startControlPlane, type ControlPlane } from './control-plane.ts'
import { KubeClient } from './kube-client.ts'
import { requestToken } from './service-account-token.ts'
import { demoNodes } from '../node/demo-nodes.ts'
import { startNodeAgents, type NodeAgents } from '../node/node-agents.ts'
import { startVirtApi, type VirtApi } from '../virt-api/virt-api.ts'
import { startCdiApi, type CdiApi } from '../cdi-api/cdi-api.ts'
import type { ConsoleSubresources } from '../kubevirt/console-subresources.ts'
import type { GuestRegistry } from '../kubevirt/guest-registry.ts'
import {
  startKubevirtComponents,
  type KubevirtComponents,
} from '../kubevirt-components/kubevirt-components.ts'
import { startVirtHandler } from '../virt-handler/virt-handler.ts'
import { startStorageSide } from '../controllers/storage-side.ts'
import { requireDef } from '../controllers/context.ts'
import { waitForHandlerPods } from '../virt-handler/handler-pods.ts'

export interface ClusterSimOptions {
  stateDir: string
  kubeconfigPath?: string
  host?: string
  /** kube-apiserver's port; 0 picks a free one. */
  port?: number
  /** The metrics scrape target's port (KubeVirt's `/metrics`); 0 picks a free one. */
  metricsPort?: number
  seed?: 'demo' | 'none' | number
  guests?: 'qemu' | 'none'
  guestImageDir?: string
  maxGuests?: number
  qemuBinary?: string
  /** How long a simulated guest's migration transfer takes (default 1 s; tests that watch one run longer). */
  simulatedMigrationMs?: number
  /** The node lifecycle controller's grace period, e.g. `6s` in tests (default 40s). */
  nodeMonitorGracePeriod?: string
  /**
   * The state directory of a control plane already running (`controlplane run --state-dir DIR`,
   * its own container in docker-compose.yml and the demo overlay): wait until its cluster.json
   * names a ready API server and use that one, instead of starting one. `host`, `port` and
   * `nodeMonitorGracePeriod` are then that process's flags (the grace period still sets the
   * lease renewals here).
   */
  attach?: string
  /**
   * `real` runs KubeVirt's own virt-api and virt-controller (built from kubevirt.io/kubevirt) with
   * the simulator's virt-handler; `sim` the simulator's own KubeVirt. Default: VMDECK_KUBEVIRT, else
   * `sim`.
   */
  kubevirt?: KubevirtMode
}

export type KubevirtMode = 'real' | 'sim'

export const demoUsers = ['admin', 'helpdesk', 'viewer'] as const
export type DemoUser = (typeof demoUsers)[number]

export interface ClusterSim {
  url: string
  kubeconfigPath: string
  ca: string
  tokens: Record<DemoUser, string>
  registry: Registry
  store: ClusterStore
  /** The client the simulator acts with (system:masters). */
  client: KubeClient
  metrics: KubevirtMetrics
  metricsUrl: string
  /** The simulator's virt-api (`sim` mode only). */
  virtApi?: VirtApi
  /** KubeVirt's own components (`real` mode only). */
  kubevirtComponents?: KubevirtComponents
  /** CDI's aggregated API (`upload.cdi.kubevirt.io`: UploadTokenRequests). */
  cdiApi: CdiApi
  /** The node agents (kubelets): `nodes.stop(name)` makes a node go silent, as a dead kubelet. */
  nodes: NodeAgents
  /** The `vnc` and `console` WebSocket subresources (open sessions, requests received). */
  consoles: ConsoleSubresources
  /** Running guests by VMI (namespace/name). */
  guests: GuestRegistry
  /**
   * Stops the control plane and starts it again on the same address with the same etcd data, as
   * a control-plane upgrade or crash would: every watch ends, and resumes or relists after.
   */
  restartControlPlane(): Promise<void>
  /** One request to kube-apiserver as a demo user (admin unless `token` says otherwise). */
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; text: string }>
  close(): Promise<void>
}

function kubevirtModeFromEnv(): KubevirtMode {
  const value = process.env.VMDECK_KUBEVIRT ?? 'real'
  if (value !== 'real' && value !== 'sim')
    throw new Error(
      `VMDECK_KUBEVIRT=${value}: expected "real" (KubeVirt's own components) or "sim"`,
    )
  return value
}

const guestImageBuilt = (dir: string) =>
  existsSync(join(dir, 'vmlinuz')) && existsSync(join(dir, 'initrd.img'))

/** The resource of the cluster-wide RBAC objects the simulator applies. */
const rbacDef = (kind: string) => ({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  plural: kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings',
  namespaced: false,
})

export async function startClusterSim(options: ClusterSimOptions): Promise<ClusterSim> {
  // VMDECK_TRACE_STARTUP=1 prints how long each step of the start-up took (on stderr).
  const t0 = performance.now()
  const phase = (name: string) => {
    if (process.env.VMDECK_TRACE_STARTUP)
      console.error(`[start-up] ${name}: ${Math.round(performance.now() - t0)} ms`)
  }
  const imageDir =
    options.guestImageDir ?? join(process.env.VMDECK_ROOT ?? process.cwd(), '.vmdeck/guest')
  // Running VMIs without the QEMU processes they claim would be a quiet lie: refuse instead.
  if (options.guests === 'qemu' && !guestImageBuilt(imageDir))
    throw new Error(
      `no guest image in ${imageDir}: build it with \`bash apps/cluster-sim/guest/build-guest.sh ${imageDir}\` (\`npm run sim\` and \`npm run demo\` do), or run the guests simulated (--guests none)`,
    )
  const controlPlaneOptions = {
    stateDir: join(options.stateDir, 'controlplane'),
    ...(options.host ? { host: options.host } : {}),
    port: options.port ?? 0,
    ...(options.nodeMonitorGracePeriod
      ? { nodeMonitorGracePeriod: options.nodeMonitorGracePeriod }
      : {}),
  }
  let controlPlane: ControlPlane = options.attach
    ? await attachControlPlane({ stateDir: options.attach })
    : await startControlPlane(controlPlaneOptions)
  const closers: (() => Promise<void> | void)[] = [() => controlPlane.stop()]
  phase('control plane')
  const close = async () => {
    for (const closer of closers.reverse()) await closer()
  }
  try {
    const { info, ca } = controlPlane
    const token = (name: string) => {
      const value = info.tokens[name]
      if (!value) throw new Error(`the control plane wrote no token for ${name}`)
      return value
    }
    const client = new KubeClient({ url: info.url, ca, token: token('cluster-sim') })
    closers.push(() => client.close())

    const registry = new Registry()
    for (const def of [
      ...coreResources,
      ...rbacResources,
      ...platformResources,
      ...kubevirtResources,
      ...operatorResources,
    ])
      registry.add(def)
    // A control plane this process started has installed the CRDs already (`--crd-dir`).
    if (options.attach) await installCrds(client)
    // vmdeck's own CRD (its task records), as deploy/ installs it on a real cluster.
    await installCrds(client, vmdeckCrdDirectory())
    const mode = options.kubevirt ?? kubevirtModeFromEnv()
    phase('CRDs')
    await Promise.all(
      // KubeVirt's and CDI's cluster roles (as their operators install them) and the demo
      // users' bindings. KubeVirt's own install applies its roles itself.
      [...(mode === 'sim' ? kubevirtRoles() : []), ...cdiRoles(), ...demoBindings()].map((object) =>
        apply(client, rbacDef(object.kind), object),
      ),
    )
    const defs = {
      find: (group: string, plural: string) =>
        registry.defs.find((d) => d.group === group && d.plural === plural),
    }
    // With KubeVirt's own webhooks, the fleet is created once they serve (below), so it is
    // defaulted and validated as on a cluster.
    const seed = () => createSeed(client, defs, fleetSeed(options.seed ?? 'demo'))
    if (mode === 'sim') await seed()

    // KubeVirt's own virt-api and virt-controller start (install, certificates, discovery
    // served) while the node agents and the store come up: they need only the API server.
    const componentsStarting =
      mode === 'real'
        ? startKubevirtComponents({
            client,
            token: token('cluster-sim'),
            server: info.url,
            ca,
            stateDir: options.stateDir,
          })
        : undefined
    // Awaited below; a failure elsewhere first must not leave them running, nor go unhandled.
    componentsStarting?.catch(() => {})
    closers.push(async () => (await componentsStarting?.catch(() => undefined))?.stop())
    // CDI's cdi-apiserver, the upload token API (aggregated), likewise.
    const cdiApiStarting = startCdiApi({ client, stateDir: options.stateDir })
    cdiApiStarting.catch(() => {})
    closers.push(async () => (await cdiApiStarting.catch(() => undefined))?.close())

    // The running guests, set once KubeVirt runs: the node agents start first and ask later.
    const guests: { registry?: GuestRegistry } = {}
    phase('RBAC and sim seed')
    // The nodes' kubelets: Node objects, Lease heartbeats, pods bound to them, the kubelet API.
    const nodes = await startNodeAgents({
      client,
      nodes: demoNodes(),
      stateDir: join(options.stateDir, 'kubelets'),
      // A quarter of the grace period, as Kubernetes' defaults (10 s renewals, 40 s grace).
      ...(options.nodeMonitorGracePeriod
        ? { leaseRenewIntervalMs: (parseFloat(options.nodeMonitorGracePeriod) * 1000) / 4 }
        : {}),
      consoleLog: (namespace, vmi) => {
        const guest = guests.registry?.get(namespace, vmi)
        return guest && existsSync(guest.serialLogPath)
          ? readFileSync(guest.serialLogPath, 'utf8')
          : undefined
      },
    })
    closers.push(() => nodes.close())
    phase('node agents')

    // The simulator's KubeVirt controllers act as virt-controller's service account, as on a real
    // cluster: KubeVirt's admission tells virt-controller's requests apart by that name. Beside
    // KubeVirt's own components, the store feeds CDI's and the storage vendor's controllers.
    const storeClient =
      mode === 'real'
        ? client
        : new KubeClient({
            url: info.url,
            ca,
            token: await serviceAccountToken(client, 'kubevirt', 'kubevirt-controller'),
          })
    if (storeClient !== client) closers.push(() => storeClient.close())
    const store = new ClusterStore(storeClient)
    closers.push(() => store.close())
    await store.sync(await servedDefs(client, registry))
    phase('store synced')

    let kubevirtSide: {
      guests: GuestRegistry
      consoles: ConsoleSubresources
      virtApi?: VirtApi
      kubevirtComponents?: KubevirtComponents
      settled(): Promise<void>
    }
    if (mode === 'real') {
      // KubeVirt's own virt-api and virt-controller; this process is every node's virt-handler.
      const components = await componentsStarting!
      phase('KubeVirt components')
      const handlerClient = new KubeClient({ url: info.url, ca, token: components.handlerToken })
      closers.push(() => handlerClient.close())
      const handlerPods = await waitForHandlerPods(
        store,
        requireDef(registry, '', 'pods'),
        demoNodes().map((n) => n.name),
      )
      const nodeClients = new Map<string, KubeClient>()
      for (const [node, pod] of handlerPods) {
        const nodeClient = new KubeClient({
          url: info.url,
          ca,
          token: await requestToken(client, 'kubevirt', 'kubevirt-handler', {
            name: pod.metadata.name ?? '',
            uid: pod.metadata.uid ?? '',
          }),
        })
        closers.push(() => nodeClient.close())
        nodeClients.set(node, nodeClient)
      }
      const handler = await startVirtHandler({
        client: handlerClient,
        podClient: client,
        nodeClients,
        registry,
        nodes: demoNodes().map((node) => ({
          name: node.name,
          address: nodes.endpoint(node.name)?.address ?? '127.0.0.1',
        })),
        certsDir: components.certsDir,
        port: components.handlerPort,
        guests: options.guests ?? 'none',
        imageDir,
        stateDir: options.stateDir,
        ...(options.maxGuests ? { maxGuests: options.maxGuests } : {}),
        ...(options.qemuBinary ? { qemuBinary: options.qemuBinary } : {}),
        ...(options.simulatedMigrationMs
          ? { simulatedMigrationMs: options.simulatedMigrationMs }
          : {}),
      })
      closers.push(() => handler.close())
      phase('virt-handler')
      // A node that dies loses its virt-handler too: its heartbeat stops, as on a real node.
      const stopNode = nodes.stop.bind(nodes)
      const startNode = nodes.start.bind(nodes)
      nodes.stop = async (name) => {
        handler.heartbeats.stop(name)
        await stopNode(name)
      }
      nodes.start = async (name) => {
        await startNode(name)
        await handler.heartbeats.start(name)
      }
      const storage = startStorageSide({ registry, store })
      closers.push(() => storage.close())
      guests.registry = handler.guests
      await seed()
      phase('seeded')
      kubevirtSide = {
        guests: handler.guests,
        consoles: handler.consoles,
        kubevirtComponents: components,
        settled: () => fleetSettled(store, requireDef(registry, 'kubevirt.io', 'virtualmachines')),
      }
    } else {
      const kubevirt = startKubevirt({
        registry,
        store,
        guests: options.guests ?? 'none',
        imageDir,
        stateDir: options.stateDir,
        ...(options.maxGuests ? { maxGuests: options.maxGuests } : {}),
        ...(options.qemuBinary ? { qemuBinary: options.qemuBinary } : {}),
        ...(options.simulatedMigrationMs
          ? { simulatedMigrationMs: options.simulatedMigrationMs }
          : {}),
      })
      closers.push(() => kubevirt.close())
      guests.registry = kubevirt.guests
      // KubeVirt's virt-api: the subresource API (aggregated) and the admission webhooks.
      const virtApi = await startVirtApi({
        client,
        kubevirt: kubevirt.context,
        stateDir: options.stateDir,
        guests: kubevirt.guests,
      })
      closers.push(() => virtApi.close())
      kubevirtSide = {
        guests: kubevirt.guests,
        consoles: virtApi.consoles,
        virtApi,
        settled: () => kubevirt.settled(),
      }
    }
    const cdiApi = await cdiApiStarting
    phase('cdi-api')

    // Written before the metrics target listens: once it answers, the kubeconfig is there (the
    // containers' health checks ask the metrics target, and vmdeck waits for them).
    const tokens = Object.fromEntries(demoUsers.map((user) => [user, token(user)])) as Record<
      DemoUser,
      string
    >
    const kubeconfigPath = options.kubeconfigPath ?? join(options.stateDir, 'kubeconfig')
    writeKubeconfig(kubeconfigPath, {
      server: info.url,
      ca,
      users: demoUsers.map((name) => ({ name, token: tokens[name] })),
      current: 'admin',
    })

    const metrics = new KubevirtMetrics({ registry, store, guests: () => kubevirtSide.guests })
    const metricsServer: Server = createServer((req, res) => {
      if (!metrics.handle(req, res)) {
        res.statusCode = 404
        res.end()
      }
    })
    const metricsUrl = await new Promise<string>((resolve, reject) => {
      metricsServer.once('error', reject)
      metricsServer.listen(options.metricsPort ?? 0, options.host ?? '127.0.0.1', () => {
        const { port } = metricsServer.address() as AddressInfo
        resolve(`http://${options.host ?? '127.0.0.1'}:${port}/metrics`)
      })
    })
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          metricsServer.closeAllConnections()
          metricsServer.close(() => resolve())
        }),
    )

    await kubevirtSide.settled()
    phase('fleet settled')
    return {
      url: info.url,
      kubeconfigPath,
      ca,
      tokens,
      registry,
      store,
      client,
      metrics,
      metricsUrl,
      ...(kubevirtSide.virtApi ? { virtApi: kubevirtSide.virtApi } : {}),
      ...(kubevirtSide.kubevirtComponents
        ? { kubevirtComponents: kubevirtSide.kubevirtComponents }
        : {}),
      cdiApi,
      nodes,
      consoles: kubevirtSide.consoles,
      guests: kubevirtSide.guests,
      async request(method, path, { token: as, body, headers } = {}) {
        const asUser = new KubeClient({ url: info.url, ca, token: as ?? tokens.admin })
        try {
          const res = await asUser.raw(method, path, {
            ...(body !== undefined ? { body } : {}),
            ...(headers ? { headers } : {}),
          })
          let parsed: unknown = undefined
          try {
            parsed = JSON.parse(res.text)
          } catch {
            // watch streams and plain-text bodies stay text
          }
          return { status: res.status, body: parsed, text: res.text }
        } finally {
          asUser.close()
        }
      },
      async restartControlPlane() {
        if (options.attach)
          throw new Error(
            `attached to the control plane of ${options.attach}: restart that process instead`,
          )
        await controlPlane.stop()
        controlPlane = await startControlPlane({
          ...controlPlaneOptions,
          port: Number(new URL(info.url).port),
        })
      },
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/**
 * A token of a service account bound to cluster-admin (created if missing), from the
 * TokenRequest API: a JWT signed by kube-apiserver, as a pod's projected token.
 */
async function serviceAccountToken(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<string> {
  const ns = { group: '', version: 'v1', plural: 'namespaces', namespaced: false }
  await apply(client, ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })
  const sa = { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true }
  await apply(client, sa, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace },
  })
  await apply(client, rbacDef('ClusterRoleBinding'), {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `${namespace}:${name}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  })
  return requestToken(client, namespace, name)
}

/**
 * The registry's resources that kube-apiserver serves (discovery) with list and watch, in the
 * version it serves: create-only kinds (the access reviews, TokenReview) have no list to sync.
 */
async function servedDefs(client: KubeClient, registry: Registry): Promise<ResourceDef[]> {
  const served = new Set<string>()
  const listable = (r: { verbs?: string[] }) =>
    (r.verbs ?? []).includes('list') && (r.verbs ?? []).includes('watch')
  const core = await client.json<{ resources: { name: string; verbs?: string[] }[] }>(
    'GET',
    '/api/v1',
  )
  for (const r of core.resources.filter(listable)) served.add(`/v1/${r.name}`)
  const groups = await client.json<{
    groups: { name: string; versions: { groupVersion: string }[] }[]
  }>('GET', '/apis')
  await Promise.all(
    groups.groups.flatMap((group) =>
      group.versions.map(async ({ groupVersion }) => {
        try {
          const list = await client.json<{ resources: { name: string; verbs?: string[] }[] }>(
            'GET',
            `/apis/${groupVersion}`,
          )
          for (const r of list.resources.filter(listable))
            served.add(`${group.name}/${groupVersion.split('/')[1]}/${r.name}`)
        } catch {
          // an aggregated group that is not available yet
        }
      }),
    ),
  )
  return registry.defs.filter((def) => served.has(`${def.group}/${def.version}/${def.plural}`))
}
