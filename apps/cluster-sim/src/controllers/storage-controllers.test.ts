// DataVolumes, snapshots, restores and clones (docs/KUBEVIRT-NOTES.md) in the simulator on the real
// control plane: CDI, KubeVirt's snapshot/restore/clone controllers and the storage vendor's
// parts (the provisioners, the CSI snapshotter) are the simulator's; the controller manager's PV
// controller binds every claim and its garbage collector takes what their owners leave.
import { describe, expect, it } from 'vitest'
import type { Kubectl } from '../cluster/kubectl.ts'
import type { KObject } from '../kube/types.ts'
import type { Sim } from '../sim.ts'
import { useSim } from '../../test/use-sim.ts'
import { requireDef } from './context.ts'
import { waitForObject } from './wait-for-object.ts'

let sim: Sim
let kubectl: Kubectl
useSim({ guests: 'none', kubevirt: 'sim' }, (test) => ({ sim, kubectl } = test))

const def = (group: string, plural: string) => requireDef(sim.registry, group, plural)
const vmDef = () => def('kubevirt.io', 'virtualmachines')
const vmiDef = () => def('kubevirt.io', 'virtualmachineinstances')
const dvDef = () => def('cdi.kubevirt.io', 'datavolumes')
const pvcDef = () => def('', 'persistentvolumeclaims')
const pvDef = () => def('', 'persistentvolumes')
const vsDef = () => def('snapshot.storage.k8s.io', 'volumesnapshots')
const vscDef = () => def('snapshot.storage.k8s.io', 'volumesnapshotcontents')
const snapshotDef = () => def('snapshot.kubevirt.io', 'virtualmachinesnapshots')
const contentDef = () => def('snapshot.kubevirt.io', 'virtualmachinesnapshotcontents')
const restoreDef = () => def('snapshot.kubevirt.io', 'virtualmachinerestores')
const cloneDef = () => def('clone.kubevirt.io', 'virtualmachineclones')

interface Status {
  phase?: string
  printableStatus?: string
  progress?: string
  readyToUse?: boolean
  complete?: boolean
  indications?: string[]
  restoreName?: string
  boundVolumeSnapshotContentName?: string
  restoreSize?: string
  restores?: { volumeName: string; persistentVolumeClaim: string; dataVolumeName?: string }[]
  snapshotVolumes?: { includedVolumes?: string[]; excludedVolumes?: string[] }
  conditions?: { type: string; status: string; reason?: string }[]
  snapshotInProgress?: string
}
const statusOf = (o: KObject | undefined) => (o?.status ?? {}) as Status
const specOf = (o: KObject | undefined) =>
  (o?.spec ?? {}) as {
    storageClassName?: string
    volumeName?: string
    dataSource?: { kind?: string; name?: string }
    claimRef?: { name?: string; uid?: string }
    hostPath?: { path?: string }
    csi?: { driver?: string }
    runStrategy?: string
    dataVolumeTemplates?: { metadata: { name: string } }[]
    template?: {
      spec?: {
        domain?: { firmware?: { uuid?: string } }
        volumes?: { name: string; dataVolume?: { name: string } }[]
      }
    }
  }
const gone = (o: KObject | undefined) => o === undefined
const wait = (
  resource: () => ReturnType<typeof def>,
  namespace: string | undefined,
  name: string,
  check: (o: KObject | undefined) => boolean,
  ms = 30_000,
) => waitForObject(sim.store, resource(), namespace, name, check, ms)
const waitForVm = (namespace: string, name: string, printableStatus: string) =>
  wait(vmDef, namespace, name, (o) => statusOf(o).printableStatus === printableStatus)
const rootDataVolume = (vm: KObject | undefined) =>
  specOf(vm).template?.spec?.volumes?.find((v) => v.name === 'rootdisk')?.dataVolume?.name ?? ''
const post = async (path: string, body: unknown) => {
  const res = await sim.request('POST', path, { body })
  expect(res.status, res.text).toBe(201)
}

/** A stopped VM whose root disk is a blank DataVolume on the CSI class, plus a cloud-init disk. */
function vmWithDisk(name: string): KObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      runStrategy: 'Halted',
      dataVolumeTemplates: [
        {
          metadata: { name: `${name}-root` },
          spec: {
            source: { blank: {} },
            storage: {
              storageClassName: 'csi-hostpath-sc',
              resources: { requests: { storage: '1Gi' } },
            },
          },
        },
      ],
      template: {
        spec: {
          domain: {
            memory: { guest: '128Mi' },
            devices: {
              disks: [
                { name: 'rootdisk', disk: { bus: 'virtio' } },
                { name: 'cloudinit', disk: { bus: 'virtio' } },
              ],
              interfaces: [{ name: 'default', masquerade: {}, macAddress: '02:00:00:00:00:01' }],
            },
          },
          networks: [{ name: 'default', pod: {} }],
          volumes: [
            { name: 'rootdisk', dataVolume: { name: `${name}-root` } },
            { name: 'cloudinit', cloudInitNoCloud: { userData: '#cloud-config\n' } },
          ],
        },
      },
    },
  }
}

describe('the demo fleet', () => {
  it('shows VMs in several states, instancetypes, preferences and VLANs', async () => {
    await waitForVm('prod', 'cache-01', 'Paused')
    await waitForVm('prod', 'analytics', 'Provisioning')
    await waitForVm('dev', 'bigmem-test', 'ErrorUnschedulable')
    expect(await kubectl('get', 'vmcf', '-o', 'name')).toContain(
      'virtualmachineclusterinstancetype.instancetype.kubevirt.io/u1.medium',
    )
    expect(await kubectl('get', 'vmcps', '-o', 'name')).toContain(
      'virtualmachineclusterpreference.instancetype.kubevirt.io/fedora',
    )
    expect(await kubectl('get', 'net-attach-def', '-n', 'prod', '-o', 'name')).toContain(
      'vlan100-net',
    )
    // The instancetype's CPU and memory reach the VMI; the VLAN is a Multus interface.
    const vmi = sim.store.get(vmiDef(), 'prod', 'cache-01')
    expect(vmi.spec).toMatchObject({ domain: { cpu: { sockets: 1 }, memory: { guest: '2Gi' } } })
    expect(
      (vmi.status as { interfaces: { name: string; infoSource: string }[] }).interfaces[1],
    ).toMatchObject({ name: 'vlan100', infoSource: expect.stringContaining('multus-status') })
  })
})

describe('DataVolumes', () => {
  it('imports with "NN.NN%" progress onto a claim the controller manager binds to a local-path volume', async () => {
    await post('/apis/cdi.kubevirt.io/v1beta1/namespaces/default/datavolumes', {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name: 'fedora-http', annotations: { 'cdi.vmdeck.io/import-seconds': '2' } },
      spec: {
        source: { http: { url: 'https://example.org/fedora.qcow2' } },
        storage: { resources: { requests: { storage: '2Gi' } } },
      },
    })
    const seen = new Set<string>()
    await wait(dvDef, 'default', 'fedora-http', (o) => {
      if (statusOf(o).progress) seen.add(statusOf(o).progress ?? '')
      return statusOf(o).phase === 'Succeeded'
    })
    expect([...seen].some((p) => /^\d{1,2}\.\d\d%$/.test(p) && p !== '0.00%')).toBe(true)
    expect(
      await kubectl(
        'get',
        'dv',
        '-n',
        'default',
        'fedora-http',
        '-o',
        'jsonpath={.status.progress} {.status.phase}',
      ),
    ).toBe('100.0% Succeeded')

    const pvc = sim.store.get(pvcDef(), 'default', 'fedora-http')
    expect(statusOf(pvc).phase).toBe('Bound')
    // kube-apiserver's DefaultStorageClass admission chose the class; the PV controller marked
    // the claim for the class's provisioner and recorded the binding it made.
    expect(specOf(pvc).storageClassName).toBe('local-path')
    expect(pvc.metadata.annotations).toMatchObject({
      'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
      'pv.kubernetes.io/bind-completed': 'yes',
    })
    expect(pvc.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'DataVolume',
      name: 'fedora-http',
    })
    const pv = await wait(pvDef, undefined, specOf(pvc).volumeName ?? '', (o) => {
      return statusOf(o).phase === 'Bound'
    })
    expect(pv?.metadata.name).toBe(`pvc-${pvc.metadata.uid ?? ''}`)
    expect(pv?.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).toBe(
      'rancher.io/local-path',
    )
    expect(specOf(pv).hostPath?.path).toMatch(/_default_fedora-http$/)
    expect(specOf(pv).claimRef).toMatchObject({ name: 'fedora-http', uid: pvc.metadata.uid })
  })
})

describe('snapshots and restores of a running VM', () => {
  it('snapshots it online and refuses to restore it until it is stopped', async () => {
    await waitForVm('prod', 'web-01', 'Running')
    const base = '/apis/snapshot.kubevirt.io/v1beta1/namespaces/prod'
    await post(`${base}/virtualmachinesnapshots`, {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineSnapshot',
      metadata: { name: 'web-01-snap' },
      spec: { source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'web-01' } },
    })
    const snap = await wait(
      snapshotDef,
      'prod',
      'web-01-snap',
      (o) => statusOf(o).phase === 'Succeeded',
    )
    expect(snap?.status).toMatchObject({ readyToUse: true, indications: ['Online', 'GuestAgent'] })
    expect(await kubectl('get', 'vmsnapshot', '-n', 'prod', 'web-01-snap', '--no-headers')).toMatch(
      /VirtualMachine\s+web-01\s+Succeeded\s+true/,
    )

    const restore = (name: string, extra: Record<string, unknown> = {}) =>
      post(`${base}/virtualmachinerestores`, {
        apiVersion: 'snapshot.kubevirt.io/v1beta1',
        kind: 'VirtualMachineRestore',
        metadata: { name },
        spec: {
          target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'web-01' },
          virtualMachineSnapshotName: 'web-01-snap',
          ...extra,
        },
      })
    await restore('web-01-restore', { targetReadinessPolicy: 'FailImmediate' })
    const failed = await wait(restoreDef, 'prod', 'web-01-restore', (o) =>
      (statusOf(o).conditions ?? []).some((c) => c.type === 'Failure' && c.status === 'True'),
    )
    expect(failed?.status).toMatchObject({
      complete: false,
      conditions: expect.arrayContaining([
        expect.objectContaining({
          type: 'Failure',
          reason: 'Restore target VMI must be powered off before restore operation',
        }),
      ]),
    })

    // WaitGracePeriod (the default) waits for the VM to stop, then restores.
    await restore('web-01-restore-2')
    const waiting = await wait(restoreDef, 'prod', 'web-01-restore-2', (o) =>
      (statusOf(o).conditions ?? []).some(
        (c) =>
          c.type === 'Ready' && !!c.reason?.startsWith('Waiting for target VM to be powered off'),
      ),
    )
    expect(waiting?.status).toMatchObject({ complete: false })
    const stop = await sim.request(
      'PUT',
      '/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachines/web-01/stop',
      { body: {} },
    )
    expect(stop.status).toBe(202)
    await wait(restoreDef, 'prod', 'web-01-restore-2', (o) => statusOf(o).complete === true)
    expect(
      await kubectl(
        'wait',
        '-n',
        'prod',
        'vmrestore/web-01-restore-2',
        '--for=condition=Ready',
        '--timeout=10s',
      ),
    ).toContain('condition met')
  })
})

describe('snapshots, restores and clones of a VM with a CSI disk', () => {
  /** The volume of the DataVolume a restore replaced. */
  let replacedVolume = ''

  it('snapshots a stopped VM: a ready CSI VolumeSnapshot of its disk', async () => {
    await sim.store.create(vmDef(), vmWithDisk('db'))
    await wait(dvDef, 'default', 'db-root', (o) => statusOf(o).phase === 'Succeeded')
    await sim.store.create(snapshotDef(), {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineSnapshot',
      metadata: { name: 'db-snap', namespace: 'default' },
      spec: { source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'db' } },
    })
    const snap = await wait(snapshotDef, 'default', 'db-snap', (o) => !!statusOf(o).readyToUse)
    expect(statusOf(snap)).toMatchObject({
      phase: 'Succeeded',
      snapshotVolumes: { includedVolumes: ['rootdisk'], excludedVolumes: ['cloudinit'] },
    })
    const vsName = `vmsnapshot-${snap?.metadata.uid ?? ''}-volume-rootdisk`
    const vs = await wait(vsDef, 'default', vsName, (o) => !!statusOf(o).readyToUse)
    expect(statusOf(vs)).toMatchObject({ readyToUse: true, restoreSize: '1Gi' })
    expect(vs?.spec).toMatchObject({
      source: { persistentVolumeClaimName: 'db-root' },
      volumeSnapshotClassName: 'csi-hostpath-snapclass',
    })
    const vsc = sim.store.get(
      vscDef(),
      undefined,
      statusOf(vs).boundVolumeSnapshotContentName ?? '',
    )
    expect(vsc.spec).toMatchObject({ driver: 'hostpath.csi.k8s.io', deletionPolicy: 'Delete' })
    expect(statusOf(vsc).readyToUse).toBe(true)
    const content = sim.store.get(
      contentDef(),
      'default',
      `vmsnapshot-content-${snap?.metadata.uid ?? ''}`,
    )
    expect(statusOf(content).readyToUse).toBe(true)
    // The VM is unlocked again.
    await wait(vmDef, 'default', 'db', (o) => statusOf(o).snapshotInProgress === undefined)
  })

  it('restores the VM onto a claim made from the VolumeSnapshot', async () => {
    replacedVolume = specOf(sim.store.get(pvcDef(), 'default', 'db-root')).volumeName ?? ''
    await sim.store.create(restoreDef(), {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineRestore',
      metadata: { name: 'db-restore', namespace: 'default' },
      spec: {
        target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'db' },
        virtualMachineSnapshotName: 'db-snap',
      },
    })
    const restore = await wait(restoreDef, 'default', 'db-restore', (o) => !!statusOf(o).complete)
    const restored = `restore-${restore?.metadata.uid ?? ''}-rootdisk`
    expect(statusOf(restore).restores).toEqual([
      expect.objectContaining({
        volumeName: 'rootdisk',
        persistentVolumeClaim: restored,
        dataVolumeName: restored,
      }),
    ])
    const vm = await wait(vmDef, 'default', 'db', (o) => rootDataVolume(o) === restored)
    expect(specOf(vm).dataVolumeTemplates?.map((t) => t.metadata.name)).toEqual([restored])
    expect(specOf(vm).runStrategy).toBe('Halted')
    const pvc = await wait(pvcDef, 'default', restored, (o) => statusOf(o).phase === 'Bound')
    expect(specOf(pvc).dataSource).toMatchObject({ kind: 'VolumeSnapshot' })
    expect(
      specOf(sim.store.get(pvDef(), undefined, specOf(pvc).volumeName ?? '')).csi?.driver,
    ).toBe('hostpath.csi.k8s.io')
    // CDI adopted the restored claim for the new DataVolume; the replaced one goes.
    const dv = await wait(dvDef, 'default', restored, (o) => statusOf(o).phase === 'Succeeded')
    expect(dv?.metadata.annotations?.['cdi.kubevirt.io/storage.prePopulated']).toBe('true')
    expect(
      sim.store.get(pvcDef(), 'default', restored).metadata.ownerReferences?.[0],
    ).toMatchObject({ kind: 'DataVolume', name: restored })
    // The replaced DataVolume goes (its claim and volume: the last test).
    await wait(dvDef, 'default', 'db-root', gone)
  })

  it('clones the VM through a temporary snapshot and restore', async () => {
    await sim.store.create(cloneDef(), {
      apiVersion: 'clone.kubevirt.io/v1beta1',
      kind: 'VirtualMachineClone',
      metadata: { name: 'db-clone', namespace: 'default' },
      spec: {
        source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'db' },
        target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'db-copy' },
      },
    })
    const clone = await wait(
      cloneDef,
      'default',
      'db-clone',
      (o) => statusOf(o).phase === 'Succeeded' && !statusOf(o).restoreName,
    )
    const copy = sim.store.get(vmDef(), 'default', 'db-copy')
    expect(specOf(copy).runStrategy).toBe('Halted')
    const disk = rootDataVolume(copy)
    expect(disk).toMatch(/^restore-.+-rootdisk$/)
    expect(disk).not.toBe(rootDataVolume(sim.store.get(vmDef(), 'default', 'db')))
    await wait(pvcDef, 'default', disk, (o) => statusOf(o).phase === 'Bound')
    // A machine of its own: the source's MAC address is not copied.
    expect(JSON.stringify(copy.spec)).not.toContain('02:00:00:00:00:01')
    // The temporary snapshot and restore are gone.
    const uid = clone?.metadata.uid ?? ''
    await wait(snapshotDef, 'default', `tmp-snapshot-${uid}`, gone)
    await wait(restoreDef, 'default', `tmp-restore-${uid}`, gone)
  })

  it(
    'deletes a snapshot with its VolumeSnapshots and their contents',
    { timeout: 100_000 },
    async () => {
      const snap = sim.store.get(snapshotDef(), 'default', 'db-snap')
      const vsName = `vmsnapshot-${snap.metadata.uid ?? ''}-volume-rootdisk`
      const vscName =
        statusOf(sim.store.get(vsDef(), 'default', vsName)).boundVolumeSnapshotContentName ?? ''
      await sim.store.delete(snapshotDef(), 'default', 'db-snap')
      // The VirtualMachineSnapshotContent goes with it; the garbage collector takes the
      // VolumeSnapshots it owns (see the last test for how long it may take to learn of a new
      // CRD), and the snapshotter their contents before releasing them.
      await wait(contentDef, 'default', `vmsnapshot-content-${snap.metadata.uid ?? ''}`, gone)
      await wait(vsDef, 'default', vsName, gone, 90_000)
      await wait(vscDef, undefined, vscName, gone)
    },
  )

  it('releases the replaced claim and deletes its volume', { timeout: 100_000 }, async () => {
    // The garbage collector deletes the claim of the deleted DataVolume; it learns of a CRD's
    // resource at its discovery resync (every 30 s), so a claim owned by a DataVolume made just
    // after the CRDs were installed can take that long. The controller manager then releases
    // the volume, and the CSI provisioner deletes a released volume of a Delete class.
    await wait(pvcDef, 'default', 'db-root', gone, 90_000)
    await wait(pvDef, undefined, replacedVolume, gone, 10_000)
  })
})

describe('clones of a running VM', () => {
  it('clones a VM with a new identity and honours label filters and patches', async () => {
    await sim.store.patch(vmDef(), 'prod', 'db-01', {
      metadata: { labels: { 'keep.me/team': 'dba', 'drop.me/owner': 'x' } },
    })
    await wait(vmDef, 'prod', 'db-01', (o) => o?.metadata.labels?.['keep.me/team'] === 'dba')
    await post('/apis/clone.kubevirt.io/v1beta1/namespaces/prod/virtualmachineclones', {
      apiVersion: 'clone.kubevirt.io/v1beta1',
      kind: 'VirtualMachineClone',
      metadata: { name: 'db-01-clone' },
      spec: {
        source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'db-01' },
        target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'db-02' },
        labelFilters: ['*', '!drop.me/*'],
        patches: ['{"op":"add","path":"/spec/runStrategy","value":"Manual"}'],
      },
    })
    const phases: string[] = []
    await wait(cloneDef, 'prod', 'db-01-clone', (o) => {
      const phase = statusOf(o).phase
      if (phase && phases.at(-1) !== phase) phases.push(phase)
      return phase === 'Succeeded'
    })
    // KubeVirt's order: a temporary snapshot, then a restore of it; the pass that sees the
    // restore complete finds the target VM made and goes through CreatingTargetVM at once.
    expect(phases).toEqual(['SnapshotInProgress', 'RestoreInProgress', 'Succeeded'])
    const clone = await wait(vmDef, 'prod', 'db-02', (o) => !!o)
    // spec.patches were applied to the new VM (the source runs with Always).
    expect(specOf(clone).runStrategy).toBe('Manual')
    expect(clone?.metadata.labels).toMatchObject({ 'keep.me/team': 'dba', tier: 'db' })
    expect(clone?.metadata.labels).not.toHaveProperty('drop.me/owner')
    const uuid = (vm: KObject | undefined) => specOf(vm).template?.spec?.domain?.firmware?.uuid
    const sourceVmi = sim.store.get(vmiDef(), 'prod', 'db-01')
    expect(uuid(clone)).toMatch(/^[0-9a-f-]{36}$/)
    expect(uuid(clone)).not.toBe(
      (sourceVmi.spec as { domain: { firmware: { uuid: string } } }).domain.firmware.uuid,
    )
  })
})
