import type { KubernetesObject } from '@kubernetes/client-node'
import type { ListWatch } from './list-watch.ts'

type Waiter = (object: KubernetesObject) => void

/**
 * Awaits a change of one object as the shared watch delivers it (one listener for all waiters),
 * instead of reading the object again and again until it changes.
 */
export class ObjectWaiters {
  readonly #waiting = new Map<string, Set<Waiter>>()

  constructor(source: Pick<ListWatch<unknown>, 'on'>) {
    const deliver = (object: KubernetesObject) => {
      const key = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`
      for (const waiter of this.#waiting.get(key) ?? []) waiter(object)
    }
    source.on('add', deliver)
    source.on('update', deliver)
  }

  /**
   * Resolves with the object once a change of it satisfies `check`, or with undefined after
   * `timeoutMs` or when `signal` aborts.
   */
  until(
    namespace: string,
    name: string,
    check: (object: KubernetesObject) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<KubernetesObject | undefined> {
    const key = `${namespace}/${name}`
    return new Promise((resolve) => {
      const waiters = this.#waiting.get(key) ?? new Set<Waiter>()
      this.#waiting.set(key, waiters)
      const done = (object?: KubernetesObject) => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', abort)
        waiters.delete(waiter)
        if (waiters.size === 0) this.#waiting.delete(key)
        resolve(object)
      }
      const waiter: Waiter = (object) => {
        if (check(object)) done(object)
      }
      const abort = () => done()
      const timer = setTimeout(done, timeoutMs)
      signal?.addEventListener('abort', abort)
      waiters.add(waiter)
    })
  }
}
