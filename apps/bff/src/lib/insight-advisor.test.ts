import type { VmMigration } from '@vmdeck/shared'
import { describe, expect, it } from 'vitest'
import { adviseMigration } from './insight-advisor.ts'
import { migrationPairs } from './insight-migration-history.ts'

const MiB = 2 ** 20

const migration = (extra: Partial<VmMigration> = {}): VmMigration => ({
  namespace: 'prod',
  name: 'mig-1',
  vmName: 'web-01',
  phase: 'Running',
  active: true,
  sourceNode: 'node-1',
  targetNode: 'node-2',
  createdAt: '2026-12-07T05:00:00Z',
  abortRequested: false,
  evacuation: false,
  ...extra,
})

describe('adviseMigration', () => {
  it('flags a guest that dirties memory faster than the link moves it, with the remedies', () => {
    const advice = adviseMigration(migration(), {
      processed: 900 * MiB,
      remaining: 400 * MiB,
      total: 1300 * MiB,
      dirtyRate: 40 * MiB,
      transferRate: 25 * MiB,
    })
    expect(advice).toMatchObject({
      verdict: 'not-converging',
      measured: true,
      remainingBytes: 400 * MiB,
    })
    expect(advice.reason).toBe(
      'The guest dirties memory at 40.0 MiB/s, about as fast as or faster than the link moves it (25.0 MiB/s): every pass leaves about as much to copy as the last, so pre-copy cannot finish.',
    )
    expect(advice.remedies.map((r) => r.id)).toEqual([
      'auto-converge',
      'post-copy',
      'bandwidth',
      'pause',
    ])
    const autoConverge = advice.remedies[0]!
    expect(autoConverge.manifest).toContain('allowAutoConverge: true')
    expect(autoConverge.manifest).toContain('kubernetes.io/metadata.name: prod')
    // Twice the current rate, at least 64 MiB/s.
    expect(advice.remedies[2]!.manifest).toContain('bandwidthPerMigration: 64Mi')
    expect(advice.remedies[3]).toMatchObject({ action: 'pause' })
  })

  it('counts a dirty rate just under the transfer rate as not converging (QEMU measures it per pass)', () => {
    // As QEMU reports a guest that rewrites 16 MiB over and over behind an 8 MiB/s limit.
    const stuck = adviseMigration(migration(), {
      remaining: 14 * MiB,
      dirtyRate: 7.95 * MiB,
      transferRate: 8.02 * MiB,
    })
    expect(stuck.verdict).toBe('not-converging')
    const slow = adviseMigration(migration(), {
      remaining: 14 * MiB,
      dirtyRate: 6 * MiB,
      transferRate: 8 * MiB,
    })
    expect(slow).toMatchObject({ verdict: 'converging', etaSeconds: 7 })
  })

  it('estimates the time left of a converging migration', () => {
    const advice = adviseMigration(migration(), {
      remaining: 300 * MiB,
      dirtyRate: 10 * MiB,
      transferRate: 40 * MiB,
    })
    expect(advice).toMatchObject({ verdict: 'converging', etaSeconds: 10 })
  })

  it('says what it does not know, and that a finished migration needs nothing', () => {
    expect(adviseMigration(migration(), {})).toMatchObject({ verdict: 'unknown', measured: false })
    expect(adviseMigration(migration({ active: false, phase: 'Succeeded' }), {})).toMatchObject({
      verdict: 'finished',
      remedies: [],
    })
  })
})

describe('migrationPairs', () => {
  it('groups by source and target with outcomes and durations', () => {
    const ended = (name: string, phase: 'Succeeded' | 'Failed', from: string, seconds: number) =>
      migration({
        name,
        phase,
        active: false,
        sourceNode: from,
        startedAt: '2026-12-07T05:00:00Z',
        endedAt: new Date(Date.parse('2026-12-07T05:00:00Z') + seconds * 1000).toISOString(),
      })
    const pairs = migrationPairs([
      ended('a', 'Succeeded', 'node-1', 10),
      ended('b', 'Succeeded', 'node-1', 30),
      ended('c', 'Failed', 'node-1', 20),
      ended('d', 'Succeeded', 'node-3', 5),
      migration({ name: 'e' }),
      migration({ name: 'f', targetNode: undefined }),
    ])
    expect(pairs).toEqual([
      {
        sourceNode: 'node-1',
        targetNode: 'node-2',
        total: 4,
        succeeded: 2,
        failed: 1,
        running: 1,
        medianSeconds: 20,
        longestSeconds: 30,
        lastEndedAt: '2026-12-07T05:00:30.000Z',
      },
      {
        sourceNode: 'node-3',
        targetNode: 'node-2',
        total: 1,
        succeeded: 1,
        failed: 0,
        running: 0,
        medianSeconds: 5,
        longestSeconds: 5,
        lastEndedAt: '2026-12-07T05:00:05.000Z',
      },
    ])
  })
})
