import type { MetricUnit } from '@vmdeck/shared'
import { formatBytes } from '../../../lib/format.ts'

/** A value with its unit, for axes, tooltips and lists. */
export function formatValue(value: number | null | undefined, unit: MetricUnit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'no data'
  switch (unit) {
    case 'percent':
      return `${value.toFixed(value >= 10 ? 0 : 1)} %`
    case 'bytes':
      return formatBytes(value)
    case 'bytesPerSecond':
      return `${formatBytes(value)}/s`
    case 'iops':
      return `${value.toFixed(value >= 10 ? 0 : 1)} IOPS`
  }
}

export function formatTime(seconds: number, spanSeconds: number): string {
  const date = new Date(seconds * 1000)
  if (spanSeconds > 2 * 24 * 3600)
    return date.toLocaleDateString(undefined, { weekday: 'short', hour: '2-digit' })
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}
