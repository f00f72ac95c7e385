import { fireEvent, screen } from '@testing-library/react'
import type { MigrationAdvice, VmMigration } from '@vmdeck/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../../../testing/render.tsx'
import { MigrationAdvisor } from './migration-advisor.tsx'

const MiB = 2 ** 20

const migration: VmMigration = {
  namespace: 'prod',
  name: 'mig-1',
  vmName: 'web-01',
  phase: 'Running',
  active: true,
  createdAt: '2026-12-07T05:00:00Z',
  abortRequested: false,
  evacuation: false,
}

const advice: MigrationAdvice = {
  namespace: 'prod',
  name: 'mig-1',
  vmName: 'web-01',
  active: true,
  measured: true,
  processedBytes: 900 * MiB,
  remainingBytes: 400 * MiB,
  dirtyRate: 40 * MiB,
  transferRate: 25 * MiB,
  verdict: 'not-converging',
  reason: 'The guest dirties memory at 40.0 MiB/s, faster than the link moves it (25.0 MiB/s).',
  remedies: [
    {
      id: 'auto-converge',
      title: 'Auto-converge (MigrationPolicy allowAutoConverge)',
      explanation: 'QEMU throttles the vCPUs.',
      manifest: 'kind: MigrationPolicy\nspec:\n  allowAutoConverge: true',
    },
    {
      id: 'pause',
      title: 'Pause the VM',
      explanation: 'A paused guest dirties nothing.',
      action: 'pause',
    },
  ],
}

describe('the migration advisor', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('says why a migration does not converge, explains the remedies and pauses the VM as the user', async () => {
    const paused = vi.fn(() => ({ accepted: true, message: 'Pausing' }))
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/clusters/c/insight/migrations/prod/mig-1': () => advice,
        '/api/v1/clusters/c/namespaces/prod/vms/web-01/pause': paused,
      }),
    )
    renderWithApp(<MigrationAdvisor cluster="c" migration={migration} onClose={() => undefined} />)
    expect(await screen.findByText(/Not converging/)).toBeTruthy()
    expect(screen.getByText(advice.reason)).toBeTruthy()
    expect(screen.getByText('400 MiB')).toBeTruthy()
    expect(screen.getByText('40 MiB/s')).toBeTruthy()
    expect(screen.getByText('25 MiB/s')).toBeTruthy()
    expect(screen.getByText(/allowAutoConverge: true/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Pause web-01' }))
    await vi.waitFor(() => expect(paused).toHaveBeenCalledTimes(1))
  })
})
