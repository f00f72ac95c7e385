import { describe, expect, it } from 'vitest'
import { summary } from '../../../test/vm-summary-fixture.ts'
import { VmIndex } from './vm-index.ts'
import { sortKeys } from './vm-row.ts'

describe('VmIndex', () => {
  it('moves a VM in the orders whose column changed and updates the facets', () => {
    const index = new VmIndex()
    index.upsert(summary({ name: 'b', status: 'Stopped' }))
    index.upsert(summary({ name: 'a', status: 'Running', node: 'node-2' }))
    index.upsert(summary({ name: 'c', namespace: 'dev', status: 'Running', node: 'node-1' }))
    const names = (key: (typeof sortKeys)[number]) =>
      [...index.order(key).rows()].map((r) => r.vm.name)
    // Ties on the column fall back to namespace (dev before prod), then name.
    expect(names('status')).toEqual(['c', 'a', 'b'])
    expect(names('node')).toEqual(['b', 'c', 'a'])
    expect(Object.fromEntries(index.statusCounts('prod') ?? [])).toEqual({ Running: 1, Stopped: 1 })

    // a stops: leaves node-2 and moves behind c in the status order.
    index.upsert(summary({ name: 'a', status: 'Stopped' }))
    expect(names('status')).toEqual(['c', 'a', 'b'])
    expect(names('node')).toEqual(['a', 'b', 'c'])
    expect(Object.fromEntries(index.statusCounts('prod') ?? [])).toEqual({ Stopped: 2 })
    expect(index.statusCounts('prod', 'node-2')).toBeUndefined()
    expect([...index.namespacesOn('node-1')]).toEqual(['dev'])

    // A change that keeps every column stays in place, with its new contents.
    index.upsert(summary({ name: 'b', status: 'Stopped', labels: { tier: 'db' } }))
    expect(index.get('prod', 'b')?.labels).toEqual({ tier: 'db' })
    expect([...index.order('name').rows()].find((r) => r.vm.name === 'b')?.vm.labels).toEqual({
      tier: 'db',
    })

    expect(index.delete('dev', 'c')?.name).toBe('c')
    expect(index.delete('dev', 'c')).toBeUndefined()
    expect([...index.namespaces()]).toEqual(['prod'])
    for (const key of sortKeys) expect(index.order(key).size).toBe(2)
    expect(index.size).toBe(2)
  })

  it('shares one search text between rows with the same namespace, OS and labels, and forgets it with them', () => {
    const index = new VmIndex()
    index.upsert(summary({ name: 'a', labels: { tier: 'web' } }))
    index.upsert(summary({ name: 'b', labels: { tier: 'web' } }))
    index.upsert(summary({ name: 'c', labels: { tier: 'db' } }))
    expect(index.sharedTexts).toBe(2)
    const rows = [...index.order('name').rows()]
    expect(rows[0]?.shared).toBe('prod\0tier=web')
    expect(rows[0]?.own).toBe('a')
    index.upsert(summary({ name: 'b', labels: { tier: 'db' } }))
    index.delete('prod', 'a')
    expect(index.sharedTexts).toBe(1)
    index.delete('prod', 'b')
    index.delete('prod', 'c')
    expect(index.sharedTexts).toBe(0)
  })
})
