import { expect, test } from '../fixtures.ts'

// The stack's Prometheus scrapes the simulator every 2 s; a chart has points once two scrapes
// fall in one step. Charts refresh themselves, so the tests wait for data points, never a time.
test.describe.configure({ timeout: 90_000 })

test('the Metrics tab of a running VM charts CPU, memory, network and storage', async ({
  loginAs,
}) => {
  const page = await loginAs('viewer')
  await page.goto('/vms/prod/web-01/metrics')
  await page.getByRole('tab', { name: 'Metrics' }).click()
  await page.getByRole('button', { name: '15 min' }).click()
  for (const title of [
    'CPU (% of vCPUs)',
    'Memory',
    'Network',
    'Storage throughput',
    'Storage IOPS',
  ]) {
    const chart = page.getByRole('figure', { name: `${title} chart` })
    await expect(chart).toBeVisible({ timeout: 60_000 })
    // A drawn line with at least two samples: the chart has data points, not just axes.
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(2)
    await expect(chart.locator('path.recharts-curve').first()).toHaveAttribute('d', /^M[\d.,]+[CL]/)
  }
})

test('a stopped VM says why its charts are empty', async ({ loginAs }) => {
  const page = await loginAs('viewer')
  await page.goto('/vms/dev/build-runner/metrics')
  await page.getByRole('tab', { name: 'Metrics' }).click()
  await expect(page.getByText('No data yet for CPU (% of vCPUs)')).toBeVisible({ timeout: 30_000 })
})

test('the Overview charts VMs by status, the busiest VMs and node utilization', async ({
  loginAs,
}) => {
  const page = await loginAs('admin')
  await page.goto('/overview')
  const byStatus = page.getByRole('figure', { name: 'VMs by status chart' })
  await expect(byStatus).toBeVisible({ timeout: 30_000 })
  await expect(byStatus.locator('.recharts-bar-rectangle').first()).toBeVisible()
  const nodes = page.getByRole('figure', { name: 'Node utilization chart' })
  await expect(nodes).toBeVisible({ timeout: 60_000 })
  await expect(nodes).toHaveAttribute('data-points', '3')
  await expect(nodes.locator('.recharts-bar-rectangle').first()).toBeVisible()
  // The top lists name running VMs with their figure.
  const top = page.getByRole('progressbar', { name: /prod\/web-01/ }).first()
  await expect(top).toBeVisible({ timeout: 60_000 })
  await expect(top).toHaveAttribute('aria-valuetext', /^\d+(\.\d)? %$/)
})
