import { vmManifest } from '../../apps/cluster-sim/src/seed/vm-manifest.ts'
import { expect, test } from '../fixtures.ts'

// A VM saved as a template from its page, then five VMs from the template with a name pattern:
// the five in the list, and the bulk task's result per VM on the Tasks page.
test.describe.configure({ timeout: 180_000 })

test('save a VM as a template and create five VMs from it with a name pattern', async ({
  loginAs,
  cluster,
}) => {
  const suffix = Date.now().toString(36)
  const source = `tsrc-${suffix}`
  const template = `tpl-${suffix}`
  const names = [1, 2, 3, 4, 5].map((n) => `tvm-${suffix}-0${n}`)
  await cluster.api.createNamespacedCustomObject({
    group: 'kubevirt.io',
    version: 'v1',
    plural: 'virtualmachines',
    namespace: 'dev',
    body: vmManifest({ namespace: 'dev', name: source, runStrategy: 'Halted' }),
  })
  try {
    const page = await loginAs('admin')
    await page.goto(`/vms/dev/${source}`)
    await page.getByRole('button', { name: 'Save as template' }).click()
    const save = page.getByRole('dialog')
    await save.getByLabel(/Template name/).fill(template)
    await save.getByLabel('Category').fill('E2E')
    await save.getByLabel('Description').fill('Made by the templates journey')
    await save.getByRole('button', { name: 'Save as template' }).click()
    await expect(save).toBeHidden()

    await page.getByRole('link', { name: 'Templates' }).click()
    const card = page.getByRole('region', { name: 'E2E' }).getByLabel(template)
    await expect(card).toContainText('Made by the templates journey', { timeout: 30_000 })
    await expect(card).toContainText('Template')
    await card.getByRole('button', { name: 'Create VMs…' }).click()
    const create = page.getByRole('dialog')
    await create.getByLabel(/Name pattern/).fill(`tvm-${suffix}-{01..05}`)
    const preview = create.getByRole('region', { name: 'Names preview' })
    await expect(preview).toContainText('5 VMs:')
    for (const name of names) await expect(preview).toContainText(name)
    await create.getByRole('button', { name: 'Create 5 VMs' }).click()
    await expect(page.getByText(/Creating 5 VMs from template/)).toBeVisible()

    await page.goto(`/vms?namespace=dev&search=tvm-${suffix}`)
    const table = page.getByRole('grid', { name: 'Virtual machines' })
    for (const name of names)
      await expect(table.getByRole('row', { name: new RegExp(name) })).toBeVisible({
        timeout: 30_000,
      })

    await page.goto('/tasks')
    const bulk = page.getByRole('row').filter({ hasText: 'admin created 5 VMs (bulk)' }).first()
    await bulk.getByRole('button', { name: 'Result per VM' }).click()
    const result = page.getByLabel(/^Result per VM of task/).first()
    for (const name of names) await expect(result).toContainText(`dev/${name}`)
    await expect(result).toContainText('5 succeeded', { timeout: 30_000 })
  } finally {
    for (const name of [...names, template, source]) await cluster.deleteVmIfExists('dev', name)
  }
})

test('create one VM from a template in the wizard with a size of its own', async ({
  loginAs,
  cluster,
}) => {
  const suffix = Date.now().toString(36)
  const template = `tplw-${suffix}`
  const name = `twz-${suffix}`
  await cluster.api.createNamespacedCustomObject({
    group: 'kubevirt.io',
    version: 'v1',
    plural: 'virtualmachines',
    namespace: 'dev',
    body: vmManifest({
      namespace: 'dev',
      name: template,
      runStrategy: 'Halted',
      labels: { 'vmdeck.io/template': 'true' },
      annotations: { 'vmdeck.io/template-category': 'E2E wizard' },
    }),
  })
  try {
    const page = await loginAs('admin')
    await page.getByRole('link', { name: 'Create VM' }).click()
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name)
    await page.getByRole('button', { name: 'Next' }).click()

    await page.getByLabel('From template').check()
    const category = page.getByRole('region', { name: 'E2E wizard' })
    // A selectable card's label covers its radio: chosen with the keyboard, as the catalog's are.
    const card = category.getByRole('radio', { name: template })
    await card.focus()
    await page.keyboard.press('Space')
    await expect(card).toBeChecked()
    // The template has no cloud-init disk: the wizard refuses a key before sending anything.
    const secret = page.getByRole('textbox', { name: 'SSH key secret' })
    await secret.fill('my-keys')
    await expect(page.getByText(/has no cloud-init disk to carry an SSH key/)).toBeVisible()
    await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled()
    await secret.fill('')
    await page.getByRole('button', { name: 'Next' }).click()

    // The template's size (1 vCPU, 128Mi), changed.
    await expect(page.getByRole('textbox', { name: 'Memory', exact: true })).toHaveValue('128Mi')
    await page.getByRole('button', { name: 'More vCPUs' }).click()
    await page.getByRole('textbox', { name: 'Memory', exact: true }).fill('192Mi')
    await page.getByRole('button', { name: 'Next' }).click()

    await expect(page.getByText(`Template dev/${template}`)).toBeVisible()
    await expect(page.getByText('The cluster accepts this VM (dry run).')).toBeVisible()
    await page.getByRole('button', { name: 'Show YAML' }).click()
    const yaml = page.locator('.vmdeck-yaml')
    await expect(yaml).toContainText(`name: ${name}`)
    await expect(yaml).toContainText('guest: 192Mi')
    await page.getByLabel('Start the VM once it is created').uncheck()
    await page.getByRole('button', { name: 'Create', exact: true }).click()
    // Created by a task: the wizard goes to the list, where the VM arrives.
    await expect(page).toHaveURL(/\/vms$/)

    await page.goto(`/vms?namespace=dev&search=${name}&columns=cpus,memory`)
    const row = page
      .getByRole('grid', { name: 'Virtual machines' })
      .getByRole('row', { name: new RegExp(name) })
    await expect(row).toBeVisible({ timeout: 30_000 })
    await expect(row.getByRole('gridcell').filter({ hasText: /^2$/ })).toHaveCount(1)
    await expect(row.getByRole('gridcell').filter({ hasText: /^192Mi$/ })).toHaveCount(1)
  } finally {
    for (const vm of [name, template]) await cluster.deleteVmIfExists('dev', vm)
  }
})
