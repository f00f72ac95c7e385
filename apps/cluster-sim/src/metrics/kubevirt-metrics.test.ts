import { request } from 'node:https'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ObjectStore } from '../apiserver/object-store.ts'
import { startSim, type Sim } from '../builtin-sim.ts'
import { KubevirtMetrics } from './kubevirt-metrics.ts'

let sim: Sim
let stateDir: string

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-metrics-test-'))
  sim = await startSim({ stateDir, port: 0 })
})
afterAll(async () => {
  await sim.close()
  rmSync(stateDir, { recursive: true, force: true })
})

function scrape(): Promise<{ status: number; text: string; type: string }> {
  return new Promise((resolve, reject) => {
    // No Authorization header: scrape targets are unauthenticated.
    const req = request(`${sim.url}/metrics`, { ca: sim.ca }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text, type: String(res.headers['content-type']) }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

const sample = (text: string, metric: string, match: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith(metric + '{') && line.includes(match))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)))

/** A VMI as virt-controller leaves it, in a store of its own (no controller touches it). */
function vmi(store: ObjectStore, name: string, status: Record<string, unknown>) {
  const def = sim.registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')!
  return store.create(def, {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { namespace: 'prod', name, labels: { 'kubevirt.io/domain': name } },
    spec: {
      domain: {
        cpu: { cores: 2 },
        memory: { guest: '256Mi' },
        devices: { disks: [{ name: 'rootdisk' }], interfaces: [{ name: 'default' }] },
      },
    },
    status,
  })
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('simulator /metrics', () => {
  it('serves KubeVirt and node metrics of the demo fleet without authentication', async () => {
    const vmiDef = sim.registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')!
    const phase = () =>
      (sim.store.peek(vmiDef, 'prod', 'web-01')?.status as { phase?: string } | undefined)?.phase
    await until(() => phase() === 'Running')
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

  it('reports a pending VMI without domain stats', async () => {
    const store = new ObjectStore()
    vmi(store, 'metrics-pending', { phase: 'Pending' })
    const text = await new KubevirtMetrics({ registry: sim.registry, store }).render()
    expect(text).toContain(
      'kubevirt_vmi_info{namespace="prod",name="metrics-pending",phase="pending"',
    )
    expect(sample(text, 'kubevirt_vmi_cpu_usage_seconds_total', 'metrics-pending')).toEqual([])
  })

  it('advances counters between scrapes and reports migrations in progress', async () => {
    let now = 1_800_000_000
    const store = new ObjectStore()
    const metrics = new KubevirtMetrics({ registry: sim.registry, store, now: () => now })
    const def = sim.registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')!
    const moving = vmi(store, 'metrics-moving', { phase: 'Running', nodeName: 'node-2' })
    store.update(def, {
      ...moving,
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
})
