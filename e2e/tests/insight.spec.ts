import type { MaintenancePlan } from '@vmdeck/shared'
import { vmManifest } from '../../apps/cluster-sim/src/seed/vm-manifest.ts'
import { expect, test } from '../fixtures.ts'

// The maintenance what-if and the Capacity view on the Nodes page, on a VM of the test's own that
// is pinned to node-1 and has evictionStrategy None: it cannot move, and the what-if says why.
test.describe.configure({ timeout: 150_000 })

const API = '/api/v1/clusters/vmdeck-sim'

test('the what-if names targets and a VM that cannot move; Capacity gives the N-1 verdict', async ({
  loginAs,
  cluster,
}) => {
  const name = `insight-e2e-${Date.now().toString(36)}`
  const manifest = vmManifest({
    namespace: 'default',
    name,
    template: { evictionStrategy: 'None', nodeSelector: { 'kubernetes.io/hostname': 'node-1' } },
  })
  await cluster.api.createNamespacedCustomObject({
    group: 'kubevirt.io',
    version: 'v1',
    plural: 'virtualmachines',
    namespace: 'default',
    body: manifest,
  })
  try {
    const page = await loginAs('admin')
    // The what-if is computed from the pods that run: wait until the VM's launcher pod is on node-1.
    await expect
      .poll(
        async () => {
          const response = await page.request.get(`${API}/insight/maintenance?nodes=node-1`)
          const plan = (await response.json()) as MaintenancePlan
          return plan.vms.some((vm) => vm.name === name)
        },
        { timeout: 90_000 },
      )
      .toBe(true)

    await page.getByRole('link', { name: 'Nodes' }).click()
    const row = page.getByRole('grid', { name: 'Nodes' }).getByRole('row', { name: /node-1/ })
    await row.getByRole('button', { name: 'Enter maintenance on node-1' }).click()
    const dialog = page.getByRole('dialog')
    const whatIf = dialog.getByRole('grid', { name: 'What happens to each VM' })
    const pinned = whatIf.locator(`tr[data-vm="${name}"]`)
    await expect(pinned).toContainText('Shuts down')
    await expect(pinned).toContainText('EvictionStrategyNone')
    await expect(pinned).toContainText('evictionStrategy None')
    // The seeded VMs on node-1 live-migrate, each to a named node.
    await expect(whatIf.getByText(/^→ node-[23]$/).first()).toBeVisible()
    await expect(dialog.getByText(/will live-migrate/)).toBeVisible()
    await expect(
      dialog.getByRole('heading', {
        name: /Afterwards \(N-1\): The cluster can(not)? lose node-[23]/,
      }),
    ).toBeVisible()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(dialog).toBeHidden()

    await page.getByRole('tab', { name: 'Capacity' }).click()
    const capacity = page.getByRole('grid', { name: 'Capacity' })
    const node1 = capacity.locator('tr[data-node="node-1"]')
    // The pinned VM fits no other node: the cluster cannot lose node-1.
    await expect(node1).toContainText('No')
    await expect(node1).toContainText('The cluster cannot lose node-1')
    await expect(capacity.locator('tbody tr')).toHaveCount(3)
    await expect(
      page.getByRole('heading', { name: /N-1: The cluster can(not)? lose node-\d/ }),
    ).toBeVisible()
  } finally {
    await cluster.deleteVmIfExists('default', name)
  }
})
