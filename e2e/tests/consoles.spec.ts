import type { Locator, Page } from '@playwright/test'
import { expect, test } from '../fixtures.ts'

// The demo VM prod/web-01 runs a real QEMU guest: busybox shells on ttyS0 (serial) and tty1 (VGA).
const NS = 'prod'
const VM = 'web-01'
const BOOT_MS = 90_000

test.describe.configure({ timeout: 180_000 })

/** find VM → open console, as help-desk does it: the list, the VM, its Console tab. */
async function openConsoleTab(page: Page): Promise<void> {
  await page.goto('/vms')
  await page
    .getByRole('grid', { name: 'Virtual machines' })
    .getByRole('link', { name: VM, exact: true })
    .click()
  await page.getByRole('tab', { name: 'Console' }).click()
}

/** The rows xterm.js rendered, as text. */
const terminalRows = (terminal: Locator) => terminal.locator('.xterm-rows > div')

/** Types a command into the serial terminal until `answer` is on a line of its own. */
async function runInSerial(page: Page, terminal: Locator, command: string, answer: string) {
  await expect(async () => {
    await terminal.click()
    await page.keyboard.type(command)
    await page.keyboard.press('Enter')
    await expect(
      terminalRows(terminal).filter({ hasText: new RegExp(`^\\s*${answer}\\s*$`) }),
    ).not.toHaveCount(0, {
      timeout: 5_000,
    })
  }).toPass({ timeout: BOOT_MS })
}

test('help-desk runs a command on the serial console of a running VM', async ({ loginAs }) => {
  const page = await loginAs('helpdesk')
  await openConsoleTab(page)
  await page.getByRole('button', { name: 'Serial console' }).click()
  await expect(page.getByTestId('console-status')).toHaveText('Connected', { timeout: BOOT_MS })
  const terminal = page.getByTestId('serial-terminal')
  await runInSerial(page, terminal, 'echo $((6*7))', '42')
})

test('help-desk sees the guest on the VNC console and types into it with "Paste as keystrokes"', async ({
  loginAs,
  context,
}) => {
  const page = await loginAs('helpdesk')
  await openConsoleTab(page)
  await page.getByRole('button', { name: 'VNC console' }).click()
  await expect(page.getByTestId('console-status')).toHaveText('Connected', { timeout: BOOT_MS })

  // Pixels, not a label: the guest's text console (banner, prompt) is drawn on the canvas.
  const canvas = page.getByTestId('vnc-screen').locator('canvas')
  await expect
    .poll(
      () =>
        canvas.evaluate((c: HTMLCanvasElement) => {
          const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data
          let lit = 0
          if (data)
            for (let i = 0; i < data.length; i += 4)
              if (data[i]! + data[i + 1]! + data[i + 2]! > 300) lit++
          return lit
        }),
      { timeout: BOOT_MS },
    )
    .toBeGreaterThan(500)

  // The serial console in its own window (the standalone route) watches what VNC typing does.
  const serialPage = await context.newPage()
  await serialPage.goto(`/console/${NS}/${VM}?type=serial`)
  await expect(serialPage.getByTestId('console-status')).toHaveText('Connected', {
    timeout: BOOT_MS,
  })
  const terminal = serialPage.getByTestId('serial-terminal')
  await runInSerial(serialPage, terminal, 'echo ready-$((2+3))', 'ready-5')

  // Shifted characters ($ ( * ) >) need explicit Shift key events to reach the guest intact.
  await expect(async () => {
    await page.getByRole('button', { name: 'Paste as keystrokes' }).click()
    await page
      .getByRole('textbox', { name: 'Text to type' })
      .fill('echo vnc-$((6*7)) > /dev/ttyS0\n')
    await page.getByRole('button', { name: 'Type it' }).click()
    await expect(page.getByRole('dialog')).toHaveCount(0)
    await expect(terminalRows(terminal).filter({ hasText: /^\s*vnc-42\s*$/ })).not.toHaveCount(0, {
      timeout: 10_000,
    })
  }).toPass({ timeout: BOOT_MS })
  await serialPage.close()
})

test('help-desk sees no power or delete actions beyond restart', async ({ loginAs }) => {
  const page = await loginAs('helpdesk')
  await openConsoleTab(page)
  await expect(page.getByRole('button', { name: 'VNC console' })).toBeVisible()
  for (const verb of ['Start', 'Stop', 'Pause', 'Migrate', 'Delete'])
    await expect(page.getByRole('button', { name: verb, exact: true })).toHaveCount(0)
})

test('the standalone console window is deep-linkable and says why a stopped VM has no console', async ({
  loginAs,
}) => {
  const page = await loginAs('helpdesk')
  await page.goto('/console/dev/build-runner?type=vnc')
  await expect(page.getByRole('heading', { name: /Console of build-runner/ })).toBeVisible()
  await expect(page.getByText('build-runner is not running')).toBeVisible()
  await expect(page.getByTestId('console-status')).toHaveText('Not connected')
})
