// The VM a test makes: 1 core, 128Mi, a containerDisk, the pod network, LiveMigrate, no cloud-init
// (the simulator's and the BFF's tests alike).
import type { KObject } from '../src/kube/types.ts'
import { vmManifest } from '../src/seed/vm-manifest.ts'

export interface TestVmOptions {
  /** `default` unless said otherwise. */
  namespace?: string
  /** Fields of the template's spec beside (or in place of) the defaults. */
  template?: Record<string, unknown>
  /** The root disk's name: another than its volume's makes a VM KubeVirt refuses. */
  disk?: string
}

export function testVm(name: string, runStrategy: string, options: TestVmOptions = {}): KObject {
  const vm = vmManifest({
    namespace: options.namespace ?? 'default',
    name,
    runStrategy,
    ...(options.template ? { template: options.template } : {}),
  })
  if (options.disk) {
    const { template } = vm.spec as {
      template: { spec: { domain: { devices: { disks: { name: string }[] } } } }
    }
    for (const disk of template.spec.domain.devices.disks) disk.name = options.disk
  }
  return vm
}
