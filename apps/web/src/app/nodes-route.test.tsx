import { screen, within } from '@testing-library/react'
import type { NodeMetricsResponse, NodeSummary } from '@vmdeck/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../testing/render.tsx'
import { ConsoleRoutes } from './console-routes.tsx'

const node = (name: string): NodeSummary => ({
  name,
  ready: true,
  schedulable: true,
  roles: [],
  capacity: { cpu: 8, memory: 32 * 1024 ** 3, pods: 110 },
  allocatable: { cpu: 8, memory: 32 * 1024 ** 3, pods: 110 },
  used: { cpu: 1, memory: 2 * 1024 ** 3, pods: 3 },
  vmCount: 1,
  labels: {},
  taints: [],
  createdAt: '2026-01-01T00:00:00Z',
})

const matrix = (unit: 'percent', values: Record<string, number[]>) => ({
  unit,
  range: '15m' as const,
  step: 30,
  start: 0,
  end: 90,
  series: Object.entries(values).map(([name, points]) => ({
    name,
    labels: {},
    points: points.map((v, i) => [i * 30, v] as [number, number]),
  })),
})

const metrics: NodeMetricsResponse = {
  cpu: matrix('percent', { 'node-1': [10, 20, 30, 40], 'node-2': [5, 5, 6, 7] }),
  memory: matrix('percent', { 'node-1': [50, 51, 52, 53], 'node-2': [20, 21, 22, 23] }),
}

describe('the Nodes route', () => {
  afterEach(() => vi.unstubAllGlobals())

  it("shows each node's CPU and memory sparklines in its own table row", async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/clusters/c/nodes': () => ({ items: [node('node-1'), node('node-2')] }),
        '/api/v1/clusters/c/metrics/nodes?range=15m': () => metrics,
        '/api/v1/clusters/c/permissions': () => ({ items: [] }),
      }),
    )
    renderWithApp(<ConsoleRoutes cluster="c" />, { route: '/nodes' })
    // The page and the metrics feature are lazy chunks: their first import may take a while.
    const loading = { timeout: 10_000 }
    const table = await screen.findByRole('grid', { name: 'Nodes' }, loading)
    const row = async (name: string) =>
      (await within(table).findByText(name, {}, loading)).closest('tr')!
    const first = await row('node-1')
    const second = await row('node-2')
    // The metrics chunk and its query arrive after the rows.
    await within(first).findByRole('img', { name: 'CPU of node-1' }, loading)
    expect(within(first).getByRole('img', { name: 'Memory of node-1' })).toHaveAttribute(
      'data-points',
      '4',
    )
    expect(within(first).getByText(/53 %/)).toBeInTheDocument()
    expect(within(second).getByRole('img', { name: 'CPU of node-2' })).toBeInTheDocument()
    expect(within(second).queryByRole('img', { name: /node-1/ })).toBeNull()
  }, 20_000)
})
