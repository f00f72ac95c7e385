import type { MetricMatrix, MetricUnit } from '@vmdeck/shared'
import { useMemo } from 'react'
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { formatTime, formatValue } from '../lib/format.ts'
import { timeDomain } from '../lib/time-domain.ts'

// PatternFly's chart palette (blue, green, orange, purple, cyan, gold, red, black).
export const palette = [
  '#0066cc',
  '#4cb140',
  '#ec7a08',
  '#5752d1',
  '#009596',
  '#f4c145',
  '#c9190b',
  '#4f5255',
]

type Row = { t: number } & Record<string, number | null>

/** One chart of a MetricMatrix: a line per series on a shared time axis; missing samples are gaps. */
export function MetricChart({
  matrix,
  title,
  height = 220,
}: {
  matrix: MetricMatrix
  title: string
  height?: number
}) {
  const { rows, points } = useMemo(() => toRows(matrix), [matrix])
  const [start, end] = timeDomain(matrix)
  const span = end - start
  const unit: MetricUnit = matrix.unit
  return (
    <figure
      className="vmdeck-metric-chart"
      aria-label={`${title} chart`}
      data-points={points}
      style={{ margin: 0, height, width: '100%' }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart
          data={rows.filter((row) => row.t >= start)}
          margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[start, end]}
            tickFormatter={(t: number) => formatTime(t, span)}
            minTickGap={40}
            fontSize={12}
          />
          <YAxis
            width={80}
            fontSize={12}
            tickFormatter={(v: number) => formatValue(v, unit)}
            domain={
              unit === 'percent' ? [0, (max: number) => Math.max(100, Math.ceil(max))] : [0, 'auto']
            }
          />
          <Tooltip
            labelFormatter={(t) => new Date(Number(t) * 1000).toLocaleString()}
            formatter={(value) => formatValue(typeof value === 'number' ? value : null, unit)}
          />
          {matrix.series.length > 1 && <Legend />}
          {matrix.series.map((series, i) => (
            <Line
              key={`${series.name}-${i}`}
              dataKey={`s${i}`}
              name={series.name}
              type="monotone"
              stroke={palette[i % palette.length]}
              dot={false}
              strokeWidth={2}
              isAnimationActive={false}
              connectNulls={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  )
}

function toRows(matrix: MetricMatrix): { rows: Row[]; points: number } {
  const byTime = new Map<number, Row>()
  let points = 0
  matrix.series.forEach((series, i) => {
    for (const [t, v] of series.points) {
      let row = byTime.get(t)
      if (!row) {
        row = { t }
        byTime.set(t, row)
      }
      row[`s${i}`] = v
      if (v !== null) points++
    }
  })
  return { rows: [...byTime.values()].sort((a, b) => a.t - b.t), points }
}

/** True when no series holds a single sample. */
export function isEmpty(matrix: MetricMatrix): boolean {
  return matrix.series.every((s) => s.points.every(([, v]) => v === null))
}
