import type { KObject } from '../kube/types.ts'
import { demoKubevirtExtras } from './demo-extras.ts'
import type { SeedObject } from './seed-object.ts'
import { vmManifest } from './vm-manifest.ts'

const namespaces = ['default', 'kube-system', 'kubevirt', 'prod', 'dev']

/** A demo VM: 1 core, 128Mi, a containerDisk, cloud-init, the pod network. */
export function demoVm(
  namespace: string,
  name: string,
  runStrategy: string,
  labels: Record<string, string> = {},
): KObject {
  return vmManifest({
    namespace,
    name,
    runStrategy,
    labels: { 'app.kubernetes.io/part-of': 'vmdeck-demo', ...labels },
    cloudInit: true,
  })
}

export const demoVms: {
  namespace: string
  name: string
  runStrategy: string
  labels?: Record<string, string>
}[] = [
  { namespace: 'prod', name: 'web-01', runStrategy: 'Always', labels: { tier: 'web' } },
  { namespace: 'prod', name: 'web-02', runStrategy: 'Always', labels: { tier: 'web' } },
  { namespace: 'prod', name: 'db-01', runStrategy: 'Always', labels: { tier: 'db' } },
  { namespace: 'dev', name: 'build-runner', runStrategy: 'Halted', labels: { tier: 'ci' } },
  { namespace: 'dev', name: 'sandbox', runStrategy: 'Manual' },
  { namespace: 'default', name: 'jumpbox', runStrategy: 'Always' },
]

/** The seed a `seed` option names: the demo fleet, nothing, or N VMs (scale runs). */
export function fleetSeed(seed: 'demo' | 'none' | number): SeedObject[] {
  if (seed === 'none') return []
  if (seed === 'demo') return demoSeed()
  return scaleSeed(seed)
}

/** Namespaces and N VMs spread over them; one in four runs (runStrategy Always). */
export function scaleSeed(count: number): SeedObject[] {
  const vms: SeedObject[] = []
  const spread = ['prod', 'dev', 'default']
  for (let i = 0; i < count; i++) {
    const namespace = spread[i % spread.length] ?? 'default'
    const name = `vm-${String(i).padStart(5, '0')}`
    vms.push({
      group: 'kubevirt.io',
      plural: 'virtualmachines',
      object: demoVm(namespace, name, i % 4 === 0 ? 'Always' : 'Halted', {
        tier: ['web', 'db', 'ci'][i % 3] ?? 'web',
      }),
    })
  }
  return [...baseSeed(), ...vms]
}

/** Namespaces and the demo VMs: what a small KubeVirt cluster holds on day one. */
export function demoSeed(): SeedObject[] {
  return [
    ...baseSeed(),
    ...demoVms.map(({ namespace, name, runStrategy, labels }) => ({
      group: 'kubevirt.io',
      plural: 'virtualmachines',
      object: demoVm(namespace, name, runStrategy, labels),
    })),
    // Instancetypes, preferences, VLANs and VMs in more states (owned by the KubeVirt side).
    ...demoKubevirtExtras(),
  ]
}

/**
 * The demo namespaces. Nodes are the node agents' to register (src/node) and each namespace's
 * `default` ServiceAccount the controller manager's to make.
 */
function baseSeed(): SeedObject[] {
  return namespaces.map((name) => ({
    group: '',
    plural: 'namespaces',
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
  }))
}
