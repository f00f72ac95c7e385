// The Go side of the simulator, built on demand by every entry point (npm run demo/test/sim/tour,
// the benches, vitest): the real Kubernetes control plane (apps/cluster-sim/controlplane) and the
// KubeVirt, CDI, Multus and snapshot CRDs generated from their projects' Go modules
// (apps/cluster-sim/kubevirt/cmd/crdgen), and KubeVirt's own virt-api and virt-controller with
// kubevirt-install, which does virt-operator's part (the same module). Each is rebuilt only when its sources changed (a hash
// of go.mod, go.sum and the .go files, kept in a stamp file beside the output); the Go build cache
// makes a rebuild after a small change fast. Modules come from the module cache or through GOPROXY
// as configured, nothing else is downloaded. The results are handed to child processes through
// VMDECK_CONTROLPLANE_BIN, VMDECK_CRD_DIR and VMDECK_KUBEVIRT_BIN_DIR; set those yourself to use builds of your own.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { delimiter, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const CONTROLPLANE_MODULE = 'apps/cluster-sim/controlplane'
const KUBEVIRT_MODULE = 'apps/cluster-sim/kubevirt'
/** Where Go's own installer (go.dev/dl) puts it; often not on PATH for scripts. */
const GO_INSTALL_DIR = '/usr/local/go/bin'
// Go 1.21 is the first go command that fetches a newer toolchain through the module proxy.
const FIRST_GOTOOLCHAIN_GO = '1.21'

/** A build problem with a message meant for the person at the terminal, as is. */
export class GoBuildError extends Error {
  name = 'GoBuildError'
}

const defaultLog = (message) => console.log(`\x1b[36m▸\x1b[0m ${message}`)

/** The `go` line of a go.mod: the oldest Go that may build the module ("1.26.0"). */
export function goDirective(goModPath) {
  const match = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(readFileSync(goModPath, 'utf8'))
  if (!match) throw new GoBuildError(`${goModPath} has no go line`)
  return match[1]
}

/**
 * Orders Go versions as the go command does for release versions: "1.26" = "1.26.0" and a
 * release candidate ("1.26rc1") comes before the release. Accepts a "go" prefix.
 */
export function compareGoVersions(a, b) {
  const parts = (version) => {
    const match = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?((?:rc|beta)\d+)?/.exec(version)
    if (!match) throw new GoBuildError(`not a Go version: ${version}`)
    const [, major, minor, patch, pre] = match
    return [Number(major), Number(minor), pre ? -1 : Number(patch ?? 0)]
  }
  const [x, y] = [parts(a), parts(b)]
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1
  return 0
}

/** Environment for go commands: GOFLAGS gets -buildvcs=false (no VCS stamping: worktrees, copies). */
function goEnv(go, env = process.env) {
  const flags = env.GOFLAGS ?? ''
  const path = (env.PATH ?? '').split(delimiter).filter(Boolean)
  return {
    ...env,
    PATH: (path[0] === dirname(go) ? path : [dirname(go), ...path]).join(delimiter),
    GOFLAGS: /-buildvcs\b/.test(flags) ? flags : `${flags} -buildvcs=false`.trim(),
  }
}

/** Every `go` that could be meant: on PATH first, then Go's default install directory. */
function goCandidates(env, fallbackDirs) {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...fallbackDirs]
  const seen = new Set()
  return dirs
    .map((dir) => join(dir, 'go'))
    .filter((path) => {
      if (seen.has(path) || !existsSync(path) || statSync(path).isDirectory()) return false
      seen.add(path)
      return true
    })
}

/** The version `go` runs as in `dir` (after a GOTOOLCHAIN switch, if it makes one), or undefined. */
function goVersionIn(go, dir, env) {
  const result = spawnSync(go, ['version'], { cwd: dir, env: goEnv(go, env), encoding: 'utf8' })
  const match = /\bgo version go(\d+\.\d+(?:\.\d+)?(?:rc\d+|beta\d+)?)\b/.exec(result.stdout ?? '')
  return match?.[1]
}

/** Debian's golang-go version on offer here ("1.19"), if apt knows the package. */
function debianGoCandidate() {
  const result = spawnSync('apt-cache', ['policy', 'golang-go'], { encoding: 'utf8' })
  const match = /Candidate:\s*(?:\d+:)?(\d+\.\d+)/.exec(result.stdout ?? '')
  return match?.[1]
}

function installAdvice(needed, found) {
  const debian = debianGoCandidate()
  const lines = [
    found
      ? `The control plane and the CRDs need Go ${needed} or newer; the newest go command here is go ${found.version} (${found.go}).`
      : `The control plane and the CRDs are built from Go sources: Go ${needed} or newer is needed, and no go command was found (looked on PATH and in ${GO_INSTALL_DIR}).`,
    'Do one of these, then run the command again:',
    `  - install Go ${needed} or newer from https://go.dev/dl/ (unpacked into /usr/local, so ${GO_INSTALL_DIR}/go exists);`,
  ]
  if (debian && compareGoVersions(debian, needed) >= 0)
    lines.push(`  - install Debian's golang-go (${debian} here): apt-get install golang-go;`)
  if (found && compareGoVersions(found.version, FIRST_GOTOOLCHAIN_GO) >= 0)
    lines.push(
      `  - keep this go and set GOTOOLCHAIN=go${needed} (export GOTOOLCHAIN=go${needed}): the go command then fetches that release through the Go module proxy.`,
    )
  else
    lines.push(
      `  - install any Go from ${FIRST_GOTOOLCHAIN_GO} on and set GOTOOLCHAIN=go${needed}: it fetches that release through the Go module proxy.`,
    )
  if (debian && compareGoVersions(debian, needed) < 0)
    lines.push(`(Debian's golang-go is ${debian} here: too old.)`)
  return lines.join('\n')
}

/**
 * Finds a go command new enough for the Go modules of the simulator (the `go` lines of their
 * go.mod files); throws a GoBuildError that says what to install when there is none.
 */
export function ensureGo({
  root = repositoryRoot,
  env = process.env,
  fallbackDirs = [GO_INSTALL_DIR],
} = {}) {
  const modules = [CONTROLPLANE_MODULE, KUBEVIRT_MODULE].map((module) => ({
    dir: join(root, module),
    needed: goDirective(join(root, module, 'go.mod')),
  }))
  const needed = modules
    .map((m) => m.needed)
    .reduce((a, b) => (compareGoVersions(a, b) >= 0 ? a : b))
  // The newest go that runs but is too old, for the advice.
  let best
  for (const go of goCandidates(env, fallbackDirs)) {
    const versions = modules.map((m) => ({ ...m, version: goVersionIn(go, m.dir, env) }))
    if (!versions.every((v) => v.version)) continue
    if (versions.every((v) => compareGoVersions(v.version, v.needed) >= 0))
      return { go, version: versions[0].version }
    if (!best || compareGoVersions(versions[0].version, best.version) > 0)
      best = { go, version: versions[0].version }
  }
  throw new GoBuildError(installAdvice(needed, best))
}

/**
 * A hash of what a Go build depends on in `dir`: go.mod, go.sum and the .go files other than
 * tests, in every directory below, plus `extraFiles` (relative to `dir`).
 */
export function goSourceHash(dir, extraFiles = []) {
  const files = []
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name)
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'testdata') walk(path)
      } else if (
        entry.name === 'go.mod' ||
        entry.name === 'go.sum' ||
        (entry.name.endsWith('.go') && !entry.name.endsWith('_test.go'))
      )
        files.push(path)
    }
  }
  walk(dir)
  for (const extra of extraFiles) files.push(join(dir, extra))
  const hash = createHash('sha256')
  for (const file of [...new Set(files)].sort()) {
    const content = readFileSync(file)
    hash.update(`${relative(dir, file)}\0${content.length}\0`)
    hash.update(content)
  }
  return hash.digest('hex')
}

function readStamp(path) {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return undefined // none (yet, or any more)
  }
}

function runInherit(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options })
    child.on('error', () => resolve(127))
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}

/**
 * Holds `.vmdeck/bin/.go-builds.lock` while `work` runs, so two entry points started together
 * (a demo and a test run, vitest beside its parent) build once, not twice on the same cores.
 */
async function withBuildLock(binDir, log, work) {
  mkdirSync(binDir, { recursive: true })
  const lock = join(binDir, '.go-builds.lock')
  let told = false
  for (;;) {
    try {
      const fd = openSync(lock, 'wx')
      writeFileSync(fd, String(process.pid))
      closeSync(fd)
      break
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
      const holder = Number(readStamp(lock))
      // An empty lock is one being written (the pid follows the create) unless it is old.
      const writing = !holder && Date.now() - statMtime(lock) < 10_000
      if (!writing && !holderAlive(holder)) {
        rmSync(lock, { force: true })
        continue
      }
      if (!told) log(`waiting for another build of the Go programs (pid ${holder}) to finish`)
      told = true
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
  try {
    return await work()
  } finally {
    rmSync(lock, { force: true })
  }
}

function statMtime(path) {
  try {
    return statSync(path).mtimeMs
  } catch {
    return 0 // gone meanwhile: taken over on the next try
  }
}

function holderAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === 'EPERM'
  }
}

function paths(root) {
  const state = join(root, '.vmdeck')
  return {
    binDir: join(state, 'bin'),
    controlPlaneBin: join(state, 'bin', 'controlplane'),
    controlPlaneStamp: join(state, 'bin', 'controlplane.stamp'),
    crdgenBin: join(state, 'bin', 'crdgen'),
    crdgenStamp: join(state, 'bin', 'crdgen.stamp'),
    crdDir: join(state, 'crds'),
    kubevirtBinDir: join(state, 'bin', 'kubevirt'),
    kubevirtStamp: join(state, 'bin', 'kubevirt.stamp'),
    // Beside the directory, not in it: whatever loads the CRDs reads every file in there.
    crdStamp: join(state, 'crds.stamp'),
  }
}

function controlPlaneHash(root) {
  // build.sh holds the flags and the version stamping: a change there is a change of binary.
  return goSourceHash(join(root, CONTROLPLANE_MODULE), ['build.sh'])
}

function controlPlaneFresh(root) {
  const p = paths(root)
  return existsSync(p.controlPlaneBin) && readStamp(p.controlPlaneStamp) === controlPlaneHash(root)
}

function crdsFresh(root) {
  const p = paths(root)
  return (
    existsSync(p.crdDir) &&
    readdirSync(p.crdDir).some((name) => name.endsWith('.yaml')) &&
    readStamp(p.crdStamp) === goSourceHash(join(root, KUBEVIRT_MODULE))
  )
}

const KUBEVIRT_PROGRAMS = [
  'kubevirt.io/kubevirt/cmd/virt-api',
  'kubevirt.io/kubevirt/cmd/virt-controller',
  './cmd/kubevirt-install',
]

function kubevirtFresh(root) {
  const p = paths(root)
  return (
    ['virt-api', 'virt-controller', 'kubevirt-install'].every((name) =>
      existsSync(join(p.kubevirtBinDir, name)),
    ) && readStamp(p.kubevirtStamp) === goSourceHash(join(root, KUBEVIRT_MODULE))
  )
}

/**
 * Builds KubeVirt's virt-api and virt-controller (from the kubevirt.io/kubevirt release pinned in
 * apps/cluster-sim/kubevirt/go.mod, without cgo: neither links libvirt) and kubevirt-install into
 * .vmdeck/bin/kubevirt when missing or stale; resolves to the directory.
 */
export async function ensureKubevirtPrograms({ root = repositoryRoot, log = defaultLog, go } = {}) {
  const p = paths(root)
  if (kubevirtFresh(root)) return p.kubevirtBinDir
  go ??= ensureGo({ root }).go
  return withBuildLock(p.binDir, log, async () => {
    if (kubevirtFresh(root)) return p.kubevirtBinDir
    const hash = goSourceHash(join(root, KUBEVIRT_MODULE))
    log(
      'building KubeVirt’s virt-api and virt-controller from its Go module (first time ~5 min, cached after)…',
    )
    const started = Date.now()
    const partial = `${p.kubevirtBinDir}.partial-${process.pid}`
    rmSync(partial, { recursive: true, force: true })
    mkdirSync(partial, { recursive: true })
    const code = await runInherit(go, ['build', '-o', partial + '/', ...KUBEVIRT_PROGRAMS], {
      cwd: join(root, KUBEVIRT_MODULE),
      env: { ...goEnv(go), CGO_ENABLED: '0' },
    })
    if (code !== 0) {
      rmSync(partial, { recursive: true, force: true })
      throw new GoBuildError(
        `building KubeVirt's programs in ${KUBEVIRT_MODULE} failed (go build exited ${code}); the go command's errors are above`,
      )
    }
    rmSync(p.kubevirtBinDir, { recursive: true, force: true })
    renameSync(partial, p.kubevirtBinDir)
    writeFileSync(p.kubevirtStamp, `${hash}\n`)
    log(`built .vmdeck/bin/kubevirt in ${Math.round((Date.now() - started) / 1000)} s`)
    return p.kubevirtBinDir
  })
}

/**
 * Builds apps/cluster-sim/controlplane into .vmdeck/bin/controlplane with its build.sh when the
 * binary is missing or its sources changed; resolves to the binary's path.
 */
export async function ensureControlPlane({ root = repositoryRoot, log = defaultLog, go } = {}) {
  const p = paths(root)
  if (controlPlaneFresh(root)) return p.controlPlaneBin
  go ??= ensureGo({ root }).go
  return withBuildLock(p.binDir, log, async () => {
    if (controlPlaneFresh(root)) return p.controlPlaneBin // built while we waited
    const hash = controlPlaneHash(root)
    log('building the Kubernetes control plane (first time ~8 min, cached after)…')
    const started = Date.now()
    // Into a temporary name first: a run stopped half-way never leaves a broken binary in place.
    const partial = `${p.controlPlaneBin}.partial-${process.pid}`
    const code = await runInherit('bash', [join(root, CONTROLPLANE_MODULE, 'build.sh'), partial], {
      cwd: root,
      env: goEnv(go),
    })
    if (code !== 0) {
      rmSync(partial, { force: true })
      throw new GoBuildError(
        `building the Kubernetes control plane failed (${CONTROLPLANE_MODULE}/build.sh exited ${code}); the go command's errors are above`,
      )
    }
    renameSync(partial, p.controlPlaneBin)
    writeFileSync(p.controlPlaneStamp, `${hash}\n`)
    log(`built .vmdeck/bin/controlplane in ${Math.round((Date.now() - started) / 1000)} s`)
    return p.controlPlaneBin
  })
}

/**
 * Generates the real CRDs into .vmdeck/crds with apps/cluster-sim/kubevirt/cmd/crdgen (built into
 * .vmdeck/bin/crdgen first, so a later run needs no compile) when they are missing or that
 * module's sources changed; resolves to the directory.
 */
export async function ensureCrds({ root = repositoryRoot, log = defaultLog, go } = {}) {
  const p = paths(root)
  if (crdsFresh(root)) return p.crdDir
  go ??= ensureGo({ root }).go
  const moduleDir = join(root, KUBEVIRT_MODULE)
  return withBuildLock(p.binDir, log, async () => {
    if (crdsFresh(root)) return p.crdDir
    const hash = goSourceHash(moduleDir)
    const env = goEnv(go)
    if (!existsSync(p.crdgenBin) || readStamp(p.crdgenStamp) !== hash) {
      log(
        'building the CRD generator from KubeVirt’s and CDI’s Go modules (first time a few minutes, cached after)…',
      )
      const partial = `${p.crdgenBin}.partial-${process.pid}`
      const code = await runInherit(go, ['build', '-o', partial, './cmd/crdgen'], {
        cwd: moduleDir,
        env,
      })
      if (code !== 0) {
        rmSync(partial, { force: true })
        throw new GoBuildError(
          `building ${KUBEVIRT_MODULE}/cmd/crdgen failed (go build exited ${code}); the go command's errors are above`,
        )
      }
      renameSync(partial, p.crdgenBin)
      writeFileSync(p.crdgenStamp, `${hash}\n`)
    }
    log('generating the KubeVirt, CDI, Multus and volume snapshot CRDs into .vmdeck/crds')
    const partialDir = `${p.crdDir}.partial-${process.pid}`
    rmSync(partialDir, { recursive: true, force: true })
    // crdgen asks the go command (on PATH through env) where two modules' YAML CRDs are.
    const result = spawnSync(p.crdgenBin, ['-out', partialDir], {
      cwd: moduleDir,
      env,
      encoding: 'utf8',
    })
    if (result.status !== 0) {
      rmSync(partialDir, { recursive: true, force: true })
      throw new GoBuildError(
        `generating the CRDs failed (crdgen exited ${result.status ?? result.signal}):\n${result.stderr ?? ''}`,
      )
    }
    rmSync(p.crdDir, { recursive: true, force: true })
    renameSync(partialDir, p.crdDir)
    writeFileSync(p.crdStamp, `${hash}\n`)
    return p.crdDir
  })
}

/**
 * Everything Go the simulator needs: checks Go, builds what is missing or stale, and sets
 * VMDECK_CONTROLPLANE_BIN and VMDECK_CRD_DIR in process.env for the child processes. A variable
 * already set names a build of the caller's own (an image, another checkout) and is used as is.
 */
export async function ensureGoBuilds({ root = repositoryRoot, log = defaultLog } = {}) {
  const preset = (name) => {
    const value = process.env[name]
    if (!value) return undefined
    if (!existsSync(value)) throw new GoBuildError(`${name}=${value}: no such file or directory`)
    return value
  }
  let controlPlaneBin = preset('VMDECK_CONTROLPLANE_BIN')
  let crdDir = preset('VMDECK_CRD_DIR')
  let kubevirtBinDir = preset('VMDECK_KUBEVIRT_BIN_DIR')
  const needGo =
    (!controlPlaneBin && !controlPlaneFresh(root)) ||
    (!crdDir && !crdsFresh(root)) ||
    (!kubevirtBinDir && !kubevirtFresh(root))
  let go
  try {
    go = ensureGo({ root }).go
  } catch (error) {
    if (needGo) throw error // with nothing to build, no Go is fine
  }
  // Children that build or run Go tools (crdgen does, the image tests do) find the same go.
  if (go) process.env.PATH = goEnv(go).PATH
  controlPlaneBin ??= await ensureControlPlane({ root, log, go })
  crdDir ??= await ensureCrds({ root, log, go })
  kubevirtBinDir ??= await ensureKubevirtPrograms({ root, log, go })
  process.env.VMDECK_CONTROLPLANE_BIN = controlPlaneBin
  process.env.VMDECK_CRD_DIR = crdDir
  process.env.VMDECK_KUBEVIRT_BIN_DIR = kubevirtBinDir
  return { controlPlaneBin, crdDir, kubevirtBinDir }
}

/** ensureGoBuilds(), printing the problem plainly and exiting non-zero when it fails. */
export async function ensureGoBuildsOrExit(options = {}) {
  try {
    return await ensureGoBuilds(options)
  } catch (error) {
    console.error(error instanceof GoBuildError ? `\n${error.message}\n` : error)
    process.exit(1)
  }
}
