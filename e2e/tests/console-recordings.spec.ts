import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures.ts'

// The demo records the console sessions of namespace prod (scripts/stack.mjs). admin opens the
// VNC console of prod/web-01 (a real QEMU guest), types, and closes it; the session's recording
// is listed under the console and plays back in the browser, noVNC drawing the recorded frames.
const NS = 'prod'
const VM = 'web-01'
const BOOT_MS = 90_000

test.describe.configure({ timeout: 240_000 })

/** A digest of what a canvas shows, and how many of its pixels are lit. */
const canvasState = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('canvas')
    .evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data
      let hash = 0
      let lit = 0
      if (data)
        for (let i = 0; i < data.length; i += 4) {
          const sum = data[i]! + data[i + 1]! + data[i + 2]!
          if (sum > 300) lit++
          hash = (hash * 31 + sum) | 0
        }
      return { hash, lit, size: `${c.width}x${c.height}` }
    })

interface Listed {
  items: { id: string; kind: string }[]
}
const recordingsUrl = `/api/v1/clusters/vmdeck-sim/namespaces/${NS}/vms/${VM}/recordings`

test('a recorded VNC session is listed and plays back in the browser', async ({ page }) => {
  await page.goto('/')
  await page.getByRole('button', { name: 'Log in as admin' }).click()
  await expect(page.getByRole('button', { name: /^User menu/ })).toBeVisible()
  const before = new Set(
    ((await (await page.request.get(recordingsUrl)).json()) as Listed).items.map((i) => i.id),
  )

  await page.goto(`/console/${NS}/${VM}?type=vnc`)
  await expect(page.getByTestId('console-status')).toHaveText('Connected', { timeout: BOOT_MS })
  await expect(page.getByTestId('console-presence')).toContainText('This session is recorded')
  // The guest's text console is drawn, then admin types a line on it.
  await expect
    .poll(async () => (await canvasState(page, 'vnc-screen')).lit, { timeout: BOOT_MS })
    .toBeGreaterThan(500)
  const shown = await canvasState(page, 'vnc-screen')
  await page.getByRole('button', { name: 'Paste as keystrokes' }).click()
  await page.getByRole('textbox', { name: 'Text to type' }).fill('echo recorded-$((6*7))\n')
  await page.getByRole('button', { name: 'Type it' }).click()
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect
    .poll(async () => (await canvasState(page, 'vnc-screen')).hash, { timeout: 30_000 })
    .not.toBe(shown.hash)
  await page.getByRole('button', { name: 'Disconnect' }).click()
  await expect(page.getByTestId('console-status')).not.toHaveText('Connected')

  // The session's recording: new since this test began, the newest VNC one.
  let id = ''
  await expect
    .poll(async () => {
      const listed = (await (await page.request.get(recordingsUrl)).json()) as Listed
      const vnc = listed.items.filter((i) => i.kind === 'vnc')
      id = vnc[0] && !before.has(vnc[0].id) ? vnc[0].id : ''
      return id
    })
    .not.toBe('')
  const table = page.getByRole('grid', { name: `Console recordings of ${VM}` })
  const row = table.getByRole('row').filter({ hasText: 'VNC' }).first()
  await expect(row).toBeVisible({ timeout: 10_000 })
  await row.getByRole('button', { name: 'Play' }).click()

  const player = page.getByRole('dialog', { name: `VNC recording of ${VM}` })
  await expect(player).toBeVisible()
  await expect(player.getByTestId('recording-screen').locator('canvas')).toBeVisible()
  await expect(player.getByRole('button', { name: 'Pause' })).toBeVisible()
  // The canvas changes while it plays: the guest's screen appears, then the typed line.
  const first = await canvasState(page, 'recording-screen')
  await expect
    .poll(async () => (await canvasState(page, 'recording-screen')).hash, { timeout: 60_000 })
    .not.toBe(first.hash)
  await expect
    .poll(async () => (await canvasState(page, 'recording-screen')).lit, { timeout: 60_000 })
    .toBeGreaterThan(500)
  // Pause holds the position; faster speeds play to the end.
  await player.getByRole('button', { name: 'Pause' }).click()
  // Paused, it offers Play; that a paused replay delivers nothing more however long it waits is
  // the replay's unit test on a fake clock (rfb-replay.test.ts), not a wait here.
  await expect(player.getByRole('button', { name: 'Play' })).toBeVisible()
  await player.getByRole('button', { name: '8×' }).click()
  await player.getByRole('button', { name: 'Play' }).click()
  await expect(player.getByRole('button', { name: 'Play' })).toBeVisible({ timeout: 60_000 })
  const clock = (await player.getByTestId('recording-clock').textContent()) ?? ''
  const [at, of] = clock.split(' / ')
  expect(at).toBe(of)
  // At the end, the screen shows what admin's console showed after typing.
  expect((await canvasState(page, 'recording-screen')).lit).toBeGreaterThan(500)

  // The session's task on the Tasks page links to the same recording, which opens playing.
  await page.goto('/tasks')
  const link = page.locator(`a[href$="?recording=${encodeURIComponent(id)}"]`)
  await expect(link).toHaveText('Recording', { timeout: 30_000 })
  await expect(page.getByRole('row').filter({ has: link })).toContainText(
    `admin opened a VNC console on ${VM}`,
  )
  await link.click()
  await expect(page).toHaveURL(`/vms/${NS}/${VM}/console?recording=${encodeURIComponent(id)}`)
  const linked = page.getByRole('dialog', { name: `VNC recording of ${VM}` })
  await expect(linked.getByRole('button', { name: 'Pause' })).toBeVisible()
})
