import { describe, expect, it } from 'vitest'
import { PodIps } from './pod-ips.ts'

describe('pod addresses from the node’s podCIDR', () => {
  it('skips the network address and the gateway, and reuses released addresses', () => {
    const ips = new PodIps('10.244.2.0/24')
    expect(ips.allocate('a')).toBe('10.244.2.2')
    expect(ips.allocate('b')).toBe('10.244.2.3')
    expect(ips.allocate('a')).toBe('10.244.2.2')
    ips.release('a')
    // The next free one first, wrapping around to the released one when the range runs out.
    expect(ips.allocate('c')).toBe('10.244.2.4')
  })

  it('keeps the addresses pods already have and runs out at the broadcast address', () => {
    const ips = new PodIps('10.244.0.0/29')
    ips.claim('old', '10.244.0.2')
    expect(ips.contains('10.244.0.7')).toBe(true)
    expect(ips.contains('10.244.1.2')).toBe(false)
    expect(['n1', 'n2', 'n3', 'n4'].map((uid) => ips.allocate(uid))).toEqual([
      '10.244.0.3',
      '10.244.0.4',
      '10.244.0.5',
      '10.244.0.6',
    ])
    expect(() => ips.allocate('n5')).toThrow(/no free address left in 10.244.0.0\/29/)
    ips.release('n2')
    expect(ips.allocate('n5')).toBe('10.244.0.4')
  })
})
