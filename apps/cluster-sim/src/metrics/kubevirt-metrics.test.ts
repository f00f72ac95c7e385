// The simulator's `/metrics` scrape target (docs/KUBEVIRT-NOTES.md#metrics) over the demo fleet on
// the real control plane, and what it renders for VMIs in states the fleet does not hold still (a
// migration).
import { describe, expect, it } from 'vitest'
import { requireDef } from '../controllers/context.ts'
import { waitForObject } from '../controllers/wait-for-object.ts'
import type { KObject } from '../kube/types.ts'
import type { Sim } from '../sim.ts'
import { useSim } from '../../test/use-sim.ts'
import { KubevirtMetrics } from './kubevirt-metrics.ts'

let sim: Sim
useSim({ guests: 'none', kubevirt: 'sim' }, (test) => ({ sim } = test))

/** One scrape, as Prometheus does it: no Authorization header (scrape targets are open). */
async function scrape(): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(sim.metricsUrl)
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' }
}

const sample = (text: string, metric: string, match: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith(metric + '{') && line.includes(match))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)))

const phaseOf = (o: KObject | undefined) => (o?.status as { phase?: string } | undefined)?.phase
const waitForVmi = (namespace: string, name: string, phase: string) =>
  waitForObject(
    sim.store,
    requireDef(sim.registry, 'kubevirt.io', 'virtualmachineinstances'),
    namespace,
    name,
    (o) => phaseOf(o) === phase,
    30_000,
  )

describe('simulator /metrics', () => {
  it('serves KubeVirt and node metrics of the demo fleet without authentication', async () => {
    await waitForVmi('prod', 'web-01', 'Running')
    const { status, text, type } = await scrape()
    expect(status).toBe(200)
    expect(type).toContain('text/plain; version=0.0.4')
    expect(text).toContain('# TYPE kubevirt_vmi_cpu_usage_seconds_total counter')
    expect(text).toMatch(
      /kubevirt_vmi_info\{node="node-\d",namespace="prod",name="web-01",phase="running"/,
    )
    expect(text).toMatch(
      /kubevirt_vm_info\{name="web-01",namespace="prod",.*status="running",status_group="running"\} 1/,
    )
    expect(text).toMatch(
      /kubevirt_vm_info\{name="build-runner",namespace="dev",.*status="stopped",status_group="non_running"\} 1/,
    )
    // Domain stats for the running VMI, with its labels as kubernetes_vmi_label_*; none for a stopped VM.
    expect(text).toMatch(
      /kubevirt_vmi_memory_domain_bytes\{node="node-\d",namespace="prod",name="web-01",.*kubernetes_vmi_label_kubevirt_io_domain="web-01".*\} \d+/,
    )
    expect(sample(text, 'kubevirt_vmi_cpu_usage_seconds_total', 'name="build-runner"')).toEqual([])
    expect(sample(text, 'kubevirt_vmi_vcpu_seconds_total', 'name="web-01"')).toHaveLength(1)
    expect(sample(text, 'kubevirt_vmi_network_receive_bytes_total', 'name="web-01"')).toHaveLength(
      1,
    )
    expect(sample(text, 'kubevirt_vmi_storage_iops_read_total', 'name="web-01"')).toHaveLength(2)
    expect(
      sample(text, 'node_cpu_seconds_total', 'instance="node-1",cpu="7",mode="idle"'),
    ).toHaveLength(1)
    expect(text).toContain(
      'kube_node_status_allocatable{node="node-1",resource="cpu",unit="core"} 8',
    )
  })

  it('reports a VMI kube-scheduler cannot place without domain stats', async () => {
    // The demo's bigmem-test fits no node: its VMI waits in Scheduling.
    await waitForVmi('dev', 'bigmem-test', 'Scheduling')
    const { text } = await scrape()
    expect(text).toContain(
      'kubevirt_vmi_info{namespace="dev",name="bigmem-test",phase="scheduling"',
    )
    expect(sample(text, 'kubevirt_vmi_cpu_usage_seconds_total', 'bigmem-test')).toEqual([])
  })

  it('advances counters between scrapes and reports migrations in progress', async () => {
    let now = 1_800_000_000
    // One VMI in the middle of a migration, as virt-controller leaves it: the renderer's input.
    const moving: KObject = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: {
        namespace: 'prod',
        name: 'metrics-moving',
        uid: 'uid-moving',
        labels: { 'kubevirt.io/domain': 'metrics-moving' },
      },
      spec: {
        domain: {
          cpu: { cores: 2 },
          memory: { guest: '256Mi' },
          devices: { disks: [{ name: 'rootdisk' }], interfaces: [{ name: 'default' }] },
        },
      },
      status: {
        phase: 'Running',
        nodeName: 'node-2',
        migrationState: {
          startTimestamp: new Date((now - 1) * 1000).toISOString(),
          sourceNode: 'node-2',
          targetNode: 'node-3',
          migrationUid: 'uid-1',
        },
      },
    }
    const vmiDef = requireDef(sim.registry, 'kubevirt.io', 'virtualmachineinstances')
    const metrics = new KubevirtMetrics({
      registry: sim.registry,
      store: { list: (def) => ({ items: def === vmiDef ? [moving] : [], revision: 0 }) },
      now: () => now,
    })
    const first = await metrics.render()
    now += 10
    const second = await metrics.render()
    const cpu = (text: string) =>
      sample(text, 'kubevirt_vmi_cpu_usage_seconds_total', 'metrics-moving')[0]!
    expect(cpu(second)).toBeGreaterThan(cpu(first))
    const remaining = (text: string) =>
      sample(text, 'kubevirt_vmi_migration_data_remaining_bytes', 'metrics-moving')[0]!
    expect(remaining(second)).toBeLessThan(remaining(first))
  })

  it("exports a real guest's migration as QEMU reports it: libvirt's units, node and VMI labels", async () => {
    const now = 1_800_000_000
    const vmi: KObject = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { namespace: 'prod', name: 'metrics-real', uid: 'uid-real' },
      spec: { domain: { cpu: { cores: 1 }, memory: { guest: '128Mi' }, devices: {} } },
      status: {
        phase: 'Running',
        nodeName: 'node-1',
        migrationState: {
          startTimestamp: new Date((now - 30) * 1000).toISOString(),
          sourceNode: 'node-1',
          targetNode: 'node-2',
          migrationUid: 'uid-2',
        },
      },
    }
    // QMP query-migrate of a guest rewriting 16 MiB behind an 8 MiB/s limit (QEMU 7.2).
    const ram = {
      transferred: 300 * 2 ** 20,
      remaining: 14 * 2 ** 20,
      total: 110 * 2 ** 20,
      mbps: 67.30704,
      'dirty-pages-rate': 2035,
      'page-size': 4096,
    }
    const guest = {
      running: true,
      stats: () =>
        Promise.resolve({
          pid: 1,
          status: 'inmigrate',
          cpuSeconds: 12,
          rssBytes: 100 * 2 ** 20,
          memoryBytes: 128 * 2 ** 20,
          block: [],
        }),
      execute: <T>(command: string) =>
        command === 'query-migrate'
          ? Promise.resolve({ status: 'active', ram } as T)
          : Promise.reject(new Error(command)),
    }
    const vmiDef = requireDef(sim.registry, 'kubevirt.io', 'virtualmachineinstances')
    const metrics = new KubevirtMetrics({
      registry: sim.registry,
      store: { list: (def) => ({ items: def === vmiDef ? [vmi] : [], revision: 0 }) },
      guests: () => ({
        get: (ns, name) => (ns === 'prod' && name === 'metrics-real' ? guest : undefined),
      }),
      now: () => now,
    })
    const text = await metrics.render()
    const one = (metric: string) => {
      const found = sample(text, metric, 'metrics-real')
      expect(found, metric).toHaveLength(1)
      return found[0]
    }
    // virt-handler's labels: the VMI and the node it migrates from.
    const line = text
      .split('\n')
      .find((l) => l.startsWith('kubevirt_vmi_migration_data_remaining_bytes{'))
    for (const label of ['namespace="prod"', 'name="metrics-real"', 'node="node-1"'])
      expect(line).toContain(label)
    expect(one('kubevirt_vmi_migration_data_processed_bytes')).toBe(ram.transferred)
    expect(one('kubevirt_vmi_migration_data_remaining_bytes')).toBe(ram.remaining)
    expect(one('kubevirt_vmi_migration_data_bytes_total')).toBe(ram.total)
    // Megabits per second as bytes, and pages per second times the page size.
    expect(one('kubevirt_vmi_migration_memory_transfer_rate_bytes')).toBe(8_413_380)
    expect(one('kubevirt_vmi_migration_dirty_memory_rate_bytes')).toBe(2035 * 4096)
  })
})
