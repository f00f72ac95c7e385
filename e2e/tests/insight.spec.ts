import { loadYaml, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node'
import type { Locator, Page } from '@playwright/test'
import type {
  MaintenancePlan,
  MigrationAdvice,
  RebalancePlan,
  VmDetail,
  VmMigrationList,
} from '@vmdeck/shared'
import { vmManifest } from '../../apps/cluster-sim/src/seed/vm-manifest.ts'
import { expect, test, type Cluster } from '../fixtures.ts'

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

const BOOT_MS = 90_000
const KUBEVIRT_CR = {
  group: 'kubevirt.io',
  version: 'v1',
  namespace: 'kubevirt',
  plural: 'kubevirts',
}

/** Types a command into the serial terminal until `answer` is on a line of its own. */
async function runInSerial(page: Page, terminal: Locator, command: string, answer: string) {
  await expect(async () => {
    await terminal.click()
    await page.keyboard.type(command)
    await page.keyboard.press('Enter')
    await expect(
      terminal.locator('.xterm-rows > div').filter({ hasText: new RegExp(`^\\s*${answer}\\s*$`) }),
    ).not.toHaveCount(0, { timeout: 5_000 })
  }).toPass({ timeout: BOOT_MS })
}

/**
 * Every migration gets a slow link (8 MiB/s) and timeouts far beyond the test, in the KubeVirt
 * CR's spec.configuration.migrations; resolves to what puts the CR back as it was.
 */
async function slowLink(cluster: Cluster): Promise<() => Promise<void>> {
  const migrations = {
    bandwidthPerMigration: '8Mi',
    completionTimeoutPerGiB: 800,
    progressTimeout: 600,
  }
  const { items } = (await cluster.api.listNamespacedCustomObject(KUBEVIRT_CR)) as {
    items: { metadata: { name: string }; spec?: { configuration?: { migrations?: object } } }[]
  }
  const existing = items[0]
  if (!existing) {
    await cluster.api.createNamespacedCustomObject({
      ...KUBEVIRT_CR,
      body: {
        apiVersion: 'kubevirt.io/v1',
        kind: 'KubeVirt',
        metadata: { name: 'kubevirt', namespace: 'kubevirt' },
        spec: { configuration: { migrations } },
      },
    })
    return async () => {
      await cluster.api.deleteNamespacedCustomObject({ ...KUBEVIRT_CR, name: 'kubevirt' })
    }
  }
  const before = existing.spec?.configuration?.migrations
  const patch = (value: object | null) =>
    cluster.api.patchNamespacedCustomObject(
      {
        ...KUBEVIRT_CR,
        name: existing.metadata.name,
        body: { spec: { configuration: { migrations: value } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
  await patch(migrations)
  return async () => {
    await patch(null)
    if (before) await patch(before)
  }
}

test('the advisor flags a migration that does not converge; with its auto-converge remedy the next one finishes', async ({
  loginAs,
  cluster,
  context,
}) => {
  test.setTimeout(420_000)
  const name = `converge-e2e-${Date.now().toString(36)}`
  const policies = {
    group: 'migrations.kubevirt.io',
    version: 'v1alpha1',
    plural: 'migrationpolicies',
  }
  let policy: string | undefined
  const restore = await slowLink(cluster)
  try {
    await cluster.api.createNamespacedCustomObject({
      group: 'kubevirt.io',
      version: 'v1',
      plural: 'virtualmachines',
      namespace: 'default',
      body: vmManifest({ namespace: 'default', name }),
    })
    const page = await loginAs('admin')
    const origin = new URL(page.url()).origin

    // In the guest, a workload that rewrites 16 MiB of memory over and over, faster than 8 MiB/s.
    const serial = await context.newPage()
    await serial.goto(`/console/default/${name}?type=serial`)
    await expect(serial.getByTestId('console-status')).toHaveText('Connected', {
      timeout: BOOT_MS,
    })
    const terminal = serial.getByTestId('serial-terminal')
    await runInSerial(serial, terminal, 'echo ready-$((2+3))', 'ready-5')
    await runInSerial(
      serial,
      terminal,
      '(while :; do dd if=/dev/urandom of=/tmp/dirty bs=1M count=16 conv=notrunc 2>/dev/null; done) & echo dirtying-$((3+4))',
      'dirtying-7',
    )
    await serial.close()

    const migrate = async () =>
      expect(
        (
          await page.request.post(`${API}/namespaces/default/vms/${name}/migrate`, {
            headers: { origin },
            data: {},
          })
        ).status(),
      ).toBe(202)
    const latest = async () => {
      const response = await page.request.get(`${API}/migrations`)
      return ((await response.json()) as VmMigrationList).items
        .filter((m) => m.vmName === name)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    }
    await migrate()
    // The first pass copies the whole guest; from the passes after it the dirty rate is measured.
    await expect
      .poll(
        async () => {
          const [running] = await latest()
          if (!running?.active) return 'no migration'
          const advice = await page.request.get(`${API}/insight/migrations/default/${running.name}`)
          return ((await advice.json()) as MigrationAdvice).verdict
        },
        { timeout: 150_000, intervals: [2_000] },
      )
      .toBe('not-converging')

    await page.getByRole('link', { name: 'Migrations' }).click()
    await page.getByRole('button', { name: `Advise on the migration of ${name}` }).click()
    const dialog = page.getByRole('dialog', { name: `Migration of ${name}` })
    await expect(dialog.getByText('Not converging')).toBeVisible()
    await expect(dialog).toContainText(/The guest dirties memory at [\d.]+ MiB\/s, about as fast/)
    const autoConverge = dialog.getByRole('region', {
      name: 'Auto-converge (MigrationPolicy allowAutoConverge)',
    })
    const manifest = await autoConverge.locator('pre').innerText()
    expect(manifest).toContain('allowAutoConverge: true')
    // The admin applies the policy as the dialog shows it.
    const body = loadYaml<{ metadata: { name: string } }>(manifest)
    await cluster.api.createClusterCustomObject({ ...policies, body })
    policy = body.metadata.name
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()

    // Cancel this migration and migrate again: the new one runs with auto-converge.
    const [first] = await latest()
    await page.getByRole('button', { name: `Cancel migration of ${name}` }).click()
    await expect
      .poll(async () => (await latest())[0]?.active ?? false, { timeout: 60_000 })
      .toBe(false)
    await migrate()
    await expect
      .poll(
        async () => {
          const [newest] = await latest()
          return newest && newest.name !== first!.name ? newest.phase : 'not started'
        },
        { timeout: 180_000, intervals: [2_000] },
      )
      .toBe('Succeeded')
    const rows = page.getByRole('grid', { name: 'Migrations' }).locator('tbody tr')
    await expect(rows.filter({ hasText: name }).filter({ hasText: 'Succeeded' })).not.toHaveCount(0)
  } finally {
    if (policy) await cluster.api.deleteClusterCustomObject({ ...policies, name: policy })
    await cluster.deleteVmIfExists('default', name)
    await restore()
  }
})
