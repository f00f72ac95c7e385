import type { MetricMatrix } from '@vmdeck/shared'

/** The shortest span a chart shows, however young its data. */
export const MIN_SPAN_SECONDS = 5 * 60

/**
 * A chart's time axis: the whole range once data fills it. Data younger than the range (a VM
 * started a minute ago, a migration of 30 seconds in the 1-hour chart) is shown from its first
 * sample, over at least MIN_SPAN_SECONDS: a line, not a spike at the edge of empty axes.
 */
export function timeDomain(matrix: MetricMatrix): [number, number] {
  // Points are in time order: a series' first sample is its first non-null point.
  const firsts = matrix.series.flatMap((s) => s.points.find(([, v]) => v !== null)?.[0] ?? [])
  if (firsts.length === 0) return [matrix.start, matrix.end]
  const first = Math.min(...firsts)
  const start = Math.min(first, matrix.end - MIN_SPAN_SECONDS)
  return [Math.max(matrix.start, start), matrix.end]
}
