import { expect, test } from '../fixtures.ts'

test.describe.configure({ timeout: 120_000 })

test('enter maintenance on a node: preview, live progress until empty, exit', async ({
  loginAs,
}) => {
  const page = await loginAs('admin')
  await page.getByRole('link', { name: 'Nodes' }).click()
  const table = page.getByRole('grid', { name: 'Nodes' })
  // The busiest node has VMs to move.
  const rows = table.getByRole('row')
  await expect(rows.nth(1)).toBeVisible()
  // Counts come with the node list; wait until every row shows a number, not a placeholder.
  const countCells = table.locator('tbody tr td[data-label="VMs"]')
  await expect(async () => {
    const texts = await countCells.allTextContents()
    expect(texts.length).toBeGreaterThan(0)
    expect(texts.every((text) => /^\d+$/.test(text.trim()))).toBe(true)
  }).toPass()
  const counts = await table.locator('tbody tr td[data-label="VMs"]').allTextContents()
  const busiest = counts
    .map(Number)
    .reduce((best, n, i, all) => (n > (all[best] ?? 0) ? i : best), 0)
  const row = rows.nth(busiest + 1)
  const node = ((await row.locator('td[data-label="Name"]').textContent()) ?? '').split(' ')[0]!
  expect(Number(counts[busiest])).toBeGreaterThan(0)

  await row.getByRole('button', { name: `Enter maintenance on ${node}` }).click()
  let exited = false
  try {
    const dialog = page.getByRole('dialog')
    await expect(dialog.getByText(/will live-migrate/)).toBeVisible()
    await dialog.getByRole('button', { name: 'Enter maintenance' }).click()
    await expect(row).toContainText('Cordoned')
    await expect(row).toContainText('Empty: ready for maintenance', { timeout: 90_000 })
    await expect(row.locator('td[data-label="VMs"]')).toHaveText('0')
    await row.getByRole('button', { name: `Exit maintenance on ${node}` }).click()
    await expect(row).toContainText('Schedulable')
    exited = true
  } finally {
    // A drain that stalled must not stay running into the next journeys (their task counts).
    if (!exited)
      await page.request.post(`/api/v1/clusters/vmdeck-sim/nodes/${node}/uncordon`, {
        headers: { origin: new URL(page.url()).origin },
        data: {},
      })
  }
})
