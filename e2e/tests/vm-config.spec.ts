import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures.ts'

// The Configuration tab end to end: each journey on a VM of its own, created through the API.
test.describe.configure({ timeout: 120_000 })

const API = '/api/v1/clusters/vmdeck-sim'
let created = 0

async function ownVm(page: Page, running: boolean): Promise<string> {
  const name = `cfg-e2e-${Date.now().toString(36)}-${++created}`
  const origin = new URL(page.url()).origin
  const response = await page.request.post(`${API}/vms`, {
    headers: { origin },
    data: {
      name,
      namespace: 'default',
      compute: { kind: 'custom', cpus: 1, memory: '128Mi' },
      bootSource: { type: 'containerDisk', image: 'quay.io/containerdisks/fedora:41' },
      startNow: running,
    },
  })
  expect(response.status()).toBe(201)
  return name
}

const card = (page: Page, title: string) =>
  page.locator('.pf-v6-c-card', { has: page.getByRole('heading', { name: title }) })

async function reviewAndSave(page: Page, section: string, path: RegExp) {
  await card(page, section).getByRole('button', { name: 'Review changes' }).click()
  const dialog = page.getByRole('dialog', { name: 'Review changes' })
  await expect(dialog.getByRole('grid', { name: 'Changes to the VM' })).toContainText(path)
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(dialog).toBeHidden()
}

const openConfig = async (page: Page, name: string, status: 'Running' | 'Stopped') => {
  await page.goto(`/vms/default/${name}/configuration`)
  await expect(page.getByRole('heading', { level: 1 })).toContainText(status, { timeout: 60_000 })
  await expect(card(page, 'Details')).toBeVisible()
}

test('edit the labels of a VM', async ({ loginAs, cluster }) => {
  const page = await loginAs('admin')
  const name = await ownVm(page, false)
  await openConfig(page, name, 'Stopped')
  await page.getByLabel('Labels').fill('tier=web\nteam=blue')
  await reviewAndSave(page, 'Details', /metadata\.labels\.team/)
  await expect(page.getByRole('heading', { name: /alert: Saved$/ })).toBeVisible()
  await page.screenshot({ path: 'e2e/.artifacts/vm-config-details.png', fullPage: true })
  await cluster.deleteVmIfExists('default', name)
})

test('raise the memory of a running VM; it applies live or after a restart', async ({
  loginAs,
  cluster,
}) => {
  const page = await loginAs('admin')
  const name = await ownVm(page, true)
  await openConfig(page, name, 'Running')
  await page.getByLabel('Memory', { exact: true }).fill('256Mi')
  await reviewAndSave(page, 'Compute', /memory\.guest/)
  // KubeVirt decides: live where it can hot-plug, otherwise RestartRequired (said once, with Restart).
  const pending = page.getByRole('heading', { name: /Saved changes apply at the next restart/ })
  const live = page.getByRole('heading', { name: /Saved and applied to the running VM/ })
  await expect(pending.or(live)).toBeVisible({ timeout: 15_000 })
  if (await pending.isVisible()) {
    await page.setViewportSize({ width: 1600, height: 1800 })
    await page
      .locator('.vmdeck-config')
      .screenshot({ path: 'e2e/.artifacts/vm-config-restart.png' })
    await page
      .locator('.pf-v6-c-alert', { has: pending })
      .getByRole('button', { name: 'Restart', exact: true })
      .click()
    await expect(pending).toBeHidden({ timeout: 60_000 })
  }
  await expect(page.getByLabel('Memory', { exact: true })).toHaveValue('256Mi')
  await cluster.deleteVmIfExists('default', name)
})

test('add a network card on a VLAN network created in the test', async ({ loginAs, cluster }) => {
  const page = await loginAs('admin')
  const name = await ownVm(page, false)
  await openConfig(page, name, 'Stopped')
  const network = card(page, 'Network')
  const vlan = String(1000 + Math.floor(Math.random() * 3000))
  await network.getByRole('button', { name: 'Create a VLAN network' }).click()
  await network.getByLabel('Name prefix').fill('e2e')
  await network.getByLabel('VLAN ID', { exact: true }).fill(vlan)
  await network.getByRole('button', { name: 'Create network' }).click()
  await expect(network.getByText(`Created e2e-${vlan}`)).toBeVisible()
  await network.getByLabel('New card').fill('lan')
  await page.locator('#cfg-nic-network').selectOption(`e2e-${vlan}`)
  await reviewAndSave(page, 'Network', /interfaces\[lan\]/)
  await expect(page.getByRole('heading', { name: /Saved; the VM starts with it/ })).toBeVisible()
  await expect(
    card(page, 'Network').getByRole('grid', { name: 'Network card list' }),
  ).toContainText(`e2e-${vlan}`)
  await page.setViewportSize({ width: 1600, height: 1800 })
  await page.locator('.vmdeck-config').screenshot({ path: 'e2e/.artifacts/vm-config-network.png' })
  await cluster.deleteVmIfExists('default', name)
})

test('change the SSH key of a stopped VM, then start it', async ({ loginAs, cluster }) => {
  const page = await loginAs('admin')
  const name = await ownVm(page, false)
  await openConfig(page, name, 'Stopped')
  await page.getByLabel('SSH keys').fill('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0a e2e@vmdeck')
  await reviewAndSave(page, 'Initial run', /volumes\[cloudinitdisk\]/)
  await expect(page.getByRole('heading', { name: /Saved; the VM starts with it/ })).toBeVisible()
  await page.getByRole('button', { name: 'Start', exact: true }).click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Running', {
    timeout: 60_000,
  })
  await cluster.deleteVmIfExists('default', name)
})
