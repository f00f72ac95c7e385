// KubeVirt's own virt-api and virt-controller (built from kubevirt.io/kubevirt) on the real
// control plane, with the simulator's virt-handler and kubelets as the nodes: what virt-operator
// would have installed, KubeVirt's admission, and a VM's life as virt-controller drives it.
import { describe, expect, it } from 'vitest'
import type { KObject } from '../kube/types.ts'
import type { Sim } from '../sim.ts'
import { testVm } from '../../test/test-vm.ts'
import { useSim } from '../../test/use-sim.ts'
import { requireDef } from '../controllers/context.ts'
import { waitForObject } from '../controllers/wait-for-object.ts'

let sim: Sim
useSim({ guests: 'none', seed: 'none', kubevirt: 'real' }, (test) => ({ sim } = test))

const def = (group: string, plural: string) => requireDef(sim.registry, group, plural)
const statusOf = (o: KObject | undefined) =>
  (o?.status ?? {}) as {
    phase?: string
    nodeName?: string
    printableStatus?: string
    conditions?: { type: string; status: string }[]
  }

const createVm = (body: KObject) =>
  sim.request('POST', '/apis/kubevirt.io/v1/namespaces/default/virtualmachines', { body })
const waitForVm = (name: string, printableStatus: string) =>
  waitForObject(
    sim.store,
    def('kubevirt.io', 'virtualmachines'),
    'default',
    name,
    (o) => statusOf(o).printableStatus === printableStatus,
    60_000,
  )

describe("KubeVirt's own components", () => {
  it('are installed as virt-operator installs them, and report Deployed', async () => {
    expect(sim.kubevirtComponents?.version).toMatch(/^v1\.\d+\.\d+$/)
    const kv = await sim.request(
      'GET',
      '/apis/kubevirt.io/v1/namespaces/kubevirt/kubevirts/kubevirt',
    )
    expect(kv.status).toBe(200)
    const status = statusOf(kv.body as KObject)
    expect(status.phase).toBe('Deployed')
    expect(status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Available', status: 'True' }),
    )
    const api = await sim.request(
      'GET',
      '/apis/apiregistration.k8s.io/v1/apiservices/v1.subresources.kubevirt.io',
    )
    expect(statusOf(api.body as KObject).conditions).toContainEqual(
      expect.objectContaining({ type: 'Available', status: 'True' }),
    )
    // virt-controller elects its leader through a Lease, as its Deployment's replicas do.
    const lease = await sim.request(
      'GET',
      '/apis/coordination.k8s.io/v1/namespaces/kubevirt/leases/virt-controller',
    )
    expect(lease.status).toBe(200)
    expect((lease.body as { spec?: { holderIdentity?: string } }).spec?.holderIdentity).toBeTruthy()
  })

  it("has each node's virt-handler heartbeat on its Node, as virt-controller's node controller reads it", async () => {
    const nodes = sim.store.list(def('', 'nodes')).items
    expect(nodes.length).toBeGreaterThan(0)
    for (const node of nodes) {
      expect(node.metadata.labels?.['kubevirt.io/schedulable']).toBe('true')
      const beat = Date.parse(node.metadata.annotations?.['kubevirt.io/heartbeat'] ?? '')
      expect(Date.now() - beat).toBeLessThan(5 * 60_000)
    }
  })

  it("refuses an invalid VM with KubeVirt's own admission message", async () => {
    const res = await createVm(testVm('bad-disk', 'Halted', { disk: 'nope' }))
    expect(res.status).toBe(422)
    expect(res.text).toContain("spec.template.spec.domain.devices.disks[0].Name 'nope' not found.")
    const stored = await sim.request(
      'GET',
      '/apis/kubevirt.io/v1/namespaces/default/virtualmachines/bad-disk',
    )
    expect(stored.status).toBe(404)
  })

  it('starts a VM through a launcher pod on a node, and stops it', async () => {
    expect((await createVm(testVm('life', 'Always'))).status).toBe(201)
    const running = await waitForVm('life', 'Running')
    expect(running).toBeDefined()
    const vmi = await sim.request(
      'GET',
      '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/life',
    )
    const vmiStatus = statusOf(vmi.body as KObject)
    expect(vmiStatus.phase).toBe('Running')
    expect(vmiStatus.nodeName).toMatch(/./)
    const pods = sim.store
      .list(def('', 'pods'), 'default')
      .items.filter(
        (p) => p.metadata.labels?.['kubevirt.io/created-by'] === (vmi.body as KObject).metadata.uid,
      )
    expect(pods).toHaveLength(1)
    expect((pods[0]?.spec as { nodeName?: string }).nodeName).toBe(vmiStatus.nodeName)

    const stop = await sim.request(
      'PUT',
      '/apis/subresources.kubevirt.io/v1/namespaces/default/virtualmachines/life/stop',
      { body: {} },
    )
    expect(stop.status, stop.text).toBe(202)
    await waitForVm('life', 'Stopped')
  })

  it('live-migrates a VM: virt-controller drives the migration, the node side hands it over', async () => {
    expect((await createVm(testVm('move', 'Always'))).status).toBe(201)
    await waitForVm('move', 'Running')
    const vmiPath = '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/move'
    const before = await sim.request('GET', vmiPath)
    const uid = (before.body as KObject).metadata.uid
    const source = statusOf(before.body as KObject).nodeName
    const migrate = await sim.request(
      'PUT',
      '/apis/subresources.kubevirt.io/v1/namespaces/default/virtualmachines/move/migrate',
      { body: {} },
    )
    expect(migrate.status, migrate.text).toBe(202)
    const migrations = def('kubevirt.io', 'virtualmachineinstancemigrations')
    const done = await new Promise<KObject>((resolve, reject) => {
      const timer = setTimeout(() => {
        stop()
        reject(new Error('the migration did not end within 60 s'))
      }, 60_000)
      const stop = sim.store.watch(migrations, 0, (e) => {
        const m = e.object
        const phase = statusOf(m).phase
        if ((m.spec as { vmiName?: string }).vmiName !== 'move') return
        if (phase !== 'Succeeded' && phase !== 'Failed') return
        clearTimeout(timer)
        stop()
        resolve(m)
      })
    })
    expect(statusOf(done).phase).toBe('Succeeded')
    const after = (await sim.request('GET', vmiPath)).body as KObject
    const moved = statusOf(after).nodeName
    expect(moved).not.toBe(source)
    expect(after.metadata.labels?.['kubevirt.io/nodeName']).toBe(moved)
    const state = (after.status as { migrationState?: Record<string, unknown> }).migrationState
    expect(state).toMatchObject({
      completed: true,
      sourceNode: source,
      targetNode: moved,
    })
    // Omitted, as KubeVirt's Go types encode a false `failed`: virt-controller's next hand-off
    // tests the stored migrationState against its own encoding.
    expect(state).not.toHaveProperty('failed')
    // The source's virt-launcher exited: its pod completed, the target's runs.
    const pods = sim.store
      .list(def('', 'pods'), 'default')
      .items.filter((p) => p.metadata.labels?.['kubevirt.io/created-by'] === uid)
    const phaseOn = (node: string | undefined) =>
      statusOf(pods.find((p) => (p.spec as { nodeName?: string }).nodeName === node)).phase
    expect(phaseOn(source)).toBe('Succeeded')
    expect(phaseOn(moved)).toBe('Running')
  })

  it('evacuates a VM on eviction, and again from the node it moved to', async () => {
    expect((await createVm(testVm('evacuee', 'Always'))).status).toBe(201)
    await waitForVm('evacuee', 'Running')
    const vmis = def('kubevirt.io', 'virtualmachineinstances')
    const vmiNow = () => sim.store.peek(vmis, 'default', 'evacuee')
    const uid = vmiNow()?.metadata.uid
    const launcherOn = (node: string | undefined) =>
      sim.store
        .list(def('', 'pods'), 'default')
        .items.find(
          (p) =>
            p.metadata.labels?.['kubevirt.io/created-by'] === uid &&
            (p.spec as { nodeName?: string }).nodeName === node &&
            statusOf(p).phase === 'Running',
        )
    for (let round = 1; round <= 2; round++) {
      const from = statusOf(vmiNow()).nodeName
      const pod = launcherOn(from)
      expect(pod, `round ${round}: the launcher on ${from}`).toBeDefined()
      // The Eviction API, as kubectl drain calls it: virt-api refuses it and marks the VMI.
      const evicted = await sim.request(
        'POST',
        `/api/v1/namespaces/default/pods/${pod!.metadata.name}/eviction`,
        {
          body: {
            apiVersion: 'policy/v1',
            kind: 'Eviction',
            metadata: { name: pod!.metadata.name, namespace: 'default' },
          },
        },
      )
      expect(evicted.status, evicted.text).toBe(429)
      expect((evicted.body as { message?: string }).message).toContain(
        'Eviction triggered evacuation of VMI "default/evacuee"',
      )
      const moved = await waitForObject(
        sim.store,
        vmis,
        'default',
        'evacuee',
        (o) =>
          statusOf(o).nodeName !== from &&
          (o?.status as { migrationState?: { completed?: boolean } }).migrationState?.completed ===
            true,
        60_000,
      )
      // The evacuation is over: the mark is gone, so a later eviction starts a new one.
      expect((moved?.status as { evacuationNodeName?: string }).evacuationNodeName).toBeUndefined()
    }
  }, 150_000)
})
