// DataVolumes, snapshots, restores and clones (API.md §5, §6) through kubectl and the API,
// with the demo fleet's instancetypes, preferences and VLANs.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KObject } from '../apiserver/types.ts'
import { startSim, type Sim } from '../builtin-sim.ts'
import { waitForObject } from './wait-for-object.ts'

const run = promisify(execFile)
let sim: Sim
let stateDir: string
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-storage-test-'))
  sim = await startSim({ stateDir, port: 0, guests: 'none' })
})
afterAll(async () => {
  await sim.close()
  rmSync(stateDir, { recursive: true, force: true })
})

const kubectl = async (...args: string[]) =>
  (await run('kubectl', ['--kubeconfig', sim.kubeconfigPath, ...args])).stdout
const def = (group: string, plural: string) =>
  sim.registry.defs.find((d) => d.group === group && d.plural === plural)!
const waitFor = (
  group: string,
  plural: string,
  namespace: string,
  name: string,
  check: (o: KObject | undefined) => boolean,
) => waitForObject(sim.store, def(group, plural), namespace, name, check, 20_000)
const printable = (o: KObject | undefined) =>
  (o?.status as { printableStatus?: string } | undefined)?.printableStatus
const post = (path: string, body: unknown) => sim.request('POST', path, { body })

describe('the demo fleet', () => {
  it('shows VMs in several states, instancetypes, preferences and VLANs', async () => {
    await waitFor(
      'kubevirt.io',
      'virtualmachines',
      'prod',
      'cache-01',
      (o) => printable(o) === 'Paused',
    )
    await waitFor(
      'kubevirt.io',
      'virtualmachines',
      'prod',
      'analytics',
      (o) => printable(o) === 'Provisioning',
    )
    await waitFor(
      'kubevirt.io',
      'virtualmachines',
      'dev',
      'bigmem-test',
      (o) => printable(o) === 'ErrorUnschedulable',
    )
    expect(await kubectl('get', 'vmcf', '-o', 'name')).toContain(
      'virtualmachineclusterinstancetype.instancetype.kubevirt.io/u1.medium',
    )
    expect(await kubectl('get', 'vmcps', '-o', 'name')).toContain(
      'virtualmachineclusterpreference.instancetype.kubevirt.io/fedora',
    )
    expect(await kubectl('get', 'net-attach-def', '-n', 'prod', '-o', 'name')).toContain(
      'vlan100-net',
    )
    // The instancetype's CPU and memory reach the VMI.
    const vmi = sim.store.get(def('kubevirt.io', 'virtualmachineinstances'), 'prod', 'cache-01')
    expect(vmi.spec).toMatchObject({ domain: { cpu: { sockets: 1 }, memory: { guest: '2Gi' } } })
    expect(
      (vmi.status as { interfaces: { name: string; infoSource: string }[] }).interfaces[1],
    ).toMatchObject({
      name: 'vlan100',
      infoSource: expect.stringContaining('multus-status'),
    })
  })

  it('imports a DataVolume with "NN.NN%" progress up to "100.0%" and Succeeded', async () => {
    await post('/apis/cdi.kubevirt.io/v1beta1/namespaces/default/datavolumes', {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name: 'fedora-http', annotations: { 'cdi.vmdeck.io/import-seconds': '2' } },
      spec: {
        source: { http: { url: 'https://example.org/fedora.qcow2' } },
        storage: { resources: { requests: { storage: '10Gi' } } },
      },
    })
    const seen = new Set<string>()
    await waitFor('cdi.kubevirt.io', 'datavolumes', 'default', 'fedora-http', (o) => {
      const s = o?.status as { phase?: string; progress?: string } | undefined
      if (s?.progress) seen.add(s.progress)
      return s?.phase === 'Succeeded'
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
    expect(
      await kubectl('get', 'pvc', '-n', 'default', 'fedora-http', '-o', 'jsonpath={.status.phase}'),
    ).toBe('Bound')
  })
})

describe('snapshots and restores', () => {
  it('snapshots a running VM (Online indication) and refuses to restore it until it is stopped', async () => {
    await waitFor(
      'kubevirt.io',
      'virtualmachines',
      'prod',
      'web-01',
      (o) => printable(o) === 'Running',
    )
    await post('/apis/snapshot.kubevirt.io/v1beta1/namespaces/prod/virtualmachinesnapshots', {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineSnapshot',
      metadata: { name: 'web-01-snap' },
      spec: { source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'web-01' } },
    })
    const snap = await waitFor(
      'snapshot.kubevirt.io',
      'virtualmachinesnapshots',
      'prod',
      'web-01-snap',
      (o) => (o?.status as { phase?: string } | undefined)?.phase === 'Succeeded',
    )
    expect(snap?.status).toMatchObject({ readyToUse: true, indications: ['Online', 'GuestAgent'] })
    expect(await kubectl('get', 'vmsnapshot', '-n', 'prod', 'web-01-snap', '--no-headers')).toMatch(
      /VirtualMachine\s+web-01\s+Succeeded\s+true/,
    )

    await post('/apis/snapshot.kubevirt.io/v1beta1/namespaces/prod/virtualmachinerestores', {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineRestore',
      metadata: { name: 'web-01-restore' },
      spec: {
        target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'web-01' },
        virtualMachineSnapshotName: 'web-01-snap',
        targetReadinessPolicy: 'FailImmediate',
      },
    })
    const failed = await waitFor(
      'snapshot.kubevirt.io',
      'virtualmachinerestores',
      'prod',
      'web-01-restore',
      (o) =>
        (
          (o?.status as { conditions?: { type: string; status: string }[] } | undefined)
            ?.conditions ?? []
        ).some((c) => c.type === 'Failure' && c.status === 'True'),
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
    await post('/apis/snapshot.kubevirt.io/v1beta1/namespaces/prod/virtualmachinerestores', {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineRestore',
      metadata: { name: 'web-01-restore-2' },
      spec: {
        target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'web-01' },
        virtualMachineSnapshotName: 'web-01-snap',
      },
    })
    const waiting = await waitFor(
      'snapshot.kubevirt.io',
      'virtualmachinerestores',
      'prod',
      'web-01-restore-2',
      (o) =>
        (
          (o?.status as { conditions?: { type: string; reason?: string }[] } | undefined)
            ?.conditions ?? []
        ).some(
          (c) =>
            c.type === 'Ready' && c.reason?.startsWith('Waiting for target VM to be powered off'),
        ),
    )
    expect(waiting?.status).toMatchObject({ complete: false })
    const stop = await sim.request(
      'PUT',
      '/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachines/web-01/stop',
      { body: {} },
    )
    expect(stop.status).toBe(202)
    await waitFor(
      'snapshot.kubevirt.io',
      'virtualmachinerestores',
      'prod',
      'web-01-restore-2',
      (o) => (o?.status as { complete?: boolean } | undefined)?.complete === true,
    )
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

describe('clones', () => {
  it('clones a VM with a new identity and honours label filters', async () => {
    const vmDef = def('kubevirt.io', 'virtualmachines')
    const source = sim.store.get(vmDef, 'prod', 'db-01')
    sim.store.update(vmDef, {
      ...source,
      metadata: {
        ...source.metadata,
        labels: { ...source.metadata.labels, 'keep.me/team': 'dba', 'drop.me/owner': 'x' },
      },
    })
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
    await waitFor('clone.kubevirt.io', 'virtualmachineclones', 'prod', 'db-01-clone', (o) => {
      const phase = (o?.status as { phase?: string } | undefined)?.phase
      if (phase && phases.at(-1) !== phase) phases.push(phase)
      return phase === 'Succeeded'
    })
    // KubeVirt's order: a temporary snapshot, then a restore of it; the pass that sees the
    // restore complete finds the target VM made and goes through CreatingTargetVM at once.
    expect(phases).toEqual(['SnapshotInProgress', 'RestoreInProgress', 'Succeeded'])
    const clone = sim.store.get(vmDef, 'prod', 'db-02')
    // spec.patches were applied to the new VM (the source runs with Always).
    expect((clone.spec as { runStrategy?: string }).runStrategy).toBe('Manual')
    expect(clone.metadata.labels).toMatchObject({ 'keep.me/team': 'dba', tier: 'db' })
    expect(clone.metadata.labels).not.toHaveProperty('drop.me/owner')
    const uuid = (vm: KObject) =>
      (vm.spec as { template: { spec: { domain: { firmware?: { uuid?: string } } } } }).template
        .spec.domain.firmware?.uuid
    const sourceVmi = sim.store.get(def('kubevirt.io', 'virtualmachineinstances'), 'prod', 'db-01')
    expect(uuid(clone)).toMatch(/^[0-9a-f-]{36}$/)
    expect(uuid(clone)).not.toBe(
      (sourceVmi.spec as { domain: { firmware: { uuid: string } } }).domain.firmware.uuid,
    )
  })
})
