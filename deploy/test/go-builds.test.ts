// scripts/lib/go-builds.mjs, the Go side every entry point builds before it starts the simulator:
// the Go version check and its advice, rebuilds only when sources change (on throw-away modules,
// built with the real go command), and the real control plane as Vitest's global setup handed it
// to this process: stamped with the Kubernetes version it is built from.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  GoBuildError,
  compareGoVersions,
  ensureControlPlane,
  ensureCrds,
  ensureGo,
  ensureGoBuilds,
  goDirective,
} from '../../scripts/lib/go-builds.mjs'
import { root, run, runAsync, startProcess } from './helpers.ts'

const scratch = mkdtempSync(join(tmpdir(), 'vmdeck-go-builds-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** The go directive both real modules ask for, the newer of the two. */
const needed = [
  goDirective(join(root, 'apps/cluster-sim/controlplane/go.mod')),
  goDirective(join(root, 'apps/cluster-sim/kubevirt/go.mod')),
].reduce((a, b) => (compareGoVersions(a, b) >= 0 ? a : b))

/** A directory holding a `go` that only answers `go version` with `version`. */
function fakeGo(version: string): string {
  const dir = mkdtempSync(join(scratch, 'fake-go-'))
  writeFileSync(join(dir, 'go'), `#!/bin/sh\necho "go version go${version} linux/amd64"\n`)
  chmodSync(join(dir, 'go'), 0o755)
  return dir
}

/** Logs of one call, to see whether it built. */
function recorder() {
  const lines: string[] = []
  return { lines, log: (line: string) => lines.push(line) }
}

describe('Go versions', () => {
  it('reads the go line of go.mod and orders versions as the go command does', () => {
    expect(needed).toMatch(/^1\.\d+(\.\d+)?$/)
    expect(compareGoVersions('1.26.8', '1.26.0')).toBe(1)
    expect(compareGoVersions('go1.26', '1.26.0')).toBe(0)
    expect(compareGoVersions('1.26rc1', '1.26.0')).toBe(-1)
    expect(compareGoVersions('1.9.9', '1.26.0')).toBe(-1)
    expect(compareGoVersions('2.0.0', '1.99.99')).toBe(1)
  })
})

describe('ensureGo', () => {
  const only = (...dirs: string[]) => ({ root, env: { PATH: dirs.join(':') }, fallbackDirs: [] })

  it('says what to install when there is no go command', () => {
    const error = catchError(() => ensureGo(only(mkdtempSync(join(scratch, 'empty-')))))
    expect(error).toBeInstanceOf(GoBuildError)
    expect(error.message).toContain('no go command was found')
    expect(error.message).toContain(`Go ${needed} or newer`)
    expect(error.message).toContain('https://go.dev/dl/')
  })

  it('names a go too old, and GOTOOLCHAIN through the module proxy when that go can use it', () => {
    const old = catchError(() => ensureGo(only(fakeGo('1.19.8'))))
    expect(old).toBeInstanceOf(GoBuildError)
    expect(old.message).toContain('go 1.19.8')
    expect(old.message).toContain(`any Go from 1.21 on and set GOTOOLCHAIN=go${needed}`)
    const [major, minor] = needed.split('.').map(Number)
    const previous = `${major}.${minor! - 1}.3`
    const recent = catchError(() => ensureGo(only(fakeGo(previous))))
    expect(recent.message).toContain(`go ${previous}`)
    expect(recent.message).toContain(`keep this go and set GOTOOLCHAIN=go${needed}`)
  })

  it('takes the first go new enough, past an older one earlier on PATH', () => {
    const oldDir = fakeGo('1.19.8')
    const [major, minor] = needed.split('.')
    const newDir = fakeGo(`${major}.${minor}.9`)
    const found = ensureGo(only(oldDir, newDir))
    expect(found.go).toBe(join(newDir, 'go'))
    expect(compareGoVersions(found.version, needed)).toBeGreaterThanOrEqual(0)
  })

  it('finds the real go command of this machine', () => {
    const found = ensureGo({ root })
    const real = run(found.go, ['version'])
    expect(real.stdout).toContain(`go${found.version}`)
  })
})

/** A repository-shaped directory with two tiny Go modules in the places of the real ones. */
function fakeRepository(): string {
  const repo = mkdtempSync(join(scratch, 'repo-'))
  const controlplane = join(repo, 'apps/cluster-sim/controlplane')
  const kubevirt = join(repo, 'apps/cluster-sim/kubevirt')
  mkdirSync(controlplane, { recursive: true })
  mkdirSync(join(kubevirt, 'cmd/crdgen'), { recursive: true })
  writeFileSync(join(controlplane, 'go.mod'), 'module example.com/controlplane\n\ngo 1.21\n')
  writeControlPlane(repo, 'one')
  writeFileSync(
    join(controlplane, 'build.sh'),
    '#!/usr/bin/env bash\nset -euo pipefail\nout="$1"\ncd "$(dirname "$0")"\ngo build -o "$out" .\n',
  )
  writeFileSync(join(kubevirt, 'go.mod'), 'module example.com/kubevirt\n\ngo 1.21\n')
  writeCrdgen(repo, 'one')
  return repo
}
function writeControlPlane(repo: string, answer: string) {
  writeFileSync(
    join(repo, 'apps/cluster-sim/controlplane/main.go'),
    `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("${answer}") }\n`,
  )
}
function writeCrdgen(repo: string, kind: string) {
  writeFileSync(
    join(repo, 'apps/cluster-sim/kubevirt/cmd/crdgen/main.go'),
    `package main

import (
	"flag"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", "", "")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "${kind}.yaml"), []byte("kind: ${kind}\\n"), 0o644); err != nil {
		panic(err)
	}
}
`,
  )
}

describe('ensureControlPlane and ensureCrds (on throw-away modules, with the real go command)', () => {
  const repo = fakeRepository()
  const binary = join(repo, '.vmdeck/bin/controlplane')
  const answer = () => run(binary, []).stdout.trim()

  it('builds once, again only when a Go source changes, and keeps the last good binary', async () => {
    const first = recorder()
    expect(await ensureControlPlane({ root: repo, log: first.log })).toBe(binary)
    expect(first.lines.join('\n')).toMatch(/building the Kubernetes control plane/)
    expect(answer()).toBe('one')
    expect(readFileSync(`${binary}.stamp`, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/)
    const builtAt = statSync(binary).mtimeMs

    const again = recorder()
    await ensureControlPlane({ root: repo, log: again.log })
    expect(again.lines).toEqual([])
    // Not a Go source: nothing to rebuild.
    writeFileSync(join(repo, 'apps/cluster-sim/controlplane/README.md'), 'notes\n')
    await ensureControlPlane({ root: repo, log: again.log })
    expect(again.lines).toEqual([])
    expect(statSync(binary).mtimeMs).toBe(builtAt)

    writeControlPlane(repo, 'two')
    const changed = recorder()
    await ensureControlPlane({ root: repo, log: changed.log })
    expect(changed.lines.join('\n')).toMatch(/building/)
    expect(answer()).toBe('two')

    writeFileSync(join(repo, 'apps/cluster-sim/controlplane/main.go'), 'package main\n\nfunc {\n')
    await expect(ensureControlPlane({ root: repo, log: () => {} })).rejects.toThrow(
      /build\.sh exited/,
    )
    expect(answer()).toBe('two')
    expect(readdirSync(join(repo, '.vmdeck/bin')).filter((f) => f.includes('partial'))).toEqual([])
    writeControlPlane(repo, 'three')
    await ensureControlPlane({ root: repo, log: () => {} })
    expect(answer()).toBe('three')
  })

  it('rebuilds when build.sh (the flags) changes, and is not held up by a lock its holder left', async () => {
    const script = join(repo, 'apps/cluster-sim/controlplane/build.sh')
    writeFileSync(script, `${readFileSync(script, 'utf8')}# another flag\n`)
    // A process that died holding the lock (pid far above Linux's pid_max).
    writeFileSync(join(repo, '.vmdeck/bin/.go-builds.lock'), '99999999')
    const changed = recorder()
    await ensureControlPlane({ root: repo, log: changed.log })
    expect(changed.lines.join('\n')).toMatch(/building/)
    expect(existsSync(join(repo, '.vmdeck/bin/.go-builds.lock'))).toBe(false)
  })

  it('builds once when two callers need a build at the same time: the second waits for the first', async () => {
    writeControlPlane(repo, 'four')
    const [a, b] = [recorder(), recorder()]
    await Promise.all([
      ensureControlPlane({ root: repo, log: a.log }),
      ensureControlPlane({ root: repo, log: b.log }),
    ])
    const lines = [...a.lines, ...b.lines].join('\n')
    expect(lines.match(/building the Kubernetes control plane/g)).toHaveLength(1)
    expect(b.lines.join('\n')).toMatch(/waiting for another build of the Go programs \(pid \d+\)/)
    expect(answer()).toBe('four')
  })

  it('generates the CRDs with a cached generator, again only when that module changes', async () => {
    const crds = join(repo, '.vmdeck/crds')
    const first = recorder()
    expect(await ensureCrds({ root: repo, log: first.log })).toBe(crds)
    expect(first.lines.join('\n')).toMatch(/building the CRD generator/)
    expect(readdirSync(crds)).toEqual(['one.yaml'])
    expect(existsSync(join(repo, '.vmdeck/bin/crdgen'))).toBe(true)

    const again = recorder()
    await ensureCrds({ root: repo, log: again.log })
    expect(again.lines).toEqual([])

    writeCrdgen(repo, 'two')
    await ensureCrds({ root: repo, log: () => {} })
    // Replaced, not merged: a CRD the generator no longer makes is gone.
    expect(readdirSync(crds)).toEqual(['two.yaml'])
  })

  it('hands both to child processes through the environment, and uses ones given there as is', async () => {
    const saved = { ...process.env }
    try {
      delete process.env.VMDECK_CONTROLPLANE_BIN
      delete process.env.VMDECK_CRD_DIR
      // KubeVirt's programs as the global setup built them: given, so used as they are.
      const kubevirtBinDir = process.env.VMDECK_KUBEVIRT_BIN_DIR
      expect(kubevirtBinDir).toBeTruthy()
      const built = await ensureGoBuilds({ root: repo, log: () => {} })
      expect(built).toEqual({
        controlPlaneBin: binary,
        crdDir: join(repo, '.vmdeck/crds'),
        kubevirtBinDir,
      })
      expect(process.env.VMDECK_CONTROLPLANE_BIN).toBe(binary)
      expect(process.env.VMDECK_CRD_DIR).toBe(join(repo, '.vmdeck/crds'))

      const other = fakeRepository()
      const given = await ensureGoBuilds({ root: other, log: () => {} })
      expect(given).toEqual(built)
      expect(existsSync(join(other, '.vmdeck'))).toBe(false)

      process.env.VMDECK_CONTROLPLANE_BIN = join(scratch, 'missing')
      await expect(ensureGoBuilds({ root: other, log: () => {} })).rejects.toThrow(
        /VMDECK_CONTROLPLANE_BIN=.*no such file/,
      )
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
      Object.assign(process.env, saved)
    }
  })
})

describe('the real control plane, as the global setup built it', () => {
  const binary = process.env.VMDECK_CONTROLPLANE_BIN!
  const kubernetes = /^\s*k8s\.io\/kubernetes (v\d+\.\d+\.\d+)\s*$/m.exec(
    readFileSync(join(root, 'apps/cluster-sim/controlplane/go.mod'), 'utf8'),
  )![1]!

  it('is handed to every test process with the generated CRDs', () => {
    expect(existsSync(binary), binary).toBe(true)
    const crds = readdirSync(process.env.VMDECK_CRD_DIR!)
    expect(crds).toContain('virtualmachines.kubevirt.io.yaml')
    expect(crds).toContain('datavolumes.cdi.kubevirt.io.yaml')
  })

  it('carries the Kubernetes version of go.mod as its client version', () => {
    const result = run(binary, ['kubectl', 'version', '--client', '-o', 'json'])
    expect(result.status, result.stderr).toBe(0)
    const { clientVersion } = JSON.parse(result.stdout) as {
      clientVersion: Record<string, string>
    }
    const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(kubernetes)!
    expect(clientVersion).toMatchObject({
      gitVersion: kubernetes,
      major,
      minor,
      gitTreeState: 'archive',
      gitCommit: '',
    })
    expect(Date.parse(clientVersion.buildDate!)).toBeGreaterThan(Date.parse('2020-01-01'))
  })

  it('serves that version as kube-apiserver: `kubectl version` names it', async () => {
    const state = mkdtempSync(join(scratch, 'controlplane-'))
    const controlPlane = startProcess(binary, ['run', '--state-dir', state, '--port', '0'], {})
    try {
      await controlPlane.waitFor(/controlplane: ready (\S+)/, 180_000)
      const result = await runAsync(binary, [
        'kubectl',
        '--kubeconfig',
        join(state, 'kubeconfigs/admin'),
        'version',
        '-o',
        'json',
      ])
      expect(result.status, result.stderr).toBe(0)
      const { serverVersion } = JSON.parse(result.stdout) as {
        serverVersion: Record<string, string>
      }
      expect(serverVersion.gitVersion).toBe(kubernetes)
    } finally {
      await controlPlane.kill()
    }
  }, 240_000)
})

function catchError(action: () => unknown): Error {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}
