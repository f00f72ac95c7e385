import type { KubernetesObject } from '@kubernetes/client-node'
import { describe, expect, it } from 'vitest'
import { ObjectWaiters } from './object-waiters.ts'

function source() {
  const listeners: ((object: KubernetesObject) => void)[] = []
  return {
    on: (_event: string, cb: (object: KubernetesObject) => void) => void listeners.push(cb),
    emit: (name: string, generation: number) =>
      listeners.forEach((cb) => cb({ metadata: { namespace: 'prod', name, generation } })),
  }
}
const atLeast = (n: number) => (o: KubernetesObject) => (o.metadata?.generation ?? 0) >= n

describe('ObjectWaiters', () => {
  it('resolves with the first change of that object that satisfies the check', async () => {
    const changes = source()
    const waiters = new ObjectWaiters(changes)
    const waited = waiters.until('prod', 'web-01', atLeast(2), 5_000)
    changes.emit('web-02', 5) // another object
    changes.emit('web-01', 1) // not yet
    changes.emit('web-01', 2)
    expect((await waited)?.metadata?.generation).toBe(2)
  })

  it('resolves with undefined on abort, and forgets the waiter', async () => {
    const changes = source()
    const waiters = new ObjectWaiters(changes)
    const stop = new AbortController()
    const waited = waiters.until('prod', 'web-01', atLeast(2), 5_000, stop.signal)
    stop.abort()
    expect(await waited).toBeUndefined()
    // A later change finds no one waiting (nothing resolves twice or throws).
    changes.emit('web-01', 3)
  })
})
