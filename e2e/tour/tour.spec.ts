import { expect, test, type Locator, type Page } from '@playwright/test'

// A walk through vmdeck that saves the README's screenshots (docs/screenshots/NN-name.png).
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `docs/screenshots/${name}.png`, animations: 'disabled' })

/**
 * Samples a chart must hold before its screenshot: about two minutes of the 15-minute range (5 s
 * steps), so it shows a line, not a dot. Charts and sparklines carry their count in `data-points`.
 */
const SAMPLES = 24
const eachHasSamples = (charts: Locator, samples = SAMPLES) =>
  expect
    .poll(
      async () => {
        const counts = await charts.evaluateAll((elements) =>
          elements.map((element) => Number(element.getAttribute('data-points'))),
        )
        return counts.length ? Math.min(...counts) : 0
      },
      { timeout: 240_000, intervals: [2_000] },
    )
    .toBeGreaterThanOrEqual(samples)

const logIn = async (page: Page, user: 'admin' | 'helpdesk' | 'viewer') => {
  await page.goto('/')
  await page.getByRole('button', { name: `Log in as ${user}` }).click()
  await expect(page.getByRole('button', { name: /^User menu/ })).toBeVisible()
}

test('tour', async ({ page }) => {
  await test.step('login page with the demo users', async () => {
    await page.goto('/')
    await expect(page.getByRole('button', { name: 'Log in as admin' })).toBeVisible()
    await shot(page, '01-login')
  })

  await logIn(page, 'admin')

  await test.step('VM list, live', async () => {
    await page.goto('/vms')
    const grid = page.getByRole('grid', { name: 'Virtual machines' })
    await expect(grid.getByRole('row', { name: /web-01/ })).toBeVisible()
    await expect(grid.getByRole('row', { name: /web-01/ })).toContainText('Running', {
      timeout: 60_000,
    })
    await shot(page, '02-vm-list')
  })

  await test.step('VM detail', async () => {
    await page.getByRole('link', { name: 'web-01' }).first().click()
    await expect(page.getByRole('heading', { level: 1 })).toContainText('web-01')
    await expect(page.getByRole('tab', { name: 'Overview' })).toBeVisible()
    await shot(page, '03-vm-detail')
  })

  await test.step('VNC console, with a command typed into the guest', async () => {
    await page.getByRole('tab', { name: 'Console' }).click()
    await expect(page.getByTestId('console-status').first()).toHaveText('Connected', {
      timeout: 60_000,
    })
    // Scaling is computed when the viewer attaches; toggle it once so it fits the laid-out panel.
    const scale = page.locator('label', { hasText: 'Scale to fit' })
    await scale.click()
    await scale.click()
    await expect
      .poll(
        async () => (await page.locator('[data-testid="vnc-screen"] canvas').boundingBox())?.width,
      )
      .toBeGreaterThan(300)
    // Lit pixels on the guest's screen: the text it shows.
    const lit = () =>
      page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>(
          '[data-testid="vnc-screen"] canvas',
        )
        const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data
        let count = 0
        for (let i = 0; data && i < data.length; i += 4) if (data[i]! > 120) count++
        return count
      })
    await expect.poll(lit).toBeGreaterThan(1000) // the banner
    const before = await lit()
    await page.getByTestId('vnc-screen').click()
    await page.keyboard.type('uname -sr', { delay: 50 })
    await page.keyboard.press('Enter')
    // The command, its answer (the kernel's release) and a new prompt.
    await expect.poll(lit, { timeout: 30_000 }).toBeGreaterThan(before + 600)
    await shot(page, '04-console')
  })

  await test.step('serial console', async () => {
    await page.getByRole('button', { name: 'Serial console' }).click()
    await expect(page.getByTestId('console-status').first()).toHaveText('Connected', {
      timeout: 60_000,
    })
    await page.locator('.xterm-screen').click()
    await page.keyboard.type('cat /proc/cpuinfo | head -5')
    await page.keyboard.press('Enter')
    await expect(page.locator('.xterm-rows')).toContainText('model name', { timeout: 30_000 })
    await shot(page, '04-serial-console')
    // Keep the guest's vCPU busy for a minute, so its CPU chart has something to show.
    await page.keyboard.type('timeout 60 sh -c "while :; do :; done" &')
    await page.keyboard.press('Enter')
  })

  await test.step('metrics', async () => {
    await page.getByRole('tab', { name: 'Metrics' }).click()
    await page.getByRole('button', { name: '15 min' }).click()
    await eachHasSamples(page.getByRole('figure', { name: 'CPU (% of vCPUs) chart' }))
    await shot(page, '08-metrics')
  })

  await test.step('create wizard', async () => {
    await page.goto('/vms/new')
    await expect(page.getByRole('heading', { name: 'Create a virtual machine' })).toBeVisible()
    await shot(page, '05-create-vm')
  })

  await test.step('nodes and maintenance', async () => {
    await page.getByRole('link', { name: 'Nodes' }).click()
    await expect(page.getByRole('heading', { name: 'Nodes' })).toBeVisible()
    const table = page.getByRole('grid', { name: 'Nodes' })
    await expect(table.getByRole('row', { name: /node-1/ })).toBeVisible()
    // Every row's CPU and memory sparklines hold a few minutes of samples.
    await eachHasSamples(table.getByRole('img', { name: /^(CPU|Memory) of / }))
    await shot(page, '06-nodes')
  })

  await test.step('the help desk sees only what its role allows', async () => {
    const context = await page
      .context()
      .browser()!
      .newContext({ baseURL: new URL(page.url()).origin })
    const helpdesk = await context.newPage()
    await helpdesk.setViewportSize(page.viewportSize()!)
    await logIn(helpdesk, 'helpdesk')
    await helpdesk.goto('/vms/prod/web-01')
    await expect(helpdesk.getByRole('heading', { level: 1 })).toContainText('web-01')
    await expect(helpdesk.getByRole('button', { name: 'Open console' })).toBeEnabled()
    await shot(helpdesk, '09-helpdesk')
    await context.close()
  })

  await test.step('overview', async () => {
    await page.getByRole('link', { name: 'Overview' }).click()
    await expect(page.getByRole('heading', { name: /Overview of/ })).toBeVisible()
    // The charts once Prometheus answered: node utilization bars and the busiest VMs.
    const nodes = page.getByRole('figure', { name: 'Node utilization chart' })
    await expect(nodes.locator('.recharts-bar-rectangle').first()).toBeVisible({ timeout: 60_000 })
    await expect(page.getByRole('progressbar', { name: /web-01/ }).first()).toBeVisible()
    await shot(page, '07-overview')
  })
})
