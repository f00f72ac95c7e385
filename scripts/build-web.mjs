// Builds the SPA with Vite (skipped when the build is newer than every source file).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

function newest(dir) {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue
    const path = join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return latest
}

export function buildWeb(root, log = console.log) {
  const web = join(root, 'apps/web')
  const index = join(web, 'dist/index.html')
  const sources = Math.max(newest(web), newest(join(root, 'packages/shared/src')))
  if (existsSync(index) && statSync(index).mtimeMs > sources) return 0
  log('building the web app')
  const vite = join(web, 'node_modules/vite/bin/vite.js')
  return (
    spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: web,
      stdio: 'inherit',
    }).status ?? 1
  )
}
