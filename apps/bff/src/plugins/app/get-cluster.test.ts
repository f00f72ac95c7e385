import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../kube/cluster.ts'
import { getCluster } from './get-cluster.ts'

const withCluster = (vms: { synced: boolean; loading: boolean }) =>
  ({ clusters: new Map([['c', { vms } as unknown as Cluster]]) }) as unknown as FastifyInstance

describe('getCluster', () => {
  it('serves a route that accepts a partial cache while the first list comes in, no other', () => {
    const starting = withCluster({ synced: false, loading: true })
    expect(getCluster(starting, 'c', { allowLoading: true })).toBeDefined()
    expect(() => getCluster(starting, 'c')).toThrow(/not reachable/)
  })

  it('answers 503 when the caches are down (not loading), even for a partial-cache route', () => {
    const down = withCluster({ synced: false, loading: false })
    expect(() => getCluster(down, 'c', { allowLoading: true })).toThrow(/not reachable/)
    expect(getCluster(down, 'c', { requireSynced: false })).toBeDefined()
    expect(() => getCluster(down, 'x')).toThrow(/no cluster "x"/)
  })
})
