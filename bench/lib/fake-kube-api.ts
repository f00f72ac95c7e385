// A stand-in for kube-apiserver that holds 100,000 VMs in one process, for measuring the BFF alone.
//
// The simulator on the real control plane needs ~10 s per 1,000 VMs to start and ~4 GiB of
// memory at 10,000 VMs, so 100,000 do not fit on a bench machine; the BFF does not care who
// answers its lists and watches. This server answers exactly what the BFF asks of a cluster:
// paged lists (`limit`/`continue`), watches (newline-delimited JSON, resumable from a
// resourceVersion within the retained history), discovery, SelfSubjectReviews and
// SelfSubjectAccessReviews. Objects are copies of what the simulator serves
// (`fixtures/kube-objects.json`, managedFields included), kept as JSON text so the bench's own
// process stays small. Plain HTTP on loopback.
import { readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { FOLDER_LABEL, folderLabelValue } from '../../packages/shared/src/vms/vm-folders.ts'
import { scaleNames, users, visibleTo, type FakeUser } from './fake-kube-fleet.ts'

type Json = Record<string, unknown> & { metadata: Record<string, unknown> }

interface Stored {
  namespace: string
  name: string
  json: string
}

interface Collection {
  /** Insertion-ordered, so a `continue` token can be the next index. */
  objects: Map<string, Stored>
  order: string[]
  watchers: Set<{ namespace?: string; res: http.ServerResponse }>
  history: { rv: number; namespace: string; line: string }[]
}

const HISTORY = 50_000
const fixtures = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/kube-objects.json'), 'utf8'),
) as Record<'vmRunning' | 'vmHalted' | 'vmi' | 'launcherPod' | 'node', Json>

export interface FakeKubeApi {
  url: string
  kubeconfigPath: string
  /** Watches served: per collection path, open now, most open at once, and started in total. */
  watches: Map<string, { open: number; maxOpen: number; started: number }>
  /** Changes a VM (or VMI, …) and sends the event to the watches of its collection. */
  modify(plural: string, namespace: string, name: string, change: (object: Json) => void): void
  close(): Promise<void>
}

export async function startFakeKubeApi(options: {
  vms: number
  dir: string
  /** Each VM in its folder of the fleet (the `vmdeck.io/folder` label, fake-kube-fleet.ts). */
  folders?: boolean
}): Promise<FakeKubeApi> {
  let rv = 1000
  const collections = new Map<string, Collection>()
  const collection = (plural: string) => {
    let found = collections.get(plural)
    if (!found)
      collections.set(
        plural,
        (found = { objects: new Map(), order: [], watchers: new Set(), history: [] }),
      )
    return found
  }
  const put = (plural: string, object: Json) => {
    const meta = object.metadata
    meta.resourceVersion = String(++rv)
    const namespace = (meta.namespace as string | undefined) ?? ''
    const name = meta.name as string
    const key = `${namespace}/${name}`
    const target = collection(plural)
    if (!target.objects.has(key)) target.order.push(key)
    const stored = { namespace, name, json: JSON.stringify(object) }
    target.objects.set(key, stored)
    return stored
  }
  for (const plural of ['virtualmachines', 'virtualmachineinstances', 'pods', 'nodes'])
    collection(plural)
  for (const plural of ['virtualmachineinstancemigrations', 'namespaces', 'configmaps'])
    collection(plural)
  for (const plural of ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'])
    collection(plural)
  for (const namespace of ['default', 'kube-system', 'kubevirt', 'prod', 'dev'])
    put('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })
  for (const node of ['node-1', 'node-2', 'node-3']) {
    const copy = structuredClone(fixtures.node)
    copy.metadata.name = node
    copy.metadata.uid = crypto.randomUUID()
    put('nodes', copy)
  }
  for (const { namespace, name, running, tier, node, folder } of scaleNames(options.vms)) {
    const vm = structuredClone(running ? fixtures.vmRunning : fixtures.vmHalted)
    const uid = crypto.randomUUID()
    Object.assign(vm.metadata, { name, namespace, uid })
    vm.metadata.labels = {
      'app.kubernetes.io/part-of': 'vmdeck-demo',
      tier,
      ...(options.folders ? { [FOLDER_LABEL]: folderLabelValue(folder) } : {}),
    }
    put('virtualmachines', vm)
    if (!running) continue
    const vmi = structuredClone(fixtures.vmi)
    Object.assign(vmi.metadata, { name, namespace, uid: crypto.randomUUID() })
    vmi.metadata.labels = { 'kubevirt.io/domain': name, 'kubevirt.io/nodeName': node }
    ;(vmi.status as Record<string, unknown>).nodeName = node
    put('virtualmachineinstances', vmi)
    const pod = structuredClone(fixtures.launcherPod)
    Object.assign(pod.metadata, { name: `virt-launcher-${name}-x1`, namespace })
    pod.metadata.uid = crypto.randomUUID()
    ;(pod.spec as Record<string, unknown>).nodeName = node
    put('pods', pod)
  }

  const watches = new Map<string, { open: number; maxOpen: number; started: number }>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      try {
        route(req, res, Buffer.concat(chunks).toString())
      } catch (err) {
        send(res, 500, status(500, String(err)))
      }
    })
  })

  const route = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const user = users.find((u) => req.headers.authorization === `Bearer ${u.token}`)
    if (!user) return send(res, 401, status(401, 'Unauthorized'))
    const path = url.pathname
    if (path === '/version') return send(res, 200, { gitVersion: 'v1.37.2-fake' })
    if (path === '/apis') return send(res, 200, { groups: [{ name: 'kubevirt.io' }] })
    if (path === '/apis/subresources.kubevirt.io/v1/version')
      return send(res, 200, { gitVersion: 'v1.6.0-fake' })
    if (req.method === 'POST' && path.endsWith('/selfsubjectreviews'))
      return send(res, 201, { status: { userInfo: { username: user.name, groups: [] } } })
    if (req.method === 'POST' && path.endsWith('/selfsubjectaccessreviews'))
      return send(res, 201, { status: { allowed: allowed(user, body) } })
    const match = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)$/.exec(path)
    const found = match?.[2] ? collections.get(match[2]) : undefined
    if (req.method !== 'GET' || !match || !found) return send(res, 404, status(404, 'NotFound'))
    const namespace = match[1]
    if (['1', 'true'].includes(url.searchParams.get('watch') ?? ''))
      return watch(found, path, namespace, url.searchParams.get('resourceVersion'), res)
    return list(found, namespace, url, res)
  }

  const list = (
    found: Collection,
    namespace: string | undefined,
    url: URL,
    res: http.ServerResponse,
  ) => {
    const limit = Number(url.searchParams.get('limit') ?? 0) || Infinity
    let index = Number(url.searchParams.get('continue') ?? 0) || 0
    const items: string[] = []
    while (index < found.order.length && items.length < limit) {
      const stored = found.objects.get(found.order[index++] ?? '')
      if (stored && (namespace === undefined || stored.namespace === namespace))
        items.push(stored.json)
    }
    const more = index < found.order.length
    const meta = `{"resourceVersion":"${rv}"${more ? `,"continue":"${index}"` : ''}}`
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(`{"kind":"List","apiVersion":"v1","metadata":${meta},"items":[${items.join(',')}]}`)
  }

  const watch = (
    found: Collection,
    path: string,
    namespace: string | undefined,
    from: string | null,
    res: http.ServerResponse,
  ) => {
    const since = Number(from ?? 0)
    const oldest = found.history[0]?.rv ?? rv
    if (since && since < oldest - 1 && found.history.length >= HISTORY)
      return send(res, 410, status(410, 'Gone'))
    const entry = watches.get(path) ?? { open: 0, maxOpen: 0, started: 0 }
    watches.set(path, entry)
    entry.open++
    entry.started++
    entry.maxOpen = Math.max(entry.maxOpen, entry.open)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.flushHeaders()
    for (const event of found.history)
      if (event.rv > since && (namespace === undefined || event.namespace === namespace))
        res.write(event.line)
    const watcher = { ...(namespace === undefined ? {} : { namespace }), res }
    found.watchers.add(watcher)
    res.on('close', () => {
      entry.open--
      found.watchers.delete(watcher)
    })
  }

  // Clients reuse idle keep-alive sockets; a busy client may come back after Node's 5 s default.
  server.keepAliveTimeout = 300_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const kubeconfigPath = join(options.dir, 'kubeconfig.json')
  writeFileSync(kubeconfigPath, JSON.stringify(kubeconfig(url)))
  return {
    url,
    kubeconfigPath,
    watches,
    modify(plural, namespace, name, change) {
      const found = collection(plural)
      const stored = found.objects.get(`${namespace}/${name}`)
      if (!stored) throw new Error(`no ${plural} ${namespace}/${name}`)
      const object = JSON.parse(stored.json) as Json
      change(object)
      const next = put(plural, object)
      const line = `{"type":"MODIFIED","object":${next.json}}\n`
      found.history.push({ rv, namespace, line })
      if (found.history.length > HISTORY) found.history.shift()
      for (const watcher of found.watchers)
        if (watcher.namespace === undefined || watcher.namespace === namespace)
          watcher.res.write(line)
    },
    async close() {
      for (const found of collections.values())
        for (const watcher of found.watchers) watcher.res.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

function allowed(user: FakeUser, body: string): boolean {
  const attributes = (
    JSON.parse(body) as { spec?: { resourceAttributes?: { namespace?: string } } }
  ).spec?.resourceAttributes
  return visibleTo(user, attributes?.namespace)
}

const status = (code: number, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message,
  code,
})

function send(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function kubeconfig(server: string) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain HTTP unless TLS checks are declared off (there is no TLS here).
    clusters: [{ name: 'vmdeck-sim', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: users.map((u) => ({ name: u.name, user: { token: u.token } })),
    contexts: users.map((u) => ({
      name: u.name,
      context: { cluster: 'vmdeck-sim', user: u.name },
    })),
    'current-context': 'admin',
  }
}
