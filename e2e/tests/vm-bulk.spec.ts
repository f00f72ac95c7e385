import { vmManifest } from '../../apps/cluster-sim/src/seed/vm-manifest.ts'
import { expect, test } from '../fixtures.ts'

// A bulk action on every VM of a folder, not only the page's rows: the dry run names the scope,
// one bulk task runs it while the masthead counts it running and the rows turn Stopped, and the
// Tasks page shows the result per VM.
test.describe.configure({ timeout: 180_000 })

test('stop every VM in a folder: the scope previewed, then a result per VM', async ({
  loginAs,
  cluster,
}) => {
  const suffix = Date.now().toString(36)
  const names = [`bulk-a-${suffix}`, `bulk-b-${suffix}`]
  for (const name of names)
    await cluster.api.createNamespacedCustomObject({
      group: 'kubevirt.io',
      version: 'v1',
      plural: 'virtualmachines',
      namespace: 'dev',
      body: vmManifest({ namespace: 'dev', name, labels: { 'vmdeck.io/folder': 'e2e.bulk' } }),
    })
  try {
    const page = await loginAs('admin')
    await page.goto('/vms?namespace=dev&folder=e2e%2Fbulk')
    const table = page.getByRole('grid', { name: 'Virtual machines' })
    // Booted (the guest agent reports the OS): a guest still booting ignores the ACPI shutdown a
    // graceful stop sends, and would stay Stopping for the whole grace period.
    for (const name of names)
      await expect(table.getByRole('row', { name: new RegExp(name) })).toContainText(/Debian/, {
        timeout: 90_000,
      })

    await page.getByRole('button', { name: 'All 2 matching' }).click()
    await page.getByRole('menuitem', { name: 'Stop…' }).click()
    const dialog = page.getByRole('dialog')
    await expect(dialog).toContainText('Would stop 2 VMs in dev.')
    for (const name of names) await expect(dialog).toContainText(`dev/${name}`)
    // The masthead's running-task count, every value it takes from here on (the stop of two
    // small guests can end within a second, too fast to catch by looking at the right moment).
    await page.evaluate(() => {
      const seen: number[] = []
      ;(window as unknown as { __running: number[] }).__running = seen
      const record = () => {
        const label = document.querySelector('[aria-label^="Tasks: "]')?.getAttribute('aria-label')
        const running = Number(/^Tasks: (\d+) running/.exec(label ?? '')?.[1] ?? 0)
        if (seen.at(-1) !== running) seen.push(running)
      }
      record()
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['aria-label'],
      })
    })
    await dialog.getByRole('button', { name: 'Stop 2 VMs' }).click()
    await expect(page.getByText(/Stopping every matching VM/)).toBeVisible()
    for (const name of names)
      await expect(table.getByRole('row', { name: new RegExp(name) })).toContainText('Stopped', {
        timeout: 60_000,
      })
    // Progress while it ran: the bulk task and its children counted as running, then none.
    await expect(page.getByRole('button', { name: 'Tasks: 0 running' })).toBeVisible({
      timeout: 30_000,
    })
    const running = await page.evaluate(
      () => (window as unknown as { __running: number[] }).__running,
    )
    expect(Math.max(...running)).toBeGreaterThanOrEqual(1)
    expect(running.at(-1)).toBe(0)

    await page.goto('/tasks')
    const bulk = page.getByRole('row').filter({ hasText: 'admin stopped 2 VMs (bulk)' }).first()
    await bulk.getByRole('button', { name: 'Result per VM' }).click()
    const result = page.getByLabel(/^Result per VM of task/).first()
    for (const name of names) await expect(result).toContainText(`dev/${name}`)
    await expect(result).toContainText('2 succeeded', { timeout: 30_000 })
  } finally {
    for (const name of names) await cluster.deleteVmIfExists('dev', name)
  }
})
