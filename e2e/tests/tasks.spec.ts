import type { Browser, Page } from '@playwright/test'
import { expect, test } from '../fixtures.ts'

// Tasks and history: what vmdeck did, on whose behalf, and how it ended, as the people who ask
// "who restarted this VM, and when?" see it.
test.describe.configure({ timeout: 240_000 })

const NS = 'prod'
const STOPPED = 'web-02'
const CONSOLE_VM = 'web-01'
const BOOT_MS = 90_000

/** A second person in their own browser context (their own session cookie). */
async function loginInNewContext(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto('/')
  await page.getByRole('button', { name: `Log in as ${user}` }).click()
  await expect(page.getByRole('button', { name: /^User menu/ })).toBeVisible()
  return page
}

const openVm = async (page: Page, name: string, tab: string) => {
  await page.goto(`/vms/${NS}/${name}`)
  await page.getByRole('tab', { name: tab }).click()
}

test('admin stops a VM: the drawer shows the task running, then succeeded, and the VM timeline says who', async ({
  loginAs,
}) => {
  const page = await loginAs('admin')
  await openVm(page, STOPPED, 'Overview')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Running', {
    timeout: BOOT_MS,
  })
  // The drawer, open in a second tab of the same session, watches the task from the start: every
  // text its list shows is kept, so a running state however short is seen.
  const watcher = await page.context().newPage()
  await watcher.goto('/vms')
  await watcher.getByRole('button', { name: /^Tasks: \d+ running/ }).click()
  await expect(watcher.getByRole('list', { name: 'Recent tasks list' })).toBeVisible()
  await watcher.evaluate(() => {
    const seen: string[] = []
    ;(window as unknown as { seen: string[] }).seen = seen
    new MutationObserver(() => {
      for (const li of document.querySelectorAll('[aria-label="Recent tasks list"] li'))
        seen.push(li.textContent ?? '')
    }).observe(document.body, { subtree: true, childList: true, characterData: true })
  })

  await page.getByRole('button', { name: 'Stop', exact: true }).click()
  const shown = () => watcher.evaluate(() => (window as unknown as { seen: string[] }).seen)
  await expect
    .poll(async () => (await shown()).some((t) => /Running.*admin stopped web-02/.test(t)), {
      timeout: 30_000,
    })
    .toBe(true)
  // A guest that ignores ACPI would wait out its grace period: force it, as an admin would.
  await expect(async () => {
    const heading = (await page.getByRole('heading', { level: 1 }).textContent()) ?? ''
    if (heading.includes('Stopped')) return
    await page.getByRole('button', { name: 'More actions' }).click()
    const force = page.getByRole('menuitem', { name: 'Force stop', exact: true })
    if ((await force.getAttribute('aria-disabled')) === 'true') await page.keyboard.press('Escape')
    else await force.click({ timeout: 2_000 })
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Stopped', {
      timeout: 5_000,
    })
  }).toPass({ timeout: 60_000 })
  await expect(
    watcher
      .getByRole('list', { name: 'Recent tasks list' })
      .getByRole('listitem')
      .filter({ hasText: `admin stopped ${STOPPED}` })
      .first(),
  ).toContainText('Succeeded', { timeout: 30_000 })
  await watcher.close()

  // The VM's timeline: the task, with its time, among the VM's events.
  await page.getByRole('tab', { name: 'Tasks & events' }).click()
  const timeline = page.getByRole('grid', { name: 'Tasks and events' })
  const row = timeline
    .getByRole('row')
    .filter({ hasText: `admin stopped ${STOPPED}` })
    .first()
  await expect(row).toContainText('Succeeded')
  await expect(row).toContainText(new Date().getFullYear().toString())

  // Leave the demo fleet as it was.
  await page.getByRole('button', { name: 'Start', exact: true }).click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Running', {
    timeout: 60_000,
  })
})

test('help-desk opens and closes a console; an admin sees the session and how long it was open', async ({
  loginAs,
  browser,
}) => {
  const helpdesk = await loginAs('helpdesk')
  await openVm(helpdesk, CONSOLE_VM, 'Console')
  await helpdesk.getByRole('button', { name: 'Serial console' }).click()
  await expect(helpdesk.getByTestId('console-status')).toHaveText('Connected', {
    timeout: BOOT_MS,
  })
  // Leaving the tab closes the console.
  await helpdesk.getByRole('tab', { name: 'Overview' }).click()

  const admin = await loginInNewContext(browser, 'admin')
  await admin.goto('/tasks')
  const session = admin
    .getByRole('grid', { name: 'Recent tasks' })
    .getByRole('row')
    .filter({ hasText: `helpdesk opened a serial console on ${CONSOLE_VM}` })
    .first()
  await expect(session).toBeVisible({ timeout: 30_000 })
  // "(12 s)": its duration, in the title and the Duration column.
  await expect(session).toContainText(/\(\d+ (s|min)/)
  await expect(session).toContainText('Succeeded')
  await admin.context().close()
})
