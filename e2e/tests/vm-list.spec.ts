import { expect, test } from '../fixtures.ts'

test('a logged-in user sees the seeded VMs with their status', async ({ loginAs }) => {
  const page = await loginAs('viewer')
  const table = page.getByRole('grid', { name: 'Virtual machines' })
  await expect(table.getByRole('row', { name: /web-01/ })).toContainText('Running')
  await expect(table.getByRole('row', { name: /build-runner/ })).toContainText('Stopped')
  await expect(page.getByText('Live', { exact: true })).toBeVisible()
})

test('a change made through the Kubernetes API shows up without a reload', async ({
  loginAs,
  cluster,
}) => {
  test.setTimeout(90_000)
  const page = await loginAs('viewer')
  const row = page
    .getByRole('grid', { name: 'Virtual machines' })
    .getByRole('row', { name: /sandbox/ })
  await expect(row).toContainText('Stopped')
  await expect(page.getByText('Live', { exact: true })).toBeVisible()
  // Navigation marks the document; a reload would lose the mark.
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true))
  await cluster.patchVm('dev', 'sandbox', { spec: { runStrategy: 'Always' } })
  // A real QEMU guest boots behind it; the graceful stop below waits for its ACPI shutdown.
  await expect(row).toContainText('Running', { timeout: 30_000 })
  expect(
    await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload),
  ).toBe(true)
  // Halted stops it (Manual would leave a running VM running, as in KubeVirt); then back to Manual.
  await cluster.patchVm('dev', 'sandbox', { spec: { runStrategy: 'Halted' } })
  await expect(row).toContainText('Stopped', { timeout: 30_000 })
  await cluster.patchVm('dev', 'sandbox', { spec: { runStrategy: 'Manual' } })
})

test('without a session the API answers 401 and the page offers a login', async ({
  page,
  request,
}) => {
  const response = await request.get('/api/v1/clusters/vmdeck-sim/vms')
  expect(response.status()).toBe(401)
  await page.goto('/vms')
  await expect(page.getByRole('heading', { name: 'Log in to vmdeck' })).toBeVisible()
})
