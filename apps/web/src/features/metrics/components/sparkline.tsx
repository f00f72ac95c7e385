import type { MetricSeries } from '@vmdeck/shared'
import { Line, LineChart, YAxis } from 'recharts'

/**
 * A tiny line without axes, for tables and lists; gaps stay gaps. Points before `from` (seconds)
 * are left out, so a young series fills the line instead of hugging its right end.
 */
export function Sparkline({
  series,
  label,
  color = '#0066cc',
  max,
  from = -Infinity,
  width = 120,
}: {
  series: MetricSeries
  label: string
  color?: string
  max?: number
  from?: number
  width?: number
}) {
  const data = series.points.filter(([t]) => t >= from).map(([t, v]) => ({ t, v }))
  return (
    <span
      role="img"
      aria-label={label}
      data-points={series.points.filter(([, v]) => v !== null).length}
      style={{ display: 'inline-block', verticalAlign: 'middle' }}
    >
      <LineChart width={width} height={28} data={data}>
        <YAxis hide domain={[0, max ?? 'auto']} />
        <Line
          dataKey="v"
          stroke={color}
          dot={false}
          strokeWidth={1.5}
          isAnimationActive={false}
          connectNulls={false}
        />
      </LineChart>
    </span>
  )
}
