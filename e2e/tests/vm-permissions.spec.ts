import { expect, test } from '../fixtures.ts'

test('viewer sees VMs but every action is disabled with a reason, and no Create', async ({
  loginAs,
}) => {
  const page = await loginAs('viewer')
  await expect(
    page.getByRole('grid', { name: 'Virtual machines' }).getByRole('row', { name: /web-01/ }),
  ).toBeVisible()
  await expect(page.getByRole('link', { name: 'Create VM' })).toHaveCount(0)
  await page.getByRole('button', { name: 'Actions for web-01' }).click()
  for (const verb of ['Stop', 'Restart', 'Migrate', 'Delete', 'Open console'])
    await expect(page.getByRole('menuitem', { name: verb, exact: true })).toHaveAttribute(
      'aria-disabled',
      'true',
    )
  await page.keyboard.press('Escape')
  await page.goto('/vms/prod/web-01')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Running')
  for (const verb of ['Stop', 'Restart', 'Migrate', 'Open console'])
    await expect(page.getByRole('button', { name: verb, exact: true })).toHaveCount(0)
})

test('helpdesk may restart and open consoles, nothing else', async ({ loginAs }) => {
  const page = await loginAs('helpdesk')
  await page.goto('/vms/prod/web-01')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Running')
  await expect(page.getByRole('button', { name: 'Restart', exact: true })).toBeEnabled()
  await expect(page.getByRole('button', { name: 'Open console', exact: true })).toBeEnabled()
  for (const verb of ['Stop', 'Pause', 'Migrate'])
    await expect(page.getByRole('button', { name: verb, exact: true })).toHaveCount(0)
})

test('a 403 from the API shows as information, not a crash', async ({ loginAs }) => {
  const page = await loginAs('viewer')
  await page.route('**/api/v1/clusters/*/nodes', (route) =>
    route.fulfill({
      status: 403,
      contentType: 'application/json',
      body: JSON.stringify({
        statusCode: 403,
        error: 'Forbidden',
        message: 'nodes is forbidden',
        code: 'K8S_FORBIDDEN',
      }),
    }),
  )
  await page.getByRole('link', { name: 'Nodes' }).click()
  await expect(
    page.getByRole('heading', { name: 'Info alert: Nodes could not be loaded' }),
  ).toBeVisible()
  await expect(page.getByText('nodes is forbidden')).toBeVisible()
})
