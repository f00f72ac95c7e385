// `npm test`: installs what the suites need, then runs lint, type-check, unit + integration
// (Vitest) and end-to-end (Playwright) suites. Prints `N passed, N failed` last; exits non-zero
// on any failure.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { buildWeb } from './build-web.mjs'
import { ensureDebianPackages } from './lib/apt.mjs'
import { ensureGoBuildsOrExit } from './lib/go-builds.mjs'
import { typecheck, typecheckProjects } from './typecheck.mjs'

const root = process.env.VMDECK_ROOT ?? process.cwd()
const artifacts = join(root, '.vmdeck/test')
rmSync(artifacts, { recursive: true, force: true })
mkdirSync(artifacts, { recursive: true })
const step = (message) => console.log(`\n\x1b[36m▸\x1b[0m ${message}`)
const results = []
const record = (suite, passed, failed) => results.push({ suite, passed, failed })
const started = Date.now()

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options })
    child.on('exit', (code) => resolve(code ?? 1))
  })
}

step(
  'checking Debian packages (chromium for end-to-end, QEMU and busybox for real guests, Prometheus for metrics, docker-compose to validate the compose file)',
)
ensureDebianPackages([
  'chromium',
  'qemu-system-x86',
  'busybox-static',
  'prometheus',
  'docker-compose',
  // The simulator makes its CA and serving certificate with the openssl command.
  'openssl',
])
const guestScript = join(root, 'apps/cluster-sim/guest/build-guest.sh')
if (existsSync(guestScript)) {
  step('building the guest image')
  const status = spawnSync('bash', [guestScript, join(root, '.vmdeck/guest')], {
    stdio: 'inherit',
    cwd: root,
  }).status
  if (status !== 0) {
    console.error('the guest image could not be built')
    process.exit(1)
  }
}

// Before the suites: the simulator's tests, the delivery tests and the end-to-end stack run the
// real control plane (VMDECK_CONTROLPLANE_BIN) with the generated CRDs (VMDECK_CRD_DIR).
step('checking Go, building the Kubernetes control plane and the CRDs when missing')
await ensureGoBuildsOrExit({ root, log: step })

step('lint, format check and type-check (in parallel), web build')
const eslint = join(root, 'node_modules/eslint/bin/eslint.js')
const prettier = join(root, 'node_modules/prettier/bin/prettier.cjs')
const [lint, format, ...types] = await Promise.all([
  run(process.execPath, [
    eslint,
    '--cache',
    '--cache-location',
    join(root, 'node_modules/.cache/eslint'),
    '.',
  ]),
  run(process.execPath, [prettier, '--check', '--log-level', 'warn', '.']),
  ...typecheckProjects.map(typecheck),
])
record('lint', lint === 0 ? 1 : 0, lint === 0 ? 0 : 1)
record('format', format === 0 ? 1 : 0, format === 0 ? 0 : 1)
typecheckProjects.forEach((project, i) =>
  record(`types ${project}`, types[i] === 0 ? 1 : 0, types[i] === 0 ? 0 : 1),
)
const web = buildWeb(root, step)
record('web build', web === 0 ? 1 : 0, web === 0 ? 0 : 1)

step('unit and integration tests (Vitest)')
const vitestReport = join(artifacts, 'vitest.json')
const vitest = join(root, 'node_modules/vitest/vitest.mjs')
const vitestCode = await run(process.execPath, [
  vitest,
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestReport}`,
])
if (existsSync(vitestReport)) {
  const report = JSON.parse(readFileSync(vitestReport, 'utf8'))
  const failedSuites = report.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.every((t) => t.status !== 'failed'),
  ).length
  record(
    'vitest',
    report.numPassedTests,
    report.numFailedTests +
      failedSuites +
      (report.numPendingTests ?? 0) +
      (report.numTodoTests ?? 0),
  )
} else record('vitest', 0, 1)
if (vitestCode !== 0 && results.at(-1).failed === 0) results.at(-1).failed = 1

step('end-to-end tests (Playwright in Debian Chromium)')
const playwrightReport = join(root, 'e2e/.artifacts/report.json')
// What failed journeys saw of the cluster (e2e/fixtures.ts), printed after Playwright's summary.
const e2eDiagnostics = join(root, 'e2e/.artifacts/diagnostics.txt')
rmSync(playwrightReport, { force: true })
rmSync(e2eDiagnostics, { force: true })
const playwright = join(root, 'node_modules/.pnpm/node_modules/@playwright/test/cli.js')
const playwrightCli = existsSync(playwright)
  ? playwright
  : join(root, 'e2e/node_modules/@playwright/test/cli.js')
const e2eCode =
  web === 0
    ? await run(
        process.execPath,
        [playwrightCli, 'test', '-c', join(root, 'e2e/playwright.config.ts')],
        { env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } },
      )
    : 1
if (existsSync(playwrightReport)) {
  const { stats } = JSON.parse(readFileSync(playwrightReport, 'utf8'))
  record('playwright', stats.expected, stats.unexpected + stats.flaky + stats.skipped)
} else record('playwright', 0, 1)
if (e2eCode !== 0 && results.at(-1).failed === 0) results.at(-1).failed = 1
if (existsSync(e2eDiagnostics)) {
  const lines = readFileSync(e2eDiagnostics, 'utf8').trimEnd().split('\n')
  console.log(`\nWhat the failed journeys saw of the cluster (${e2eDiagnostics}):`)
  console.log(lines.slice(0, 60).join('\n'))
  if (lines.length > 60) console.log(`… ${lines.length - 60} more lines in the file`)
}

const passed = results.reduce((sum, r) => sum + r.passed, 0)
const failed = results.reduce((sum, r) => sum + r.failed, 0)
console.log('')
for (const r of results)
  console.log(
    `  ${r.failed ? '\x1b[31m✗' : '\x1b[32m✓'}\x1b[0m ${r.suite}: ${r.passed} passed, ${r.failed} failed`,
  )
console.log(`  (${Math.round((Date.now() - started) / 1000)} s)`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
