import { StatusError } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import type { KubeClient } from '../cluster/kube-client.ts'

export interface ReflectorHandlers {
  /** The full set after a (re)list: everything not in `items` is gone. */
  replace(items: KObject[]): void
  /** One change the watch delivered. */
  change(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KObject): void
}

/**
 * What a kubelet's informers do for its own objects: list `path` (narrowed by `fieldSelector`,
 * e.g. `spec.nodeName=node-1`), then watch from the list's resourceVersion; a 410 Gone or a
 * broken stream means list again. Resolves `synced` after the first list; runs until `signal`.
 */
export function reflect(
  client: KubeClient,
  path: string,
  fieldSelector: string,
  handlers: ReflectorHandlers,
  signal: AbortSignal,
): { synced: Promise<void>; done: Promise<void> } {
  let markSynced: () => void = () => {}
  const synced = new Promise<void>((resolve) => (markSynced = resolve))
  const selector = `fieldSelector=${encodeURIComponent(fieldSelector)}`
  const list = async (): Promise<string> => {
    const answer = await client.json<{ items: KObject[]; metadata: { resourceVersion: string } }>(
      'GET',
      `${path}?${selector}`,
      { signal },
    )
    handlers.replace(answer.items)
    return answer.metadata.resourceVersion
  }
  const done = (async () => {
    let resourceVersion: string | undefined
    while (!signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await list()
          markSynced()
        }
        let gone = false
        await client.watch(
          `${path}?${selector}&watch=1&allowWatchBookmarks=true&resourceVersion=${resourceVersion}`,
          (event) => {
            if (event.type === 'ERROR') {
              // kube-apiserver ends the stream after it (410 Gone: the version was compacted).
              gone = true
              return
            }
            const object = event.object as unknown as KObject
            resourceVersion = object.metadata.resourceVersion ?? resourceVersion
            if (event.type !== 'BOOKMARK') handlers.change(event.type, object)
          },
          signal,
        )
        if (gone) resourceVersion = undefined
      } catch (error) {
        if (signal.aborted) return
        if (error instanceof StatusError && error.code === 410) resourceVersion = undefined
        else {
          // The API server is unreachable or refused: retry from a fresh list after a pause.
          resourceVersion = undefined
          await pause(1000, signal)
        }
      }
    }
  })()
  return { synced, done }
}

export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })
}
