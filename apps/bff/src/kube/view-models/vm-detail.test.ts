import { describe, expect, it } from 'vitest'
import type { VirtualMachine, VirtualMachineInstance } from '../types.ts'
import { toVmDetail } from './vm-detail.ts'

const vm: VirtualMachine = {
  metadata: { name: 'db', namespace: 'prod', annotations: { note: 'x' } },
  spec: {
    runStrategy: 'Always',
    dataVolumeTemplates: [
      {
        metadata: { name: 'db-root' },
        spec: { storage: { resources: { requests: { storage: '20Gi' } } } },
      },
    ],
    template: {
      spec: {
        evictionStrategy: 'LiveMigrate',
        domain: {
          devices: {
            disks: [
              { name: 'root', disk: { bus: 'virtio' }, bootOrder: 1 },
              { name: 'iso', cdrom: { bus: 'sata' } },
              { name: 'cloudinit', disk: {} },
            ],
            interfaces: [
              { name: 'default', masquerade: {} },
              { name: 'storage', bridge: {}, macAddress: '02:00:00:00:00:02' },
            ],
          },
        },
        networks: [
          { name: 'default', pod: {} },
          { name: 'storage', multus: { networkName: 'san' } },
        ],
        volumes: [
          { name: 'root', dataVolume: { name: 'db-root' } },
          { name: 'iso', persistentVolumeClaim: { claimName: 'installer' } },
          { name: 'cloudinit', cloudInitNoCloud: {} },
        ],
      },
    },
  },
  status: {
    printableStatus: 'Running',
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'RestartRequired', status: 'True' },
    ],
  },
}

const vmi: VirtualMachineInstance = {
  metadata: { uid: 'vmi-1' },
  status: {
    phase: 'Running',
    interfaces: [
      { name: 'default', ipAddress: '10.0.0.9', mac: '02:00:00:00:00:01', interfaceName: 'eth0' },
    ],
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'Paused', status: 'False', lastTransitionTime: new Date('2026-01-01T00:00:00.5Z') },
    ],
    guestOSInfo: { name: 'Debian', versionId: '12' },
  },
}

describe('toVmDetail', () => {
  const detail = toVmDetail(vm, vmi, { snapshots: [] })

  it('names the volume behind each disk, and the size of the disks the VM owns', () => {
    expect(detail.disks).toEqual([
      {
        name: 'root',
        type: 'disk',
        bus: 'virtio',
        bootOrder: 1,
        source: { kind: 'dataVolume', ref: 'db-root' },
        size: '20Gi',
        owned: true,
      },
      {
        name: 'iso',
        type: 'cdrom',
        bus: 'sata',
        source: { kind: 'persistentVolumeClaim', ref: 'installer' },
        owned: false,
      },
      { name: 'cloudinit', type: 'disk', source: { kind: 'cloudInitNoCloud' }, owned: false },
    ])
  })

  it('joins each NIC with its network and what the running guest reports', () => {
    expect(detail.nics).toEqual([
      {
        name: 'default',
        network: 'pod',
        binding: 'masquerade',
        mac: '02:00:00:00:00:01',
        ips: ['10.0.0.9'],
        interfaceName: 'eth0',
      },
      {
        name: 'storage',
        network: 'multus',
        networkName: 'san',
        binding: 'bridge',
        mac: '02:00:00:00:00:02',
        ips: [],
      },
    ])
  })

  it("lists the VM's conditions, then the VMI's it does not repeat", () => {
    expect(detail.conditions).toEqual([
      { type: 'Ready', status: 'True', source: 'vm' },
      { type: 'RestartRequired', status: 'True', source: 'vm' },
      {
        type: 'Paused',
        status: 'False',
        lastTransitionTime: '2026-01-01T00:00:00Z',
        source: 'vmi',
      },
    ])
  })

  it('carries guest, phase, eviction strategy and restart-required', () => {
    expect(detail).toMatchObject({
      phase: 'Running',
      evictionStrategy: 'LiveMigrate',
      guest: { osName: 'Debian', osVersion: '12' },
      restartRequired: true,
      vmiUid: 'vmi-1',
      annotations: { note: 'x' },
    })
  })
})
