import type { Locator, Page } from '@playwright/test'
import { expect, test } from '../fixtures.ts'

// Power operations take a real (simulated) QEMU guest through its states.
test.describe.configure({ timeout: 90_000 })

const rowOf = (page: Page, name: string) =>
  page
    .getByRole('grid', { name: 'Virtual machines' })
    .getByRole('row', { name: new RegExp(`\\b${name}\\b`) })

const rowAction = async (page: Page, name: string, verb: string) => {
  await page.getByRole('button', { name: `Actions for ${name}` }).click()
  await page.getByRole('menuitem', { name: verb, exact: true }).click()
}

/**
 * A graceful stop waits for the guest's ACPI shutdown, up to its grace period (a guest still
 * booting ignores it); force stop ends a VM that is still stopping.
 */
const ensureStopped = async (page: Page, name: string) => {
  const row = rowOf(page, name)
  await expect(row).toContainText(/Stopping|Stopped/, { timeout: 30_000 })
  if (!((await row.textContent()) ?? '').includes('Stopped')) {
    await page.getByRole('button', { name: `Actions for ${name}` }).click()
    const force = page.getByRole('menuitem', { name: 'Force stop', exact: true })
    if ((await force.getAttribute('aria-disabled')) === 'true') await page.keyboard.press('Escape')
    else {
      // The VM may reach Stopped (and the item turn disabled) between the look and the click.
      const clicked = await force.click({ timeout: 5_000 }).then(
        () => true,
        () => false,
      )
      // Its notice, or the VM already Stopped: the click may land as the VM stops (the API then
      // refuses the force stop, and the row is what shows it ended).
      if (clicked)
        await expect(
          page.getByText(`Force-stopping ${name}`).or(row.getByText('Stopped')).first(),
        ).toBeVisible()
      else await page.keyboard.press('Escape')
    }
  }
  await expect(row).toContainText('Stopped', { timeout: 30_000 })
}

const statusOf = (page: Page): Locator => page.getByRole('heading', { level: 1 })

test('start and stop a VM from the list; its row changes live', async ({ loginAs }) => {
  const page = await loginAs('admin')
  const row = rowOf(page, 'sandbox')
  await expect(row).toContainText('Stopped')
  await rowAction(page, 'sandbox', 'Start')
  await expect(page.getByText('Starting sandbox')).toBeVisible()
  await expect(row).toContainText('Running', { timeout: 30_000 })
  await rowAction(page, 'sandbox', 'Stop')
  await expect(page.getByText('Stopping sandbox')).toBeVisible()
  await ensureStopped(page, 'sandbox')
})

test('bulk start and stop of selected VMs', async ({ loginAs }) => {
  const page = await loginAs('admin')
  await page.getByRole('checkbox', { name: 'Select sandbox' }).check()
  await page.getByRole('checkbox', { name: 'Select build-runner' }).check()
  await expect(page.getByText('2 selected')).toBeVisible()
  await page.getByRole('button', { name: 'Start', exact: true }).click()
  // One bulk request, recorded as one task with a result per VM.
  await expect(
    page.getByText('Starting 2 VMs: the result per VM is on the Tasks page'),
  ).toBeVisible()
  await expect(rowOf(page, 'sandbox')).toContainText('Running', { timeout: 30_000 })
  await expect(rowOf(page, 'build-runner')).toContainText('Running', { timeout: 30_000 })
  await page.getByRole('button', { name: 'Stop', exact: true }).click()
  await ensureStopped(page, 'sandbox')
  await ensureStopped(page, 'build-runner')
  await page.goto('/tasks')
  const bulk = page.getByRole('row').filter({ hasText: 'admin stopped 2 VMs (bulk)' }).first()
  await bulk.getByRole('button', { name: 'Result per VM' }).click()
  const result = page.getByLabel(/^Result per VM of task/).first()
  await expect(result).toContainText('dev/sandbox')
  await expect(result).toContainText('build-runner')
  await expect(result).toContainText('2 succeeded', { timeout: 30_000 })
})

test('pause, unpause and restart from the detail page', async ({ loginAs }) => {
  const page = await loginAs('admin')
  await page.goto('/vms/default/jumpbox')
  await expect(statusOf(page)).toContainText('Running')
  await page.getByRole('button', { name: 'Pause', exact: true }).click()
  await expect(statusOf(page)).toContainText('Paused', { timeout: 30_000 })
  await page.getByRole('button', { name: 'Unpause', exact: true }).click()
  await expect(statusOf(page)).toContainText('Running', { timeout: 30_000 })
  await page.getByRole('button', { name: 'Restart', exact: true }).click()
  await expect(page.getByText('Restarting jumpbox')).toBeVisible()
  await expect(statusOf(page)).toContainText('Running', { timeout: 30_000 })
})

test('migrate a VM and see its node change', async ({ loginAs }) => {
  const page = await loginAs('admin')
  await page.goto('/vms/prod/web-02')
  const header = page.locator('.vmdeck-detail-header')
  await expect(header).toContainText(/on node-\d/)
  const before = (/on (node-\d+)/.exec((await header.textContent()) ?? '') ?? [])[1]
  await page.getByRole('button', { name: 'Migrate', exact: true }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Migrate' }).click()
  await page.getByRole('tab', { name: 'Migrations' }).click()
  await expect(page.getByRole('region', { name: 'Latest migration' })).toContainText('Succeeded', {
    timeout: 60_000,
  })
  await expect(header).not.toContainText(`on ${before}`)
  await expect(header).toContainText(/on node-\d/)
})

test('take a snapshot, restore it (stopping the VM first), start again', async ({ loginAs }) => {
  const page = await loginAs('admin')
  await page.goto('/vms/prod/db-01/snapshots')
  await page.getByRole('button', { name: 'Take snapshot' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('Snapshot name').fill('e2e-before-change')
  await dialog.getByRole('button', { name: 'Take snapshot' }).click()
  await expect(page.getByText('Taking a snapshot of db-01')).toBeVisible()
  const row = page.getByRole('row', { name: /e2e-before-change/ })
  await expect(row).toContainText('Ready', { timeout: 30_000 })
  await row.getByRole('button', { name: 'Restore e2e-before-change' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Stop and restore' }).click()
  await expect(row).toContainText('Restored', { timeout: 60_000 })
  await expect(statusOf(page)).toContainText('Stopped')
  await page.getByRole('button', { name: 'Start', exact: true }).click()
  await expect(statusOf(page)).toContainText('Running', { timeout: 30_000 })
  await row.getByRole('button', { name: 'Delete e2e-before-change' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
  await expect(row).toHaveCount(0, { timeout: 30_000 })
})

test('clone a VM and see the clone running', async ({ loginAs, cluster }) => {
  await cluster.deleteVmIfExists('default', 'jumpbox-e2e-clone')
  const page = await loginAs('admin')
  try {
    await rowAction(page, 'jumpbox', 'Clone')
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('Name of the clone').fill('jumpbox-e2e-clone')
    await dialog.getByLabel('Start the clone when it is ready').check()
    await dialog.getByRole('button', { name: 'Clone', exact: true }).click()
    await expect(page.getByText('Cloning jumpbox to jumpbox-e2e-clone')).toBeVisible()
    await expect(rowOf(page, 'jumpbox-e2e-clone')).toContainText('Running', { timeout: 60_000 })
  } finally {
    await cluster.deleteVmIfExists('default', 'jumpbox-e2e-clone')
  }
})
