import { testVm } from '../../cluster-sim/test/test-vm.ts'
import type { TestStack } from './helper.ts'
import { waitUntil } from './helper.ts'

let created = 0

/**
 * A VM of one test's own, created in the simulated cluster (as users write VMs: containerDisk,
 * pod network, LiveMigrate) and resolved once the BFF's cache shows it Running or Stopped, so no
 * test depends on what another test did to a shared VM.
 */
export async function ownVm(
  stack: TestStack,
  namespace: string,
  running: boolean,
  prefix = 'own',
): Promise<string> {
  const name = `${prefix}-${++created}`
  await stack.sim.store.create(
    stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!,
    testVm(name, running ? 'Always' : 'Halted', { namespace }),
  )
  const cluster = stack.app.clusters.get('vmdeck-sim')!
  await waitUntil(
    () => cluster.vms.get(namespace, name)?.status === (running ? 'Running' : 'Stopped'),
    15_000,
  )
  return name
}
