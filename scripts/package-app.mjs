// Assembles a runnable, production-only copy of one app: its sources, the sources of the
// workspace packages it depends on, its production dependencies (no devDependencies) and, for
// the BFF, the built SPA. The Dockerfiles run exactly this; so can anyone, without Docker:
//
//   node scripts/package-app.mjs bff /tmp/vmdeck        # then: cd /tmp/vmdeck && node apps/bff/src/server.ts
//   node scripts/package-app.mjs cluster-sim /tmp/sim
//   node scripts/package-app.mjs idp /tmp/idp
//
// TypeScript runs as is on Node 24 (type stripping), which Node refuses inside node_modules, so
// workspace packages stay in their folders and are linked, exactly as in the repository.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildWeb } from './build-web.mjs'

const apps = {
  bff: { dir: 'apps/bff', web: true },
  'cluster-sim': { dir: 'apps/cluster-sim', web: false },
  // The demo's identity provider shares the simulator's certificate helper (one file, Node only;
  // the manifest beside it keeps the workspace as the lockfile knows it).
  idp: {
    dir: 'apps/idp',
    web: false,
    files: ['apps/cluster-sim/package.json', 'apps/cluster-sim/src/tls/make-certs.ts'],
  },
}
const skipped = new Set(['node_modules', 'dist', 'test', 'coverage', '.artifacts'])

/** Workspace packages by name: { name: dir relative to root }. */
function workspacePackages(root) {
  const found = {}
  for (const parent of ['apps', 'packages']) {
    if (!existsSync(join(root, parent))) continue
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      const manifest = join(root, parent, entry.name, 'package.json')
      if (entry.isDirectory() && existsSync(manifest))
        found[JSON.parse(readFileSync(manifest, 'utf8')).name] = `${parent}/${entry.name}`
    }
  }
  return found
}

/** The app's folder and the folders of the workspace packages it needs at run time. */
function closure(root, dir, packages, seen = new Set()) {
  if (seen.has(dir)) return seen
  seen.add(dir)
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'))
  for (const [name, spec] of Object.entries(manifest.dependencies ?? {})) {
    if (!String(spec).startsWith('workspace:')) continue
    if (!packages[name]) throw new Error(`${dir} depends on ${name}, which is not in the workspace`)
    closure(root, packages[name], packages, seen)
  }
  return seen
}

/** The pnpm of `npm test`/`npm run demo` (.tools), else the one on PATH (the Dockerfiles'). */
function pnpmCommand(root) {
  for (const entry of [
    process.env.VMDECK_PNPM,
    join(root, '.tools/node_modules/pnpm/bin/pnpm.mjs'),
  ])
    if (entry && existsSync(entry)) return [process.execPath, [entry]]
  return ['pnpm', []]
}

/** Returns the folders copied; throws on any failure. */
export function packageApp(root, app, out, log = console.log) {
  const spec = apps[app]
  if (!spec) throw new Error(`unknown app ${app}; one of ${Object.keys(apps).join(', ')}`)
  if (existsSync(out) && readdirSync(out).length > 0) throw new Error(`${out} is not empty`)
  mkdirSync(out, { recursive: true })
  if (spec.web && buildWeb(root, log) !== 0) throw new Error('the web build failed')

  for (const file of ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml', '.npmrc'])
    if (existsSync(join(root, file))) cpSync(join(root, file), join(out, file))
  const dirs = [...closure(root, spec.dir, workspacePackages(root))]
  for (const dir of dirs) {
    cpSync(join(root, dir), join(out, dir), {
      recursive: true,
      filter: (source) => {
        const name = source.split('/').at(-1) ?? ''
        const inside = relative(join(root, dir), source)
        return !(
          (inside !== '' && skipped.has(name)) ||
          name.endsWith('.test.ts') ||
          name === 'tsconfig.json' ||
          name.endsWith('.tsbuildinfo')
        )
      },
    })
  }
  if (spec.web) cpSync(join(root, 'apps/web/dist'), join(out, 'apps/web/dist'), { recursive: true })
  for (const file of spec.files ?? []) {
    mkdirSync(dirname(join(out, file)), { recursive: true })
    cpSync(join(root, file), join(out, file))
  }

  const name = JSON.parse(readFileSync(join(root, spec.dir, 'package.json'), 'utf8')).name
  log(`installing the production dependencies of ${name}`)
  const [command, prefix] = pnpmCommand(root)
  const result = spawnSync(
    command,
    [
      ...prefix,
      'install',
      '--prod',
      '--frozen-lockfile',
      '--prefer-offline',
      '--config.confirmModulesPurge=false',
      '--filter',
      `${name}...`,
    ],
    { cwd: out, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CI: 'true' } },
  )
  if (result.error) throw result.error
  if (result.status !== 0) throw new Error(`pnpm install exited with ${result.status}`)
  return dirs
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [app, out] = process.argv.slice(2)
  if (!app || !out) {
    console.error(`usage: node scripts/package-app.mjs <${Object.keys(apps).join('|')}> <out-dir>`)
    process.exit(2)
  }
  const root = process.env.VMDECK_ROOT ?? dirname(dirname(fileURLToPath(import.meta.url)))
  try {
    const dirs = packageApp(root, app, resolve(out))
    console.log(`packaged ${app} into ${resolve(out)} (${dirs.join(', ')})`)
  } catch (error) {
    console.error(`package-app: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}
