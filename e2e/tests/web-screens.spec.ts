import { expect, test } from '../fixtures.ts'
import type { Page } from '@playwright/test'

/** Screenshots of every screen in both themes, saved for review under docs/screenshots/; the README's numbered ones come from the tour. */
const shoot = async (page: Page, name: string) => {
  for (const theme of ['light', 'dark'] as const) {
    // A modal hides the masthead's toggle from the page; switch the class the toggle sets.
    if (await page.getByRole('dialog').count())
      await page.evaluate(
        (dark) => document.documentElement.classList.toggle('pf-v6-theme-dark', dark),
        theme === 'dark',
      )
    else
      await page
        .getByRole('button', { name: theme === 'light' ? 'Light theme' : 'Dark theme' })
        .click()
    await expect(page.locator('html')).toHaveClass(
      theme === 'dark' ? /pf-v6-theme-dark/ : /^(?!.*pf-v6-theme-dark)/,
    )
    await page.screenshot({ path: `docs/screenshots/${name}-${theme}.png`, fullPage: true })
  }
}

test.use({ viewport: { width: 1440, height: 900 } })

test('screens in light and dark', async ({ loginAs }) => {
  // Fourteen full-page screenshots, each after a theme switch: more than one default test's time.
  test.setTimeout(120_000)
  const page = await loginAs('admin')
  await test.step('VM list', async () => {
    await expect(
      page.getByRole('grid', { name: 'Virtual machines' }).getByRole('row', { name: /web-01/ }),
    ).toBeVisible()
    await shoot(page, 'vm-list')
  })
  await test.step('VM detail', async () => {
    await page.getByRole('link', { name: 'web-01' }).click()
    await expect(page.getByRole('heading', { name: /web-01/ })).toBeVisible()
    await expect(page.getByRole('tab', { name: 'Overview' })).toBeVisible()
    await shoot(page, 'vm-detail')
  })
  await test.step('VM detail tabs and a dialog', async () => {
    await page.getByRole('tab', { name: 'Disks and networks' }).click()
    await expect(page.getByRole('grid', { name: 'Disks' })).toBeVisible()
    await shoot(page, 'vm-detail-disks')
    await page.getByRole('tab', { name: 'Snapshots' }).click()
    await expect(page.getByRole('grid', { name: 'Snapshots' })).toBeVisible()
    await shoot(page, 'vm-detail-snapshots')
    await page.getByRole('button', { name: 'Migrate', exact: true }).click()
    await page.getByLabel('Choose the target node').check()
    await expect(page.getByRole('grid', { name: 'Target nodes' })).toBeVisible()
    await shoot(page, 'dialog-migrate')
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()
  })
  await test.step('Create wizard', async () => {
    await page.goto('/vms/new')
    await expect(page.getByRole('heading', { name: 'Create a virtual machine' })).toBeVisible()
    await shoot(page, 'vm-create')
  })
  await test.step('Nodes', async () => {
    await page.getByRole('link', { name: 'Nodes' }).click()
    await expect(page.getByRole('heading', { name: 'Nodes' })).toBeVisible()
    await shoot(page, 'nodes')
  })
  await test.step('Migrations', async () => {
    await page.getByRole('link', { name: 'Migrations' }).click()
    await expect(page.getByRole('heading', { name: 'Migrations' })).toBeVisible()
    await shoot(page, 'migrations')
  })
  await test.step('Overview', async () => {
    await page.getByRole('link', { name: 'Overview' }).click()
    await expect(page.getByRole('heading', { name: /Overview of/ })).toBeVisible()
    await shoot(page, 'overview')
  })
})
