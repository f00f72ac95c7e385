import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest, type RequestOptions } from 'node:https'
import type { KubeClient } from './kube-client.ts'

type Event = 'add' | 'update' | 'delete'

export interface ListWatchOptions<T> {
  config: KubeConfig
  client: KubeClient
  path: string
  labelSelector?: string
  /** What the cache keeps of an object (a compact form: the full one is gone after the event). */
  keep: (object: KubernetesObject) => T
  log: { warn(obj: object, msg: string): void }
  /** Objects per list request (client-go's reflector pages by 500). */
  pageSize?: number
}

/** A cache of one kind, fed by a paged list and then a watch, keeping a compact form per object. */
export interface ListWatch<T> {
  get(name: string, namespace?: string): T | undefined
  keys(): Iterable<string>
  readonly size: number
  /** A full list has landed and the watch runs (false again after an error, until relisted). */
  readonly synced: boolean
  /** The first list is under way: pages already received are in the cache. */
  readonly loading: boolean
  /**
   * Listeners get the whole object as listed or watched (for a deletion found by a relist, only
   * its name and namespace), then it is dropped; the cache holds `keep(object)`.
   */
  on(event: Event, cb: (object: KubernetesObject) => void): void
  /** Called each time a full list has landed (the first time, and after each relist). */
  onSynced(cb: () => void): void
  start(): Promise<void>
  stop(): Promise<void>
}

interface ListPage {
  metadata?: { resourceVersion?: string; continue?: string }
  items?: KubernetesObject[]
}

interface WatchEvent {
  type: string
  object: KubernetesObject
}

const key = (namespace: string | undefined, name: string | undefined) =>
  `${namespace ?? ''}/${name ?? ''}`

/**
 * List-then-watch as client-go's reflector does it, for kinds with 100,000 objects: the list comes
 * in pages (`limit`/`continue`), each page enters the cache as it arrives (so the first rows can
 * be served before the last page), and the cache keeps only `keep(object)`. After the list, a
 * watch from its resourceVersion (with bookmarks); when it ends it resumes from the last version
 * seen; on 410 Gone or any error the whole list is read again (back-off 0.5 s doubling to 2 s), and objects
 * that vanished meanwhile are deleted, so nothing is lost or duplicated.
 */
export function listWatch<T>(options: ListWatchOptions<T>): ListWatch<T> {
  const cache = new Map<string, { rv: string; kept: T }>()
  const listeners: Record<Event, ((object: KubernetesObject) => void)[]> = {
    add: [],
    update: [],
    delete: [],
  }
  const syncedListeners: (() => void)[] = []
  const pageSize = options.pageSize ?? 500
  let synced = false
  let loading = false
  let listedOnce = false
  let stopped = true
  let delay = 500
  let timer: NodeJS.Timeout | undefined
  let watchRequest: { destroy(): void } | undefined
  let generation = 0
  let firstSync: { resolve(): void } | undefined

  const emit = (event: Event, object: KubernetesObject) => {
    for (const listener of listeners[event]) listener(object)
  }
  const put = (object: KubernetesObject) => {
    const id = key(object.metadata?.namespace, object.metadata?.name)
    const rv = object.metadata?.resourceVersion ?? ''
    const previous = cache.get(id)
    if (previous && previous.rv === rv && rv !== '') return
    cache.set(id, { rv, kept: options.keep(object) })
    emit(previous ? 'update' : 'add', object)
  }
  const remove = (object: KubernetesObject) => {
    if (cache.delete(key(object.metadata?.namespace, object.metadata?.name))) emit('delete', object)
  }

  const fail = (err: unknown, run: number) => {
    if (stopped || run !== generation) return
    // Whatever else the failed request reports afterwards (close, error) belongs to an old run.
    generation++
    synced = false
    watchRequest?.destroy()
    options.log.warn(
      { err, path: options.path },
      `watch of ${options.path} failed; relisting in ${delay} ms`,
    )
    timer = setTimeout(() => void run_(), delay)
    // Short: the VM routes answer 503 until the relist lands (an API server restart is seconds).
    delay = Math.min(delay * 2, 2_000)
  }

  /** One list (all pages) then the watch; any failure starts over with a fresh list. */
  const run_ = async () => {
    const run = ++generation
    try {
      const seen = new Set<string>()
      let next: string | undefined
      let resourceVersion = ''
      // Only the very first list counts as loading; a relist keeps serving the old cache.
      loading = !listedOnce
      do {
        const page = await options.client.call<ListPage>({
          method: 'GET',
          path: options.path,
          query: {
            labelSelector: options.labelSelector,
            limit: String(pageSize),
            continue: next,
          },
        })
        if (stopped || run !== generation) return
        for (const object of page.items ?? []) {
          seen.add(key(object.metadata?.namespace, object.metadata?.name))
          put(object)
        }
        next = page.metadata?.continue || undefined
        resourceVersion = page.metadata?.resourceVersion ?? ''
      } while (next)
      for (const id of [...cache.keys()])
        if (!seen.has(id)) {
          const [namespace, name] = id.split('/')
          remove({ metadata: { ...(namespace ? { namespace } : {}), name: name ?? '' } })
        }
      loading = false
      synced = true
      listedOnce = true
      delay = 500
      for (const listener of syncedListeners) listener()
      firstSync?.resolve()
      firstSync = undefined
      watch(resourceVersion, run)
    } catch (err) {
      loading = false
      // Like client-node's informer, start() settles after the first attempt; retries go on.
      firstSync?.resolve()
      firstSync = undefined
      fail(err, run)
    }
  }

  const watch = (from: string, run: number) => {
    let resourceVersion = from
    const url = new URL(options.config.getCurrentCluster()?.server ?? '')
    url.pathname = url.pathname.replace(/\/$/, '') + options.path
    url.searchParams.set('watch', 'true')
    url.searchParams.set('resourceVersion', resourceVersion)
    url.searchParams.set('allowWatchBookmarks', 'true')
    // The server ends the watch after this; it is then resumed from the last version seen.
    url.searchParams.set('timeoutSeconds', String(240 + Math.floor(Math.random() * 120)))
    if (options.labelSelector) url.searchParams.set('labelSelector', options.labelSelector)
    const request: RequestOptions = {
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': 'vmdeck-bff' },
    }
    void options.config
      .applyToHTTPSOptions(request)
      .then(() => {
        if (stopped || run !== generation) return
        const plain = url.protocol === 'http:'
        if (plain) delete request.agent
        const req = (plain ? httpRequest : httpsRequest)(url, request, (res: IncomingMessage) => {
          if (res.statusCode !== 200) {
            res.resume()
            return fail(new Error(`watch answered ${res.statusCode}`), run)
          }
          let buffer = ''
          let gone = false
          let ended = false
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            buffer += chunk
            let end: number
            while ((end = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, end)
              buffer = buffer.slice(end + 1)
              if (!line.trim()) continue
              let event: WatchEvent
              try {
                event = JSON.parse(line) as WatchEvent
              } catch (err) {
                return fail(err, run)
              }
              if (event.type === 'ERROR') gone = true
              else apply(event)
            }
          })
          const apply = (event: WatchEvent) => {
            const rv = event.object.metadata?.resourceVersion
            if (rv) resourceVersion = rv
            if (event.type === 'ADDED' || event.type === 'MODIFIED') put(event.object)
            else if (event.type === 'DELETED') remove(event.object)
          }
          res.on('end', () => {
            ended = true
            if (stopped || run !== generation) return
            // An ERROR event (410 Gone: the version is too old) means relisting; a plain end of
            // the watch (its timeout) resumes from the last version seen.
            if (gone) fail(new Error('watch expired (410 Gone)'), run)
            else watch(resourceVersion, run)
          })
          res.on('error', (err) => fail(err, run))
          res.on('close', () => {
            if (!ended) fail(new Error('watch connection closed'), run)
          })
        })
        req.on('error', (err) => fail(err, run))
        req.end()
        watchRequest = req
      })
      .catch((err: unknown) => fail(err, run))
  }

  return {
    get: (name, namespace) => cache.get(key(namespace, name))?.kept,
    keys: () => cache.keys(),
    get size() {
      return cache.size
    },
    get synced() {
      return synced
    },
    get loading() {
      return loading
    },
    on: (event, cb) => listeners[event].push(cb),
    onSynced: (cb) => syncedListeners.push(cb),
    start() {
      stopped = false
      const first = new Promise<void>((resolve) => (firstSync = { resolve }))
      void run_()
      return first
    },
    async stop() {
      stopped = true
      generation++
      clearTimeout(timer)
      watchRequest?.destroy()
      synced = false
    },
  }
}
