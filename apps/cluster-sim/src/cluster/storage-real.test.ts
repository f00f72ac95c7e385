import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Registry, type ResourceDef } from '../apiserver/registry.ts'
import type { KObject } from '../apiserver/types.ts'
import { waitForObject } from '../controllers/wait-for-object.ts'
import { demoStorage } from '../kubevirt/demo-storage.ts'
import { startKubevirt, type Kubevirt } from '../kubevirt/kubevirt.ts'
import { coreResources } from '../resources/core-resources.ts'
import { kubevirtResources } from '../resources/kubevirt-resources.ts'
import { operatorResources } from '../resources/operator-resources.ts'
import { platformResources } from '../resources/platform-resources.ts'
import { createSeed } from './bootstrap.ts'
import { ClusterStore } from './cluster-store.ts'
import { startControlPlane, type ControlPlane } from './control-plane.ts'
import { KubeClient } from './kube-client.ts'

// CDI, KubeVirt's snapshot/restore/clone controllers and the storage vendor's parts (the
// provisioners, the CSI snapshotter) against the real control plane: the controller manager's
// PV controller binds every claim in this file; nothing in this process binds one.

const used = new Set([
  '/namespaces',
  '/nodes',
  '/pods',
  '/events',
  '/persistentvolumeclaims',
  '/persistentvolumes',
  'storage.k8s.io/storageclasses',
  'snapshot.storage.k8s.io/volumesnapshots',
  'snapshot.storage.k8s.io/volumesnapshotcontents',
  'snapshot.storage.k8s.io/volumesnapshotclasses',
  'kubevirt.io/virtualmachines',
  'kubevirt.io/virtualmachineinstances',
  'kubevirt.io/virtualmachineinstancemigrations',
  'cdi.kubevirt.io/datavolumes',
  'snapshot.kubevirt.io/virtualmachinesnapshots',
  'snapshot.kubevirt.io/virtualmachinesnapshotcontents',
  'snapshot.kubevirt.io/virtualmachinerestores',
  'clone.kubevirt.io/virtualmachineclones',
])
const registry = new Registry()
for (const def of [
  ...coreResources,
  ...platformResources,
  ...kubevirtResources,
  ...operatorResources,
])
  if (used.has(`${def.group}/${def.plural}`)) registry.add(def)
const def = (group: string, plural: string): ResourceDef => {
  const found = registry.defs.find((d) => d.group === group && d.plural === plural)
  if (!found) throw new Error(`${plural} is not registered`)
  return found
}
const vmDef = def('kubevirt.io', 'virtualmachines')
const dvDef = def('cdi.kubevirt.io', 'datavolumes')
const pvcDef = def('', 'persistentvolumeclaims')
const pvDef = def('', 'persistentvolumes')
const vsDef = def('snapshot.storage.k8s.io', 'volumesnapshots')
const vscDef = def('snapshot.storage.k8s.io', 'volumesnapshotcontents')
const snapshotDef = def('snapshot.kubevirt.io', 'virtualmachinesnapshots')
const contentDef = def('snapshot.kubevirt.io', 'virtualmachinesnapshotcontents')
const restoreDef = def('snapshot.kubevirt.io', 'virtualmachinerestores')
const cloneDef = def('clone.kubevirt.io', 'virtualmachineclones')

let stateDir: string
let controlPlane: ControlPlane
let client: KubeClient
let store: ClusterStore
let kubevirt: Kubevirt
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-storage-real-'))
  controlPlane = await startControlPlane({ stateDir: join(stateDir, 'controlplane') })
  client = new KubeClient({
    url: controlPlane.info.url,
    ca: controlPlane.ca,
    token: controlPlane.info.tokens['cluster-sim'] ?? '',
  })
  // The demo's StorageClasses (local-path the default) and VolumeSnapshotClass.
  await createSeed(
    client,
    {
      find: (group, plural) => registry.defs.find((d) => d.group === group && d.plural === plural),
    },
    demoStorage(),
  )
  store = new ClusterStore(client)
  await store.sync(registry.defs)
  kubevirt = startKubevirt({
    registry,
    store,
    cluster: 'real',
    guests: 'none',
    imageDir: join(stateDir, 'no-image'),
    stateDir,
  })
}, 120_000)
afterAll(async () => {
  await kubevirt?.close()
  store?.close()
  client?.close()
  await controlPlane?.stop()
  rmSync(stateDir, { recursive: true, force: true })
})

interface Status {
  phase?: string
  progress?: string
  readyToUse?: boolean
  complete?: boolean
  restoreName?: string
  snapshotName?: string
  boundVolumeSnapshotContentName?: string
  restoreSize?: string
  restores?: { volumeName: string; persistentVolumeClaim: string; dataVolumeName?: string }[]
  snapshotVolumes?: { includedVolumes?: string[]; excludedVolumes?: string[] }
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
    template?: { spec?: { volumes?: { name: string; dataVolume?: { name: string } }[] } }
  }
const wait = (
  resource: ResourceDef,
  name: string,
  check: (o: KObject | undefined) => boolean,
  namespace: string | undefined = 'default',
) => waitForObject(store, resource, namespace, name, check, 30_000)
const rootDataVolume = (vm: KObject | undefined) =>
  specOf(vm).template?.spec?.volumes?.find((v) => v.name === 'rootdisk')?.dataVolume?.name ?? ''

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

describe('DataVolumes on the real control plane', () => {
  it('imports onto a claim the controller manager binds to a local-path volume', async () => {
    await store.create(dvDef, {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: {
        name: 'fedora',
        namespace: 'default',
        annotations: { 'cdi.vmdeck.io/import-seconds': '1' },
      },
      spec: {
        source: { http: { url: 'https://example.org/fedora.qcow2' } },
        storage: { resources: { requests: { storage: '2Gi' } } },
      },
    })
    const dv = await wait(dvDef, 'fedora', (o) => statusOf(o).phase === 'Succeeded')
    expect(statusOf(dv).progress).toBe('100.0%')

    const pvc = store.get(pvcDef, 'default', 'fedora')
    expect(statusOf(pvc).phase).toBe('Bound')
    // kube-apiserver's DefaultStorageClass admission chose the class; the PV controller marked
    // the claim for the class's provisioner and recorded the binding it made.
    expect(specOf(pvc).storageClassName).toBe('local-path')
    expect(pvc.metadata.annotations).toMatchObject({
      'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
      'pv.kubernetes.io/bind-completed': 'yes',
    })
    expect(pvc.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DataVolume', name: 'fedora' })

    const pv = await wait(
      pvDef,
      specOf(pvc).volumeName ?? '',
      (o) => statusOf(o).phase === 'Bound',
      undefined,
    )
    expect(pv?.metadata.name).toBe(`pvc-${pvc.metadata.uid ?? ''}`)
    expect(pv?.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).toBe(
      'rancher.io/local-path',
    )
    expect(specOf(pv).hostPath?.path).toMatch(/_default_fedora$/)
    expect(specOf(pv).claimRef).toMatchObject({ name: 'fedora', uid: pvc.metadata.uid })
  })
})

describe('snapshots, restores and clones on the real control plane', () => {
  /** The volume of the DataVolume a restore replaced. */
  let replacedVolume = ''

  it('snapshots a stopped VM: a ready CSI VolumeSnapshot of its disk', async () => {
    await store.create(vmDef, vmWithDisk('db'))
    await wait(dvDef, 'db-root', (o) => statusOf(o).phase === 'Succeeded')
    await store.create(snapshotDef, {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineSnapshot',
      metadata: { name: 'db-snap', namespace: 'default' },
      spec: { source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'db' } },
    })
    const snap = await wait(snapshotDef, 'db-snap', (o) => statusOf(o).readyToUse === true)
    expect(statusOf(snap)).toMatchObject({
      phase: 'Succeeded',
      snapshotVolumes: { includedVolumes: ['rootdisk'], excludedVolumes: ['cloudinit'] },
    })
    const vsName = `vmsnapshot-${snap?.metadata.uid ?? ''}-volume-rootdisk`
    const vs = store.get(vsDef, 'default', vsName)
    expect(statusOf(vs)).toMatchObject({ readyToUse: true, restoreSize: '1Gi' })
    expect(vs.spec).toMatchObject({
      source: { persistentVolumeClaimName: 'db-root' },
      volumeSnapshotClassName: 'csi-hostpath-snapclass',
    })
    const vsc = store.get(vscDef, undefined, statusOf(vs).boundVolumeSnapshotContentName ?? '')
    expect(vsc.spec).toMatchObject({ driver: 'hostpath.csi.k8s.io', deletionPolicy: 'Delete' })
    expect(statusOf(vsc).readyToUse).toBe(true)
    const content = store.get(
      contentDef,
      'default',
      `vmsnapshot-content-${snap?.metadata.uid ?? ''}`,
    )
    expect(statusOf(content).readyToUse).toBe(true)
    // The VM is unlocked again.
    await wait(
      vmDef,
      'db',
      (o) =>
        (o?.status as { snapshotInProgress?: string } | undefined)?.snapshotInProgress ===
        undefined,
    )
  })

  it('restores the VM onto a claim made from the VolumeSnapshot', async () => {
    replacedVolume = specOf(store.get(pvcDef, 'default', 'db-root')).volumeName ?? ''
    await store.create(restoreDef, {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineRestore',
      metadata: { name: 'db-restore', namespace: 'default' },
      spec: {
        target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'db' },
        virtualMachineSnapshotName: 'db-snap',
      },
    })
    const restore = await wait(restoreDef, 'db-restore', (o) => statusOf(o).complete === true)
    const restored = `restore-${restore?.metadata.uid ?? ''}-rootdisk`
    expect(statusOf(restore).restores).toEqual([
      expect.objectContaining({
        volumeName: 'rootdisk',
        persistentVolumeClaim: restored,
        dataVolumeName: restored,
      }),
    ])
    const vm = store.get(vmDef, 'default', 'db')
    expect(rootDataVolume(vm)).toBe(restored)
    expect(specOf(vm).dataVolumeTemplates?.map((t) => t.metadata.name)).toEqual([restored])
    expect(specOf(vm).runStrategy).toBe('Halted')
    const pvc = store.get(pvcDef, 'default', restored)
    expect(statusOf(pvc).phase).toBe('Bound')
    expect(specOf(pvc).dataSource).toMatchObject({ kind: 'VolumeSnapshot' })
    expect(specOf(store.get(pvDef, undefined, specOf(pvc).volumeName ?? '')).csi?.driver).toBe(
      'hostpath.csi.k8s.io',
    )
    // CDI adopted the restored claim for the new DataVolume; the replaced one goes.
    const dv = await wait(dvDef, restored, (o) => statusOf(o).phase === 'Succeeded')
    expect(dv?.metadata.annotations?.['cdi.kubevirt.io/storage.prePopulated']).toBe('true')
    expect(store.get(pvcDef, 'default', restored).metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'DataVolume',
      name: restored,
    })
    // The replaced DataVolume goes (its claim and volume: the last test).
    await wait(dvDef, 'db-root', (o) => o === undefined)
  })

  it('clones the VM through a temporary snapshot and restore', async () => {
    await store.create(cloneDef, {
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
      'db-clone',
      (o) => statusOf(o).phase === 'Succeeded' && !statusOf(o).restoreName,
    )
    const copy = store.get(vmDef, 'default', 'db-copy')
    expect(specOf(copy).runStrategy).toBe('Halted')
    const disk = rootDataVolume(copy)
    expect(disk).toMatch(/^restore-.+-rootdisk$/)
    expect(disk).not.toBe(rootDataVolume(store.get(vmDef, 'default', 'db')))
    expect(statusOf(store.get(pvcDef, 'default', disk)).phase).toBe('Bound')
    // A machine of its own: the source's MAC address is not copied.
    expect(JSON.stringify(copy.spec)).not.toContain('02:00:00:00:00:01')
    // The temporary snapshot and restore are gone.
    const uid = clone?.metadata.uid ?? ''
    await wait(snapshotDef, `tmp-snapshot-${uid}`, (o) => o === undefined)
    expect(store.peek(restoreDef, 'default', `tmp-restore-${uid}`)).toBeUndefined()
  })

  it(
    'deletes a snapshot with its VolumeSnapshots and their contents',
    { timeout: 100_000 },
    async () => {
      const snap = store.get(snapshotDef, 'default', 'db-snap')
      const vsName = `vmsnapshot-${snap.metadata.uid ?? ''}-volume-rootdisk`
      const vscName =
        statusOf(store.get(vsDef, 'default', vsName)).boundVolumeSnapshotContentName ?? ''
      await store.delete(snapshotDef, 'default', 'db-snap')
      // The VirtualMachineSnapshotContent goes with it; the garbage collector takes the
      // VolumeSnapshots it owns (see the last test for how long it may take to learn of a new
      // CRD), and the snapshotter their contents before releasing them.
      const gone = (o: KObject | undefined) => o === undefined
      await wait(contentDef, `vmsnapshot-content-${snap.metadata.uid ?? ''}`, gone)
      await waitForObject(store, vsDef, 'default', vsName, gone, 90_000)
      expect(store.peek(vscDef, undefined, vscName)).toBeUndefined()
    },
  )

  it('releases the replaced claim and deletes its volume', { timeout: 100_000 }, async () => {
    // The garbage collector deletes the claim of the deleted DataVolume; it learns of a CRD's
    // resource at its discovery resync (every 30 s), so a claim owned by a DataVolume made just
    // after the CRDs were installed can take that long. The controller manager then releases
    // the volume, and the CSI provisioner deletes a released volume of a Delete class.
    const gone = (o: KObject | undefined) => o === undefined
    await waitForObject(store, pvcDef, 'default', 'db-root', gone, 90_000)
    await waitForObject(store, pvDef, undefined, replacedVolume, gone, 10_000)
  })
})
