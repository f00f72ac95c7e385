import { expect, test } from '../fixtures.ts'

test.describe.configure({ timeout: 90_000 })

test('create a VM in the wizard (dry-run YAML on review), see it Running, then delete it', async ({
  loginAs,
  cluster,
}) => {
  await cluster.deleteVmIfExists('dev', 'e2e-wizard')
  const page = await loginAs('admin')
  await page.getByRole('link', { name: 'Create VM' }).click()
  await expect(page.getByRole('heading', { name: 'Create a virtual machine' })).toBeVisible()

  await test.step('name is validated as you type', async () => {
    const name = page.getByRole('textbox', { name: 'Name', exact: true })
    await name.fill('Bad_Name')
    await expect(page.getByText('Lowercase letters only.')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled()
    await name.fill('web-01')
    const namespace = page.getByRole('main').getByRole('combobox', { name: 'Namespace' })
    await namespace.fill('prod')
    await namespace.press('Enter')
    await expect(page.getByText('A VM named web-01 already exists in prod.')).toBeVisible()
    await name.fill('e2e-wizard')
    await namespace.fill('dev')
    await namespace.press('Enter')
    await page.getByRole('button', { name: 'Next' }).click()
  })

  await test.step('boot source, size, networks, cloud-init', async () => {
    // Catalog cards are a radio group: the keyboard moves the choice (Up wraps to the last card).
    await page.getByRole('radio', { name: 'Fedora 41' }).focus()
    await page.keyboard.press('ArrowUp')
    await expect(page.getByRole('radio', { name: 'CirrOS (tiny test image)' })).toBeChecked()
    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByLabel('Custom CPU and memory').check()
    await page.getByRole('textbox', { name: 'Memory', exact: true }).fill('256Mi')
    await page.getByRole('button', { name: 'Next' }).click()
    await expect(page.getByLabel(/Pod network/)).toBeChecked()
    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByRole('radio', { name: 'SSH public key' }).check()
    await page
      .getByRole('textbox', { name: 'SSH public key' })
      .fill(
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e e2e@test',
      )
    await page.getByRole('button', { name: 'Next' }).click()
  })

  await test.step('review shows the exact object of the dry run', async () => {
    await expect(page.getByText('The cluster accepts this VM (dry run).')).toBeVisible()
    await page.getByRole('button', { name: 'Show YAML' }).click()
    const yaml = page.locator('.vmdeck-yaml')
    await expect(yaml).toContainText('kind: VirtualMachine')
    await expect(yaml).toContainText('name: e2e-wizard')
    await expect(page.getByLabel('Start the VM once it is created')).toBeChecked()
    await page.getByRole('button', { name: 'Create', exact: true }).click()
  })

  await test.step('the new VM runs', async () => {
    await expect(page).toHaveURL(/\/vms\/dev\/e2e-wizard$/)
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Running', {
      timeout: 60_000,
    })
  })

  await test.step('delete asks for the name', async () => {
    await page.getByRole('button', { name: 'More actions' }).click()
    await page.getByRole('menuitem', { name: 'Delete' }).click()
    const dialog = page.getByRole('dialog')
    await expect(dialog.getByRole('button', { name: 'Delete' })).toBeDisabled()
    await dialog.getByLabel('Type e2e-wizard to confirm').fill('e2e-wizard')
    await dialog.getByRole('button', { name: 'Delete' }).click()
    await expect(page).toHaveURL(/\/vms$/)
    // Deleting a running VM waits for its guest to shut down: gone, or on its way out.
    const row = page
      .getByRole('grid', { name: 'Virtual machines' })
      .getByRole('row', { name: /e2e-wizard/ })
    await expect
      .poll(async () => ((await row.count()) === 0 ? 'gone' : await row.textContent()), {
        timeout: 30_000,
      })
      .toMatch(/gone|Terminating|Stopping/)
    await cluster.deleteVmIfExists('dev', 'e2e-wizard')
  })
})
