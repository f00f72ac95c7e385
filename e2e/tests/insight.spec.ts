import type { MaintenancePlan, RebalancePlan, VmDetail, VmMigrationList } from '@vmdeck/shared'
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

    // The what-if for a set: node-2 and node-3 at once leave only node-1 to go to.
    await capacity.locator('tr[data-node="node-2"] input[type="checkbox"]').check()
    await capacity.locator('tr[data-node="node-3"] input[type="checkbox"]').check()
    await page
      .getByRole('button', { name: 'What if the selected nodes entered maintenance?' })
      .click()
    const setDialog = page.getByRole('dialog', {
      name: 'What if node-2, node-3 entered maintenance?',
    })
    await expect(setDialog).toContainText(/→ node-1|No VM you may see runs on node-2, node-3/)
    await expect(setDialog).not.toContainText(/→ node-[23]/)
    await page.keyboard.press('Escape')
    await expect(setDialog).toBeHidden()
  } finally {
    await cluster.deleteVmIfExists('default', name)
  }
})

test('a rebalancing plan on an unbalanced fleet: stopped midway nothing keeps moving; executed, every node is in the band', async ({
  loginAs,
  cluster,
}) => {
  test.setTimeout(300_000)
  const page = await loginAs('admin')
  const origin = new URL(page.url()).origin
  const plan = async (band: { low: number; high: number }) => {
    const response = await page.request.post(`${API}/insight/rebalance`, {
      headers: { origin },
      data: band,
    })
    expect(response.status()).toBe(200)
    return (await response.json()) as RebalancePlan
  }
  const node1 = async () =>
    (await plan({ low: 0, high: 100 })).nodes.find((n) => n.name === 'node-1')!.before
  const cordon = async (node: string, action: 'cordon' | 'uncordon') =>
    expect(
      (
        await page.request.post(`${API}/nodes/${node}/${action}`, { headers: { origin }, data: {} })
      ).status(),
    ).toBe(202)

  // Unbalance the fleet: three VMs of 1 GiB, all on node-1 while the others are cordoned.
  const before = await node1()
  const names = [1, 2, 3].map((i) => `rebalance-e2e-${Date.now().toString(36)}-${i}`)
  await cordon('node-2', 'cordon')
  await cordon('node-3', 'cordon')
  try {
    for (const name of names)
      await cluster.api.createNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachines',
        namespace: 'default',
        body: vmManifest({
          namespace: 'default',
          name,
          template: {
            domain: {
              cpu: { cores: 1 },
              memory: { guest: '1Gi' },
              devices: {
                disks: [{ name: 'rootdisk', disk: { bus: 'virtio' } }],
                interfaces: [{ name: 'default', masquerade: {} }],
              },
            },
          },
        }),
      })
    // Each runs on node-1 and KubeVirt says it can live-migrate.
    await expect
      .poll(
        async () => {
          for (const name of names) {
            const detail = await page.request.get(`${API}/namespaces/default/vms/${name}`)
            if (!detail.ok()) return false
            const vm = (await detail.json()) as VmDetail
            const migratable = vm.conditions.find((c) => c.type === 'LiveMigratable')
            if (vm.status !== 'Running' || vm.node !== 'node-1' || migratable?.status !== 'True')
              return false
          }
          return true
        },
        { timeout: 120_000 },
      )
      .toBe(true)
  } finally {
    await cordon('node-2', 'uncordon')
    await cordon('node-3', 'uncordon')
  }
  try {
    // The lowest top of the band the planner reaches with at least two moves.
    let band = { low: 0, high: 100 }
    let dry = await plan(band)
    for (let high = Math.floor(await node1()); high > before; high--) {
      const candidate = await plan({ low: 0, high })
      if (candidate.unresolved.length > 0 || candidate.moves.length < 2) continue
      band = { low: 0, high }
      dry = candidate
      break
    }
    expect(dry.moves.length).toBeGreaterThanOrEqual(2)

    await page.getByRole('link', { name: 'Nodes' }).click()
    await page.getByRole('tab', { name: 'Rebalance' }).click()
    await page.getByLabel('Low %', { exact: true }).fill(String(band.low))
    await page.getByLabel('High %', { exact: true }).fill(String(band.high))
    await page.getByRole('button', { name: 'Plan (dry run)' }).click()
    const moves = page.getByRole('grid', { name: 'Proposed migrations' })
    await expect(moves.locator('tbody tr')).toHaveCount(dry.moves.length)
    await expect(moves).toContainText(`node-1 is at`)

    // Stop after the first migration began: it is cancelled or ends, the rest never start.
    // (the first move is under way as soon as Stop is offered).
    await page.getByRole('button', { name: /^Execute \d+ migration/ }).click()
    await page.getByRole('button', { name: 'Stop' }).click()
    await expect(moves.getByText('migrating')).toHaveCount(0, { timeout: 90_000 })
    await expect(moves.locator('tbody tr').first()).toContainText(/done|failed/)
    await expect(moves.getByText('skipped').first()).toBeVisible()
    const active = await page.request.get(`${API}/migrations`)
    const items = ((await active.json()) as VmMigrationList).items
    expect(items.filter((m) => m.active)).toEqual([])

    // Plan again from where the cluster is, and run it to the end.
    await page.getByRole('button', { name: 'Plan (dry run)' }).click()
    await page.getByRole('button', { name: /^Execute \d+ migration/ }).click()
    await expect(moves.getByText(/^(waiting|migrating)$/)).toHaveCount(0, { timeout: 180_000 })
    await expect(moves.getByText('failed')).toHaveCount(0)
    const after = await plan(band)
    expect(after.nodes.filter((n) => !n.withinBand)).toEqual([])
    expect(after.moves).toEqual([])
  } finally {
    for (const name of names) await cluster.deleteVmIfExists('default', name)
  }
})
