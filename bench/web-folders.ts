/// <reference lib="dom" />
// Folders with 100,000 VMs in Chromium (issue 20: "the folder tree and counts stay live and a
// folder switch shows rows < 1 s"):
// - folder switch: a click on a folder in the tree until a frame after the table shows exactly
//   that folder's first page (its names, in order), with the list request's own time from
//   Resource Timing beside it;
// - live counts: a VM moved into the folder on screen (its `vmdeck.io/folder` label changed at
//   the API server) until a frame after the tree's count for that folder shows it, once with the
//   fleet quiet and once while other VMs keep changing (`--churn` changes a second).
//
//   node bench/web-folders.ts [--vms 100000] [--moves 10] [--churn 20]   (build apps/web first)
//
// The fake API server (lib/fake-kube-api.ts, every VM in one of 100 folders per namespace) runs in
// this process, the BFF (serving apps/web/dist) as its own process on port 27080; Debian's
// Chromium drives the page. Results: bench/results/web-folders[-<vms>].json.
import { chromium, type Page } from '@playwright/test'
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadavg } from 'node:os'
import { FOLDER_LABEL, folderLabelValue } from '../packages/shared/src/vms/vm-folders.ts'
import { startBackend } from './lib/bench-backend.ts'
import { SEQ_LABEL, wallNow } from './lib/bff-child.ts'
import { ChildProcesses } from './lib/child-processes.ts'
import { scaleNames } from './lib/fake-kube-fleet.ts'
import { percentile } from './lib/stats.ts'
import { waitForCache } from './lib/wait-for-cache.ts'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const { values } = parseArgs({
  options: {
    vms: { type: 'string', default: '100000' },
    moves: { type: 'string', default: '10' },
    churn: { type: 'string', default: '20' },
    'bff-port': { type: 'string', default: '27080' },
    out: { type: 'string' },
  },
})
const VMS = Number(values.vms)
const MOVES = Number(values.moves)
const CHURN = Number(values.churn)
const NS = 'prod'
const PAGE = 50
const base = `http://127.0.0.1:${values['bff-port']}`
const fleet = [...scaleNames(VMS)]
const load1 = () => loadavg()[0] ?? NaN
const load = [load1()]

/** The first page of a folder (and its subfolders) as the list shows it: sorted by name. */
const firstPage = (namespace: string, path: string) =>
  fleet
    .filter(
      (vm) =>
        vm.namespace === namespace &&
        (!path || vm.folder === path || vm.folder.startsWith(`${path}/`)),
    )
    .map((vm) => `${vm.namespace}/${vm.name}`)
    .sort()
    .slice(0, PAGE)

const processes = new ChildProcesses(root)
const t0 = performance.now()
const backend = await startBackend('fake', VMS, root, { folders: true })
console.log(`fake API server with ${VMS} VMs in ${Math.round(performance.now() - t0)} ms`)

try {
  await processes.node([join(root, 'apps/bff/src/server.ts')], /listening on/i, {
    ...process.env,
    KUBECONFIG: backend.kubeconfigPath,
    VMDECK_PORT: values['bff-port'],
    VMDECK_DEMO: '1',
    VMDECK_LOG_LEVEL: 'warn',
    VMDECK_SESSION_KEYS: randomBytes(32).toString('base64url'),
  })
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  })
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  await page.goto(base)
  await page.getByRole('button', { name: 'Log in as admin' }).click()
  await page.getByRole('button', { name: /^User menu/ }).waitFor()
  // Measure against a full cache: wait until the BFF holds every VM.
  const synced = performance.now()
  await waitForCache(page, `${base}/api/v1/clusters/vmdeck-sim/vms?limit=1`, VMS)
  console.log(`BFF cache full after ${Math.round(performance.now() - synced)} ms more`)

  await page.goto(`${base}/vms?namespace=${NS}`)
  await waitForRows(page, firstPage(NS, ''))

  // Folder switches: each team folder of the namespace (~3,333 VMs), then one of its app folders
  // (~333), which the team's click opened in the tree: 20 different folders, none cached.
  const switches: {
    folder: string
    ms: number
    beforeRequestMs: number
    requestMs: number
    afterAnswerMs: number
  }[] = []
  for (let team = 0; team < 10; team++)
    for (const path of [`team-${team}`, `team-${team}/app-${team}`]) {
      const measured = await switchFolder(page, NS, path)
      switches.push({ folder: path, ...measured })
      load.push(load1())
    }
  const switchMs = switches.map((s) => s.ms)
  const phase = (key: 'beforeRequestMs' | 'requestMs' | 'afterAnswerMs') =>
    switches.map((s) => s[key])
  console.log(`folder switch → rows: p50 ${percentile(switchMs, 50)} ms`)

  // Live counts: the page shows the last app folder chosen; VMs of other teams move into it.
  const target = 'team-9/app-9'
  const movers = fleet.filter((vm) => vm.namespace === NS && !vm.folder.startsWith('team-9/'))
  let moved = 0
  const moveOnce = async () => {
    const vm = movers[moved++]!
    const before = await folderCount(page, `${NS}/${target}`)
    const start = wallNow()
    await backend.label(NS, vm.name, FOLDER_LABEL, folderLabelValue(target))
    const shownAt = await page
      .waitForFunction(
        ({ selector, count }) => {
          const label = document.querySelector(selector)?.getAttribute('aria-label') ?? ''
          const shown = Number(/: (\d+) /.exec(label)?.[1])
          return shown === count ? performance.timeOrigin + performance.now() : false
        },
        { selector: `[data-folder="${NS}/${target}"]`, count: before + 1 },
        { polling: 'raf', timeout: 30_000 },
      )
      .then(
        async (handle) => Number(await handle.jsonValue()),
        () => NaN,
      )
    // Let the counts' refetch settle before the next move.
    await new Promise((resolve) => setTimeout(resolve, 700))
    return shownAt - start
  }
  const quiet: number[] = []
  for (let i = 0; i < MOVES; i++) quiet.push(await moveOnce())
  console.log(`move → count (quiet): p50 ${percentile(quiet, 50)} ms`)

  // The same while other VMs (in another namespace) change CHURN times a second.
  let seq = 0
  const churning = fleet.filter((vm) => vm.namespace === 'dev')
  const churn = setInterval(() => {
    const vm = churning[seq % churning.length]!
    void backend.label('dev', vm.name, SEQ_LABEL, String(seq++))
  }, 1000 / CHURN)
  const busy: number[] = []
  try {
    for (let i = 0; i < MOVES; i++) busy.push(await moveOnce())
  } finally {
    clearInterval(churn)
  }
  console.log(`move → count (${CHURN} changes/s): p50 ${percentile(busy, 50)} ms`)
  await browser.close()

  const summary = (samples: number[]) => {
    const done = samples.filter((ms) => Number.isFinite(ms))
    return {
      runs: samples.map((ms) => (Number.isFinite(ms) ? Math.round(ms) : null)),
      p50: Math.round(percentile(done, 50)),
      p95: Math.round(percentile(done, 95)),
      max: Math.round(Math.max(...done)),
      notShownWithin30s: samples.length - done.length,
    }
  }
  const result = {
    date: new Date().toISOString(),
    vms: VMS,
    folders: new Set(fleet.map((vm) => `${vm.namespace}/${vm.folder}`)).size,
    loadAverage: { min: Math.min(...load), max: Math.max(...load) },
    folderSwitchToRowsMs: { ...summary(switchMs), perFolder: switches },
    // The same switches in three parts (Resource Timing of the folder's list request).
    folderSwitchParts: {
      clickToRequestMs: summary(phase('beforeRequestMs')),
      listRequestMs: summary(phase('requestMs')),
      answerToRowsMs: summary(phase('afterAnswerMs')),
    },
    moveToCountShownMs: { quiet: summary(quiet), churn: { perSecond: CHURN, ...summary(busy) } },
    targets: { folderSwitchToRowsMs: 1000 },
  }
  mkdirSync(join(root, 'bench/results'), { recursive: true })
  const out = values.out ?? (VMS === 100_000 ? 'web-folders' : `web-folders-${VMS}`)
  writeFileSync(join(root, `bench/results/${out}.json`), JSON.stringify(result, null, 2) + '\n')
  console.log(JSON.stringify({ ...result, folderSwitchToRowsMs: summary(switchMs) }, null, 2))
} finally {
  await processes.stop()
  await backend.close()
}

/** Waits until the table shows exactly these rows, in this order. */
async function waitForRows(page: Page, keys: string[]) {
  await page.waitForFunction(
    (expected) =>
      [...document.querySelectorAll('tr[data-vm]')]
        .map((row) => row.getAttribute('data-vm'))
        .join() === expected,
    keys.join(),
    { polling: 'raf', timeout: 60_000 },
  )
}

/**
 * Clicks a folder in the tree and times, in the page, the click until the frame after the table
 * shows exactly its first page; and the list request of that folder (Resource Timing).
 */
async function switchFolder(page: Page, namespace: string, path: string) {
  const expected = firstPage(namespace, path).join()
  await page.evaluate((expected) => {
    const w = window as unknown as { __clickAt?: number; __rowsAt?: number }
    w.__clickAt = undefined
    w.__rowsAt = undefined
    performance.clearResourceTimings()
    document.addEventListener('click', () => (w.__clickAt = performance.now()), {
      once: true,
      capture: true,
    })
    const check = () => {
      const rows = [...document.querySelectorAll('tr[data-vm]')]
      if (
        w.__clickAt !== undefined &&
        rows.map((r) => r.getAttribute('data-vm')).join() === expected
      )
        requestAnimationFrame(() => (w.__rowsAt = performance.now()))
      else requestAnimationFrame(check)
    }
    requestAnimationFrame(check)
  }, expected)
  await page.locator(`[data-folder="${namespace}/${path}"]`).click()
  await page.waitForFunction(() => (window as unknown as { __rowsAt?: number }).__rowsAt, null, {
    timeout: 60_000,
  })
  return page.evaluate(
    (folder) => {
      const w = window as unknown as { __clickAt: number; __rowsAt: number }
      const request = (
        performance.getEntriesByType('resource') as PerformanceResourceTiming[]
      ).find((entry) => entry.name.includes('/vms?') && entry.name.includes(folder))
      return {
        ms: Math.round(w.__rowsAt - w.__clickAt),
        // Where the time went: click → request sent, the request, answer in → rows painted.
        beforeRequestMs: request ? Math.round(request.startTime - w.__clickAt) : NaN,
        requestMs: request ? Math.round(request.duration) : NaN,
        afterAnswerMs: request ? Math.round(w.__rowsAt - request.responseEnd) : NaN,
      }
    },
    `folder=${encodeURIComponent(path)}`,
  )
}

/** The count the tree shows for a folder (its aria-label: `name: total (breakdown)`). */
async function folderCount(page: Page, id: string): Promise<number> {
  const label = await page.locator(`[data-folder="${id}"]`).getAttribute('aria-label')
  return Number(/: (\d+) /.exec(label ?? '')?.[1])
}
