import { screen, within } from '@testing-library/react'
import type { NodeMetricsResponse, NodeSummary } from '@vmdeck/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../testing/render.tsx'
import { ConsoleRoutes } from './console-routes.tsx'

/** 8 cores and 32 GiB, of which pods may use `allocatableCpu` cores and all the memory. */
const node = (name: string, allocatableCpu = 8): NodeSummary => ({
  name,
  ready: true,
  schedulable: true,
  roles: [],
  capacity: { cpu: 8, memory: 32 * 1024 ** 3, pods: 110 },
  allocatable: { cpu: allocatableCpu, memory: 32 * 1024 ** 3, pods: 110 },
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

  it("shows each node's use now and recently, with what its pods request second", async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/clusters/c/nodes': () => ({ items: [node('node-1'), node('node-2', 4)] }),
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
    const cell = (tr: HTMLElement, label: string) =>
      within(tr).getByText((_, el) => el?.getAttribute('data-label') === label)
    // The metrics chunk and its query arrive after the rows.
    await within(first).findByRole('img', { name: 'CPU of node-1' }, loading)
    expect(within(first).getByRole('img', { name: 'Memory of node-1' })).toHaveAttribute(
      'data-points',
      '4',
    )
    // The bar is what is in use now, as a share of what the node can allocate...
    const cpu = within(first).getByRole('progressbar', { name: 'CPU used on node-1' })
    expect(cpu).toHaveAttribute('aria-valuenow', '40')
    expect(cpu).toHaveAttribute('aria-valuetext', '3.2 cores of 8 cores in use')
    expect(within(cell(first, 'CPU')).getByText('40 %')).toBeInTheDocument()
    expect(
      within(first).getByRole('progressbar', { name: 'Memory used on node-1' }),
    ).toHaveAttribute('aria-valuenow', '53')
    expect(within(cell(first, 'Memory')).getByText('53 %')).toBeInTheDocument()
    // ...and what its pods request comes under it.
    expect(within(cell(first, 'CPU')).getByText('req 1 / 8 cores')).toBeInTheDocument()
    expect(within(cell(first, 'Memory')).getByText('req 2 GiB / 32 GiB')).toBeInTheDocument()
    // 7 % of the machine's 8 cores is 14 % of the 4 its pods may use.
    expect(within(second).getByRole('progressbar', { name: 'CPU used on node-2' })).toHaveAttribute(
      'aria-valuenow',
      '14',
    )
    expect(within(cell(second, 'CPU')).getByText('14 %')).toBeInTheDocument()
    expect(within(cell(second, 'CPU')).getByText('req 1 / 4 cores')).toBeInTheDocument()
    expect(within(second).getByRole('img', { name: 'CPU of node-2' })).toBeInTheDocument()
    expect(within(second).queryByRole('img', { name: /node-1/ })).toBeNull()
  }, 20_000)
})
