import type { Task } from '@vmdeck/shared'
import { taskSentence } from '@vmdeck/shared'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { createTask, patchTaskStatus, type TaskStatus } from '../kube/api/task-requests.ts'
import type { KubeClient } from '../kube/kube-client.ts'
import type { TaskStore } from '../kube/task-store.ts'
import { progressOf, timeoutMessage, type ClusterView } from './task-progress.ts'
import { taskEvent, type EventSink } from './task-events.ts'
import { sessionStep } from './task-sessions.ts'
import type { TaskRequest, TaskUser } from './task-request.ts'
import { TaskRetention, type RetentionOptions } from './task-retention.ts'

export type { TaskRequest, TaskUser } from './task-request.ts'

export interface TaskRecorderOptions {
  /** The cluster's id, as the API names it. */
  cluster: string
  /** vmdeck's own identity: users never write task records. */
  client: KubeClient
  store: TaskStore
  view: ClusterView
  /** Where tasks about cluster-scoped objects (nodes) are recorded: vmdeck's own namespace. */
  homeNamespace: string
  retention: RetentionOptions
  /** Default time the cluster may take to show an operation done. */
  timeoutMs: number
  /** How often running tasks are checked (besides every change of the caches). */
  followIntervalMs?: number
  /** This replica's name in the records (console sessions, Events). */
  replica?: string
  /**
   * How often a replica renews the console sessions it holds (default 60 s). A session not renewed
   * for three times this long belongs to a replica that is gone, and any replica ends it.
   */
  heartbeatMs?: number
  log: { warn(obj: object, msg: string): void }
}

const newId = () => `t-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`

/** The API's message of a refused request (HttpError, or any error). */
const messageOf = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).slice(0, 4000) || 'The request failed.'

/**
 * Records one task per operation vmdeck carries out, in the cluster (a `tasks.vmdeck.io` record
 * in the target's namespace, with an Event on the VM beside it), and finishes it when the cluster
 * shows the operation done, failed, or not done in time. Every replica follows every running
 * task from the shared records, so a task outlives the replica that started it; two replicas
 * that see the same end write it once (the status write is conditional on the record's version).
 * Recording never fails the operation itself: a record that cannot be written is logged.
 */
export class TaskRecorder {
  readonly #o: TaskRecorderOptions
  readonly #replica: string
  readonly #retention: TaskRetention
  readonly #eventSink: EventSink
  /** Records being created: an end waits for its record. */
  readonly #creating = new Map<string, Promise<boolean>>()
  /** Tasks whose status write is in flight (no second write meanwhile). */
  readonly #writing = new Set<string>()
  /** Console sessions open on this replica. */
  readonly #held = new Set<string>()
  readonly #unsubscribes: (() => void)[] = []
  /** The namespaces of tasks begun here, for ends written before the cache has their records. */
  readonly #begun = new Map<string, string>()
  /** When each held session was last renewed (by this replica). */
  readonly #renewed = new Map<string, number>()
  /** Waiting for the next pass over the running tasks. */
  #followers: (() => void)[] = []
  #timer: NodeJS.Timeout | undefined
  #scheduled = false

  constructor(options: TaskRecorderOptions) {
    this.#o = options
    this.#replica = options.replica ?? hostname()
    this.#eventSink = { client: options.client, replica: this.#replica, log: options.log }
    this.#retention = new TaskRetention(
      options.client,
      options.store,
      options.retention,
      options.log,
    )
  }

  /**
   * Starts a task and returns its id at once (the record is written in the background).
   * `hold`: the task stays running until `end` (console sessions), whatever the cluster shows.
   */
  begin(user: TaskUser, request: TaskRequest, hold = false): string {
    const id = newId()
    const namespace = request.target.namespace ?? this.#o.homeNamespace
    const parameters = Object.fromEntries(
      Object.entries(request.parameters ?? {}).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    )
    if (hold) parameters.replica = this.#replica
    const startedAt = new Date().toISOString()
    if (hold) {
      this.#held.add(id)
      this.#renewed.set(id, Date.now())
    }
    this.#begun.set(id, namespace)
    // Bounded: only the latest tasks can still be ahead of the cache.
    if (this.#begun.size > 1_000) this.#begun.delete(this.#begun.keys().next().value ?? '')
    const created = createTask(this.#o.client, namespace, {
      metadata: {
        name: id,
        labels: {
          'app.kubernetes.io/managed-by': 'vmdeck',
          'vmdeck.io/action': request.action,
        },
      },
      spec: {
        user: { username: user.username, groups: user.groups },
        action: request.action,
        target: { cluster: this.#o.cluster, ...request.target },
        parameters,
        ...(request.parent ? { parent: request.parent } : {}),
        startedAt,
        timeoutSeconds: Math.round((request.timeoutMs ?? this.#o.timeoutMs) / 1000),
      },
    }).then(
      (response) => {
        if (response.status >= 400) {
          this.#o.log.warn({ status: response.status, id }, 'task record not written')
          return false
        }
        return true
      },
      (err: unknown) => {
        this.#o.log.warn({ err, id }, 'task record not written')
        return false
      },
    )
    this.#creating.set(id, created)
    void created.then((ok) => {
      this.#creating.delete(id)
      if (!ok) return
      taskEvent(
        this.#eventSink,
        request,
        user,
        namespace,
        'TaskStarted',
        `${user.username}: ${request.action} (task ${id})`,
      )
      this.#schedule()
    })
    return id
  }

  /** Runs `operation` as a task: a refused request ends it failed with the API's message. */
  async run<T>(user: TaskUser, request: TaskRequest, operation: () => Promise<T>): Promise<T> {
    const id = this.begin(user, request)
    try {
      return await operation()
    } catch (err) {
      await this.end(id, { outcome: 'Failed', message: messageOf(err) })
      throw err
    }
  }

  /** Ends a task now (a refused request, a console closed). */
  async end(id: string, status: TaskStatus): Promise<void> {
    this.#held.delete(id)
    this.#renewed.delete(id)
    if (!(await (this.#creating.get(id) ?? Promise.resolve(true)))) return
    // The record this replica just wrote may not be in its cache yet: the write needs no version.
    const task = this.#o.store.get(id)
    await this.#finish(id, task, { endedAt: new Date().toISOString(), ...status }, false)
  }

  async start(): Promise<void> {
    this.#timer = setInterval(() => this.#follow(), this.#o.followIntervalMs ?? 1_000)
    this.#timer.unref()
    this.#unsubscribes.push(
      this.#o.store.subscribe((change) => {
        this.#schedule()
        // A new or ended task may be one too many for its namespace now (as the cache shows it).
        if (change.type === 'upsert') this.#retention.soon(change.task.namespace)
      }),
    )
    this.#retention.start()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    this.#retention.stop()
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe()
  }

  /** Resolves after the next pass over the running tasks (tests await it instead of a sleep). */
  nextFollow(): Promise<void> {
    return new Promise((resolve) => {
      this.#followers.push(resolve)
      this.#schedule()
    })
  }

  /** Re-checks running tasks soon: a cache changed (coalesced, one check per burst). */
  notify(): void {
    this.#schedule()
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setTimeout(() => {
      this.#scheduled = false
      this.#follow()
    }, 50).unref()
  }

  #follow(): void {
    if (!this.#o.store.synced) return
    const now = Date.now()
    for (const task of this.#o.store.running()) {
      if (this.#writing.has(task.id) || this.#creating.has(task.id)) continue
      if (task.action === 'console') {
        this.#followSession(task, now)
        continue
      }
      const next = progressOf(task, this.#o.view)
      if (next && next.outcome !== 'Running') {
        void this.#finish(task.id, task, { ...next, endedAt: new Date().toISOString() })
        continue
      }
      const timeoutSeconds =
        this.#o.store.timeoutSecondsOf(task.id) ?? Math.round(this.#o.timeoutMs / 1000)
      if (Date.parse(task.startedAt) + timeoutSeconds * 1000 < now) {
        void this.#finish(task.id, task, {
          outcome: 'Failed',
          endedAt: new Date().toISOString(),
          message: timeoutMessage(task, timeoutSeconds, this.#o.view),
        })
        continue
      }
      if (next) void this.#write(task, next)
    }
    for (const resolve of this.#followers.splice(0)) resolve()
  }

  /** A console session: renewed while held here, ended when its replica is gone (task-sessions). */
  #followSession(task: Task, now: number): void {
    const step = sessionStep(
      task,
      {
        replica: this.#replica,
        held: this.#held.has(task.id),
        renewedAt: this.#renewed.get(task.id),
        heartbeatAt: this.#o.store.heartbeatOf(task.id),
        heartbeatMs: this.#o.heartbeatMs ?? 60_000,
      },
      now,
    )
    if (step && 'renew' in step) {
      this.#renewed.set(task.id, now)
      void this.#write(task, { outcome: 'Running', heartbeatAt: new Date(now).toISOString() })
    } else if (step)
      void this.#finish(task.id, task, {
        outcome: 'Succeeded',
        endedAt: new Date().toISOString(),
        message: step.end,
      })
  }

  /** A running task's progress (conditional: a stale view writes nothing). */
  async #write(task: Task, status: TaskStatus): Promise<boolean> {
    const version = this.#o.store.versionOf(task.id)
    this.#writing.add(task.id)
    try {
      const response = await patchTaskStatus(
        this.#o.client,
        task.namespace,
        task.id,
        status,
        version,
      )
      if (response.status >= 400 && response.status !== 409 && response.status !== 404)
        this.#o.log.warn({ status: response.status, id: task.id }, 'task status not written')
      return response.status < 400
    } catch (err) {
      this.#o.log.warn({ err, id: task.id }, 'task status not written')
      return false
    } finally {
      this.#writing.delete(task.id)
    }
  }

  async #finish(
    id: string,
    task: Task | undefined,
    status: TaskStatus,
    conditional = true,
  ): Promise<void> {
    const namespace = task?.namespace ?? this.#begun.get(id)
    if (!namespace) return
    const version = conditional ? this.#o.store.versionOf(id) : undefined
    this.#writing.add(id)
    try {
      const response = await patchTaskStatus(this.#o.client, namespace, id, status, version)
      if (response.status >= 400) {
        // 409: another replica wrote the end first.
        if (response.status !== 409)
          this.#o.log.warn({ status: response.status, id }, 'task end not written')
        return
      }
      const ended = task ?? this.#o.store.get(id)
      if (ended)
        taskEvent(
          this.#eventSink,
          { action: ended.action, target: ended.target },
          { username: ended.user, groups: ended.groups },
          namespace,
          status.outcome === 'Succeeded' ? 'TaskSucceeded' : `Task${status.outcome ?? 'Ended'}`,
          `${taskSentence(ended)}: ${(status.outcome ?? 'ended').toLowerCase()}${status.message ? `. ${status.message}` : ''}`,
        )
    } catch (err) {
      this.#o.log.warn({ err, id }, 'task end not written')
    } finally {
      this.#writing.delete(id)
    }
  }
}
