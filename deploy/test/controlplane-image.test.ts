// The control plane's image (apps/cluster-sim/controlplane/Dockerfile), checked without a Docker
// engine: a golang build stage running build.sh (the script the npm scripts run) and a slim
// Debian runtime, the same command in the image, docker-compose.yml and the demo overlay (the
// simulator attached to it), and the build stage replayed here, whose binary must be static and
// carry the Kubernetes version.
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { compareGoVersions, ensureGo, goDirective } from '../../scripts/lib/go-builds.mjs'
import { dockerignore, replayBuildStage, stages } from './dockerfiles.ts'
import { render, root, run } from './helpers.ts'

const dockerfile = 'apps/cluster-sim/controlplane/Dockerfile'
const { stages: all } = stages(dockerfile)
const build = all.find((stage) => stage.name === 'build')!
const final = all.at(-1)!
const goMod = join(root, 'apps/cluster-sim/controlplane/go.mod')
const kubernetes = /^\s*k8s\.io\/kubernetes (v\d+\.\d+\.\d+)\s*$/m.exec(
  readFileSync(goMod, 'utf8'),
)![1]!

/** The image's CMD. */
function imageCommand(): string[] {
  const cmd = final.lines.filter((l) => l.startsWith('CMD ')).at(-1)!
  return JSON.parse(cmd.slice('CMD '.length)) as string[]
}

interface Container {
  name: string
  args: string[]
  startupProbe?: { exec?: { command: string[] } }
}

describe(dockerfile, () => {
  it('builds in a golang stage new enough for go.mod, and runs on Debian slim', () => {
    expect(all.map((stage) => stage.name)).toEqual(['build', undefined])
    const golang = /^golang:(\d+\.\d+(?:\.\d+)?)-bookworm$/.exec(build.from)
    expect(golang, build.from).not.toBeNull()
    expect(compareGoVersions(golang![1]!, goDirective(goMod))).toBeGreaterThanOrEqual(0)
    expect(final.from).toBe('debian:bookworm-slim')
  })

  it('downloads the modules from go.mod and go.sum alone, then builds with build.sh', () => {
    expect(build.lines).toContain('WORKDIR /src/apps/cluster-sim/controlplane')
    const copies = build.lines.filter((l) => l.startsWith('COPY '))
    expect(copies[0]).toBe(
      'COPY apps/cluster-sim/controlplane/go.mod apps/cluster-sim/controlplane/go.sum ./',
    )
    expect(build.lines.filter((l) => l.startsWith('RUN '))).toEqual([
      'RUN go mod download',
      'RUN bash build.sh /out/controlplane',
    ])
    expect(existsSync(join(root, 'apps/cluster-sim/controlplane/build.sh'))).toBe(true)
  })

  it('copies only files that exist in the repository and are in the build context', () => {
    for (const line of all.flatMap((s) => s.lines).filter((l) => /^COPY (?!--from)/.test(l)))
      for (const source of line.split(/\s+/).slice(1, -1)) {
        expect(existsSync(join(root, source)), source).toBe(true)
        expect(dockerignore, source).not.toContain(source.split('/')[0])
      }
  })

  it('runs the binary alone as a numeric non-root user, checked on /readyz', () => {
    expect(final.lines).toContain('COPY --from=build /out/controlplane /usr/local/bin/controlplane')
    // A static binary: nothing installed in the runtime stage.
    expect(final.lines.join('\n')).not.toMatch(/apt-get|go (build|install)/)
    expect(final.lines.filter((l) => l.startsWith('USER ')).at(-1)).toMatch(
      /^USER [1-9]\d*:[1-9]\d*$/,
    )
    const healthcheck = final.lines.find((l) => l.startsWith('HEALTHCHECK '))!
    expect(healthcheck).toContain('"controlplane", "kubectl"')
    expect(healthcheck).toContain('"/readyz"')
    expect(imageCommand().slice(0, 2)).toEqual(['controlplane', 'run'])
  })

  it('is what docker-compose.yml and the demo overlay run, with the simulator attached to it', () => {
    const image = imageCommand()
    const compose = parse(
      run('docker-compose', ['--file', join(root, 'docker-compose.yml'), 'config']).stdout,
    ) as { services: Record<string, { command: string[]; healthcheck: { test: string[] } }> }
    expect(compose.services.controlplane!.command).toEqual(image)

    const demo = render(join(root, 'deploy/overlays/demo')).find((o) => o.kind === 'Deployment')!
    const sidecars = (
      demo as unknown as { spec: { template: { spec: { initContainers: Container[] } } } }
    ).spec.template.spec.initContainers
    // The OpenID provider first (the API server's authentication config names it), then the
    // control plane before the simulator, its client.
    expect(sidecars.map((c) => c.name)).toEqual(['idp', 'controlplane', 'cluster-sim'])
    const [, controlplane, sim] = sidecars as [Container, Container, Container]
    // The same command: it owns 6443 of the pod's loopback, the simulator serves no API.
    expect(controlplane.args).toEqual(image)
    const stateDir = image[image.indexOf('--state-dir') + 1]
    expect(sim.args[sim.args.indexOf('--attach') + 1]).toBe(stateDir)
    expect(compose.services['cluster-sim']!.command).toEqual(sim.args)
    expect(controlplane.startupProbe?.exec?.command).toEqual(
      compose.services.controlplane!.healthcheck.test.slice(1),
    )
  })
})

describe(`${dockerfile}: the build stage, replayed without Docker`, () => {
  const sandbox = mkdtempSync(join(tmpdir(), 'vmdeck-controlplane-image-'))
  const binary = join(sandbox, 'out/controlplane')
  afterAll(() => rmSync(sandbox, { recursive: true, force: true }))

  beforeAll(async () => {
    // The go command the npm scripts found (PATH may lack Go's install directory).
    await replayBuildStage(dockerfile, sandbox, [dirname(ensureGo().go)])
  }, 900_000)

  it('makes a static binary, so the slim image needs no C library of the build image', () => {
    expect(hasProgramInterpreter(binary)).toBe(false)
  })

  it('stamps the Kubernetes version of go.mod into it', () => {
    const result = run(binary, ['kubectl', 'version', '--client', '-o', 'json'])
    expect(result.status, result.stderr).toBe(0)
    const { clientVersion } = JSON.parse(result.stdout) as { clientVersion: { gitVersion: string } }
    expect(clientVersion.gitVersion).toBe(kubernetes)
  })
})

/**
 * Whether an ELF64 executable names a program interpreter (PT_INTERP), i.e. is dynamically
 * linked (the ELF layout: System V ABI, "Program Header").
 */
function hasProgramInterpreter(path: string): boolean {
  const header = Buffer.alloc(64 * 1024)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, header, 0, header.length, 0)
  } finally {
    closeSync(fd)
  }
  expect(header.subarray(0, 4).toString('latin1')).toBe('\x7fELF')
  expect(header[4]).toBe(2) // ELFCLASS64
  const phoff = Number(header.readBigUInt64LE(0x20))
  const phentsize = header.readUInt16LE(0x36)
  const phnum = header.readUInt16LE(0x38)
  const PT_INTERP = 3
  for (let i = 0; i < phnum; i++)
    if (header.readUInt32LE(phoff + i * phentsize) === PT_INTERP) return true
  return false
}
