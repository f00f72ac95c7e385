import type { RebalanceMove, VmMigration } from '@vmdeck/shared'
import { act, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../../../testing/render.tsx'
import { useRebalanceRun } from './use-rebalance-run.ts'

const move = (name: string): RebalanceMove => ({
  namespace: 'dev',
  name,
  from: 'node-1',
  to: 'node-2',
  requests: { cpu: 1, memory: 1024 },
  reason: 'node-1 is above the band',
  wave: 0,
})
const migration = (vmName: string, over: Partial<VmMigration>): VmMigration => ({
  namespace: 'dev',
  name: `${vmName}-m`,
  vmName,
  phase: 'Running',
  active: true,
  createdAt: '2026-12-07T10:00:00Z',
  abortRequested: false,
  evacuation: false,
  ...over,
})

function Run({ moves }: { moves: RebalanceMove[] }) {
  const run = useRebalanceRun('c')
  return (
    <>
      <button onClick={() => void run.run(moves)}>Execute</button>
      <output aria-label="states">{JSON.stringify(run.states)}</output>
      <output aria-label="running">{String(run.running)}</output>
    </>
  )
}

afterEach(() => vi.unstubAllGlobals())

describe('executing a rebalancing plan', () => {
  it('goes on when a migration it saw running is deleted before it was seen to end', async () => {
    // The cluster's migration list as the BFF answers it, changed by the test.
    let listed: VmMigration[] = []
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/clusters/c/migrations': () => ({ items: listed }),
        '/api/v1/clusters/c/namespaces/dev/vms/web-01/migrate': () => {
          listed = [migration('web-01', {})]
          return { accepted: true, message: 'requested' }
        },
        '/api/v1/clusters/c/namespaces/dev/vms/web-02/migrate': () => {
          listed = [migration('web-02', {})]
          return { accepted: true, message: 'requested' }
        },
      }),
    )
    const { queryClient } = renderWithApp(<Run moves={[move('web-01'), move('web-02')]} />)
    await act(async () => screen.getByRole('button', { name: 'Execute' }).click())
    const states = () => JSON.parse(screen.getByLabelText('states').textContent ?? '{}') as object
    await vi.waitFor(() => expect(states()).toEqual({ 'dev/web-01': 'migrating' }))
    // Seen running (the list refetched every 2 s has it), then deleted by someone else: that
    // move failed, and the next one starts.
    await vi.waitFor(
      () =>
        expect(
          queryClient.getQueryData<{ items: VmMigration[] }>(['clusters', 'c', 'migrations'])
            ?.items,
        ).toHaveLength(1),
      { timeout: 10_000 },
    )
    listed = []
    await vi.waitFor(
      () => expect(states()).toEqual({ 'dev/web-01': 'failed', 'dev/web-02': 'migrating' }),
      { timeout: 10_000 },
    )
    listed = [migration('web-02', { phase: 'Succeeded', active: false })]
    await vi.waitFor(
      () => expect(states()).toEqual({ 'dev/web-01': 'failed', 'dev/web-02': 'done' }),
      { timeout: 10_000 },
    )
    expect(screen.getByLabelText('running')).toHaveTextContent('false')
  }, 30_000)
})
