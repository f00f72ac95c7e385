import { deleteTask } from '../kube/api/task-requests.ts'
import type { KubeClient } from '../kube/kube-client.ts'
import type { TaskStore } from '../kube/task-store.ts'

export interface RetentionOptions {
  /** Ended tasks older than this are removed. */
  maxAgeMs: number
  /** At most this many tasks per namespace; the oldest ended ones go first. */
  maxPerNamespace: number
  /** How often every namespace is swept (besides each namespace a task begins in). */
  sweepIntervalMs?: number
}

/**
 * Bounded history: by age and by count per namespace, oldest removed first; running tasks are
 * never removed. Any replica may remove a record (404: another did), so no leader is needed.
 */
export class TaskRetention {
  readonly #client: KubeClient
  readonly #store: TaskStore
  readonly #options: RetentionOptions
  readonly #log: { warn(obj: object, msg: string): void }
  readonly #deleting = new Set<string>()
  readonly #due = new Set<string>()
  #timer: NodeJS.Timeout | undefined

  constructor(
    client: KubeClient,
    store: TaskStore,
    options: RetentionOptions,
    log: { warn(obj: object, msg: string): void },
  ) {
    this.#client = client
    this.#store = store
    this.#options = options
    this.#log = log
  }

  start(): void {
    this.#timer = setInterval(
      () => {
        for (const namespace of this.#store.namespaces()) void this.prune(namespace)
      },
      this.#options.sweepIntervalMs ?? 10 * 60_000,
    )
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  /** Prunes `namespace` shortly (a burst of changes there costs one pass). */
  soon(namespace: string): void {
    if (this.#due.has(namespace)) return
    this.#due.add(namespace)
    setTimeout(() => {
      this.#due.delete(namespace)
      void this.prune(namespace)
    }, 100).unref()
  }

  /** Removes what the limits leave no room for in one namespace. */
  async prune(namespace: string): Promise<void> {
    const tasks = this.#store.newestFirst().filter((t) => t.namespace === namespace)
    const oldest = Date.now() - this.#options.maxAgeMs
    const doomed = tasks.filter(
      (task, index) =>
        task.outcome !== 'Running' &&
        (index >= this.#options.maxPerNamespace || Date.parse(task.startedAt) < oldest),
    )
    for (const task of doomed) {
      if (this.#deleting.has(task.id)) continue
      this.#deleting.add(task.id)
      try {
        const response = await deleteTask(this.#client, namespace, task.id)
        if (response.status >= 400 && response.status !== 404)
          this.#log.warn({ status: response.status, id: task.id }, 'old task not removed')
      } catch (err) {
        this.#log.warn({ err, id: task.id }, 'old task not removed')
      } finally {
        this.#deleting.delete(task.id)
      }
    }
  }
}
