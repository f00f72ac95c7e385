// `npm run tour`: builds the web app, then walks through vmdeck in Chromium against its own demo
// stack (e2e/tour.config.ts) and saves the README's screenshots into docs/screenshots/.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { buildWeb } from './build-web.mjs'
import { ensureDebianPackages } from './lib/apt.mjs'
import { ensureGoBuildsOrExit } from './lib/go-builds.mjs'

const root = process.env.VMDECK_ROOT ?? process.cwd()
const step = (message) => console.log(`\x1b[36m▸\x1b[0m ${message}`)

step('checking Debian packages (chromium, QEMU and busybox for real guests, Prometheus)')
ensureDebianPackages(['chromium', 'qemu-system-x86', 'busybox-static', 'prometheus'])
if (buildWeb(root, step) !== 0) process.exit(1)
// The tour's stack (e2e/tour/setup.ts) inherits VMDECK_CONTROLPLANE_BIN and VMDECK_CRD_DIR.
await ensureGoBuildsOrExit({ root, log: step })
step('touring vmdeck and saving docs/screenshots/*.png')
const hoisted = join(root, 'node_modules/.pnpm/node_modules/@playwright/test/cli.js')
const cli = existsSync(hoisted) ? hoisted : join(root, 'e2e/node_modules/@playwright/test/cli.js')
const child = spawn(
  process.execPath,
  [cli, 'test', '-c', join(root, 'e2e/tour.config.ts'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } },
)
child.on('exit', (code) => process.exit(code ?? 1))
