import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Registry, type ResourceDef } from '../apiserver/registry.ts'
import type { KObject, StoreEvent } from '../apiserver/types.ts'
import { waitForObject } from '../controllers/wait-for-object.ts'
import { startKubevirt, type Kubevirt } from '../kubevirt/kubevirt.ts'
import { startNodeAgents, type NodeAgents } from '../node/node-agents.ts'
import { coreResources } from '../resources/core-resources.ts'
import { kubevirtResources } from '../resources/kubevirt-resources.ts'
import { ClusterStore } from './cluster-store.ts'
import { startControlPlane, type ControlPlane } from './control-plane.ts'
import { KubeClient } from './kube-client.ts'

// KubeVirt's VM, VMI and migration controllers against the real control plane: kube-scheduler
// binds the virt-launcher pods, the simulator's node agents (kubelets, src/node) run them and
// finish their deletion; nothing in this process schedules.

/** Only what the KubeVirt controllers read: no storage or instancetype resources. */
const used = new Set([
  '/namespaces',
  '/nodes',
  '/pods',
  '/events',
  '/serviceaccounts',
  'kubevirt.io/virtualmachines',
  'kubevirt.io/virtualmachineinstances',
  'kubevirt.io/virtualmachineinstancemigrations',
])
const registry = new Registry()
for (const def of [...coreResources, ...kubevirtResources])
  if (used.has(`${def.group}/${def.plural}`)) registry.add(def)
const def = (group: string, plural: string): ResourceDef => {
  const found = registry.defs.find((d) => d.group === group && d.plural === plural)
  if (!found) throw new Error(`${plural} is not registered`)
  return found
}
const vmDef = def('kubevirt.io', 'virtualmachines')
const vmiDef = def('kubevirt.io', 'virtualmachineinstances')
const vmimDef = def('kubevirt.io', 'virtualmachineinstancemigrations')
const podDef = def('', 'pods')
const eventDef = def('', 'events')
const saDef = def('', 'serviceaccounts')

let stateDir: string
let controlPlane: ControlPlane
let client: KubeClient
let store: ClusterStore
let kubelets: NodeAgents
let kubevirt: Kubevirt
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-kubevirt-real-'))
  controlPlane = await startControlPlane({ stateDir: join(stateDir, 'controlplane') })
  client = new KubeClient({
    url: controlPlane.info.url,
    ca: controlPlane.ca,
    token: controlPlane.info.tokens['cluster-sim'] ?? '',
  })
  store = new ClusterStore(client)
  await store.sync(registry.defs)
  kubelets = await startNodeAgents({
    client,
    nodes: ['node-a', 'node-b'].map((name) => ({
      name,
      labels: {},
      capacity: { cpu: '4', memory: '8Gi' },
    })),
    stateDir: join(stateDir, 'kubelets'),
    log: () => {},
  })
  kubevirt = startKubevirt({
    registry,
    store,
    cluster: 'real',
    guests: 'none',
    imageDir: join(stateDir, 'no-image'),
    stateDir,
  })
  // The controller manager gives each namespace its `default` ServiceAccount, which pods need.
  await waitForObject(store, saDef, 'default', 'default', (sa) => !!sa, 30_000)
}, 120_000)
afterAll(async () => {
  await kubevirt?.close()
  await kubelets?.close()
  store?.close()
  client?.close()
  await controlPlane?.stop()
  rmSync(stateDir, { recursive: true, force: true })
})

function vm(name: string, nodeSelector?: Record<string, string>): KObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, namespace: 'default' },
    spec: {
      runStrategy: 'Always',
      template: {
        metadata: { labels: { 'kubevirt.io/vm': name } },
        spec: {
          domain: {
            memory: { guest: '128Mi' },
            devices: { interfaces: [{ name: 'default', masquerade: {} }] },
          },
          networks: [{ name: 'default', pod: {} }],
          ...(nodeSelector ? { nodeSelector } : {}),
        },
      },
    },
  }
}

const statusOf = (o: KObject | undefined) =>
  (o?.status ?? {}) as {
    phase?: string
    nodeName?: string
    printableStatus?: string
    conditions?: { type: string; status: string; reason?: string; message?: string }[]
    interfaces?: { ipAddress?: string }[]
    migrationState?: { sourceNode?: string; targetNode?: string; completed?: boolean }
  }
const podsOf = (vmi: KObject | undefined) =>
  store
    .list(podDef, 'default')
    .items.filter((p) => vmi && p.metadata.labels?.['kubevirt.io/created-by'] === vmi.metadata.uid)
const nodeNameOf = (pod: KObject) => (pod.spec as { nodeName?: string }).nodeName

/** Resolves once the VMI with this name runs, with its one launcher pod. */
async function running(name: string): Promise<{ vmi: KObject; pod: KObject }> {
  const vmi = await waitForObject(
    store,
    vmiDef,
    'default',
    name,
    (o) => statusOf(o).phase === 'Running',
    30_000,
  )
  if (!vmi) throw new Error(`${name} has no VMI`)
  const [pod, ...more] = podsOf(vmi)
  if (!pod || more.length) throw new Error(`${name} has ${podsOf(vmi).length} pods`)
  return { vmi, pod }
}

describe('KubeVirt on the real control plane (kube-scheduler, node agents as kubelets)', () => {
  it('starts a VM: VMI, a launcher pod bound by kube-scheduler and run by the kubelet, VMI Running there', async () => {
    await store.create(vmDef, vm('real-a'))
    const { vmi, pod } = await running('real-a')

    expect(['node-a', 'node-b']).toContain(statusOf(vmi).nodeName)
    expect(nodeNameOf(pod)).toBe(statusOf(vmi).nodeName)
    expect(vmi.metadata.labels?.['kubevirt.io/nodeName']).toBe(statusOf(vmi).nodeName)
    // The kubelet ran the pod and gave it its address; the VMI reports that address.
    expect((pod.status as { phase?: string }).phase).toBe('Running')
    const podIP = (pod.status as { podIP?: string }).podIP
    expect(podIP).toMatch(/^10\.244\./)
    expect(statusOf(vmi).interfaces?.[0]?.ipAddress).toBe(podIP)
    // The requests kube-scheduler fitted the pod with: KubeVirt's kvm device among them.
    const requests = (
      pod.spec as { containers: { resources: { requests: Record<string, string> } }[] }
    ).containers[0]?.resources.requests
    expect(requests?.['devices.kubevirt.io/kvm']).toBe('1')
    // The binding was kube-scheduler's own: it records a Scheduled event for the pod.
    await expect
      .poll(
        async () => {
          const events = await client.json<{ items: KObject[] }>(
            'GET',
            `/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D${pod.metadata.name}`,
          )
          return events.items.map((e) => `${String(e.reason)} ${String(e.reportingComponent)}`)
        },
        { timeout: 10_000 },
      )
      .toContain('Scheduled default-scheduler')
    const vmObject = await waitForObject(
      store,
      vmDef,
      'default',
      'real-a',
      (o) => statusOf(o).printableStatus === 'Running',
    )
    expect(statusOf(vmObject).conditions?.find((c) => c.type === 'Ready')?.status).toBe('True')
  })

  it('stops a VM: the VMI goes, and its pod with it through graceful deletion the kubelet finishes', async () => {
    const { vmi, pod } = await running('real-a')
    const podEvents: StoreEvent[] = []
    const unwatch = store.watch(podDef, 0, (e) => {
      if (e.object.metadata.uid === pod.metadata.uid) podEvents.push(e)
    })
    try {
      await store.patch(vmDef, 'default', 'real-a', { spec: { runStrategy: 'Halted' } })
      await waitForObject(store, vmiDef, 'default', 'real-a', (o) => !o, 30_000)
      await waitForObject(store, podDef, 'default', pod.metadata.name ?? '', (o) => !o, 30_000)
    } finally {
      unwatch()
    }
    // Graceful: the pod first got a deletionTimestamp with a grace period, then went.
    const terminating = podEvents.find(
      (e) => e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp,
    )
    expect(terminating?.object.metadata.deletionGracePeriodSeconds).toBeGreaterThan(0)
    expect(podEvents.at(-1)?.type).toBe('DELETED')
    expect(podsOf(vmi)).toEqual([])
    const stopped = await waitForObject(
      store,
      vmDef,
      'default',
      'real-a',
      (o) => statusOf(o).printableStatus === 'Stopped',
    )
    expect(statusOf(stopped).conditions?.find((c) => c.type === 'Ready')?.reason).toBe(
      'VMINotExists',
    )
  })

  it('reports kube-scheduler’s reason on the VMI when no node fits', async () => {
    await store.create(vmDef, vm('real-nowhere', { 'vmdeck.test/zone': 'nowhere' }))
    const vmi = await waitForObject(
      store,
      vmiDef,
      'default',
      'real-nowhere',
      (o) => statusOf(o).conditions?.some((c) => c.type === 'PodScheduled') ?? false,
      30_000,
    )
    const condition = statusOf(vmi).conditions?.find((c) => c.type === 'PodScheduled')
    expect(condition).toMatchObject({ status: 'False', reason: 'Unschedulable' })
    expect(condition?.message).toMatch(
      /^0\/2 nodes are available: 2 node\(s\) didn't match Pod's node affinity\/selector/,
    )
    expect(statusOf(vmi).phase).toBe('Scheduling')
    expect(statusOf(vmi).nodeName).toBeUndefined()
    await waitForObject(
      store,
      vmDef,
      'default',
      'real-nowhere',
      (o) => statusOf(o).printableStatus === 'ErrorUnschedulable',
    )
    // Deleting it cleans up (an unbound pod needs no kubelet to go).
    await store.delete(vmDef, 'default', 'real-nowhere')
    await waitForObject(store, vmDef, 'default', 'real-nowhere', (o) => !o, 30_000)
    expect(podsOf(vmi)).toEqual([])
  })

  it('live-migrates a VMI to the other node: the target pod’s anti-affinity keeps it off the source', async () => {
    await store.create(vmDef, vm('real-m'))
    const { vmi, pod: source } = await running('real-m')
    const sourceNode = statusOf(vmi).nodeName
    await store.create(vmimDef, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstanceMigration',
      metadata: { name: 'real-m-move', namespace: 'default' },
      spec: { vmiName: 'real-m' },
    })
    const migration = await waitForObject(
      store,
      vmimDef,
      'default',
      'real-m-move',
      (o) => ['Succeeded', 'Failed'].includes(statusOf(o).phase ?? ''),
      30_000,
    )
    expect(statusOf(migration).phase).toBe('Succeeded')
    const moved = await waitForObject(
      store,
      vmiDef,
      'default',
      'real-m',
      (o) => statusOf(o).migrationState?.completed === true,
    )
    const targetNode = statusOf(moved).nodeName
    expect(targetNode).toBeDefined()
    expect(targetNode).not.toBe(sourceNode)
    expect(statusOf(moved).migrationState).toMatchObject({ sourceNode, targetNode })
    expect(statusOf(moved).phase).toBe('Running')
    // The target pod: bound by kube-scheduler to the target node, with KubeVirt's anti-affinity.
    const target = podsOf(moved).find((p) => p.metadata.labels?.['kubevirt.io/migrationJobUID'])
    expect(target && nodeNameOf(target)).toBe(targetNode)
    expect((target?.spec as { affinity?: unknown }).affinity).toEqual({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchLabels: { 'kubevirt.io/created-by': vmi.metadata.uid } },
            topologyKey: 'kubernetes.io/hostname',
          },
        ],
      },
    })
    // The source pod goes (its virt-launcher is done); the VMI's interface has the target's IP.
    await waitForObject(store, podDef, 'default', source.metadata.name ?? '', (o) => !o, 30_000)
    const targetIP = (target?.status as { podIP?: string } | undefined)?.podIP
    expect(targetIP).toMatch(/^10\.244\./)
    await waitForObject(
      store,
      vmiDef,
      'default',
      'real-m',
      (o) => statusOf(o).interfaces?.[0]?.ipAddress === targetIP,
    )
    await expect
      .poll(() => store.list(eventDef, 'default').items.map((e) => e.reason))
      .toContain('Migrated')
  })
})
