import type { ControllerStore } from './controller-store.ts'
import type { ResourceDef } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'

/**
 * Resolves with a copy of the object (or undefined once deleted) as soon as `check` holds,
 * re-checking on every change of that resource (a store watch: no polling, no sleeps).
 */
export function waitForObject(
  store: ControllerStore,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  check: (object: KObject | undefined) => boolean,
  timeoutMs = 20_000,
): Promise<KObject | undefined> {
  const current = store.peek(def, namespace, name)
  if (check(current)) return Promise.resolve(current && structuredClone(current))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop()
      const last = store.peek(def, namespace, name)
      reject(
        new Error(
          `timed out waiting for ${def.plural} ${namespace ?? ''}/${name}: ${JSON.stringify(last?.status)}`,
        ),
      )
    }, timeoutMs)
    const stop = store.watch(def, store.revision, () => {
      const latest = store.peek(def, namespace, name)
      let done: boolean
      try {
        done = check(latest)
      } catch {
        done = false
      }
      if (done) {
        clearTimeout(timer)
        queueMicrotask(stop)
        resolve(latest && structuredClone(latest))
      }
    })
  })
}
