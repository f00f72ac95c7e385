/// <reference lib="dom" />
// The VM list in Chromium with 10,000 VMs: time from navigation to the first rows painted, and
// from a filter keystroke to the updated rows (targets: < 1 s and < 150 ms, docs/PERFORMANCE.md).
//
//   node bench/web-list.ts [--vms 10000] [--keystrokes 10]   (build apps/web first)
//
// Simulator (`--guests none`) and BFF (serving apps/web/dist) run as their own processes on
// ports 27443/27080; Debian's Chromium drives the page. Results: bench/results/web-list.json.
import { chromium } from '@playwright/test'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ensureGoBuildsOrExit } from '../scripts/lib/go-builds.mjs'
import { ChildProcesses } from './lib/child-processes.ts'
import { percentile } from './lib/stats.ts'
import { waitForCache } from './lib/wait-for-cache.ts'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const { values } = parseArgs({
  options: {
    vms: { type: 'string', default: '10000' },
    keystrokes: { type: 'string', default: '10' },
    'sim-port': { type: 'string', default: '27443' },
    'bff-port': { type: 'string', default: '27080' },
  },
})
const VMS = Number(values.vms)
// The control plane and CRDs the simulator runs on, built when missing (inherited by the child).
await ensureGoBuildsOrExit({ root })
const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-bench-web-'))
const kubeconfig = join(stateDir, 'kubeconfig')

const processes = new ChildProcesses(root)

try {
  await processes.node(
    [
      join(root, 'apps/cluster-sim/src/main.ts'),
      ...['--seed', String(VMS), '--guests', 'none', '--port', values['sim-port']],
      ...['--state-dir', join(stateDir, 'sim'), '--kubeconfig', kubeconfig],
    ],
    /Kubernetes API at (\S+)/,
    // The simulator's KubeVirt: KubeVirt's own virt-controller does not settle a fleet this size
    // on a small machine (docs/PERFORMANCE.md); this bench measures the browser and the BFF.
    { ...process.env, VMDECK_KUBEVIRT: process.env.VMDECK_KUBEVIRT ?? 'sim' },
  )
  await processes.node(
    [join(root, 'apps/bff/src/server.ts')],
    /Server listening at|listening on/i,
    {
      ...process.env,
      KUBECONFIG: kubeconfig,
      VMDECK_PORT: values['bff-port'],
      VMDECK_DEMO: '1',
      VMDECK_LOG_LEVEL: 'warn',
      VMDECK_SESSION_KEYS: randomBytes(32).toString('base64url'),
    },
  )
  const base = `http://127.0.0.1:${values['bff-port']}`
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  })
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  // Wait until the BFF's caches hold every VM.
  await page.goto(base)
  await page.getByRole('button', { name: 'Log in as admin' }).click()
  await page.getByRole('button', { name: /^User menu/ }).waitFor()
  await waitForCache(page, `${base}/api/v1/clusters/vmdeck-sim/vms?limit=1`, VMS)

  // Navigation to first rows: a fresh document each time, the first row's paint noted in-page.
  await page.addInitScript(() => {
    const w = window as unknown as { __firstRows?: number }
    new MutationObserver((_records, observer) => {
      if (document.querySelector('tr[data-vm]')) {
        requestAnimationFrame(() => (w.__firstRows = performance.now()))
        observer.disconnect()
      }
    }).observe(document, { childList: true, subtree: true })
  })
  const firstRows: number[] = []
  for (let run = 0; run < 5; run++) {
    await page.goto(`${base}/vms?run=${run}`)
    await page.waitForFunction(() => (window as unknown as { __firstRows?: number }).__firstRows)
    firstRows.push(
      await page.evaluate(() => (window as unknown as { __firstRows: number }).__firstRows),
    )
  }

  // Keystroke to updated rows: each key is timed in-page from keydown to the frame after the
  // table shows rows that all match the new search text.
  const search = page.getByRole('textbox', { name: 'Search virtual machines by name or namespace' })
  const keystrokes: number[] = []
  // Names are vm-00000 … vm-09999: each keystroke narrows the matches.
  const texts = [
    'vm-01',
    'vm-012',
    'vm-0123',
    'vm-05',
    'vm-055',
    'vm-09',
    'vm-099',
    'vm-02',
    'vm-027',
    'vm-0271',
  ]
  for (const text of texts.slice(0, Number(values.keystrokes))) {
    await search.fill(text.slice(0, -1))
    await page.waitForFunction(
      (prefix) =>
        [...document.querySelectorAll('tr[data-vm]')].every((row) =>
          row.getAttribute('data-vm')?.includes(prefix),
        ),
      text.slice(0, -1),
    )
    await page.evaluate((expected) => {
      const w = window as unknown as { __keyAt?: number; __rowsAt?: number }
      w.__rowsAt = undefined
      document.addEventListener('keydown', () => (w.__keyAt = performance.now()), {
        once: true,
        capture: true,
      })
      const check = () => {
        const rows = [...document.querySelectorAll('tr[data-vm]')]
        if (rows.length > 0 && rows.every((row) => row.getAttribute('data-vm')?.includes(expected)))
          requestAnimationFrame(() => (w.__rowsAt = performance.now()))
        else requestAnimationFrame(check)
      }
      requestAnimationFrame(check)
    }, text)
    await search.press(text.at(-1)!)
    await page.waitForFunction(() => (window as unknown as { __rowsAt?: number }).__rowsAt)
    keystrokes.push(
      await page.evaluate(() => {
        const w = window as unknown as { __keyAt: number; __rowsAt: number }
        return w.__rowsAt - w.__keyAt
      }),
    )
  }
  await browser.close()

  const result = {
    date: new Date().toISOString(),
    vms: VMS,
    navigationToFirstRowsMs: {
      runs: firstRows.map(Math.round),
      p50: Math.round(percentile(firstRows, 50)),
      max: Math.round(Math.max(...firstRows)),
    },
    keystrokeToRowsMs: {
      runs: keystrokes.map(Math.round),
      p50: Math.round(percentile(keystrokes, 50)),
      p95: Math.round(percentile(keystrokes, 95)),
    },
    targets: { navigationToFirstRowsMs: 1000, keystrokeToRowsMs: 150 },
  }
  mkdirSync(join(root, 'bench/results'), { recursive: true })
  writeFileSync(join(root, 'bench/results/web-list.json'), JSON.stringify(result, null, 2) + '\n')
  console.log(JSON.stringify(result, null, 2))
} finally {
  await processes.stop()
  rmSync(stateDir, { recursive: true, force: true })
}
