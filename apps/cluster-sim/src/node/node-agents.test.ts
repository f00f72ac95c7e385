import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KObject } from '../kube/types.ts'
import {
  controlPlaneBinary,
  startControlPlane,
  type ControlPlane,
} from '../cluster/control-plane.ts'
import { KubeClient } from '../cluster/kube-client.ts'
import { demoNodes } from './demo-nodes.ts'
import { startNodeAgents, type NodeAgents } from './node-agents.ts'

const run = promisify(execFile)

let stateDir: string
let controlPlane: ControlPlane
let client: KubeClient
let agents: NodeAgents
/** What the simulated guests have written to their serial consoles, by namespace/VMI. */
const consoles = new Map<string, string>()

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-node-test-'))
  // A short grace period so the node lifecycle controller notices a dead kubelet within seconds.
  controlPlane = await startControlPlane({ stateDir, nodeMonitorGracePeriod: '6s' })
  client = new KubeClient({
    url: controlPlane.info.url,
    ca: controlPlane.ca,
    token: controlPlane.info.tokens['cluster-sim'] ?? '',
  })
  agents = await startNodeAgents({
    client,
    nodes: demoNodes(),
    consoleLog: (namespace, vmi) => consoles.get(`${namespace}/${vmi}`),
    stateDir: join(stateDir, 'kubelets'),
    kubeletClientCA: readFileSync(controlPlane.info.kubeletClientCAFile, 'utf8'),
    // Heartbeats well inside the 6 s grace period (the kubelet's 10 s suits the default 40 s).
    leaseRenewIntervalMs: 1000,
    statusUpdateIntervalMs: 1000,
    log: () => {},
  })
})
afterAll(async () => {
  await agents?.close()
  client?.close()
  await controlPlane?.stop()
  rmSync(stateDir, { recursive: true, force: true })
})

const poll = { timeout: 30_000, interval: 200 }
const getNode = (name: string) => client.json<KObject>('GET', `/api/v1/nodes/${name}`)
const getPod = (name: string) => client.json<KObject>('GET', `/api/v1/namespaces/x/pods/${name}`)
type Condition = { type: string; status: string; reason?: string }
interface NodeStatus {
  capacity: Record<string, string>
  allocatable: Record<string, string>
  addresses: { type: string; address: string }[]
  daemonEndpoints: { kubeletEndpoint: { Port: number } }
  nodeInfo: Record<string, string>
}
interface PodStatus {
  phase: string
  podIP: string
  podIPs: { ip: string }[]
  hostIP: string
  containerStatuses: { ready: boolean; started: boolean; state: { running?: unknown } }[]
}
const conditions = (object: KObject) =>
  Object.fromEntries(
    ((object.status as { conditions?: Condition[] }).conditions ?? []).map((c) => [
      c.type,
      c.status,
    ]),
  )
const kubectl = async (...args: string[]) =>
  run(controlPlaneBinary(), [
    'kubectl',
    '--server',
    controlPlane.info.url,
    '--token',
    controlPlane.info.tokens['cluster-sim'] ?? '',
    '--certificate-authority',
    controlPlane.info.caFile,
    ...args,
  ])

describe('node agents on the real control plane', () => {
  it('register Nodes with the status a kubelet reports, kept Ready by their leases', async () => {
    const version = await client.json<{ gitVersion: string }>('GET', '/version')
    const node = await getNode('node-1')
    const status = node.status as NodeStatus
    for (const resources of [status.capacity, status.allocatable]) {
      expect(resources).toMatchObject({
        cpu: '8',
        pods: '110',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        'devices.kubevirt.io/kvm': '1k',
        'devices.kubevirt.io/tun': '1k',
        'devices.kubevirt.io/vhost-net': '1k',
      })
      expect(resources.memory).toMatch(/^\d+Ki$/)
      expect(resources['ephemeral-storage']).toMatch(/^\d+(Ki)?$/)
    }
    expect(status.addresses).toEqual([
      { type: 'InternalIP', address: '127.0.0.11' },
      { type: 'Hostname', address: 'node-1' },
    ])
    expect(status.daemonEndpoints.kubeletEndpoint.Port).toBe(agents.endpoint('node-1')?.port)
    expect(status.nodeInfo).toMatchObject({
      kubeletVersion: version.gitVersion,
      operatingSystem: 'linux',
    })
    expect(node.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': 'node-1',
      'kubernetes.io/os': 'linux',
      'kubevirt.io/schedulable': 'true',
    })
    expect(conditions(node)).toEqual({
      MemoryPressure: 'False',
      DiskPressure: 'False',
      PIDPressure: 'False',
      Ready: 'True',
    })
    // The controller manager's node IPAM controller gives each node its pod range.
    await expect
      .poll(async () => ((await getNode('node-1')).spec as { podCIDR?: string }).podCIDR, poll)
      .toMatch(/^10\.244\.\d+\.0\/24$/)
    const lease = await client.json<KObject>(
      'GET',
      '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1',
    )
    expect(lease.spec).toMatchObject({ holderIdentity: 'node-1', leaseDurationSeconds: 40 })
    expect(lease.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Node',
      uid: node.metadata.uid,
    })
    const renewed = (lease.spec as { renewTime: string }).renewTime
    await expect
      .poll(
        async () =>
          (
            (
              await client.json<KObject>(
                'GET',
                '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1',
              )
            ).spec as { renewTime: string }
          ).renewTime,
        poll,
      )
      .not.toBe(renewed)
  })

  it('shows the nodes Ready in kubectl', async () => {
    // The kubelets run the control plane's release (v1.37.2 once the build stamps it).
    const { gitVersion } = await client.json<{ gitVersion: string }>('GET', '/version')
    const version = gitVersion.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const { stdout } = await kubectl('get', 'nodes', '-o', 'wide')
    for (const [index, name] of ['node-1', 'node-2', 'node-3'].entries())
      expect(stdout).toMatch(
        new RegExp(
          `${name}\\s+Ready\\s+<none>\\s+\\S+\\s+${version}\\s+127\\.0\\.0\\.${11 + index}\\s`,
        ),
      )
  })

  it('runs a pod the real scheduler binds, and serves its logs through kube-apiserver', async () => {
    await client.json('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
    })
    consoles.set('x/vm-a', 'SeaBIOS (version 1.16.3)\nBooting from Hard Disk...\nvm-a login: ')
    await client.json('POST', '/api/v1/namespaces/x/pods', {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'p',
          labels: { 'kubevirt.io': 'virt-launcher' },
          annotations: { 'kubevirt.io/domain': 'vm-a' },
        },
        spec: {
          containers: [
            {
              name: 'compute',
              image: 'quay.io/kubevirt/virt-launcher:v1.6.0',
              resources: {
                requests: { cpu: '100m', memory: '256Mi', 'devices.kubevirt.io/kvm': '1' },
                limits: { 'devices.kubevirt.io/kvm': '1' },
              },
            },
            { name: 'guest-console-log', image: 'quay.io/kubevirt/virt-launcher:v1.6.0' },
          ],
        },
      },
    })
    await expect
      .poll(async () => (await getPod('p')).status, poll)
      .toMatchObject({ phase: 'Running' })
    const pod = await getPod('p')
    const nodeName = (pod.spec as { nodeName: string }).nodeName
    const node = await getNode(nodeName)
    const status = pod.status as PodStatus
    expect(conditions(pod)).toMatchObject({
      PodScheduled: 'True',
      Initialized: 'True',
      ContainersReady: 'True',
      Ready: 'True',
    })
    const cidr = (node.spec as { podCIDR: string }).podCIDR
    expect(status.podIP.split('.').slice(0, 3)).toEqual(cidr.split('.').slice(0, 3))
    expect(status.podIPs).toEqual([{ ip: status.podIP }])
    expect(status.hostIP).toBe(agents.endpoint(nodeName)?.address)
    expect(status.containerStatuses).toHaveLength(2)
    for (const container of status.containerStatuses)
      expect(container).toMatchObject({ ready: true, started: true, state: { running: {} } })

    const log = (query: string) =>
      client.raw('GET', `/api/v1/namespaces/x/pods/p/log?${query}`).then((res) => res.text)
    expect(await log('container=guest-console-log')).toBe(
      'SeaBIOS (version 1.16.3)\nBooting from Hard Disk...\nvm-a login: ',
    )
    expect(await log('container=guest-console-log&tailLines=1')).toBe('vm-a login: ')
    expect(await log('container=compute&limitBytes=20')).toHaveLength(20)
    expect(await log('container=compute')).toMatch(/"component":"virt-launcher"/)
    const missing = await client.raw('GET', '/api/v1/namespaces/x/pods/p/log?container=nope')
    expect(missing.status).toBe(400)
  })

  it('follows the serial console log as the guest writes more', async () => {
    const chunks: string[] = []
    const url = new URL(
      `${controlPlane.info.url}/api/v1/namespaces/x/pods/p/log?container=guest-console-log&follow=true`,
    )
    const req = request(url, {
      ca: controlPlane.ca,
      headers: { Authorization: `Bearer ${controlPlane.info.tokens['cluster-sim']}` },
    })
    req.on('response', (res) =>
      res.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8'))),
    )
    req.on('error', () => {})
    req.end()
    try {
      await expect.poll(() => chunks.join(''), poll).toContain('vm-a login: ')
      consoles.set('x/vm-a', `${consoles.get('x/vm-a') ?? ''}root\nPassword: `)
      await expect.poll(() => chunks.join(''), poll).toContain('vm-a login: root\nPassword: ')
    } finally {
      req.destroy()
    }
  })

  it('answers only kube-apiserver’s client certificate on the kubelet API', async () => {
    const endpoint = agents.endpoint('node-1')!
    const status = (cert?: { cert: string; key: string }) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: endpoint.address,
            port: endpoint.port,
            path: '/healthz',
            rejectUnauthorized: false,
            ...cert,
          },
          (res) => {
            res.resume()
            resolve(res.statusCode ?? 0)
          },
        )
        req.on('error', reject)
        req.end()
      })
    expect(await status()).toBe(401)
    // A client certificate from a CA the cluster does not know.
    const dir = mkdtempSync(join(stateDir, 'stranger-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=kube-apiserver-kubelet-client',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'pipe' },
    )
    const stranger = {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    }
    expect(await status(stranger)).toBe(401)
    // The apiserver's own client certificate is accepted.
    const pki = join(stateDir, 'pki')
    const apiserver = {
      cert: readFileSync(join(pki, 'apiserver-kubelet-client.crt'), 'utf8'),
      key: readFileSync(join(pki, 'apiserver-kubelet-client.key'), 'utf8'),
    }
    expect(await status(apiserver)).toBe(200)
  })

  it('refuses exec with a clear message: the containers are simulated', async () => {
    const failed = (await kubectl('exec', '-n', 'x', 'p', '-c', 'compute', '--', 'ls').catch(
      (error: unknown) => error,
    )) as { stderr?: string }
    expect(failed.stderr).toMatch(/exec is not supported on node node-\d/)
  })

  it('completes the deletion of a pod as the kubelet does', async () => {
    const before = await getPod('p')
    const seen: { type: string; phase?: string; running: boolean }[] = []
    const watching = new AbortController()
    const watch = client.watch(
      `/api/v1/namespaces/x/pods?watch=1&fieldSelector=metadata.name%3Dp&resourceVersion=${before.metadata.resourceVersion}`,
      (event) => {
        const status = event.object.status as Partial<PodStatus> | undefined
        seen.push({
          type: event.type,
          phase: status?.phase,
          running: (status?.containerStatuses ?? []).some((c) => c.state.running !== undefined),
        })
      },
      watching.signal,
    )
    await client.json('DELETE', '/api/v1/namespaces/x/pods/p')
    // The default grace period is 30 s: only the kubelet removes the pod before that.
    await expect.poll(() => seen.at(-1)?.type, { ...poll, timeout: 20_000 }).toBe('DELETED')
    watching.abort()
    await watch
    // First the containers stopped and the pod reached its terminal phase, then it went.
    expect(seen).toContainEqual({ type: 'MODIFIED', phase: 'Succeeded', running: false })
    expect((await client.raw('GET', '/api/v1/namespaces/x/pods/p')).status).toBe(404)
  })

  it('turns a node NotReady through the node lifecycle controller when its agent stops', async () => {
    const port = agents.endpoint('node-3')?.port
    await agents.stop('node-3')
    expect(agents.endpoint('node-3')).toBeUndefined()
    await expect.poll(async () => conditions(await getNode('node-3')).Ready, poll).toBe('Unknown')
    const taints = ((await getNode('node-3')).spec as { taints?: { key: string }[] }).taints ?? []
    expect(taints.map((t) => t.key)).toContain('node.kubernetes.io/unreachable')
    const { stdout } = await kubectl('get', 'node', 'node-3')
    expect(stdout).toMatch(/node-3\s+NotReady\s/)
    expect(conditions(await getNode('node-1')).Ready).toBe('True')

    await agents.start('node-3')
    // The restarted kubelet serves where the Node says it does.
    expect(agents.endpoint('node-3')?.port).toBe(port)
    await expect.poll(async () => conditions(await getNode('node-3')).Ready, poll).toBe('True')
    await expect
      .poll(
        async () => ((await getNode('node-3')).spec as { taints?: unknown[] }).taints ?? [],
        poll,
      )
      .toEqual([])
  })
})
