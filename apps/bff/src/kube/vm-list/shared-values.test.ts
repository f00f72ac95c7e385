import { describe, expect, it } from 'vitest'
import { summary } from '../../../test/vm-summary-fixture.ts'
import { SharedValues } from './shared-values.ts'

describe('SharedValues', () => {
  it('gives rows with equal labels, flags and no addresses the same frozen objects, fields in order', () => {
    const shared = new SharedValues()
    const a = shared.row(summary({ name: 'a', labels: { tier: 'web' } }))
    const b = shared.row(summary({ name: 'b', labels: { tier: 'web' } }))
    const c = shared.row(summary({ name: 'c', labels: { tier: 'db' }, ips: ['10.0.0.1'] }))
    expect(a.labels).toBe(b.labels)
    expect(a.flags).toBe(c.flags)
    expect(a.ips).toBe(b.ips)
    expect(c.labels).toEqual({ tier: 'db' })
    expect(c.ips).toEqual(['10.0.0.1'])
    expect(Object.isFrozen(a.labels)).toBe(true)
    expect(Object.keys(a)).toEqual(Object.keys(summary({ name: 'a' })))
    expect(shared.size).toBe(3)
  })
})
