import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseFieldSelector } from './field-selector.ts'
import { parseLabelSelector } from './label-selector.ts'
import type { ObjectStore } from './object-store.ts'
import { groupVersion, type ResourceDef } from './registry.ts'
import { StatusError } from './status-error.ts'
import { toTable, wantsTable } from './table.ts'
import type { KObject, StoreEvent } from './types.ts'

interface WatchRequest {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  def: ResourceDef
  store: ObjectStore
  namespace: string | undefined
  bookmarkIntervalMs: number
}

/**
 * A watch as kube-apiserver serves it: newline-delimited JSON `{type, object}` events over a
 * chunked 200 response. Without a resourceVersion (or with "0") the current objects come first as
 * ADDED; with one, retained history after it is replayed, or an ERROR event carrying a 410
 * Expired Status when it was compacted. Objects leaving a label/field selector arrive as DELETED.
 */
export function serveWatch({
  req,
  res,
  url,
  def,
  store,
  namespace,
  bookmarkIntervalMs,
}: WatchRequest): void {
  const labels = parseLabelSelector(url.searchParams.get('labelSelector') ?? undefined)
  const fields = parseFieldSelector(def, url.searchParams.get('fieldSelector') ?? undefined)
  const byName = pathName(url, def)
  const matches = (o: KObject | undefined): boolean =>
    o !== undefined &&
    (namespace === undefined || o.metadata.namespace === namespace) &&
    (byName === undefined || o.metadata.name === byName) &&
    labels(o.metadata.labels) &&
    fields(o)
  const bookmarks = ['1', 'true'].includes(url.searchParams.get('allowWatchBookmarks') ?? '')
  const requested = url.searchParams.get('resourceVersion') ?? ''
  const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? 0)

  res.writeHead(200, {
    'content-type': 'application/json',
    'transfer-encoding': 'chunked',
    'cache-control': 'no-cache',
  })
  res.flushHeaders()
  // Events can still arrive between `res.end()` and the 'close' that unsubscribes.
  const write = (type: string, object: unknown) =>
    res.writableEnded || res.write(JSON.stringify({ type, object }) + '\n')
  // `kubectl get -w` asks for Tables: each object event then carries a one-row Table, as
  // kube-apiserver converts watch events for `as=Table`.
  const table = wantsTable(req.headers.accept)
  const includeObject = url.searchParams.get('includeObject') ?? undefined
  const writeObject = (type: string, object: KObject) =>
    table
      ? write(
          type,
          toTable(
            def,
            [object],
            { resourceVersion: object.metadata.resourceVersion },
            includeObject,
          ),
        )
      : write(type, object)

  let from: number
  if (requested === '' || requested === '0') {
    const { items, revision } = store.peekList(def, namespace)
    for (const object of items) if (matches(object)) writeObject('ADDED', object)
    from = revision
  } else {
    from = Number(requested)
    if (!Number.isInteger(from) || from < 0) {
      write(
        'ERROR',
        new StatusError(400, 'BadRequest', `invalid resource version: ${requested}`).toStatus(),
      )
      res.end()
      return
    }
  }

  let lastRevision = from
  const onEvent = (event: StoreEvent) => {
    lastRevision = event.revision
    const now = matches(event.object)
    const before = event.type === 'MODIFIED' ? matches(event.previous) : now
    if (event.type === 'MODIFIED' && now !== before)
      writeObject(now ? 'ADDED' : 'DELETED', event.object)
    else if (now && table) writeObject(event.type, event.object)
    else if (now && !res.writableEnded) res.write(serialized(event))
  }
  let stop: () => void
  try {
    stop = store.watch(def, from, onEvent)
  } catch (error) {
    if (error instanceof StatusError) {
      write('ERROR', error.toStatus())
      res.end()
      return
    }
    throw error
  }

  const timers: NodeJS.Timeout[] = []
  if (bookmarks) {
    timers.push(
      setInterval(() => {
        write('BOOKMARK', {
          kind: def.kind,
          apiVersion: groupVersion(def),
          metadata: { resourceVersion: String(Math.max(lastRevision, store.revision)) },
        })
      }, bookmarkIntervalMs),
    )
  }
  // kube-apiserver ends watches after timeoutSeconds, or a random 30–60 min when none is given.
  const timeout = timeoutSeconds > 0 ? timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000
  timers.push(setTimeout(() => res.end(), timeout))
  const unregister = store.onEndWatches(() => res.end())
  const close = () => {
    stop()
    unregister()
    for (const timer of timers) clearTimeout(timer)
  }
  res.on('close', close)
  req.on('close', close)
}

/**
 * One event's wire form, shared by every watcher it is sent to: fan-out to N watches serializes
 * each event once, not N times.
 */
const wireForms = new WeakMap<StoreEvent, string>()
function serialized(event: StoreEvent): string {
  let text = wireForms.get(event)
  if (text === undefined) {
    text = JSON.stringify({ type: event.type, object: event.object }) + '\n'
    wireForms.set(event, text)
  }
  return text
}

/** A watch on `…/{plural}/{name}` (legacy form) only sees that object. */
function pathName(url: URL, def: ResourceDef): string | undefined {
  const parts = url.pathname.split('/').filter(Boolean)
  const index = parts.lastIndexOf(def.plural)
  return index >= 0 ? parts[index + 1] : undefined
}
