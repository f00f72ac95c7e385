import type { MetricMatrix } from '@vmdeck/shared'
import { describe, expect, it } from 'vitest'
import { MIN_SPAN_SECONDS, timeDomain } from './time-domain.ts'

/** A 15-minute matrix (5 s steps) whose series hold samples only from `since` on. */
const matrix = (...since: (number | null)[]): MetricMatrix => {
  const start = 10_000
  const end = start + 900
  const times = Array.from({ length: 181 }, (_, i) => start + i * 5)
  return {
    unit: 'percent',
    range: '15m',
    step: 5,
    start,
    end,
    series: since.map((from, i) => ({
      name: `s${i}`,
      labels: {},
      points: times.map(
        (t) => [t, from !== null && t >= from ? 1 : null] as [number, number | null],
      ),
    })),
  }
}

describe('a chart’s time axis', () => {
  it('spans the whole range once the data fills it', () => {
    expect(timeDomain(matrix(10_000))).toEqual([10_000, 10_900])
  })

  it('starts at the first sample of young data', () => {
    expect(timeDomain(matrix(10_450, 10_300))).toEqual([10_300, 10_900])
  })

  it('shows at least five minutes, so a few samples are a line rather than a spike', () => {
    expect(timeDomain(matrix(10_880))).toEqual([10_900 - MIN_SPAN_SECONDS, 10_900])
  })

  it('keeps the whole range when there is no data at all', () => {
    expect(timeDomain(matrix(null))).toEqual([10_000, 10_900])
  })
})
