// The only place vmdeck writes PromQL. Every label value that goes into a query is checked
// against the shape of a Kubernetes name first, so nothing a user sends can change a query's
// meaning. Metric names and recording rules are KubeVirt's (its monitoring docs list them).
import type { MetricRange, MetricUnit, VmMetricName } from '@vmdeck/shared'

/** A DNS-1123 subdomain: namespaces, VM and node names all fit it. */
const NAME = /^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/

export class InvalidLabelValueError extends Error {}

function checked(value: string): string {
  if (value.length > 253 || !NAME.test(value))
    throw new InvalidLabelValueError(`not a Kubernetes name: ${JSON.stringify(value)}`)
  return value
}

/** `{namespace="prod",name="web-01"}` from validated names. */
export function vmSelector(vm: { namespace: string; name: string }): string {
  return `{namespace="${checked(vm.namespace)}",name="${checked(vm.name)}"}`
}

/** Namespaces a user may see: no filter for `all`, else an anchored alternation of validated names. */
export function namespaceSelector(namespaces: 'all' | readonly string[]): string {
  if (namespaces === 'all') return ''
  const names = [...namespaces].map(checked).sort()
  return `{namespace=~"${names.join('|')}"}`
}

export const rangeSeconds: Record<MetricRange, number> = {
  '15m': 15 * 60,
  '1h': 3600,
  '6h': 6 * 3600,
  '24h': 24 * 3600,
  '7d': 7 * 24 * 3600,
}

/** At most this many steps per range (so at most MAX_POINTS + 1 points per series). */
export const MAX_POINTS = 240
const niceSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200]

/** The smallest "nice" step that keeps a range within MAX_POINTS and not finer than the scrape interval. */
export function stepFor(range: MetricRange, scrapeIntervalSeconds: number): number {
  const wanted = Math.max(rangeSeconds[range] / MAX_POINTS, scrapeIntervalSeconds)
  return niceSteps.find((s) => s >= wanted) ?? Math.ceil(wanted)
}

/**
 * The `rate()` window for a step, as Grafana's `$__rate_interval`: at least four scrapes, and at
 * least a step plus a scrape so neighbouring points never skip samples.
 */
export function rateWindow(stepSeconds: number, scrapeIntervalSeconds: number): string {
  return `${Math.ceil(Math.max(stepSeconds + scrapeIntervalSeconds, 4 * scrapeIntervalSeconds))}s`
}

export interface QueryPart {
  expr: string
  /** Legend of one result series from its labels. */
  legend: (labels: Record<string, string>) => string
}

export interface MetricQuery {
  unit: MetricUnit
  parts: QueryPart[]
}

export interface QueryContext {
  /** Seconds, e.g. `30s`. */
  window: string
  /** KubeVirt's recording rules are loaded in this Prometheus. */
  recordingRules: boolean
}

/** vCPUs per VMI: the recording rule when Prometheus has it, else the same expression inline. */
function vcpuCount(selector: string, ctx: QueryContext): string {
  return ctx.recordingRules
    ? `sum by (namespace, name) (vmi:kubevirt_vmi_vcpu:count${selector})`
    : `count by (namespace, name) (kubevirt_vmi_vcpu_seconds_total${selector})`
}

function memoryUsed(selector: string, ctx: QueryContext): string {
  return ctx.recordingRules
    ? `sum by (namespace, name) (vmi:kubevirt_vmi_memory_used_bytes:sum${selector})`
    : `sum by (namespace, name) (kubevirt_vmi_memory_available_bytes${selector} - kubevirt_vmi_memory_usable_bytes${selector})`
}

/** CPU time per second over the vCPUs, as a percentage (by namespace and name: a migration changes the node). */
function cpuPercent(selector: string, ctx: QueryContext): string {
  return `100 * sum by (namespace, name) (rate(kubevirt_vmi_cpu_usage_seconds_total${selector}[${ctx.window}])) / on (namespace, name) ${vcpuCount(selector, ctx)}`
}

const fixed = (text: string) => () => text
const byLabel = (prefix: string, label: string) => (labels: Record<string, string>) =>
  `${prefix} ${labels[label] ?? ''}`.trim()

export function vmMetricQuery(
  metric: VmMetricName,
  vm: { namespace: string; name: string },
  ctx: QueryContext,
): MetricQuery {
  const s = vmSelector(vm)
  const w = ctx.window
  switch (metric) {
    case 'cpu':
      return { unit: 'percent', parts: [{ expr: cpuPercent(s, ctx), legend: fixed('CPU') }] }
    case 'memory':
      return {
        unit: 'bytes',
        parts: [
          { expr: memoryUsed(s, ctx), legend: fixed('used') },
          {
            expr: `sum by (namespace, name) (kubevirt_vmi_memory_available_bytes${s})`,
            legend: fixed('available'),
          },
        ],
      }
    case 'network':
      return {
        unit: 'bytesPerSecond',
        parts: [
          {
            expr: `sum by (interface) (rate(kubevirt_vmi_network_receive_bytes_total${s}[${w}]))`,
            legend: byLabel('rx', 'interface'),
          },
          {
            expr: `sum by (interface) (rate(kubevirt_vmi_network_transmit_bytes_total${s}[${w}]))`,
            legend: byLabel('tx', 'interface'),
          },
        ],
      }
    case 'storage':
      return {
        unit: 'bytesPerSecond',
        parts: [
          {
            expr: `sum by (drive) (rate(kubevirt_vmi_storage_read_traffic_bytes_total${s}[${w}]))`,
            legend: byLabel('read', 'drive'),
          },
          {
            expr: `sum by (drive) (rate(kubevirt_vmi_storage_write_traffic_bytes_total${s}[${w}]))`,
            legend: byLabel('write', 'drive'),
          },
        ],
      }
    case 'iops':
      return {
        unit: 'iops',
        parts: [
          {
            expr: `sum by (drive) (rate(kubevirt_vmi_storage_iops_read_total${s}[${w}]))`,
            legend: byLabel('read', 'drive'),
          },
          {
            expr: `sum by (drive) (rate(kubevirt_vmi_storage_iops_write_total${s}[${w}]))`,
            legend: byLabel('write', 'drive'),
          },
        ],
      }
    case 'migration':
      return {
        unit: 'bytes',
        parts: [
          {
            expr: `max by (namespace, name) (kubevirt_vmi_migration_data_processed_bytes${s})`,
            legend: fixed('processed'),
          },
          {
            expr: `max by (namespace, name) (kubevirt_vmi_migration_data_remaining_bytes${s})`,
            legend: fixed('remaining'),
          },
        ],
      }
  }
}

/**
 * Node utilization in percent. node-exporter's `instance` is the node name, as kube-prometheus
 * relabels it (`__meta_kubernetes_pod_node_name` → `instance`). The idle counter's rate can come
 * out a little above one second per second (the counter's and the scrape's clocks differ), which
 * would read as a negative use: it is clamped at 0.
 */
export function nodeCpuQuery(ctx: QueryContext): QueryPart {
  return {
    expr: `clamp_min(100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[${ctx.window}]))), 0)`,
    legend: byLabel('', 'instance'),
  }
}

export function nodeMemoryQuery(): QueryPart {
  return {
    expr: '100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)',
    legend: byLabel('', 'instance'),
  }
}

export const TOP_N = 5

export function topCpuQuery(namespaces: 'all' | readonly string[], ctx: QueryContext): string {
  return `topk(${TOP_N}, ${cpuPercent(namespaceSelector(namespaces), ctx)})`
}

export function topMemoryQuery(namespaces: 'all' | readonly string[], ctx: QueryContext): string {
  return `topk(${TOP_N}, ${memoryUsed(namespaceSelector(namespaces), ctx)})`
}

export function migrationProgressQueries(namespaces: 'all' | readonly string[]): {
  processed: string
  remaining: string
} {
  const s = namespaceSelector(namespaces)
  return {
    processed: `max by (namespace, name, node) (kubevirt_vmi_migration_data_processed_bytes${s})`,
    remaining: `max by (namespace, name, node) (kubevirt_vmi_migration_data_remaining_bytes${s})`,
  }
}

/** The recording rules the queries above use when Prometheus has them (`/api/v1/rules`). */
export const usedRecordingRules = [
  'vmi:kubevirt_vmi_vcpu:count',
  'vmi:kubevirt_vmi_memory_used_bytes:sum',
]
/** Answers with a series when Prometheus scrapes KubeVirt (virt-controller's object metrics). */
export const kubevirtProbe = 'count(kubevirt_vmi_info) or count(kubevirt_vm_info)'

/**
 * One migrating VMI's live numbers (virt-handler's migration domain stats, by VMI name): bytes
 * sent, left and in all, and the guest's dirty rate against the link's transfer rate. `max` picks
 * the source's series if the target's handler also reports.
 */
export function migrationAdvisorQueries(vm: { namespace: string; name: string }) {
  const s = vmSelector(vm)
  return {
    processed: `max(kubevirt_vmi_migration_data_processed_bytes${s})`,
    remaining: `max(kubevirt_vmi_migration_data_remaining_bytes${s})`,
    total: `max(kubevirt_vmi_migration_data_bytes_total${s})`,
    dirtyRate: `max(kubevirt_vmi_migration_dirty_memory_rate_bytes${s})`,
    transferRate: `max(kubevirt_vmi_migration_memory_transfer_rate_bytes${s})`,
  }
}
