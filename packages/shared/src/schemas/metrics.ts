import { Type, type Static } from 'typebox'
import { ClusterId, K8sName } from './common.ts'

/**
 * The named metrics of one VM (the browser never writes PromQL):
 * `cpu` % of the VM's vCPUs; `memory` used and available bytes; `network` rx/tx bytes/s per
 * interface; `storage` read/write bytes/s per drive; `iops` read/write operations/s per drive;
 * `migration` bytes processed and remaining of a live migration.
 */
export const VmMetricName = Type.Union([
  Type.Literal('cpu'),
  Type.Literal('memory'),
  Type.Literal('network'),
  Type.Literal('storage'),
  Type.Literal('iops'),
  Type.Literal('migration'),
])
export type VmMetricName = Static<typeof VmMetricName>

/** How far back a chart looks; the BFF derives the step from it (at most ~240 points a series). */
export const MetricRange = Type.Union([
  Type.Literal('15m'),
  Type.Literal('1h'),
  Type.Literal('6h'),
  Type.Literal('24h'),
  Type.Literal('7d'),
])
export type MetricRange = Static<typeof MetricRange>

export const MetricUnit = Type.Union([
  Type.Literal('percent'),
  Type.Literal('bytes'),
  Type.Literal('bytesPerSecond'),
  Type.Literal('iops'),
])
export type MetricUnit = Static<typeof MetricUnit>

/** A number or null, as one JSON Schema type list (fast-json-stringify serializes it; anyOf it does not). */
const NullableNumber = Type.Unsafe<number | null>({ type: ['number', 'null'] })

/** `[unix seconds, value]`; value `null` where Prometheus has no sample (a gap, not a zero). */
export const MetricPoint = Type.Tuple([Type.Number(), NullableNumber])
export type MetricPoint = Static<typeof MetricPoint>

export const MetricSeries = Type.Object({
  /** Legend text, e.g. `used`, `rx default`, `read rootdisk`, `node-1`. */
  name: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  points: Type.Array(MetricPoint),
})
export type MetricSeries = Static<typeof MetricSeries>

/** A chart's worth of data: the same `start`/`end`/`step` grid for every series. */
export const MetricMatrix = Type.Object({
  unit: MetricUnit,
  range: MetricRange,
  /** Seconds between points. */
  step: Type.Integer(),
  start: Type.Number(),
  end: Type.Number(),
  series: Type.Array(MetricSeries),
})
export type MetricMatrix = Static<typeof MetricMatrix>

export const VmMetricParams = Type.Object({ cluster: ClusterId, namespace: K8sName, name: K8sName })
export type VmMetricParams = Static<typeof VmMetricParams>

/** `GET /api/v1/clusters/{c}/namespaces/{ns}/vms/{name}/metrics?metric=&range=` */
export const VmMetricQuery = Type.Object(
  { metric: VmMetricName, range: Type.Optional(MetricRange) },
  { additionalProperties: false },
)
export type VmMetricQuery = Static<typeof VmMetricQuery>

export const VmMetricResponse = Type.Object({ metric: VmMetricName, ...MetricMatrix.properties })
export type VmMetricResponse = Static<typeof VmMetricResponse>

/** `GET /api/v1/clusters/{c}/metrics/nodes?range=`: CPU and memory utilization (%) per node. */
export const NodeMetricQuery = Type.Object(
  { range: Type.Optional(MetricRange) },
  { additionalProperties: false },
)
export type NodeMetricQuery = Static<typeof NodeMetricQuery>

export const NodeMetricsResponse = Type.Object({
  cpu: MetricMatrix,
  memory: MetricMatrix,
})
export type NodeMetricsResponse = Static<typeof NodeMetricsResponse>

export const VmMetricValue = Type.Object({
  namespace: K8sName,
  name: Type.String(),
  value: Type.Number(),
})
export type VmMetricValue = Static<typeof VmMetricValue>

export const NodeUtilization = Type.Object({
  node: Type.String(),
  /** Percent of the node's CPUs in use. */
  cpu: NullableNumber,
  /** Percent of the node's memory in use. */
  memory: NullableNumber,
})
export type NodeUtilization = Static<typeof NodeUtilization>

export const ActiveMigration = Type.Object({
  namespace: K8sName,
  name: Type.String(),
  /** The source node. */
  node: Type.Optional(Type.String()),
  processedBytes: Type.Number(),
  remainingBytes: Type.Number(),
})
export type ActiveMigration = Static<typeof ActiveMigration>

/**
 * Whether charts can work for a cluster: `unconfigured` (no Prometheus URL), `unreachable`
 * (down, slow or answering errors), `no-data` (answers, but holds no KubeVirt metrics), `ok`.
 */
export const PrometheusState = Type.Union([
  Type.Literal('unconfigured'),
  Type.Literal('unreachable'),
  Type.Literal('no-data'),
  Type.Literal('ok'),
])
export type PrometheusState = Static<typeof PrometheusState>

export const PrometheusStatus = Type.Object({
  state: PrometheusState,
  /** Why, in words a user can act on. */
  message: Type.Optional(Type.String()),
  /** KubeVirt's recording rules are loaded (else the BFF queries the raw metrics). */
  recordingRules: Type.Optional(Type.Boolean()),
})
export type PrometheusStatus = Static<typeof PrometheusStatus>

/**
 * `GET /api/v1/clusters/{c}/metrics/fleet`: the Overview page, limited to the namespaces the
 * user may list VMs in. `nodes` is absent for users who may not list nodes.
 */
export const FleetMetricsResponse = Type.Object({
  /** From the BFF's VM cache (printableStatus), so it holds without Prometheus too. */
  vmCounts: Type.Array(Type.Object({ status: Type.String(), count: Type.Integer() })),
  /** Top VMs by CPU (% of their vCPUs) over the last minutes. */
  topCpu: Type.Array(VmMetricValue),
  /** Top VMs by used memory (bytes). */
  topMemory: Type.Array(VmMetricValue),
  nodes: Type.Optional(Type.Array(NodeUtilization)),
  migrations: Type.Array(ActiveMigration),
  /** Whether the metric parts could be filled, and why not (counts are there regardless). */
  prometheus: PrometheusStatus,
})
export type FleetMetricsResponse = Static<typeof FleetMetricsResponse>
