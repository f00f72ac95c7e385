// `--seed N` (scale runs): N VMs spread over the demo namespaces, one in four running, on the
// real control plane with the demo users' RBAC as always.
import { describe, expect, it } from 'vitest'
import { requireDef } from '../controllers/context.ts'
import type { KObject } from '../kube/types.ts'
import type { Sim } from '../sim.ts'
import { useSim } from '../../test/use-sim.ts'

let sim: Sim
useSim({ guests: 'none', seed: 40, kubevirt: 'sim' }, (test) => ({ sim } = test))

describe('seed option', () => {
  it('seeds N VMs over the namespaces, and runs one in four', async () => {
    const vms = await sim.request('GET', '/apis/kubevirt.io/v1/virtualmachines')
    const items = (vms.body as { items: KObject[] }).items
    expect(items).toHaveLength(40)
    const perNamespace = new Map<string, number>()
    for (const vm of items) {
      const namespace = vm.metadata.namespace ?? ''
      perNamespace.set(namespace, (perNamespace.get(namespace) ?? 0) + 1)
    }
    expect(Object.fromEntries(perNamespace)).toEqual({ default: 13, dev: 13, prod: 14 })
    const vmiDef = requireDef(sim.registry, 'kubevirt.io', 'virtualmachineinstances')
    const running = () =>
      sim.store
        .list(vmiDef)
        .items.filter((vmi) => (vmi.status as { phase?: string } | undefined)?.phase === 'Running')
    await expect.poll(() => running().length, { timeout: 30_000 }).toBe(10)
  })

  it('keeps the demo users’ RBAC: helpdesk may not list pods', async () => {
    const pods = await sim.request('GET', '/api/v1/pods', { token: sim.tokens.helpdesk })
    expect(pods.status).toBe(403)
    expect(pods.body).toMatchObject({
      reason: 'Forbidden',
      message:
        'pods is forbidden: User "helpdesk" cannot list resource "pods" in API group "" at the cluster scope',
    })
  })
})
