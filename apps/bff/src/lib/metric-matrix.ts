import type { MetricMatrix, MetricPoint, MetricRange } from '@vmdeck/shared'
import type { PrometheusClient, PromSeries } from './prometheus-client.ts'
import { rangeSeconds, stepFor, type MetricQuery, type QueryPart } from './promql.ts'

/** Series per chart at most (a VM with many NICs or drives still gets one bounded answer). */
const MAX_SERIES = 24

/** Runs a chart's queries on one step grid; missing samples become `null` points (gaps). */
export async function matrix(
  client: PrometheusClient,
  query: MetricQuery,
  range: MetricRange,
): Promise<MetricMatrix> {
  const step = stepFor(range, client.scrapeIntervalSeconds)
  // Align the grid so that requests within a few seconds share one cached answer.
  const grain = Math.min(step, 5)
  const end = Math.floor(Date.now() / 1000 / grain) * grain
  const start = end - rangeSeconds[range]
  const answers = await Promise.all(
    query.parts.map((part: QueryPart) => client.queryRange(part.expr, start, end, step)),
  )
  const series = query.parts
    .flatMap((part, i) =>
      (answers[i] ?? []).map((s) => ({
        name: part.legend(s.metric),
        labels: s.metric,
        points: grid(s.values ?? [], start, end, step),
      })),
    )
    .slice(0, MAX_SERIES)
  return { unit: query.unit, range, step, start, end, series }
}

function grid(values: [number, string][], start: number, end: number, step: number): MetricPoint[] {
  const byTime = new Map(values.map(([t, v]) => [Math.round(t), v]))
  const points: MetricPoint[] = []
  for (let t = start; t <= end; t += step) {
    const raw = byTime.get(t)
    const value = raw === undefined ? NaN : Number(raw)
    points.push([t, Number.isFinite(value) ? value : null])
  }
  return points
}

export function instant(series: PromSeries | undefined): number | null {
  const value = series?.value ? Number(series.value[1]) : NaN
  return Number.isFinite(value) ? value : null
}

/** Series of an instant query as a ranking, largest first. */
export function ranked(series: PromSeries[]) {
  return series
    .map((s) => ({
      namespace: s.metric.namespace ?? '',
      name: s.metric.name ?? '',
      value: instant(s) ?? 0,
    }))
    .sort((a, b) => b.value - a.value)
}
