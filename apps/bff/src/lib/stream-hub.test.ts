import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { StreamHub, type HubClient } from './stream-hub.ts'

class FakeSink extends EventEmitter {
  writableLength = 0
  readonly chunks: string[] = []
  write(chunk: Buffer): boolean {
    this.chunks.push(chunk.toString())
    return true
  }
  /** The frames' `data` lines, parsed. */
  get received(): unknown[] {
    return this.chunks
      .join('')
      .split('\n\n')
      .filter((f) => f.startsWith('event: '))
      .map((f): unknown => JSON.parse(f.slice(f.indexOf('data: ') + 6)))
  }
}

function client(namespaces: string[] | '*', events: string[] = []) {
  const sink = new FakeSink()
  const c: HubClient & { sink: FakeSink } = {
    sink,
    wants: (_topic, namespace) =>
      namespaces === '*' || (namespace !== undefined && namespaces.includes(namespace)),
    filterKey: namespaces === '*' ? '*' : namespaces.join(','),
    resync: () => events.push('resync'),
    stuck: () => events.push('stuck'),
  }
  return c
}

const vm = (namespace: string, name: string, rev: number) => ({
  type: 'upsert',
  vm: { namespace, name, rev },
})

describe('StreamHub', () => {
  it('coalesces changes per object into one write per client, filtered per client', () => {
    const hub = new StreamHub()
    const all = client('*')
    const dev = client(['dev'])
    hub.add(all)
    hub.add(dev)
    hub.publish('vms', 'prod/a', 'prod', vm('prod', 'a', 1))
    hub.publish('vms', 'dev/b', 'dev', vm('dev', 'b', 1))
    hub.publish('vms', 'prod/a', 'prod', vm('prod', 'a', 2))
    hub.publish('nodes', 'node-1', undefined, { type: 'delete', name: 'node-1' })
    hub.flush()
    // a's first change was superseded; the newest change takes the newest place.
    expect(all.sink.received).toEqual([
      vm('dev', 'b', 1),
      vm('prod', 'a', 2),
      { type: 'delete', name: 'node-1' },
    ])
    expect(all.sink.chunks).toHaveLength(1)
    expect(dev.sink.received).toEqual([vm('dev', 'b', 1)])
    expect(hub.stats).toMatchObject({ batches: 1, writes: 2 })
  })

  it('shares one batch between clients with the same filter and skips a client with nothing to get', () => {
    const hub = new StreamHub()
    const clients = [client(['dev']), client(['dev']), client(['other'])]
    for (const c of clients) hub.add(c)
    hub.publish('vms', 'dev/b', 'dev', vm('dev', 'b', 1))
    hub.publish('vms', 'dev/c', 'dev', vm('dev', 'c', 1))
    hub.flush()
    expect(clients[0]?.sink.chunks).toEqual(clients[1]?.sink.chunks)
    expect(clients[2]?.sink.chunks).toEqual([])
    expect(hub.stats.writes).toBe(2)
  })

  it('lets a backed-up client skip batches and resyncs it once it drains', () => {
    const hub = new StreamHub({ maxQueuedBytes: 100, stuckAfterMs: 30 })
    const events: string[] = []
    const slow = client('*', events)
    const fast = client('*')
    hub.add(slow)
    hub.add(fast)
    slow.sink.writableLength = 1_000
    for (let i = 0; i < 3; i++) {
      hub.publish('vms', `prod/${i}`, 'prod', vm('prod', String(i), i))
      hub.flush()
    }
    expect(slow.sink.chunks).toEqual([])
    expect(fast.sink.received).toHaveLength(3)
    expect(hub.stats.skipped).toBe(1)
    slow.sink.writableLength = 0
    slow.sink.emit('drain')
    expect(events).toEqual(['resync'])
    hub.publish('vms', 'prod/9', 'prod', vm('prod', '9', 9))
    hub.flush()
    expect(slow.sink.received).toEqual([vm('prod', '9', 9)])
  })

  it('cuts off a client still backed up after the grace period', async () => {
    const hub = new StreamHub({ maxQueuedBytes: 100, stuckAfterMs: 10 })
    const events: string[] = []
    const slow = client('*', events)
    const remove = hub.add(slow)
    slow.sink.writableLength = 1_000
    hub.publish('vms', 'prod/a', 'prod', vm('prod', 'a', 1))
    hub.flush()
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(events).toEqual(['stuck'])
    remove()
    expect(hub.size).toBe(0)
  })

  it('sends a batch on its own once changes stop, and encodes nothing without clients', async () => {
    const hub = new StreamHub({ minIntervalMs: 5 })
    hub.publish('vms', 'prod/a', 'prod', vm('prod', 'a', 1))
    const c = client('*')
    hub.add(c)
    hub.publish('vms', 'prod/b', 'prod', vm('prod', 'b', 1))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(c.sink.received).toEqual([vm('prod', 'b', 1)])
  })

  it('resyncs every client that is not behind and drops what was pending', () => {
    const hub = new StreamHub({ maxQueuedBytes: 100 })
    const events: string[] = []
    const ok = client('*', events)
    const slow = client('*')
    const slowEvents: string[] = []
    slow.resync = () => slowEvents.push('resync')
    hub.add(ok)
    hub.add(slow)
    slow.sink.writableLength = 1_000
    hub.publish('vms', 'prod/a', 'prod', vm('prod', 'a', 1))
    hub.flush() // slow falls behind: it resyncs when it drains, not now
    hub.publish('vms', 'prod/b', 'prod', vm('prod', 'b', 1))
    hub.resyncAll()
    hub.flush()
    expect(events).toEqual(['resync'])
    expect(slowEvents).toEqual([])
    expect(ok.sink.received).toEqual([vm('prod', 'a', 1)])
  })
})
