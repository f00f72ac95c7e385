import type { Browser, Page } from '@playwright/test'
import { expect, test } from '../fixtures.ts'

// Three people on the demo VM prod/web-01 (a real QEMU guest: busybox shells on ttyS0 and tty1),
// each in a browser context of their own. What is typed over VNC is read back on the serial
// console: the guest writes it to /dev/ttyS0, since text drawn on the VNC canvas cannot be read
// back as text here.
const NS = 'prod'
const VM = 'web-01'
const BOOT_MS = 90_000

test.describe.configure({ timeout: 300_000 })

async function userPage(browser: Browser, baseURL: string | undefined, user: string) {
  const context = await browser.newContext({ baseURL })
  const page = await context.newPage()
  await page.goto('/')
  await page.getByRole('button', { name: `Log in as ${user}` }).click()
  await expect(page.getByRole('button', { name: /^User menu/ })).toBeVisible()
  return page
}

async function openConsole(page: Page, kind: 'vnc' | 'serial') {
  await page.goto(`/console/${NS}/${VM}?type=${kind}`)
  await expect(page.getByTestId('console-status')).toHaveText('Connected', { timeout: BOOT_MS })
}

const presence = (page: Page) => page.getByTestId('console-presence')
const terminalRows = (page: Page) =>
  page.getByTestId('serial-terminal').locator('.xterm-rows > div')
const rowsWith = (page: Page, answer: string) =>
  terminalRows(page).filter({ hasText: new RegExp(`^\\s*${answer}\\s*$`) })

/** Lit pixels of the VNC canvas: the guest's text console drawn there. */
const litPixels = (page: Page) =>
  page
    .getByTestId('vnc-screen')
    .locator('canvas')
    .evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data
      let lit = 0
      if (data)
        for (let i = 0; i < data.length; i += 4)
          if (data[i]! + data[i + 1]! + data[i + 2]! > 300) lit++
      return lit
    })

/** Types `text` on the VNC console with "Paste as keystrokes". */
async function typeOverVnc(page: Page, text: string) {
  await page.getByRole('button', { name: 'Paste as keystrokes' }).click()
  await page.getByRole('textbox', { name: 'Text to type' }).fill(text)
  await page.getByRole('button', { name: 'Type it' }).click()
  await expect(page.getByRole('dialog')).toHaveCount(0)
}

/** Types over VNC until the serial console `watcher` shows `answer` (the guest may still boot). */
async function typeUntilSeen(page: Page, watcher: Page, command: string, answer: string) {
  await expect(async () => {
    await typeOverVnc(page, `${command} > /dev/ttyS0\n`)
    await expect(rowsWith(watcher, answer)).not.toHaveCount(0, { timeout: 10_000 })
  }).toPass({ timeout: BOOT_MS })
}

test('admin and help-desk share a VNC console: watch, request, grant, and only the controller types', async ({
  browser,
  baseURL,
}) => {
  const admin = await userPage(browser, baseURL, 'admin')
  await openConsole(admin, 'vnc')
  await expect(presence(admin)).toContainText('You are controlling')

  const helpdesk = await userPage(browser, baseURL, 'helpdesk')
  await openConsole(helpdesk, 'vnc')
  await expect(presence(helpdesk)).toContainText('admin is controlling')
  await expect(presence(admin)).toContainText('Watching: helpdesk')
  // help-desk watches the same screen: the guest's console is drawn on its canvas too.
  await expect.poll(() => litPixels(helpdesk), { timeout: BOOT_MS }).toBeGreaterThan(500)

  // admin's serial console, and help-desk following it: what the guest prints, both see.
  const adminSerial = await admin.context().newPage()
  await openConsole(adminSerial, 'serial')
  const watcher = await helpdesk.context().newPage()
  await openConsole(watcher, 'serial')
  await expect(presence(watcher)).toContainText('admin is controlling')

  // admin types a command on VNC; help-desk sees its output.
  await typeUntilSeen(admin, watcher, 'echo adm-$((6*7))', 'adm-42')

  // help-desk asks for control, admin grants it.
  await presence(helpdesk).getByRole('button', { name: 'Request control' }).click()
  await expect(admin.getByText('helpdesk asks for control')).toBeVisible()
  await admin.getByRole('button', { name: 'Grant' }).click()
  await expect(presence(helpdesk)).toContainText('You are controlling')
  await expect(presence(admin)).toContainText('helpdesk is controlling')

  // help-desk types now; admin's keystrokes are dropped by the BFF and never reach the guest.
  await typeUntilSeen(helpdesk, watcher, 'echo hd-$((2*4))', 'hd-8')
  await typeOverVnc(admin, 'echo adm2-$((3*3)) > /dev/ttyS0\n')
  await typeUntilSeen(helpdesk, watcher, 'echo after-$((5*5))', 'after-25')
  await expect(rowsWith(watcher, 'adm2-9')).toHaveCount(0)
  await expect(rowsWith(adminSerial, 'adm2-9')).toHaveCount(0)

  // A viewer (no vnc right) gets no console at all.
  const viewer = await userPage(browser, baseURL, 'viewer')
  await viewer.goto(`/console/${NS}/${VM}?type=vnc`)
  await expect(viewer.getByText('You cannot open this console')).toBeVisible()
  await expect(viewer.getByTestId('console-status')).toHaveText('Not connected')
  await expect(viewer.getByTestId('vnc-screen').locator('canvas')).toHaveCount(0)

  for (const page of [admin, helpdesk, viewer]) await page.context().close()
})
