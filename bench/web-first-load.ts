/// <reference lib="dom" />
// The first load of the VM list in a new browser: navigation start to the first animation frame
// after a row has a layout box, cold (a new Chromium, empty cache) and warm (the same browser
// again), with the request count and the bytes on the wire of the cold load (docs/PERFORMANCE.md).
//
//   VMDECK_KUBEVIRT=sim node bench/web-first-load.ts [--sizes 100,1000,10000] [--runs 3]
//     [--builds before=/tmp/old-dist,after=apps/web/dist] [--out web-first-load]   (build apps/web first)
//
// Per fleet size the simulator (`--fleet N --guests none`) runs once, as its own process on port
// 27443; for each build a BFF serving it runs on 27080 in turn; Debian's Chromium drives the page.
// Results: bench/results/<out>.json.
import { chromium, type Browser, type Cookie } from '@playwright/test'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ensureGoBuildsOrExit } from '../scripts/lib/go-builds.mjs'
import { ChildProcesses } from './lib/child-processes.ts'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,10000' },
    runs: { type: 'string', default: '3' },
    builds: { type: 'string', default: `after=${join(root, 'apps/web/dist')}` },
    out: { type: 'string', default: 'web-first-load' },
    'sim-port': { type: 'string', default: '27443' },
    'bff-port': { type: 'string', default: '27080' },
  },
})
const RUNS = Number(values.runs)
const base = `http://127.0.0.1:${values['bff-port']}`
await ensureGoBuildsOrExit({ root })

const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

const launch = () =>
  chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })

/** Logs in as the demo admin once; every measured browser starts with that session cookie only. */
async function logIn(vms: number): Promise<Cookie[]> {
  const browser = await launch()
  try {
    const page = await browser.newPage()
    await page.goto(base)
    await page.getByRole('button', { name: 'Log in as admin' }).click()
    await page.getByRole('button', { name: /^User menu/ }).waitFor()
    // Measure against a full cache: wait until the BFF holds every VM.
    for (;;) {
      const response = await page.request.get(`${base}/api/v1/clusters/vmdeck-sim/vms?limit=1`)
      if (response.ok() && ((await response.json()) as { total: number }).total >= vms) break
      await new Promise((r) => setTimeout(r, 500))
    }
    return await page.context().cookies()
  } finally {
    await browser.close()
  }
}

type Load = {
  firstRowsMs: number
  requests: number
  wireBytes: number
  requestsAtRows: number
  /** When the VM list's request went out and when its answer was in (ms after navigation). */
  listRequestStartMs: number
  listResponseEndMs: number
  /** When the app's entry script had arrived; when the session request went out. */
  entryScriptEndMs: number
  sessionRequestStartMs: number
}

/** One navigation to /vms in `browser`'s context; counts what went over the wire until then. */
async function load(
  browser: Browser,
  cookies: Cookie[],
  reuse?: Awaited<ReturnType<Browser['newContext']>>,
) {
  const context = reuse ?? (await browser.newContext({ viewport: { width: 1440, height: 900 } }))
  if (!reuse) {
    await context.addCookies(cookies)
    await context.addInitScript(() => {
      const w = window as unknown as { __firstRows?: number }
      const check = () => {
        const row = document.querySelector('tr[data-vm]')
        if (row && row.getBoundingClientRect().height > 0) {
          requestAnimationFrame(() => (w.__firstRows = performance.now()))
          return true
        }
        return false
      }
      new MutationObserver((_records, observer) => {
        if (check()) observer.disconnect()
      }).observe(document, { childList: true, subtree: true })
    })
  }
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  const started = new Set<string>()
  let wireBytes = 0
  cdp.on('Network.requestWillBeSent', (event: { requestId: string }) =>
    started.add(event.requestId),
  )
  cdp.on('Network.loadingFinished', (event: { encodedDataLength: number }) => {
    wireBytes += event.encodedDataLength
  })
  await page.goto(`${base}/vms`)
  await page.waitForFunction(() => (window as unknown as { __firstRows?: number }).__firstRows)
  const firstRowsMs = await page.evaluate(
    () => (window as unknown as { __firstRows: number }).__firstRows,
  )
  const requestsAtRows = started.size
  const timings = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
    const list = entries.find((e) => /\/api\/v1\/clusters\/[^/]+\/vms\?/.test(e.name))
    const entry = entries.find((e) => /\/assets\/index-[^/]+\.js$/.test(e.name))
    const session = entries.find((e) => e.name.endsWith('/api/v1/session'))
    return {
      listRequestStartMs: list?.startTime ?? NaN,
      listResponseEndMs: list?.responseEnd ?? NaN,
      entryScriptEndMs: entry?.responseEnd ?? NaN,
      sessionRequestStartMs: session?.startTime ?? NaN,
    }
  })
  // What the page still asks for right after the rows (lazy chunks, the stream, counts).
  await page.waitForLoadState('load')
  await new Promise((r) => setTimeout(r, 1500))
  const result: Load = {
    firstRowsMs,
    requestsAtRows,
    requests: started.size,
    wireBytes,
    ...timings,
  }
  await page.close()
  return { result, context }
}

const builds = values.builds.split(',').map((pair) => {
  const [label = '', path = ''] = pair.split('=')
  return [label, resolve(path)] as const
})
const summary = (loads: Load[]) => ({
  firstRowsMs: {
    median: Math.round(median(loads.map((l) => l.firstRowsMs))),
    runs: loads.map((l) => Math.round(l.firstRowsMs)),
  },
  listRequestStartMs: Math.round(median(loads.map((l) => l.listRequestStartMs))),
  listResponseEndMs: Math.round(median(loads.map((l) => l.listResponseEndMs))),
  entryScriptEndMs: Math.round(median(loads.map((l) => l.entryScriptEndMs))),
  sessionRequestStartMs: Math.round(median(loads.map((l) => l.sessionRequestStartMs))),
  requestsBeforeRows: median(loads.map((l) => l.requestsAtRows)),
  requests: median(loads.map((l) => l.requests)),
  wireKB: Math.round(median(loads.map((l) => l.wireBytes)) / 1024),
})

/** Cold (a new browser each) and warm (that browser again) loads against the BFF on bff-port. */
async function measure(vms: number) {
  const cookies = await logIn(vms)
  const cold: Load[] = []
  const warm: Load[] = []
  for (let run = 0; run < RUNS; run++) {
    // A new browser per load: nothing cached, no connection open.
    const browser = await launch()
    try {
      const first = await load(browser, cookies)
      cold.push(first.result)
      warm.push((await load(browser, cookies, first.context)).result)
    } finally {
      await browser.close()
    }
  }
  return { cold: summary(cold), warm: summary(warm) }
}

const children = new ChildProcesses(root)
const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-bench-first-load-'))
const results: Record<string, Record<string, unknown>> = {}
try {
  for (const vms of values.sizes.split(',').map(Number)) {
    const kubeconfig = join(stateDir, `kubeconfig-${vms}`)
    const started = Date.now()
    await children.node(
      [
        join(root, 'apps/cluster-sim/src/main.ts'),
        ...['--fleet', String(vms), '--guests', 'none', '--port', values['sim-port']],
        // No fixed metrics port: another simulator on this machine may hold the default.
        ...['--metrics-port', '0'],
        ...['--state-dir', join(stateDir, `sim-${vms}`), '--kubeconfig', kubeconfig],
      ],
      /Kubernetes API at (\S+)/,
    )
    const perBuild: Record<string, unknown> = { simStartedMs: Date.now() - started }
    for (const [label, webRoot] of builds) {
      const bff = new ChildProcesses(root)
      try {
        await bff.node(
          [join(root, 'apps/bff/src/server.ts')],
          /Server listening at|listening on/i,
          {
            ...process.env,
            KUBECONFIG: kubeconfig,
            VMDECK_PORT: values['bff-port'],
            VMDECK_DEMO: '1',
            VMDECK_LOG_LEVEL: 'warn',
            VMDECK_WEB_ROOT: webRoot,
            VMDECK_SESSION_KEYS: randomBytes(32).toString('base64url'),
          },
        )
        perBuild[label] = await measure(vms)
        console.log(vms, label, JSON.stringify(perBuild[label]))
      } finally {
        await bff.stop()
      }
    }
    results[String(vms)] = perBuild
    await children.stop()
  }
  const output = {
    date: new Date().toISOString(),
    builds: Object.fromEntries(builds),
    kubevirt: process.env.VMDECK_KUBEVIRT ?? 'kubevirt',
    runsPerSize: RUNS,
    sizes: results,
    targets: { coldFirstRowsMs: 1000, warmFirstRowsMs: 400 },
  }
  mkdirSync(join(root, 'bench/results'), { recursive: true })
  writeFileSync(
    join(root, `bench/results/${values.out}.json`),
    JSON.stringify(output, null, 2) + '\n',
  )
  console.log(JSON.stringify(output, null, 2))
} finally {
  await children.stop()
  rmSync(stateDir, { recursive: true, force: true })
}
