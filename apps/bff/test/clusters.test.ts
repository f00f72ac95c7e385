import type { ClusterInfo } from '@vmdeck/shared'
import { startSim, type Sim } from '@vmdeck/cluster-sim'
import Fastify, { type FastifyInstance } from 'fastify'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import app from '../src/app.ts'
import { as, buildStack, findSecrets, login, ORIGIN, waitUntil, type TestStack } from './helper.ts'

const SIM = 'vmdeck-sim'

describe('GET /api/v1/clusters: capabilities from discovery', () => {
  let stack: TestStack
  let cookie: string
  beforeAll(async () => {
    stack = await buildStack()
    cookie = await login(stack.app, 'viewer')
  })
  afterAll(() => stack.close())

  const clusterInfo = async () => {
    const answer = await as(stack.app, cookie).get<{ items: ClusterInfo[] }>('/api/v1/clusters')
    expect(answer.status).toBe(200)
    const info = answer.body.items.find((c) => c.id === SIM)
    if (!info) throw new Error(`no ${SIM} in ${JSON.stringify(answer.body)}`)
    return info
  }

  it('reports KubeVirt, CDI, snapshots and Multus as the simulator serves them', async () => {
    const groups = (
      (await stack.sim.request('GET', '/apis')).body as { groups: { name: string }[] }
    ).groups.map((g) => g.name)
    const version = (await stack.sim.request('GET', '/version')).body as { gitVersion: string }
    const info = await clusterInfo()
    expect(info.capabilities).toMatchObject({
      kubernetesVersion: version.gitVersion,
      kubevirt: { installed: true },
      cdi: groups.includes('cdi.kubevirt.io'),
      snapshots: groups.includes('snapshot.kubevirt.io'),
      volumeSnapshots: groups.includes('snapshot.storage.k8s.io'),
      multus: groups.includes('k8s.cni.cncf.io'),
    })
    // The simulator serves all of them: detection must say so, not merely agree with itself.
    expect(info.capabilities).toMatchObject({
      cdi: true,
      snapshots: true,
      volumeSnapshots: true,
      multus: true,
    })
    expect(Number.isNaN(Date.parse(info.capabilities?.detectedAt ?? ''))).toBe(false)
  })

  it("reads KubeVirt's version from virt-api, or else from the KubeVirt CR's status", async () => {
    const fromApi = await stack.sim.request('GET', '/apis/subresources.kubevirt.io/v1/version')
    const kubevirtDef = stack.sim.registry.find('kubevirt.io', 'v1', 'kubevirts')
    if (!kubevirtDef) throw new Error('the simulator has no KubeVirt resource')
    // KubeVirt's own install has its CR already; the simulator's KubeVirt gets one here.
    const existing = stack.sim.store.peek(kubevirtDef, 'kubevirt', 'kubevirt')
    if (!existing)
      await stack.sim.store.create(kubevirtDef, {
        apiVersion: 'kubevirt.io/v1',
        kind: 'KubeVirt',
        metadata: { name: 'kubevirt', namespace: 'kubevirt' },
        spec: {},
        status: { phase: 'Deployed', observedKubeVirtVersion: 'v1.9.0' },
      })
    const fromCr =
      (existing?.status as { observedKubeVirtVersion?: string } | undefined)
        ?.observedKubeVirtVersion ?? 'v1.9.0'
    await stack.app.clusters.get(SIM)?.capabilities.refresh()
    const info = await clusterInfo()
    const expected =
      fromApi.status === 200 ? (fromApi.body as { gitVersion: string }).gitVersion : fromCr
    expect(info.capabilities?.kubevirt).toEqual({ installed: true, version: expected })
  })
})

describe('a cluster that is down', () => {
  let sim: Sim
  let fastify: FastifyInstance
  let stateDir: string
  const logs: string[] = []
  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-bff-clusters-'))
    sim = await startSim({ stateDir, port: 0 })
    // A second cluster whose API server is gone: a port that was free a moment ago.
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address()
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1))
      })
    })
    const config = JSON.parse(readFileSync(sim.kubeconfigPath, 'utf8')) as {
      clusters: { name: string; cluster: Record<string, string> }[]
      contexts: { name: string; context: { cluster: string; user: string } }[]
    }
    const simCluster = config.clusters[0]
    if (!simCluster) throw new Error('the simulator kubeconfig names no cluster')
    config.clusters.push({
      name: 'gone',
      cluster: { ...simCluster.cluster, server: `https://127.0.0.1:${closedPort}` },
    })
    config.contexts.push({ name: 'gone', context: { cluster: 'gone', user: 'admin' } })
    const kubeconfigPath = join(stateDir, 'two-clusters.kubeconfig')
    writeFileSync(kubeconfigPath, JSON.stringify(config))
    fastify = Fastify({
      logger: { level: 'debug', stream: { write: (line: string) => void logs.push(line) } },
    })
    await fastify.register(app, {
      kubeconfigPath,
      contexts: ['admin', 'gone'],
      sessionKeys: ['test-session-key-0123456789abcdef0123456789'],
      publicOrigin: ORIGIN,
      demo: true,
    })
    await fastify.ready()
    await waitUntil(() => fastify.clusters.get(SIM)?.vms.synced ?? false)
  })
  afterAll(async () => {
    await fastify.close()
    await sim.close()
    rmSync(stateDir, { recursive: true, force: true })
    expect(findSecrets(logs, sim)).toEqual([])
  })

  it('answers 503 with a message on its own routes; the other cluster is served', async () => {
    const user = as(fastify, await login(fastify, 'admin'))
    const down = await user.get<{ message: string; code: string }>('/api/v1/clusters/gone/vms')
    expect(down.status).toBe(503)
    expect(down.body.code).toBe('CLUSTER_UNAVAILABLE')
    expect(down.body.message).toMatch(/Cluster "gone" is not reachable/)
    const up = await user.get<{ total: number }>(`/api/v1/clusters/${SIM}/vms`)
    expect(up.status).toBe(200)
    expect(up.body.total).toBeGreaterThan(0)

    const listed = await user.get<{ items: ClusterInfo[] }>('/api/v1/clusters')
    expect(listed.status).toBe(200)
    const gone = listed.body.items.find((c) => c.id === 'gone')
    expect(gone).toMatchObject({ healthy: false, synced: false })
    expect(gone?.message).toMatch(/not answering/)
    expect(gone?.capabilities).toBeUndefined()
    const served = listed.body.items.find((c) => c.id === SIM)
    expect(served).toMatchObject({ healthy: true, capabilities: { kubevirt: { installed: true } } })

    const ready = await fastify.inject({ url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toMatchObject({ clusters: { gone: false, [SIM]: true } })
  })
})
