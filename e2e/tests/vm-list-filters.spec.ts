import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '../fixtures.ts'

test('status facets, search and chips filter the list on the server and live in the URL', async ({
  loginAs,
}) => {
  const page = await loginAs('viewer')
  const table = page.getByRole('grid', { name: 'Virtual machines' })
  await expect(table.getByRole('row', { name: /web-01/ })).toBeVisible()

  await test.step('a status facet shows its count and filters', async () => {
    const running = page.getByRole('button', { name: /^Running \d+/ })
    const count = Number(/(\d+)/.exec((await running.textContent()) ?? '')?.[1])
    expect(count).toBeGreaterThan(0)
    await running.click()
    await expect(page).toHaveURL(/status=running/)
    const rows = table.locator('tbody tr')
    await expect(rows).toHaveCount(count)
    for (const status of await table.locator('td[data-label="Status"]').allTextContents())
      expect(status).toBe('Running')
  })

  await test.step('search adds a chip; the view survives a reload', async () => {
    await page.getByRole('textbox', { name: 'Search virtual machines' }).fill('web-0')
    await expect(page).toHaveURL(/search=web-0/)
    await page.reload()
    await expect(table.getByRole('row', { name: /web-01/ })).toBeVisible()
    await expect(table.getByRole('row', { name: /db-01/ })).toHaveCount(0)
    // The chips say which filters apply.
    await expect(page.getByRole('list', { name: 'Status' }).getByText('Running')).toBeVisible()
    await expect(page.getByRole('list', { name: 'Search' }).getByText('web-0')).toBeVisible()
  })

  await test.step('clear all filters', async () => {
    await page.getByRole('button', { name: 'Clear all filters' }).first().click()
    await expect(table.getByRole('row', { name: /db-01/ })).toBeVisible()
    await expect(page).not.toHaveURL(/status=/)
  })

  await test.step('the masthead namespace picker scopes the list', async () => {
    const picker = page.getByRole('banner').getByRole('combobox', { name: 'Namespace' })
    await picker.fill('prod')
    await picker.press('Enter')
    await expect(page).toHaveURL(/namespace=prod/)
    await expect(table.getByRole('row', { name: /db-01/ })).toBeVisible()
    await expect(table.getByRole('row', { name: /sandbox/ })).toHaveCount(0)
    await page.getByRole('button', { name: 'Show all namespaces' }).click()
    await expect(table.getByRole('row', { name: /sandbox/ })).toBeVisible()
  })

  await test.step('sort by name descending goes into the URL', async () => {
    await table.getByRole('button', { name: 'Name', exact: true }).click()
    await expect(page).toHaveURL(/sort=-name/)
    await expect(table.getByRole('row').nth(1)).toContainText('web-02')
  })
})

test('Ctrl+K jumps to a VM by name', async ({ loginAs }) => {
  const page = await loginAs('viewer')
  await expect(page.getByText('Live', { exact: true })).toBeVisible()
  await page.keyboard.press('Control+k')
  await page.getByRole('textbox', { name: 'Virtual machine name' }).fill('db-0')
  await expect(page.getByRole('menuitem', { name: /db-01/ })).toBeVisible()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/vms\/prod\/db-01$/)
  await expect(page.getByRole('heading', { name: /db-01/ })).toBeVisible()
})

test('the theme toggle persists across reloads', async ({ loginAs }) => {
  const page = await loginAs('viewer')
  await page.getByRole('button', { name: 'Light theme' }).click()
  await page.reload()
  await expect(page.locator('html')).not.toHaveClass(/pf-v6-theme-dark/)
  await page.getByRole('button', { name: 'Dark theme' }).click()
  await page.reload()
  await expect(page.locator('html')).toHaveClass(/pf-v6-theme-dark/)
})

test('the list and detail pages have no serious axe violations', async ({ loginAs }) => {
  const page = await loginAs('admin')
  await expect(
    page.getByRole('grid', { name: 'Virtual machines' }).getByRole('row', { name: /web-01/ }),
  ).toBeVisible()
  const serious = async () =>
    (await new AxeBuilder({ page }).analyze()).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(await serious()).toEqual([])
  await page.getByRole('link', { name: 'web-01' }).click()
  await expect(page.getByRole('tab', { name: 'Overview' })).toBeVisible()
  expect(await serious()).toEqual([])
})
