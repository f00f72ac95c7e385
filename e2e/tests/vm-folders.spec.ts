import { readFileSync } from 'node:fs'
import type { Browser, Page } from '@playwright/test'
import { expect, test } from '../fixtures.ts'

// Folders, saved views and export as an admin organising a fleet sees them: folders are a label
// on each VM, so kubectl finds the same structure.
test.describe.configure({ timeout: 120_000 })

const NS = 'prod'
const FOLDER = 'e2e/shop'
const LABEL = 'vmdeck.io/folder'
const VMS = ['db-01', 'web-01', 'web-02']

async function loginInNewContext(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto('/')
  await page.getByRole('button', { name: `Log in as ${user}` }).click()
  await expect(page.getByRole('button', { name: /^User menu/ })).toBeVisible()
  return page
}

test('folders: create one, move VMs by the menu and by drag and drop, find them after a reload and with kubectl; a view from its link; an export of the filtered list', async ({
  loginAs,
  cluster,
  browser,
}) => {
  const page = await loginAs('admin')
  const table = page.getByRole('grid', { name: 'Virtual machines' })
  const tree = page.getByRole('navigation', { name: 'Folders' })
  const row = (name: string) => table.getByRole('row', { name: new RegExp(`\\b${name}\\b`) })
  await page.goto('/vms?namespace=prod')
  await expect(row('web-01')).toBeVisible()

  try {
    await test.step('a new folder, two VMs moved there by the menu', async () => {
      await page.getByRole('checkbox', { name: 'Select web-01' }).check()
      await page.getByRole('checkbox', { name: 'Select web-02' }).check()
      await page.getByRole('button', { name: 'Move to folder' }).click()
      const dialog = page.getByRole('dialog', { name: 'Move 2 VMs to a folder' })
      await dialog.getByRole('combobox', { name: 'Folder' }).fill(FOLDER)
      await dialog.getByRole('button', { name: 'Move' }).click()
      await expect(dialog).toBeHidden()
      await expect(tree.getByLabel(/^shop: 2 /)).toBeVisible()
    })

    await test.step('a third VM dragged onto the folder', async () => {
      await row('db-01').dragTo(tree.getByLabel(/^shop: 2 /))
      const dialog = page.getByRole('dialog', { name: 'Move db-01 to a folder' })
      await expect(dialog.getByRole('combobox', { name: 'Folder' })).toHaveValue(FOLDER)
      await dialog.getByRole('button', { name: 'Move' }).click()
      await expect(dialog).toBeHidden()
      await expect(tree.getByLabel(/^shop: 3 /)).toBeVisible()
    })

    await test.step('after a reload the folder holds them, and the URL names it', async () => {
      await page.reload()
      await tree.getByLabel(/^shop: 3 /).click()
      await expect(page).toHaveURL(/folder=e2e%2Fshop/)
      await expect(table.locator('tbody tr')).toHaveCount(3)
      for (const name of VMS) await expect(row(name)).toBeVisible()
    })

    await test.step('kubectl get vm -l finds them by the label', async () => {
      const list = (await cluster.api.listNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        namespace: NS,
        plural: 'virtualmachines',
        labelSelector: `${LABEL}=e2e.shop`,
      })) as { items: { metadata: { name: string } }[] }
      expect(list.items.map((vm) => vm.metadata.name).sort()).toEqual(VMS)
    })

    let link = ''
    await test.step('a saved view restored from its link in a new browser context', async () => {
      const search = page.getByRole('textbox', { name: 'Search virtual machines' })
      await search.fill(`folder:${FOLDER} name:web-*`)
      await expect(table.locator('tbody tr')).toHaveCount(2)
      await table.getByRole('button', { name: 'Name', exact: true }).click()
      await expect(page).toHaveURL(/sort=-name/)
      await page.getByRole('button', { name: 'Views' }).click()
      await page.getByRole('menuitem', { name: 'Copy link to this view' }).click()
      link = await page.getByRole('textbox', { name: 'View link' }).inputValue()
      expect(link).toContain('columns=')
      const other = await loginInNewContext(browser, 'admin')
      await other.goto(link)
      await expect(other.getByRole('textbox', { name: 'Search virtual machines' })).toHaveValue(
        `folder:${FOLDER} name:web-*`,
      )
      const rows = other.getByRole('grid', { name: 'Virtual machines' }).locator('tbody tr')
      await expect(rows).toHaveCount(2)
      await expect(rows.first()).toContainText('web-02')
      await other.context().close()
      await page.keyboard.press('Escape')
    })

    await test.step('the export of the filtered list holds exactly those rows', async () => {
      await page.getByRole('button', { name: 'Export' }).click()
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('menuitem', { name: /Export as CSV/ }).click(),
      ])
      const csv = readFileSync(await download.path(), 'utf8')
        .trim()
        .split('\r\n')
      // The columns on screen, in the export's order, with the name and folder first among them.
      expect(csv[0]).toBe('Name,Namespace,Folder,Status,Node,IP addresses,OS,Created')
      expect(csv.slice(1).map((line) => line.split(',').slice(0, 3).join(','))).toEqual([
        `web-02,${NS},${FOLDER}`,
        `web-01,${NS},${FOLDER}`,
      ])
    })
  } finally {
    for (const name of VMS)
      await cluster.patchVm(NS, name, { metadata: { labels: { [LABEL]: null } } })
  }
})
