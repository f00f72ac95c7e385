import { describe, expect, it } from 'vitest'
import type { KObject } from '../kube/types.ts'
import {
  matchPolicy,
  migrationConfiguration,
  migrationSettings,
} from './migration-configuration.ts'

const policy = (name: string, spec: Record<string, unknown>): KObject => ({
  apiVersion: 'migrations.kubevirt.io/v1alpha1',
  kind: 'MigrationPolicy',
  metadata: { name },
  spec,
})

describe('the MigrationPolicy that applies to a VMI', () => {
  const ns = { 'kubernetes.io/metadata.name': 'prod', team: 'web' }
  const vmi = { tier: 'db' }

  it('needs every selector label to match, and prefers the one matching the most', () => {
    const byNamespace = policy('a-namespace', {
      selectors: { namespaceSelector: { 'kubernetes.io/metadata.name': 'prod' } },
    })
    const byBoth = policy('b-both', {
      selectors: { namespaceSelector: { team: 'web' }, virtualMachineInstanceSelector: vmi },
    })
    const other = policy('c-other', {
      selectors: { virtualMachineInstanceSelector: { tier: 'web' } },
    })
    expect(matchPolicy([byNamespace, byBoth, other], vmi, ns)?.metadata.name).toBe('b-both')
    expect(matchPolicy([byNamespace, other], vmi, ns)?.metadata.name).toBe('a-namespace')
    expect(matchPolicy([other], vmi, ns)).toBeUndefined()
  })

  it('breaks a tie by name', () => {
    const selectors = { namespaceSelector: { team: 'web' } }
    const found = matchPolicy([policy('z', { selectors }), policy('m', { selectors })], vmi, ns)
    expect(found?.metadata.name).toBe('m')
  })
})

describe('a migration configuration', () => {
  const kubevirt: KObject = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'KubeVirt',
    metadata: { name: 'kubevirt', namespace: 'kubevirt' },
    spec: { configuration: { migrations: { bandwidthPerMigration: '8Mi', progressTimeout: 600 } } },
  }

  it("starts from KubeVirt's defaults, then the KubeVirt CR, then the policy's fields", () => {
    expect(migrationConfiguration(undefined, undefined)).toEqual({
      allowAutoConverge: false,
      allowPostCopy: false,
      allowWorkloadDisruption: false,
      bandwidthPerMigration: '0',
      completionTimeoutPerGiB: 150,
      progressTimeout: 150,
    })
    const config = migrationConfiguration(
      kubevirt,
      policy('p', { allowAutoConverge: true, completionTimeoutPerGiB: 800 }),
    )
    expect(config).toMatchObject({
      allowAutoConverge: true,
      bandwidthPerMigration: '8Mi',
      completionTimeoutPerGiB: 800,
      progressTimeout: 600,
    })
  })

  it('is what virt-launcher sets: bytes per second, and a completion timeout per started GB of memory', () => {
    const vmi: KObject = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name: 'web-01' },
      spec: { domain: { memory: { guest: '1536Mi' } } },
    }
    const settings = migrationSettings(
      { bandwidthPerMigration: '8Mi', allowAutoConverge: true, completionTimeoutPerGiB: 100 },
      vmi,
    )
    expect(settings).toEqual({
      bandwidthBytesPerSecond: 8 * 2 ** 20,
      allowAutoConverge: true,
      // 1536 MiB is 1.61 GB: two.
      completionTimeoutSeconds: 200,
      progressTimeoutSeconds: 150,
    })
    expect(migrationSettings(undefined, vmi).bandwidthBytesPerSecond).toBe(0)
  })
})
