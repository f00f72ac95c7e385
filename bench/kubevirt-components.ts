// KubeVirt's own components against the simulator's: start-up, memory, and a real QEMU guest's
// start → Running and migrate → Succeeded, with each KubeVirt in the same run.
//
//   node bench/kubevirt-components.ts [--fleet 10000] [--fleet-timeout 600] [--modes sim,real]
//
// Per mode: the demo stack (scripts/stack.mjs: provider, simulator, BFF) from spawn to a login
// page that answers; the resident memory of virt-api, virt-controller, the simulator (the node
// side, and in `sim` mode the simulator's KubeVirt too) and kube-apiserver at idle; one more VM
// with a QEMU guest started and migrated, timed from the request to the phase the API reports;
// then the simulator alone with `--fleet N --guests none` and the same memory figures.
// Results: bench/results/kubevirt-components.json.
import { execFile as execFileCb } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { parseArgs } from 'node:util'
import { stopAll, waitForExit, start, waitForLine } from '../scripts/lib/processes.mjs'
import { startStack } from '../scripts/stack.mjs'
import { ensureGoBuildsOrExit } from '../scripts/lib/go-builds.mjs'
import { vmManifest } from '../apps/cluster-sim/src/seed/vm-manifest.ts'

const execFile = promisify(execFileCb)
const root = dirname(dirname(fileURLToPath(import.meta.url)))
const { values } = parseArgs({
  options: {
    fleet: { type: 'string', default: '10000' },
    // How long the fleet may take to settle before its figures are taken as they are.
    'fleet-timeout': { type: 'string', default: '600' },
    modes: { type: 'string', default: 'sim,real' },
  },
})
type Mode = 'sim' | 'real'
const modes = values.modes.split(',') as Mode[]

await ensureGoBuildsOrExit({ root })

/** Resident memory in MiB of the processes whose command line contains `marker` and `name`. */
async function rss(marker: string): Promise<Record<string, number>> {
  const { stdout } = await execFile('ps', ['-eo', 'rss=,args='], { maxBuffer: 16 << 20 })
  const found: Record<string, number> = {}
  const add = (name: string, kib: number) =>
    (found[name] = Math.round(((found[name] ?? 0) + kib / 1024) * 10) / 10)
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line)
    if (!match || !match[2]!.includes(marker)) continue
    const [kib, args] = [Number(match[1]), match[2]!]
    if (args.includes('/virt-api ')) add('virt-api', kib)
    else if (args.includes('/virt-controller ')) add('virt-controller', kib)
    else if (args.includes('cluster-sim/src/main.ts')) add('simulator (node side)', kib)
    else if (/controlplane\S* run/.test(args)) add('control plane (apiserver, etcd, …)', kib)
  }
  return found
}

const kubectl = (kubeconfig: string, ...args: string[]) =>
  execFile('kubectl', ['--kubeconfig', kubeconfig, '--context', 'admin', ...args], {
    maxBuffer: 16 << 20,
  })

/**
 * Resolves with the ms until `jsonpath` of the object reads `want`: kubectl waits on a watch for
 * the object to exist, then for the value (no polling).
 */
async function until(kubeconfig: string, what: string, jsonpath: string, want: string) {
  const started = performance.now()
  const wait = (condition: string) =>
    kubectl(kubeconfig, 'wait', '-n', 'default', `--for=${condition}`, what, '--timeout=300s')
  await wait('create')
  await wait(`jsonpath=${jsonpath}=${want}`)
  return Math.round(performance.now() - started)
}

async function demoRun(mode: Mode, port: number) {
  process.env.VMDECK_KUBEVIRT = mode
  const stateDir = mkdtempSync(join(tmpdir(), `vmdeck-bench-kv-${mode}-`))
  const t0 = performance.now()
  const stack = await startStack({
    root,
    stateDir,
    simPort: port,
    bffPort: port + 1,
    idpPort: port + 2,
    quiet: true,
  })
  // startStack resolves once the BFF listens: the login page answers now.
  const answer = await fetch(`${stack.url}/`)
  if (!answer.ok) throw new Error(`the login page answered ${answer.status}`)
  const startupMs = Math.round(performance.now() - t0)
  const idle = await rss(stateDir)
  const k = stack.kubeconfig
  const input = join(stateDir, 'bench-vm.json')
  writeFileSync(input, JSON.stringify(vmManifest({ namespace: 'default', name: 'bench-q' })))
  await kubectl(k, 'create', '-f', input)
  const startToRunningMs = await until(k, 'vmi/bench-q', '{.status.phase}', 'Running')
  const migration = join(stateDir, 'bench-migration.json')
  writeFileSync(
    migration,
    JSON.stringify({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstanceMigration',
      metadata: { name: 'bench-mig', namespace: 'default' },
      spec: { vmiName: 'bench-q' },
    }),
  )
  await kubectl(k, 'create', '-f', migration)
  const migrateToSucceededMs = await until(k, 'vmim/bench-mig', '{.status.phase}', 'Succeeded')
  stopAll('SIGTERM')
  await Promise.all([
    waitForExit(stack.bff),
    waitForExit(stack.sim),
    stack.idp && waitForExit(stack.idp.child),
  ])
  rmSync(stateDir, { recursive: true, force: true })
  return { startupMs, idleRssMiB: idle, startToRunningMs, migrateToSucceededMs }
}

async function fleetRun(mode: Mode, vms: number) {
  const stateDir = mkdtempSync(join(tmpdir(), `vmdeck-bench-kv-fleet-${mode}-`))
  const t0 = performance.now()
  const sim = start(
    'sim',
    process.execPath,
    [
      join(root, 'apps/cluster-sim/src/main.ts'),
      '--fleet',
      String(vms),
      '--guests',
      'none',
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--state-dir',
      join(stateDir, 'sim'),
      '--kubeconfig',
      join(stateDir, 'kubeconfig'),
    ],
    {
      cwd: root,
      quiet: true,
      logFile: join(stateDir, 'sim.log'),
      env: { ...process.env, VMDECK_KUBEVIRT: mode },
    },
  )
  const timeoutMs = Number(values['fleet-timeout']) * 1000
  const settled = await waitForLine(sim, /cluster-sim: metrics at/, timeoutMs).then(
    () => true,
    () => false,
  )
  const readyMs = settled ? Math.round(performance.now() - t0) : undefined
  const memory = await rss(stateDir)
  // How far KubeVirt got: VMIs that exist and run, of the fleet's running VMs (one in four).
  const vmis = await kubectl(
    join(stateDir, 'kubeconfig'),
    'get',
    'vmi',
    '-A',
    '-o',
    'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}',
  ).then(
    ({ stdout }) => stdout.split('\n').filter(Boolean),
    () => [] as string[],
  )
  const progress = {
    vmis: vmis.length,
    running: vmis.filter((phase) => phase === 'Running').length,
    afterMs: Math.round(performance.now() - t0),
  }
  stopAll('SIGTERM')
  await waitForExit(sim)
  rmSync(stateDir, { recursive: true, force: true })
  return { vms, settled, readyMs, progress, rssMiB: memory }
}

const results: Record<string, unknown> = {
  at: new Date().toISOString(),
  cpus: (await import('node:os')).cpus().length,
}
let port = 26_443
for (const mode of modes) {
  console.log(`▸ ${mode}: demo stack, one QEMU guest started and migrated`)
  results[`${mode}-demo`] = await demoRun(mode, port)
  port += 10
  console.log(JSON.stringify(results[`${mode}-demo`]))
  console.log(`▸ ${mode}: --fleet ${values.fleet} --guests none`)
  results[`${mode}-fleet`] = await fleetRun(mode, Number(values.fleet))
  console.log(JSON.stringify(results[`${mode}-fleet`]))
}
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(
  join(root, 'bench/results/kubevirt-components.json'),
  JSON.stringify(results, null, 2) + '\n',
)
console.log('written to bench/results/kubevirt-components.json')
