import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { KubeClient } from './kube-client.ts'
import { listWatch, type ListWatch } from './list-watch.ts'

/** A collection served as kube-apiserver does: paged lists and a watch the test feeds. */
async function fakeApi(initial: string[]) {
  let rv = 10
  const objects = new Map(initial.map((name) => [name, ++rv]))
  const lists: URLSearchParams[] = []
  const watches: http.ServerResponse[] = []
  const watchVersions: (string | null)[] = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.flushHeaders()
      watches.push(res)
      watchVersions.push(url.searchParams.get('resourceVersion'))
      return
    }
    lists.push(url.searchParams)
    const names = [...objects.keys()]
    const from = Number(url.searchParams.get('continue') ?? 0)
    const limit = Number(url.searchParams.get('limit'))
    const next = from + limit < names.length ? String(from + limit) : undefined
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        metadata: { resourceVersion: String(rv), ...(next ? { continue: next } : {}) },
        items: names.slice(from, from + limit).map((name) => object(name, objects.get(name) ?? 0)),
      }),
    )
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const config = new KubeConfig()
  config.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'u', token: 'token-0123456789' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  })
  return {
    config,
    objects,
    lists,
    watches,
    watchVersions,
    nextRv: () => ++rv,
    send(type: string, name: string) {
      const version = ++rv
      if (type === 'DELETED') objects.delete(name)
      else objects.set(name, version)
      for (const watch of watches)
        watch.write(JSON.stringify({ type, object: object(name, version) }) + '\n')
    },
    close: () => {
      server.closeAllConnections()
      server.close()
    },
  }
}

const object = (name: string, rv: number): KubernetesObject =>
  ({
    metadata: { name, namespace: 'ns', resourceVersion: String(rv), managedFields: [{}] },
    spec: { size: name.length },
  }) as KubernetesObject

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}

let cleanup: (() => void)[] = []
afterEach(() => {
  for (const step of cleanup) step()
  cleanup = []
})

async function started(initial: string[], pageSize = 2) {
  const api = await fakeApi(initial)
  const events: string[] = []
  let loadingSeen = false
  let syncs = 0
  let loadingAfterSync = false
  const cache: ListWatch<string> = listWatch({
    config: api.config,
    client: new KubeClient(api.config),
    path: '/apis/x/v1/things',
    keep: (o) => `kept:${o.metadata?.name}`,
    log: { warn: () => undefined },
    pageSize,
  })
  for (const event of ['add', 'update', 'delete'] as const)
    cache.on(event, (o) => {
      if (cache.loading) loadingSeen = true
      if (cache.loading && syncs > 0) loadingAfterSync = true
      events.push(`${event} ${o.metadata?.name}${o.metadata?.managedFields ? ' (whole)' : ''}`)
    })
  cache.onSynced(() => syncs++)
  cleanup.push(() => void cache.stop(), api.close)
  await cache.start()
  return {
    api,
    cache,
    events,
    loadingSeen: () => loadingSeen,
    syncs: () => syncs,
    loadingAfterSync: () => loadingAfterSync,
  }
}

describe('listWatch', () => {
  it('lists in pages, each page entering the cache while the list is still loading', async () => {
    const { api, cache, events, loadingSeen, syncs } = await started(['a', 'b', 'c', 'd', 'e'])
    expect(api.lists.map((q) => [q.get('limit'), q.get('continue')])).toEqual([
      ['2', null],
      ['2', '2'],
      ['2', '4'],
    ])
    expect(loadingSeen()).toBe(true)
    expect(cache.loading).toBe(false)
    expect(cache.synced).toBe(true)
    expect(syncs()).toBe(1)
    expect(cache.size).toBe(5)
    // Listeners get the whole object; the cache keeps only its compact form.
    expect(events[0]).toBe('add a (whole)')
    expect(cache.get('c', 'ns')).toBe('kept:c')
  })

  it('applies watched additions, changes and deletions from the list’s resourceVersion', async () => {
    const { api, cache, events } = await started(['a'])
    await until(() => api.watches.length === 1)
    api.send('ADDED', 'b')
    api.send('MODIFIED', 'a')
    api.send('DELETED', 'a')
    await until(() => events.length === 4)
    expect(events).toEqual([
      'add a (whole)',
      'add b (whole)',
      'update a (whole)',
      'delete a (whole)',
    ])
    expect([...cache.keys()]).toEqual(['ns/b'])
  })

  it('relists after 410 Gone and deletes what vanished in between, once', async () => {
    const { api, cache, events, syncs, loadingAfterSync } = await started(['a', 'b', 'c'])
    await until(() => api.watches.length === 1)
    // Changes the watch never delivers, then the server says the version is too old.
    api.objects.delete('b')
    api.objects.set('d', api.nextRv())
    const watch = api.watches[0]
    watch?.end(JSON.stringify({ type: 'ERROR', object: { code: 410 } }) + '\n')
    await until(() => api.watches.length === 2)
    expect(events.slice(3).sort()).toEqual(['add d (whole)', 'delete b'])
    expect([...cache.keys()].sort()).toEqual(['ns/a', 'ns/c', 'ns/d'])
    expect(cache.synced).toBe(true)
    expect(syncs()).toBe(2)
    // A relist is not a first load: the old cache is served meanwhile, not flagged as loading.
    expect(loadingAfterSync()).toBe(false)
  })

  it('does not call a relist into an empty cache loading (only the first list is)', async () => {
    const { api, cache, syncs, loadingAfterSync } = await started([])
    await until(() => api.watches.length === 1)
    api.objects.set('x', api.nextRv())
    api.watches[0]?.end(JSON.stringify({ type: 'ERROR', object: { code: 410 } }) + '\n')
    await until(() => syncs() === 2)
    expect(cache.size).toBe(1)
    expect(loadingAfterSync()).toBe(false)
  })

  it('resumes a watch that ended normally from the last version seen, without relisting', async () => {
    const { api, events } = await started(['a'])
    await until(() => api.watches.length === 1)
    api.send('MODIFIED', 'a')
    await until(() => events.length === 2)
    const lastVersion = String(api.objects.get('a'))
    await until(() => api.watches.length === 1)
    api.watches[0]?.end()
    await until(() => api.watches.length === 2)
    expect(api.lists).toHaveLength(1)
    expect(api.watchVersions[1]).toBe(lastVersion)
  })
})
