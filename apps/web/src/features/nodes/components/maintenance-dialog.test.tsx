import { screen, within } from '@testing-library/react'
import type { MaintenancePlan, NodeSummary } from '@vmdeck/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../../../testing/render.tsx'
import { MaintenanceDialog } from './maintenance-dialog.tsx'

const GiB = 2 ** 30
const node = { name: 'node-1' } as NodeSummary

const plan: MaintenancePlan = {
  nodes: ['node-1'],
  vms: [
    {
      namespace: 'prod',
      name: 'web-01',
      node: 'node-1',
      requests: { cpu: 1, memory: 2 * GiB },
      evictionStrategy: 'LiveMigrate',
      evictionStrategyDefault: false,
      effect: 'migrates',
      target: 'node-3',
    },
    {
      namespace: 'prod',
      name: 'db-01',
      node: 'node-1',
      requests: { cpu: 2, memory: 8 * GiB },
      evictionStrategy: 'LiveMigrate',
      evictionStrategyDefault: false,
      effect: 'blocks',
      reason: 'NotLiveMigratable',
      message: 'DisksNotLiveMigratable: cannot migrate VMI',
    },
  ],
  hiddenVms: 2,
  defaultEvictionStrategy: 'None',
  headroom: {
    node: 'node-2',
    survives: false,
    unplaced: 1,
    unplacedRequests: { cpu: 1, memory: 6 * GiB },
    message:
      'The cluster cannot lose node-2: 1 of its 3 VM(s), needing 6.0 GiB of memory and 1 CPU, would find no node.',
  },
  caveats: ['An estimate.'],
}

describe('the Enter maintenance dialog', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('shows each VM with its target or the reason it cannot move, the hidden count and N-1', async () => {
    const fetch = vi.fn(fakeFetch({ '/api/v1/clusters/c/insight/maintenance': () => plan }))
    vi.stubGlobal('fetch', fetch)
    renderWithApp(
      <MaintenanceDialog
        cluster="c"
        node={node}
        onConfirm={() => undefined}
        onClose={() => undefined}
      />,
    )
    const table = await screen.findByRole('grid', { name: 'What happens to each VM' })
    const row = (name: string) => within(table).getByText(name).closest('tr')!
    expect(row('web-01').textContent).toContain('→ node-3')
    expect(row('web-01').textContent).toContain('Live-migrates')
    expect(row('db-01').textContent).toContain('Blocks the drain')
    expect(row('db-01').textContent).toContain('NotLiveMigratable: DisksNotLiveMigratable')
    expect(screen.getByText('1 will live-migrate')).toBeTruthy()
    expect(
      screen.getByText(/2 more VM\(s\) on node-1 are in namespaces you may not see/),
    ).toBeTruthy()
    expect(screen.getByText(/Afterwards \(N-1\): The cluster cannot lose node-2/)).toBeTruthy()
    const urls = fetch.mock.calls.map(([input]) =>
      input instanceof Request ? input.url : input.toString(),
    )
    expect(urls).toEqual(['/api/v1/clusters/c/insight/maintenance?nodes=node-1'])
  })
})
