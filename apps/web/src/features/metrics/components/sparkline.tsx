import type { MetricSeries } from '@vmdeck/shared'
import { Line, LineChart, YAxis } from 'recharts'

/** A tiny line without axes, for tables and lists; gaps stay gaps. */
export function Sparkline({
  series,
  label,
  color = '#0066cc',
  max,
}: {
  series: MetricSeries
  label: string
  color?: string
  max?: number
}) {
  const data = series.points.map(([t, v]) => ({ t, v }))
  return (
    <span
      role="img"
      aria-label={label}
      data-points={series.points.filter(([, v]) => v !== null).length}
      style={{ display: 'inline-block', verticalAlign: 'middle' }}
    >
      <LineChart width={120} height={28} data={data}>
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
