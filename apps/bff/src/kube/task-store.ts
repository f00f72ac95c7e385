import type { KubernetesObject } from '@kubernetes/client-node'
import type { Task, TaskChange } from '@vmdeck/shared'
import type { TaskObject } from './api/task-requests.ts'
import type { ResilientInformer } from './resilient-informer.ts'
import { toTask } from './view-models/task.ts'

interface Entry {
  task: Task
  resourceVersion: string | undefined
  timeoutSeconds: number | undefined
  heartbeatAt: string | undefined
}

/**
 * Every task record of one cluster, from one informer with vmdeck's own identity: the records in
 * the cluster are the truth every replica reads (a task one replica starts, another shows and
 * may finish). Views are kept newest first for the list routes.
 */
export class TaskStore {
  readonly #informer: ResilientInformer<KubernetesObject>
  /** By record name (unique across namespaces: vmdeck names them with a random part). */
  readonly #tasks = new Map<string, Entry>()
  /** Running tasks by id: followed every second, so kept apart from the (many) ended ones. */
  readonly #running = new Map<string, Task>()
  /** A bulk task's children by parent id. */
  readonly #children = new Map<string, Map<string, Task>>()
  readonly #listeners = new Set<(change: TaskChange) => void>()
  #sorted: Task[] | undefined

  constructor(informer: ResilientInformer<KubernetesObject>) {
    this.#informer = informer
    const upsert = (object: KubernetesObject) => {
      const record = object as TaskObject
      const task = toTask(record)
      this.#index(task)
      this.#tasks.set(task.id, {
        task,
        resourceVersion: object.metadata?.resourceVersion,
        timeoutSeconds: record.spec?.timeoutSeconds,
        heartbeatAt: record.status?.heartbeatAt,
      })
      this.#sorted = undefined
      this.#emit({ type: 'upsert', task })
    }
    informer.on('add', upsert)
    informer.on('update', upsert)
    informer.on('delete', (object) => {
      const id = object.metadata?.name ?? ''
      const entry = this.#tasks.get(id)
      if (!entry) return
      this.#tasks.delete(id)
      this.#unindex(entry.task)
      this.#sorted = undefined
      this.#emit({ type: 'delete', namespace: object.metadata?.namespace ?? '', id })
    })
  }

  get synced(): boolean {
    return this.#informer.synced
  }

  get(id: string): Task | undefined {
    return this.#tasks.get(id)?.task
  }

  /** The resourceVersion a status write is conditional on. */
  versionOf(id: string): string | undefined {
    return this.#tasks.get(id)?.resourceVersion
  }

  /** How long the task may take to show done, as recorded when it began. */
  timeoutSecondsOf(id: string): number | undefined {
    return this.#tasks.get(id)?.timeoutSeconds
  }

  /** Every task, newest first (sorted once per change, not per request). */
  newestFirst(): readonly Task[] {
    this.#sorted ??= [...this.#tasks.values()]
      .map((entry) => entry.task)
      .sort((a, b) =>
        a.startedAt !== b.startedAt
          ? a.startedAt < b.startedAt
            ? 1
            : -1
          : a.id < b.id
            ? 1
            : a.id > b.id
              ? -1
              : 0,
      )
    return this.#sorted
  }

  /** When the replica holding a console session last said it is still open. */
  heartbeatOf(id: string): string | undefined {
    return this.#tasks.get(id)?.heartbeatAt
  }

  running(): Task[] {
    return [...this.#running.values()]
  }

  /** The children of a bulk task, oldest first. */
  children(parent: string): Task[] {
    return [...(this.#children.get(parent)?.values() ?? [])].sort((a, b) =>
      a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0,
    )
  }

  namespaces(): Set<string> {
    return new Set([...this.#tasks.values()].map((e) => e.task.namespace))
  }

  subscribe(listener: (change: TaskChange) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  start(): Promise<void> {
    return this.#informer.start()
  }

  stop(): Promise<void> {
    return this.#informer.stop()
  }

  #index(task: Task): void {
    const previous = this.#tasks.get(task.id)?.task
    if (previous) this.#unindex(previous)
    if (task.outcome === 'Running') this.#running.set(task.id, task)
    if (task.parent) {
      const siblings = this.#children.get(task.parent) ?? new Map<string, Task>()
      siblings.set(task.id, task)
      this.#children.set(task.parent, siblings)
    }
  }

  #unindex(task: Task): void {
    this.#running.delete(task.id)
    if (!task.parent) return
    const siblings = this.#children.get(task.parent)
    siblings?.delete(task.id)
    if (siblings?.size === 0) this.#children.delete(task.parent)
  }

  #emit(change: TaskChange): void {
    for (const listener of this.#listeners) listener(change)
  }
}
