// The simulator's `/metrics`: what virt-handler, virt-controller, kube-state-metrics and
// node-exporter would expose for this cluster, with KubeVirt's names and labels
// (docs/KUBEVIRT-NOTES.md#metrics). Figures come from the real QEMU guest of a VMI where there is
// one (CPU time, RSS, block and migration stats) and from a seeded synthetic load otherwise.
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ControllerStore } from '../controllers/controller-store.ts'
import type { Registry, ResourceDef } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import { Exposition, vmiLabelName, type Labels } from './exposition.ts'
import { Counters, loadAt, seedOf } from './synthetic-load.ts'

/** What the metrics need of a real guest; QemuGuest has it. */
export interface MetricsGuest {
  readonly running: boolean
  stats(): Promise<{
    pid: number
    status: string
    cpuSeconds: number
    rssBytes: number
    memoryBytes: number
    block: {
      device: string
      readBytes: number
      writtenBytes: number
      readOps: number
      writeOps: number
    }[]
  }>
  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T>
}

export interface GuestLookup {
  get(namespace: string, name: string): MetricsGuest | undefined
}

export interface KubevirtMetricsOptions {
  registry: Registry
  /** Only listed: the informer cache, or the VMIs a test renders. */
  store: Pick<ControllerStore, 'list'>
  /** The running guests of VMIs, when the simulator runs real ones. */
  guests?: () => GuestLookup | undefined
  /** Seconds since the epoch; tests may pin it. */
  now?: () => number
}

type GuestStats = Awaited<ReturnType<MetricsGuest['stats']>>

/** The `ram` part of QMP `query-migrate` (QEMU 7.2). */
interface QmpRam {
  transferred: number
  remaining: number
  total: number
  mbps?: number
  'dirty-pages-rate'?: number
  'page-size'?: number
}

interface MigrationState {
  startTimestamp?: string
  endTimestamp?: string
  completed?: boolean
  failed?: boolean
  sourceNode?: string
  targetNode?: string
  migrationUid?: string
}

interface VmiShape {
  spec?: {
    domain?: {
      cpu?: { cores?: number; sockets?: number; threads?: number }
      memory?: { guest?: string }
      resources?: { requests?: { memory?: string } }
      devices?: { disks?: { name: string }[]; interfaces?: { name: string }[] }
    }
  }
  status?: {
    phase?: string
    nodeName?: string
    conditions?: { type: string; status: string }[]
    migrationState?: MigrationState
  }
}

const MiB = 1024 * 1024
const GiB = 1024 * MiB
const GUEST_STATS_TIMEOUT_MS = 1000
/** How long the final figures of a finished migration stay visible (a real one can be shorter than a scrape). */
const MIGRATION_LINGER_S = 300

export class KubevirtMetrics {
  readonly #options: KubevirtMetricsOptions
  #guests: (() => GuestLookup | undefined) | undefined
  readonly #vmiCounters = new Map<string, Counters>()
  readonly #nodeCounters = new Map<string, Counters>()

  constructor(options: KubevirtMetricsOptions) {
    this.#options = options
    this.#guests = options.guests
  }

  /** Where the real guests are; until it is called (or without `guests`), every VMI is synthetic. */
  useGuests(guests: GuestLookup): void {
    this.#guests = () => guests
  }

  /** Serves `GET /metrics` (unauthenticated, as scrape targets usually are); false for any other request. */
  handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '/').split('?')[0]
    if (path !== '/metrics') return false
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' }).end()
      return true
    }
    this.render().then(
      (text) =>
        res
          .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
          .end(req.method === 'HEAD' ? undefined : text),
      (err: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`# ${(err as Error).message}\n`),
    )
    return true
  }

  async render(): Promise<string> {
    const now = this.#options.now?.() ?? Date.now() / 1000
    const out = new Exposition()
    const vmis = this.#list('kubevirt.io', 'virtualmachineinstances')
    const vms = this.#list('kubevirt.io', 'virtualmachines')
    const migrations = this.#list('kubevirt.io', 'virtualmachineinstancemigrations')
    const nodes = this.#list('', 'nodes')

    const guests = this.#guests?.()
    const real = await Promise.all(
      vmis.map(async (vmi) => {
        const guest = guests?.get(vmi.metadata.namespace ?? '', vmi.metadata.name ?? '')
        if (!guest?.running) return undefined
        const stats = await withTimeout(guest.stats(), GUEST_STATS_TIMEOUT_MS).catch(
          () => undefined,
        )
        if (!stats) return undefined
        const ramResident = await guestRamResident(stats.pid, stats.memoryBytes)
        return { guest, stats, ramResident }
      }),
    )

    declareFamilies(out)
    const busyByNode = new Map<string, number>()
    const residentByNode = new Map<string, number>()
    const seen = new Set<string>()
    for (const [i, vmi] of vmis.entries()) {
      const key = `${vmi.metadata.namespace}/${vmi.metadata.name}/${vmi.metadata.uid}`
      seen.add(key)
      let counters = this.#vmiCounters.get(key)
      if (!counters) {
        counters = new Counters(now)
        this.#vmiCounters.set(key, counters)
      }
      const result = await this.#vmi(out, vmi, counters, now, real[i])
      if (result.node) {
        busyByNode.set(result.node, (busyByNode.get(result.node) ?? 0) + result.cpuDelta)
        residentByNode.set(result.node, (residentByNode.get(result.node) ?? 0) + result.resident)
      }
    }
    for (const key of this.#vmiCounters.keys()) if (!seen.has(key)) this.#vmiCounters.delete(key)

    for (const vm of vms) vmInfo(out, vm)
    migrationObjects(out, migrations)
    for (const node of nodes) this.#node(out, node, now, busyByNode, residentByNode)
    return out.render()
  }

  #list(group: string, plural: string): KObject[] {
    const def = this.#options.registry.defs.find(
      (d: ResourceDef) => d.group === group && d.plural === plural,
    )
    return def ? this.#options.store.list(def).items : []
  }

  async #vmi(
    out: Exposition,
    vmi: KObject,
    counters: Counters,
    now: number,
    real: { guest: MetricsGuest; stats: GuestStats; ramResident: number | undefined } | undefined,
  ): Promise<{ node: string; cpuDelta: number; resident: number }> {
    const { spec, status } = vmi as VmiShape
    const namespace = vmi.metadata.namespace ?? ''
    const name = vmi.metadata.name ?? ''
    const node = status?.nodeName ?? ''
    const phase = status?.phase ?? 'Pending'
    const annotations = vmi.metadata.annotations ?? {}
    out.add(
      'kubevirt_vmi_info',
      'gauge',
      HELP.info,
      {
        node,
        namespace,
        name,
        phase: phase.toLowerCase(),
        os: annotations['vm.kubevirt.io/os'] ?? '',
        workload: annotations['vm.kubevirt.io/workload'] ?? '',
        flavor: annotations['vm.kubevirt.io/flavor'] ?? '',
        instance_type: annotations['kubevirt.io/instancetype-name'] ?? '<none>',
        preference: annotations['kubevirt.io/preference-name'] ?? '<none>',
        evictable: String(
          status?.conditions?.some((c) => c.type === 'LiveMigratable' && c.status === 'True') ??
            false,
        ),
        outdated: 'false',
      },
      1,
    )

    const dt = counters.tick(now)
    if (phase !== 'Running' || !node) return { node: '', cpuDelta: 0, resident: 0 }

    const labels: Labels = { node, namespace, name }
    for (const [key, value] of Object.entries(vmi.metadata.labels ?? {}))
      labels[vmiLabelName(key)] = value
    const domain = spec?.domain
    const seed = seedOf(`${namespace}/${name}`)
    const paused = status?.conditions?.some((c) => c.type === 'Paused' && c.status === 'True')
    const load = paused ? 0 : loadAt(seed, now)
    const vcpus = Math.max(
      1,
      (domain?.cpu?.cores ?? 1) * (domain?.cpu?.sockets ?? 1) * (domain?.cpu?.threads ?? 1),
    )

    // CPU: QEMU's own CPU time for a real guest; otherwise the load times the vCPUs.
    const before = counters.get('cpu')
    const cpu = real
      ? counters.follow('cpu', real.stats.cpuSeconds)
      : counters.add('cpu', load * vcpus * 0.9 * dt)
    const cpuDelta = cpu - before
    out.add('kubevirt_vmi_cpu_usage_seconds_total', 'counter', HELP.cpu, labels, cpu)
    out.add('kubevirt_vmi_cpu_user_usage_seconds_total', 'counter', HELP.cpuUser, labels, cpu * 0.8)
    out.add(
      'kubevirt_vmi_cpu_system_usage_seconds_total',
      'counter',
      HELP.cpuSystem,
      labels,
      cpu * 0.15,
    )
    for (let id = 0; id < vcpus; id++)
      out.add(
        'kubevirt_vmi_vcpu_seconds_total',
        'counter',
        HELP.vcpu,
        { ...labels, id: String(id), state: 'running' },
        (cpu * 0.95) / vcpus,
      )

    // Memory: no balloon driver in the tiny guest, so "used" is the guest RAM QEMU holds resident
    // (the RAM mapping's Rss in smaps), else the process' RSS less QEMU's own share.
    const domainBytes =
      real?.stats.memoryBytes ??
      parseQuantity(domain?.memory?.guest ?? domain?.resources?.requests?.memory ?? '128Mi')
    const used = real
      ? clamp(real.ramResident ?? real.stats.rssBytes - 100 * MiB, domainBytes * 0.05, domainBytes)
      : domainBytes * (0.25 + 0.5 * loadAt(seed + 1, now / 4))
    const resident = real?.stats.rssBytes ?? used + 40 * MiB
    const usable = domainBytes - used
    const memory: [string, number][] = [
      ['kubevirt_vmi_memory_resident_bytes', resident],
      ['kubevirt_vmi_memory_domain_bytes', domainBytes],
      ['kubevirt_vmi_memory_available_bytes', domainBytes],
      ['kubevirt_vmi_memory_usable_bytes', usable],
      ['kubevirt_vmi_memory_unused_bytes', usable * 0.55],
      ['kubevirt_vmi_memory_cached_bytes', usable * 0.35],
      ['kubevirt_vmi_memory_actual_balloon_bytes', domainBytes],
    ]
    for (const [metric, value] of memory)
      out.add(metric, 'gauge', HELP.memory, labels, Math.round(value))

    // Network: the tiny guest has no NIC (`-nic none`), so traffic is always synthetic.
    for (const [n, iface] of (domain?.devices?.interfaces ?? []).entries()) {
      const netLoad = paused ? 0 : loadAt(seed + 10 + n, now)
      const rx = counters.add(`rx/${iface.name}`, (20_000 + netLoad * 2_000_000) * dt)
      const tx = counters.add(`tx/${iface.name}`, (10_000 + netLoad * 900_000) * dt)
      const l = { ...labels, interface: iface.name }
      out.add('kubevirt_vmi_network_receive_bytes_total', 'counter', HELP.net, l, Math.round(rx))
      out.add('kubevirt_vmi_network_transmit_bytes_total', 'counter', HELP.net, l, Math.round(tx))
      out.add(
        'kubevirt_vmi_network_receive_packets_total',
        'counter',
        HELP.net,
        l,
        Math.round(rx / 900),
      )
      out.add(
        'kubevirt_vmi_network_transmit_packets_total',
        'counter',
        HELP.net,
        l,
        Math.round(tx / 700),
      )
      for (const dir of ['receive', 'transmit'])
        for (const what of ['errors', 'packets_dropped'])
          out.add(`kubevirt_vmi_network_${dir}_${what}_total`, 'counter', HELP.net, l, 0)
    }

    // Storage: QEMU's block stats for a drive the real guest has, synthetic for the others.
    for (const [n, disk] of (domain?.devices?.disks ?? []).entries()) {
      const block = real?.stats.block.find((b) => b.device === disk.name)
      const ioLoad = paused ? 0 : loadAt(seed + 20 + n, now)
      const l = { ...labels, drive: disk.name }
      const figures = block
        ? {
            read: counters.follow(`rd/${disk.name}`, block.readBytes),
            write: counters.follow(`wr/${disk.name}`, block.writtenBytes),
            readOps: counters.follow(`rdops/${disk.name}`, block.readOps),
            writeOps: counters.follow(`wrops/${disk.name}`, block.writeOps),
          }
        : {
            read: counters.add(`rd/${disk.name}`, (4096 + ioLoad * 3_000_000) * dt),
            write: counters.add(`wr/${disk.name}`, (2048 + ioLoad * 1_500_000) * dt),
            readOps: counters.add(`rdops/${disk.name}`, (1 + ioLoad * 180) * dt),
            writeOps: counters.add(`wrops/${disk.name}`, (0.5 + ioLoad * 90) * dt),
          }
      out.add(
        'kubevirt_vmi_storage_read_traffic_bytes_total',
        'counter',
        HELP.storage,
        l,
        Math.round(figures.read),
      )
      out.add(
        'kubevirt_vmi_storage_write_traffic_bytes_total',
        'counter',
        HELP.storage,
        l,
        Math.round(figures.write),
      )
      out.add(
        'kubevirt_vmi_storage_iops_read_total',
        'counter',
        HELP.storage,
        l,
        Math.round(figures.readOps),
      )
      out.add(
        'kubevirt_vmi_storage_iops_write_total',
        'counter',
        HELP.storage,
        l,
        Math.round(figures.writeOps),
      )
      out.add(
        'kubevirt_vmi_storage_read_times_seconds_total',
        'counter',
        HELP.storage,
        l,
        figures.readOps * 0.0004,
      )
      out.add(
        'kubevirt_vmi_storage_write_times_seconds_total',
        'counter',
        HELP.storage,
        l,
        figures.writeOps * 0.0009,
      )
    }

    await this.#migration(out, vmi, { namespace, name, node }, domainBytes, load, now, real?.guest)
    return { node, cpuDelta, resident }
  }

  async #migration(
    out: Exposition,
    vmi: KObject,
    labels: Labels,
    domainBytes: number,
    load: number,
    now: number,
    guest: MetricsGuest | undefined,
  ): Promise<void> {
    const state = (vmi as VmiShape).status?.migrationState
    const start = state?.startTimestamp ? Date.parse(state.startTimestamp) / 1000 : NaN
    if (!state || Number.isNaN(start)) return
    const end = state.endTimestamp ? Date.parse(state.endTimestamp) / 1000 : undefined
    const finished = state.completed === true || state.failed === true || end !== undefined
    if (finished && now - (end ?? now) > MIGRATION_LINGER_S) return
    const migrationLabels = { ...labels, node: state.sourceNode ?? labels.node ?? '' }
    out.add(
      'kubevirt_vmi_migration_start_time_seconds',
      'gauge',
      HELP.migration,
      {
        ...migrationLabels,
        migration_name: state.migrationUid ?? '',
      },
      start,
    )
    if (end !== undefined)
      out.add(
        'kubevirt_vmi_migration_end_time_seconds',
        'gauge',
        HELP.migration,
        {
          ...migrationLabels,
          migration_name: state.migrationUid ?? '',
          status: state.failed ? 'failed' : 'succeeded',
        },
        end,
      )

    let ram: QmpRam | undefined
    if (!finished && guest) {
      const info = await withTimeout(
        guest.execute<{ ram?: QmpRam }>('query-migrate'),
        GUEST_STATS_TIMEOUT_MS,
      ).catch(() => undefined)
      ram = info?.ram
      // QEMU has no figures before its transfer starts, nor does virt-handler export any then.
      if (!ram) return
    }
    const total = ram?.total ?? domainBytes * 1.05
    // A few MiB/s, as a busy pod network gives a migration: long enough to watch it progress.
    const syntheticRate = 6 * MiB * (0.6 + 0.4 * load)
    // A real guest's rates as libvirt reports QEMU's: `mbps` is megabits (10^6) per second, the
    // dirty rate pages per second, measured at each dirty-bitmap sync (0 until the first pass ends).
    const rate = ram ? ((ram.mbps ?? 0) * 1e6) / 8 : syntheticRate
    const dirtyRate = ram
      ? (ram['dirty-pages-rate'] ?? 0) * (ram['page-size'] ?? 4096)
      : syntheticRate * 0.1
    const processed =
      ram?.transferred ??
      (finished
        ? state.failed
          ? total / 2
          : total
        : Math.min(total * 0.98, (now - start) * syntheticRate))
    const remaining = ram?.remaining ?? (finished && !state.failed ? 0 : total - processed)
    out.add(
      'kubevirt_vmi_migration_data_processed_bytes',
      'gauge',
      HELP.migration,
      migrationLabels,
      Math.round(processed),
    )
    out.add(
      'kubevirt_vmi_migration_data_remaining_bytes',
      'gauge',
      HELP.migration,
      migrationLabels,
      Math.round(remaining),
    )
    out.add(
      'kubevirt_vmi_migration_data_bytes_total',
      'counter',
      HELP.migration,
      migrationLabels,
      Math.round(total),
    )
    out.add(
      'kubevirt_vmi_migration_memory_transfer_rate_bytes',
      'gauge',
      HELP.migration,
      migrationLabels,
      finished ? 0 : Math.round(rate),
    )
    out.add(
      'kubevirt_vmi_migration_dirty_memory_rate_bytes',
      'gauge',
      HELP.migration,
      migrationLabels,
      finished ? 0 : Math.round(dirtyRate),
    )
  }

  #node(
    out: Exposition,
    node: KObject,
    now: number,
    busyByNode: Map<string, number>,
    residentByNode: Map<string, number>,
  ): void {
    const name = node.metadata.name ?? ''
    const status = node.status as
      { capacity?: Record<string, string>; allocatable?: Record<string, string> } | undefined
    let counters = this.#nodeCounters.get(name)
    if (!counters) {
      counters = new Counters(now)
      this.#nodeCounters.set(name, counters)
    }
    const dt = counters.tick(now)
    const cpus = Math.max(1, Math.round(parseQuantity(status?.capacity?.cpu ?? '1')))
    const memTotal = parseQuantity(status?.capacity?.memory ?? '8Gi')
    const seed = seedOf(`node/${name}`)
    // The host's own work (kubelet, system pods) plus what its VMs used since the last scrape.
    const busy = Math.min(
      cpus * dt,
      (0.15 + 0.25 * loadAt(seed, now)) * dt + (busyByNode.get(name) ?? 0),
    )
    const user = counters.add('user', busy * 0.7)
    const system = counters.add('system', busy * 0.3)
    const idle = counters.add('idle', cpus * dt - busy)
    for (let cpu = 0; cpu < cpus; cpu++)
      for (const [mode, value] of [
        ['idle', idle],
        ['user', user],
        ['system', system],
      ] as const)
        out.add(
          'node_cpu_seconds_total',
          'counter',
          HELP.nodeCpu,
          { instance: name, cpu: String(cpu), mode },
          value / cpus,
        )
    const used = 1.5 * GiB + 0.5 * GiB * loadAt(seed + 1, now) + (residentByNode.get(name) ?? 0)
    out.add('node_memory_MemTotal_bytes', 'gauge', HELP.nodeMem, { instance: name }, memTotal)
    out.add(
      'node_memory_MemAvailable_bytes',
      'gauge',
      HELP.nodeMem,
      { instance: name },
      Math.round(Math.max(0, memTotal - used)),
    )
    for (const [resource, unit] of [
      ['cpu', 'core'],
      ['memory', 'byte'],
    ] as const) {
      const capacity = status?.capacity?.[resource]
      const allocatable = status?.allocatable?.[resource] ?? capacity
      if (capacity)
        out.add(
          'kube_node_status_capacity',
          'gauge',
          HELP.ksm,
          { node: name, resource, unit },
          parseQuantity(capacity),
        )
      if (allocatable)
        out.add(
          'kube_node_status_allocatable',
          'gauge',
          HELP.ksm,
          { node: name, resource, unit },
          parseQuantity(allocatable),
        )
    }
  }
}

function vmInfo(out: Exposition, vm: KObject): void {
  const printable =
    (vm.status as { printableStatus?: string } | undefined)?.printableStatus ?? 'Stopped'
  const annotations = vm.metadata.annotations ?? {}
  out.add(
    'kubevirt_vm_info',
    'gauge',
    HELP.vmInfo,
    {
      name: vm.metadata.name ?? '',
      namespace: vm.metadata.namespace ?? '',
      os: annotations['vm.kubevirt.io/os'] ?? '',
      workload: annotations['vm.kubevirt.io/workload'] ?? '',
      flavor: annotations['vm.kubevirt.io/flavor'] ?? '',
      machine_type: 'q35',
      instance_type: '<none>',
      preference: '<none>',
      status: printable.toLowerCase(),
      status_group: statusGroup(printable),
    },
    1,
  )
}

/** virt-controller's grouping of printableStatus (vmstats_collector.go). */
function statusGroup(printable: string): string {
  if (['Provisioning', 'Starting', 'WaitingForVolumeBinding'].includes(printable)) return 'starting'
  if (printable === 'Running') return 'running'
  if (printable === 'Migrating') return 'migrating'
  if (['Stopped', 'Paused', 'Stopping', 'Terminating'].includes(printable)) return 'non_running'
  return 'error'
}

function migrationObjects(out: Exposition, migrations: KObject[]): void {
  const phases = { pending: 0, scheduling: 0, running: 0, unset: 0 }
  for (const m of migrations) {
    const phase = (m.status as { phase?: string } | undefined)?.phase ?? ''
    const vmi = (m.spec as { vmiName?: string } | undefined)?.vmiName ?? ''
    const labels = { vmi, vmim: m.metadata.name ?? '', namespace: m.metadata.namespace ?? '' }
    if (phase === '') phases.unset++
    else if (phase === 'Pending') phases.pending++
    else if (['Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady'].includes(phase))
      phases.scheduling++
    else if (phase === 'Running') phases.running++
    else if (phase === 'Succeeded')
      out.add('kubevirt_vmi_migration_succeeded', 'gauge', HELP.migration, labels, 1)
    else if (phase === 'Failed')
      out.add('kubevirt_vmi_migration_failed', 'gauge', HELP.migration, labels, 1)
  }
  for (const [phase, count] of Object.entries(phases))
    out.add(`kubevirt_vmi_migrations_in_${phase}_phase`, 'gauge', HELP.migrationPhase, {}, count)
}

function declareFamilies(out: Exposition): void {
  out.declare('kubevirt_vmi_info', 'gauge', HELP.info)
  out.declare('kubevirt_vm_info', 'gauge', HELP.vmInfo)
  out.declare('kubevirt_vmi_cpu_usage_seconds_total', 'counter', HELP.cpu)
}

/** A Kubernetes quantity (`8`, `500m`, `128Mi`, `32Gi`, `1k`) as a number. */
export function parseQuantity(text: string): number {
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(text.trim())
  if (!match) return 0
  const factors: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: MiB,
    Gi: GiB,
    Ti: 1024 * GiB,
  }
  return Number(match[1]) * (factors[match[2] ?? ''] ?? 1)
}

/** Resident bytes of the guest's RAM: the anonymous mapping of exactly its size in smaps. */
async function guestRamResident(pid: number, memoryBytes: number): Promise<number | undefined> {
  let text: string
  try {
    text = await readFile(`/proc/${pid}/smaps`, 'utf8')
  } catch {
    return undefined
  }
  const wanted = memoryBytes / 1024
  let size = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('Size:')) size = Number(line.slice(5).trim().split(' ')[0])
    else if (line.startsWith('Rss:') && size === wanted)
      return Number(line.slice(4).trim().split(' ')[0]) * 1024
  }
  return undefined
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

const HELP = {
  info: 'Information about VirtualMachineInstances.',
  vmInfo: 'Information about Virtual Machines.',
  cpu: 'Total CPU time spent in all modes (sum of both vCPU and hypervisor usage).',
  cpuUser: 'Total CPU time spent in user mode.',
  cpuSystem: 'Total CPU time spent in system mode.',
  vcpu: 'Total amount of time spent in each state by each vcpu (cpu_time excluding hypervisor time).',
  memory: 'Memory of the domain as seen by the hypervisor and the guest, in bytes.',
  net: 'Network traffic of the VMI interface.',
  storage: 'Storage traffic, operations and times of the VMI drive.',
  migration: 'Live migration figures of the VMI.',
  migrationPhase: 'Number of current migrations in this phase.',
  nodeCpu: 'Seconds the CPUs spent in each mode.',
  nodeMem: 'Memory information field, in bytes.',
  ksm: 'The capacity and allocatable resources of a node.',
}
