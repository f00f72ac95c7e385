// The README is a promise: every environment variable and flag the code reads is in its
// configuration reference, and every file, path and screenshot it points to exists.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from './helpers.ts'

const readme = readFileSync(join(root, 'README.md'), 'utf8')

function sources(dir: string, filter: (file: string) => boolean): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.includes('/node_modules/') && filter(file))
}
const isSource = (file: string) => /\.(ts|mjs)$/.test(file) && !file.endsWith('.test.ts')

/** Environment variables a file reads: `env.X`, `env['X']`, `process.env.X`. */
function envVars(files: string[]): Set<string> {
  const names = new Set<string>()
  for (const file of files)
    for (const match of readFileSync(file, 'utf8').matchAll(
      /\benv(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g,
    ))
      names.add((match[1] ?? match[2])!)
  return names
}

describe('README.md', () => {
  it('documents every environment variable the BFF reads', () => {
    const read = envVars(sources('apps/bff/src', isSource))
    expect(read.size).toBeGreaterThan(8)
    for (const name of read) {
      if (name === 'KUBERNETES_SERVICE_HOST') continue // set by Kubernetes in every pod
      expect(readme, name).toContain(`\`${name}\``)
    }
  })

  it('documents every flag of the simulator', () => {
    const main = readFileSync(join(root, 'apps/cluster-sim/src/main.ts'), 'utf8')
    const options = main.slice(main.indexOf('options: {'), main.indexOf('},\n})'))
    const flags = [...options.matchAll(/^\s+'?([a-z][a-z-]*)'?: \{ type:/gm)].map((m) => m[1]!)
    expect(flags).toEqual(expect.arrayContaining(['kubeconfig', 'port', 'host', 'state-dir']))
    for (const flag of flags) expect(readme, `--${flag}`).toContain(`\`--${flag}`)
  })

  it('documents the environment variables of the npm scripts', () => {
    // Handed from one script to another, not for people to set.
    // Set by the e2e global set-up for its test workers, not by people.
    const internal = new Set([
      'VMDECK_PNPM',
      'VMDECK_ROOT',
      'VMDECK_E2E_KUBECONFIG',
      'VMDECK_E2E_IDP_ISSUER',
      'VMDECK_E2E_IDP_USERS',
      'VMDECK_E2E_STATE_DIR',
      'CI',
      'PATH',
    ])
    const read = envVars([
      ...sources('scripts', isSource),
      ...sources('e2e', (f) => isSource(f) && !f.includes('/tests/')),
    ])
    for (const name of read) {
      if (internal.has(name) || !name.startsWith('VMDECK_')) continue
      expect(readme, name).toContain(`\`${name}\``)
    }
  })

  it('links to files that exist, and its screenshots are small PNGs', () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)]
      .map((m) => m[1]!)
      .filter((link) => !/^[a-z]+:/.test(link))
    expect(links.length).toBeGreaterThan(5)
    for (const link of links) expect(existsSync(join(root, link)), link).toBe(true)
    const images = links.filter((link) => link.endsWith('.png'))
    expect(images.length).toBeGreaterThanOrEqual(6)
    for (const image of images) {
      expect(image).toMatch(/^docs\/screenshots\//)
      expect(statSync(join(root, image)).size, image).toBeLessThan(300 * 1024)
    }
  })

  it('names paths of this repository that exist', () => {
    const paths = [...readme.matchAll(/`((?:apps|deploy|docs|e2e|packages|scripts)\/[\w./-]+)`/g)]
      .map((m) => m[1]!)
      .filter((path) => !path.includes('<'))
    expect(paths.length).toBeGreaterThan(10)
    for (const path of paths) expect(existsSync(join(root, path)), path).toBe(true)
  })

  it('shows the two commands and the Docker demo the way package.json and compose name them', () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>
      }
    ).scripts
    for (const command of readme.matchAll(/^npm (?:run )?(\w+)/gm))
      expect(scripts, command[0]).toHaveProperty(command[1]!)
    expect(readme).toContain('npm run demo')
    expect(readme).toContain('npm test')
    expect(readme).toContain('docker compose up --build')
    expect(readme).toContain('kubectl apply -k deploy/overlays/production')
  })
})
