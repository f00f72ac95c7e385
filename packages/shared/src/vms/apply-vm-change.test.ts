import { describe, expect, it } from 'vitest'
import { makeVmSummary } from '../testing/make-vm-summary.ts'
import { applyVmChange } from './apply-vm-change.ts'

const page = {
  items: [makeVmSummary({ name: 'a' }), makeVmSummary({ name: 'b' })],
  total: 2,
}

describe('applyVmChange', () => {
  it('updates a row on the page in place and keeps the page fresh', () => {
    const result = applyVmChange(page, {
      type: 'upsert',
      vm: makeVmSummary({ name: 'b', status: 'Stopped' }),
    })
    expect(result.stale).toBe(false)
    expect(result.list.items.map((vm) => vm.status)).toEqual(['Running', 'Stopped'])
    expect(page.items[1]?.status).toBe('Running')
  })

  it('marks the page stale for a VM it does not hold', () => {
    const result = applyVmChange(page, { type: 'upsert', vm: makeVmSummary({ name: 'c' }) })
    expect(result.stale).toBe(true)
    expect(result.list).toBe(page)
  })

  it('removes a deleted row at once and asks for a refetch to fill the page', () => {
    const result = applyVmChange(page, { type: 'delete', namespace: 'default', name: 'a' })
    expect(result.list.items.map((vm) => vm.name)).toEqual(['b'])
    expect(result.list.total).toBe(1)
    expect(result.stale).toBe(true)
  })

  it('tells VMs of the same name in other namespaces apart', () => {
    const result = applyVmChange(page, { type: 'delete', namespace: 'other', name: 'a' })
    expect(result.list.items).toHaveLength(2)
  })
})
