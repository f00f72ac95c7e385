// The container images, checked without a Docker engine: the Dockerfiles are read for the rules
// they promise (Node 24 slim, non-root, multi-stage, only repository files copied), and their
// build stages (dependency install, Vite build, scripts/package-app.mjs, the simulator's CRDs
// generated from Go modules) are replayed here in a temporary directory, whose result must run:
// the packaged simulator, attached to the control plane run with its image's command, answers
// kubectl; the packaged BFF serves the SPA, names the demo users and becomes ready.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { controlPlaneBinary } from '../../apps/cluster-sim/src/cluster/control-plane.ts'
import { compareGoVersions, ensureGo, goDirective } from '../../scripts/lib/go-builds.mjs'
import { ignored, replayBuildStage, stages } from './dockerfiles.ts'
import { render, root, run, runAsync, startProcess, waitForStatus } from './helpers.ts'

const dockerfiles = ['apps/bff/Dockerfile', 'apps/cluster-sim/Dockerfile', 'apps/idp/Dockerfile']

/** An image's CMD. */
function imageCommand(dockerfile: string): string[] {
  const cmd = stages(dockerfile)
    .stages.at(-1)!
    .lines.filter((l) => l.startsWith('CMD '))
    .at(-1)!
  return JSON.parse(cmd.slice('CMD '.length)) as string[]
}
const simulatorCommand = () => imageCommand('apps/cluster-sim/Dockerfile')

/** The variables an image's last stage sets with ENV. */
function imageEnv(dockerfile: string): Record<string, string> {
  return Object.fromEntries(
    stages(dockerfile)
      .stages.at(-1)!
      .lines.filter((l) => l.startsWith('ENV '))
      .flatMap((l) => l.slice('ENV '.length).trim().split(/\s+/))
      .map((pair) => pair.split('=') as [string, string]),
  )
}

describe('the simulator command', () => {
  it('is the same in the image, docker-compose.yml and the demo overlay', () => {
    const image = simulatorCommand()
    expect(image).toEqual(
      expect.arrayContaining(['--host', '127.0.0.1', '--guest-image-dir', '/opt/vmdeck/guest']),
    )
    // A client of the control plane's image, attached through its state directory.
    const controlPlane = imageCommand('apps/cluster-sim/controlplane/Dockerfile')
    expect(image[image.indexOf('--attach') + 1]).toBe(
      controlPlane[controlPlane.indexOf('--state-dir') + 1],
    )
    const compose = parse(
      run('docker-compose', ['--file', join(root, 'docker-compose.yml'), 'config']).stdout,
    ) as { services: Record<string, { command: string[] }> }
    expect(compose.services['cluster-sim']!.command).toEqual(image)
    const demo = render(join(root, 'deploy/overlays/demo')).find((o) => o.kind === 'Deployment')!
    const sidecar = (
      demo as unknown as {
        spec: { template: { spec: { initContainers: { name: string; args: string[] }[] } } }
      }
    ).spec.template.spec.initContainers.find((c) => c.name === 'cluster-sim')!
    expect(sidecar.args).toEqual(image)
    // The guest image is built where the command looks for it.
    const guest = stages('apps/cluster-sim/Dockerfile').stages.find((st) => st.name === 'guest')!
    expect(guest.lines.join('\n')).toContain('build-guest.sh /opt/vmdeck/guest')
  })
})

describe.each(dockerfiles)('%s', (dockerfile) => {
  const { stages: all } = stages(dockerfile)
  const names = new Set(all.map((s) => s.name).filter(Boolean))
  const final = all.at(-1)!

  it('builds in stages on node:24-bookworm-slim (Go programs in a golang stage, checked below)', () => {
    expect(all.length).toBeGreaterThanOrEqual(2)
    for (const stage of all.filter((st) => !st.from.startsWith('golang:')))
      expect(names.has(stage.from) || stage.from === 'node:24-bookworm-slim', stage.from).toBe(true)
    expect(final.from.startsWith('golang:')).toBe(false)
  })

  it('runs as a numeric non-root user, with a healthcheck and the Node 24 type-stripping entry', () => {
    const user = final.lines.filter((l) => l.startsWith('USER ')).at(-1)
    expect(user).toMatch(/^USER [1-9]\d*:[1-9]\d*$/)
    expect(final.lines.some((l) => l.startsWith('HEALTHCHECK '))).toBe(true)
    expect(final.lines.filter((l) => l.startsWith('CMD ')).at(-1)).toMatch(
      /^CMD \["node", "apps\/[a-z-]+\/src\/[a-z]+\.ts"/,
    )
  })

  it('installs no packages from npm in the final stage: its dependencies come packaged', () => {
    for (const line of final.lines) expect(line).not.toMatch(/\b(pnpm|npm|yarn)\b.*\binstall\b/)
    expect(final.lines.some((l) => /^COPY --from=build \/out \/app$/.test(l))).toBe(true)
  })

  it('copies only files that exist in the repository and are not in .dockerignore', () => {
    for (const stage of all)
      for (const line of stage.lines.filter(
        (l) => l.startsWith('COPY ') && !l.includes('--from'),
      )) {
        const sources = line.split(/\s+/).slice(1, -1)
        for (const source of sources) {
          expect(existsSync(join(root, source)), `${source} exists`).toBe(true)
          expect(ignored(source), `${source} is in the build context`).toBe(false)
        }
      }
  })

  it('runs build steps that are scripts of this repository', () => {
    const scripts = all
      .flatMap((s) => s.lines)
      .filter((l) => l.startsWith('RUN '))
      .flatMap((l) =>
        [...l.matchAll(/(?:node|bash) ((?:scripts|\/build)\/\S+)/g)].map((m) => m[1]!),
      )
    expect(scripts.length).toBeGreaterThan(0)
    for (const script of scripts)
      expect(
        existsSync(join(root, script.replace(/^\/build\//, 'apps/cluster-sim/guest/'))),
        script,
      ).toBe(true)
  })
})

describe('apps/cluster-sim/Dockerfile: the generated CRDs', () => {
  const dockerfile = 'apps/cluster-sim/Dockerfile'
  const { stages: all } = stages(dockerfile)
  const crds = all.find((stage) => stage.name === 'crds')!

  it('generates them in a golang stage new enough for the kubevirt module, from Go modules alone', () => {
    const golang = /^golang:(\d+\.\d+(?:\.\d+)?)-bookworm$/.exec(crds.from)
    expect(golang, crds.from).not.toBeNull()
    const goMod = join(root, 'apps/cluster-sim/kubevirt/go.mod')
    expect(compareGoVersions(golang![1]!, goDirective(goMod))).toBeGreaterThanOrEqual(0)
    expect(crds.lines).toContain('WORKDIR /src/apps/cluster-sim/kubevirt')
    // The module list (and any directory go.mod replaces a module with) before the download,
    // the sources after it: the download layer is reused until go.mod or go.sum change.
    const download = crds.lines.indexOf('RUN go mod download')
    const copies = crds.lines.filter((l) => l.startsWith('COPY '))
    expect(copies[0]).toBe(
      'COPY apps/cluster-sim/kubevirt/go.mod apps/cluster-sim/kubevirt/go.sum ./',
    )
    const replaced = new Set(
      [...readFileSync(goMod, 'utf8').matchAll(/=> \.\/([^/\s]+)/g)].map((m) => m[1]!),
    )
    expect(download).toBeGreaterThan(0)
    for (const top of replaced)
      expect(crds.lines.slice(0, download), top).toContain(
        `COPY apps/cluster-sim/kubevirt/${top} ${top}`,
      )
    expect(crds.lines.at(-1)).toBe(
      'RUN go build -o /out/crdgen ./cmd/crdgen && /out/crdgen -out /out/crds',
    )
  })

  it("builds KubeVirt's own programs in their own stage and ships them where the simulator looks (VMDECK_KUBEVIRT_BIN_DIR)", () => {
    const kubevirt = all.find((stage) => stage.name === 'kubevirt')!
    // It builds on the CRD stage (the same module, downloaded once) and adds only the build.
    expect(kubevirt.from).toBe('crds')
    expect(kubevirt.lines.filter((line) => line.startsWith('RUN '))).toHaveLength(1)
    expect(kubevirt.lines.at(-1)).toMatch(
      /^RUN CGO_ENABLED=0 go build -o \/out\/kubevirt\/ .*kubevirt\.io\/kubevirt\/cmd\/virt-api kubevirt\.io\/kubevirt\/cmd\/virt-controller \.\/cmd\/kubevirt-install$/,
    )
    const dir = imageEnv(dockerfile).VMDECK_KUBEVIRT_BIN_DIR
    expect(dir).toBe('/opt/vmdeck/kubevirt')
    expect(all.at(-1)!.lines).toContain(`COPY --from=kubevirt /out/kubevirt ${dir}`)
  })

  it('ships them where the simulator looks for them (VMDECK_CRD_DIR)', () => {
    const dir = imageEnv(dockerfile).VMDECK_CRD_DIR
    expect(dir).toBe('/opt/vmdeck/crds')
    expect(all.at(-1)!.lines).toContain(`COPY --from=crds /out/crds ${dir}`)
  })
})

describe('the images’ build stages, replayed without Docker', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'vmdeck-package-'))
  const packaged = {
    bff: join(scratch, 'bff/out'),
    sim: join(scratch, 'sim/out'),
    crds: join(scratch, 'crds/out/crds'),
  }
  const devOnly = [
    'vite',
    'vitest',
    'typescript',
    'eslint',
    'prettier',
    '@playwright+test',
    'react',
  ]

  beforeAll(async () => {
    // One after the other: vitest's worker stays responsive while pnpm and Vite run.
    await replayBuildStage('apps/bff/Dockerfile', join(scratch, 'bff'))
    await replayBuildStage('apps/cluster-sim/Dockerfile', join(scratch, 'sim'))
    // The go command the npm scripts found (PATH may lack Go's install directory).
    await replayBuildStage(
      'apps/cluster-sim/Dockerfile',
      join(scratch, 'crds'),
      [dirname(ensureGo().go)],
      'crds',
    )
  }, 900_000)
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it('ships sources, the built SPA and production dependencies, no tests and no dev tools', () => {
    expect(existsSync(join(packaged.bff, 'apps/bff/src/server.ts'))).toBe(true)
    expect(existsSync(join(packaged.bff, 'apps/web/dist/index.html'))).toBe(true)
    expect(existsSync(join(packaged.bff, 'apps/web/src'))).toBe(false)
    expect(existsSync(join(packaged.bff, 'packages/shared/src/index.ts'))).toBe(true)
    expect(existsSync(join(packaged.sim, 'apps/cluster-sim/src/main.ts'))).toBe(true)
    expect(existsSync(join(packaged.sim, 'apps/bff'))).toBe(false)
    for (const dir of [packaged.bff, packaged.sim]) {
      const installed = readdirSync(join(dir, 'node_modules/.pnpm')).map((name) =>
        name.replace(/@[^@]+$/, ''),
      )
      for (const tool of devOnly) expect(installed, `${tool} in ${dir}`).not.toContain(tool)
      expect(findFiles(join(dir, 'apps')).filter((f) => f.endsWith('.test.ts'))).toEqual([])
    }
    const bffDeps = readdirSync(join(packaged.bff, 'node_modules/.pnpm'))
    expect(bffDeps.some((name) => name.startsWith('fastify@'))).toBe(true)
  })

  it('generates the same CRDs as the npm scripts do (VMDECK_CRD_DIR)', () => {
    const expected = process.env.VMDECK_CRD_DIR!
    const names = readdirSync(packaged.crds).sort()
    expect(names).toEqual(readdirSync(expected).sort())
    expect(names).toContain('virtualmachines.kubevirt.io.yaml')
    for (const name of names)
      expect(readFileSync(join(packaged.crds, name), 'utf8'), name).toBe(
        readFileSync(join(expected, name), 'utf8'),
      )
  })

  it('refuses to package into a directory that is not empty', () => {
    const result = run(process.execPath, [
      join(root, 'scripts/package-app.mjs'),
      'bff',
      packaged.sim,
    ])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/not empty/)
  })

  it('runs: the packaged simulator, attached to the control plane, answers kubectl; the packaged BFF serves vmdeck from it and names the demo users', async () => {
    const state = join(scratch, 'state')
    const kubeconfig = join(state, 'kubeconfig')
    // Run from the packaged directory as the image does (WORKDIR), not from the repository, with
    // the image's CRD directory: the one the crds stage generated.
    const env: NodeJS.ProcessEnv = { ...process.env, VMDECK_CRD_DIR: packaged.crds }
    // vmdeck's own CRDs, which the image copies from the repository to VMDECK_APP_CRD_DIR.
    const appCrds = imageEnv('apps/cluster-sim/Dockerfile').VMDECK_APP_CRD_DIR!
    expect(stages('apps/cluster-sim/Dockerfile').stages.at(-1)!.lines).toContain(
      `COPY deploy/components/tasks/crd ${appCrds}`,
    )
    env.VMDECK_APP_CRD_DIR = join(root, 'deploy/components/tasks/crd')
    delete env.VMDECK_ROOT
    delete env.VMDECK_CONTROLPLANE_BIN // attached: the simulator starts no control plane
    // The simulator's own KubeVirt here: this checks the packaging, not KubeVirt's programs (the
    // image ships those; the BFF suites and the journeys run on them).
    env.VMDECK_KUBEVIRT = 'sim'
    // The images' commands (and docker-compose.yml's and the demo overlay's), with their paths
    // mapped here, on free ports, and without real guests (CPU is scarce in tests).
    const mapped = (args: string[]) =>
      args.map((arg) =>
        arg
          .replace('/var/lib/vmdeck', state)
          .replace('/opt/vmdeck/guest', join(scratch, 'guest'))
          .replace(/^(6443|8443)$/, '0'),
      )
    const [cpCommand, ...cpArgs] = imageCommand('apps/cluster-sim/controlplane/Dockerfile')
    expect(cpCommand).toBe('controlplane')
    const controlPlane = startProcess(controlPlaneBinary(), mapped(cpArgs), {})
    const [command, ...args] = simulatorCommand()
    expect(command).toBe('node')
    try {
      await controlPlane.waitFor(/controlplane: ready/, 120_000)
      const sim = startProcess(process.execPath, [...mapped(args), '--guests', 'none'], {
        cwd: packaged.sim,
        env,
      })
      try {
        const [, apiUrl] = await sim.waitFor(/Kubernetes API at (\S+)/, 120_000)
        // The control plane's API server, not one of the simulator's.
        expect(controlPlane.output()).toContain(`controlplane: ready ${apiUrl}`)
        await sim.waitFor(/metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/)
        const vms = await runAsync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'vms', '-A'])
        expect(vms.stderr).toBe('')
        expect(vms.stdout).toMatch(/^NAMESPACE\s+NAME/)

        const bff = startProcess(process.execPath, ['apps/bff/src/server.ts'], {
          cwd: packaged.bff,
          env: {
            ...env,
            KUBECONFIG: kubeconfig,
            VMDECK_PORT: '0',
            VMDECK_LOG_LEVEL: 'warn',
            VMDECK_DEMO: '1',
            VMDECK_SESSION_KEYS: randomBytes(32).toString('base64url'),
          },
        })
        try {
          const [, url] = await bff.waitFor(/listening on (http:\/\/\S+)/)
          // What `docker compose up` shows: the URL and the demo users, in vmdeck's log.
          await bff.waitFor(/log in as one of admin, helpdesk, viewer/)
          expect((await fetch(`${url}/healthz`)).status).toBe(200)
          const ready = await waitForStatus(`${url}/readyz`, 200)
          expect(await ready.json()).toMatchObject({ status: 'ready' })
          const page = await fetch(`${url}/`)
          expect(page.status).toBe(200)
          expect(await page.text()).toMatch(/<div id="root">/)
        } finally {
          await bff.kill()
        }
      } finally {
        await sim.kill()
      }
    } finally {
      await controlPlane.kill()
    }
  })
})

function findFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules') return []
    return statSync(path).isDirectory() ? findFiles(path) : [path]
  })
}
