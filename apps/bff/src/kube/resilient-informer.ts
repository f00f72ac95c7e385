import {
  makeInformer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node'

export interface ResilientInformer<T extends KubernetesObject> {
  list(): readonly T[]
  get(name: string, namespace?: string): T | undefined
  readonly synced: boolean
  on(event: 'add' | 'update' | 'delete', cb: (object: T) => void): void
  start(): Promise<void>
  stop(): Promise<void>
}

/**
 * client-node's informer relists on 410 Gone by itself but gives up on any other error (API server
 * restart, connection reset). This one restarts it with capped back-off; a relist then reconciles
 * the cache (deletes what vanished, updates what changed), so no state is lost or duplicated.
 */
export function resilientInformer<T extends KubernetesObject>(
  config: KubeConfig,
  path: string,
  listFn: () => Promise<KubernetesListObject<T>>,
  log: { warn(obj: object, msg: string): void },
  labelSelector?: string,
): ResilientInformer<T> {
  let synced = false
  // Synced means a list has landed in the cache (the informer applies it right after this resolves).
  const listed = async () => {
    const list = await listFn()
    queueMicrotask(() => (synced = true))
    return list
  }
  const informer = makeInformer<T>(config, path, listed, labelSelector)
  let stopped = false
  let delay = 500
  let timer: NodeJS.Timeout | undefined
  informer.on('connect', () => {
    delay = 500
  })
  informer.on('error', (err: unknown) => {
    synced = false
    if (stopped) return
    log.warn({ err, path }, `watch of ${path} failed; restarting in ${delay} ms`)
    timer = setTimeout(() => {
      // client-node would resume the watch from its last resourceVersion, which a restarted or
      // replaced API server may never reach (its revisions start over): relist instead, so the
      // cache is reconciled with what the server holds now (vanished objects are deleted).
      ;(informer as unknown as { resourceVersion: string }).resourceVersion = ''
      informer.start().catch(() => undefined)
    }, delay)
    delay = Math.min(delay * 2, 15_000)
  })
  return {
    list: () => informer.list(),
    get: (name, namespace) => informer.get(name, namespace),
    get synced() {
      return synced
    },
    on: (event, cb) => informer.on(event, cb),
    async start() {
      stopped = false
      await informer.start()
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await informer.stop()
    },
  }
}
