import type { KubernetesObject } from '@kubernetes/client-node'
import { createHash } from 'node:crypto'
import { createConfigMap, deleteConfigMap } from './api/config-map-requests.ts'
import { paths } from './api/paths.ts'
import type { KubeClient } from './kube-client.ts'
import type { ResilientInformer } from './resilient-informer.ts'

/** What a revocation check needs to know about a session. */
export interface SessionRef {
  sid: string
  username: string
  /** Issued at, epoch milliseconds. */
  iat: number
}

/** Why a session was revoked: its user logged out, or its identity provider ended it. */
export type SessionEndReason = 'logout' | 'provider'

export type Revocation =
  | { kind: 'session'; sid: string; reason?: SessionEndReason }
  | { kind: 'user'; username: string; before: number }

type Log = { warn(obj: object, msg: string): void }

const LABEL = 'vmdeck.io/revocation'
const MANAGED = 'app.kubernetes.io/managed-by=vmdeck'
const GC_INTERVAL_MS = 10 * 60_000

interface ConfigMap extends KubernetesObject {
  data?: Record<string, string>
}

/**
 * Revoked sessions, shared by every BFF replica through the cluster itself: one ConfigMap per
 * revoked session id (logout) or per "end this user's sessions" (all sessions of a user issued
 * before a time), in the BFF's namespace, watched by every replica. ConfigMaps are core v1, so
 * this works the same against any kube-apiserver; no sticky sessions, no store outside the
 * cluster. A record lives until the sessions it names would have expired anyway, then any
 * replica deletes it.
 */
export class SessionRevocations {
  readonly #client: KubeClient
  readonly #informer: ResilientInformer<KubernetesObject>
  readonly #namespace: string
  readonly #log: Log
  /** Revocations made by this replica, effective before the watch echoes them back. */
  readonly #local = new Map<string, { revocation: Revocation; until: number }>()
  readonly #listeners = new Set<(revocation: Revocation) => void>()
  // Indexes, so a request's check costs two lookups whatever the number of records.
  #sids = new Set<string>()
  #users = new Map<string, number>()
  #everSynced = false
  #gc: NodeJS.Timeout | undefined

  constructor(options: {
    client: KubeClient
    watch: (path: string, labelSelector: string) => ResilientInformer<KubernetesObject>
    namespace: string
    log: Log
  }) {
    this.#client = options.client
    this.#namespace = options.namespace
    this.#log = options.log
    this.#informer = options.watch(paths.configMaps(options.namespace), `${MANAGED},${LABEL}`)
    for (const event of ['add', 'update'] as const)
      this.#informer.on(event, (object) => {
        const revocation = parse(object)
        if (revocation) this.#emit(revocation)
      })
  }

  /** True once the records have been listed at least once: before that no cookie is trusted. */
  get ready(): boolean {
    if (this.#informer.synced) this.#everSynced = true
    return this.#everSynced
  }

  isRevoked(session: SessionRef): boolean {
    return this.#sids.has(session.sid) || session.iat <= (this.#users.get(session.username) ?? -1)
  }

  /** Called with every revocation this replica learns of (its own and other replicas'). */
  onRevoked(listener: (revocation: Revocation) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Logout (or the identity provider's refusal): this session id, until it would have expired. */
  async revokeSession(
    sid: string,
    until: number,
    reason: SessionEndReason = 'logout',
  ): Promise<void> {
    await this.#record({ kind: 'session', sid, reason }, until, `vmdeck-revoked-s-${sid}`, {
      sessionId: sid,
      reason,
    })
  }

  /** Every session of `username` issued up to now, for at most `ttlMs` (the longest session). */
  async revokeUser(username: string, ttlMs: number): Promise<void> {
    const before = Date.now()
    const name = `vmdeck-revoked-u-${createHash('sha256').update(username).digest('hex').slice(0, 32)}-${before}`
    await this.#record({ kind: 'user', username, before }, before + ttlMs, name, {
      username,
      issuedBefore: String(before),
    })
  }

  async start(): Promise<void> {
    this.#gc = setInterval(() => void this.#collect(), GC_INTERVAL_MS)
    this.#gc.unref()
    await this.#informer.start()
  }

  async stop(): Promise<void> {
    clearInterval(this.#gc)
    await this.#informer.stop()
  }

  async #record(
    revocation: Revocation,
    until: number,
    name: string,
    data: Record<string, string>,
  ): Promise<void> {
    // Effective here at once, whatever the cluster says next.
    this.#local.set(name, { revocation, until })
    this.#emit(revocation)
    const response = await createConfigMap(
      this.#client,
      this.#namespace,
      { name, labels: { 'app.kubernetes.io/managed-by': 'vmdeck', [LABEL]: revocation.kind } },
      { ...data, until: String(until) },
    )
    // 409: another replica (or an earlier try) recorded the same session id already.
    if (response.status >= 400 && response.status !== 409) {
      this.#log.warn({ status: response.status }, 'session revocation could not be recorded')
      throw new Error(`recording the revocation answered ${response.status}`)
    }
  }

  #emit(revocation: Revocation): void {
    this.#index(revocation)
    for (const listener of this.#listeners) listener(revocation)
  }

  #index(revocation: Revocation): void {
    if (revocation.kind === 'session') this.#sids.add(revocation.sid)
    else
      this.#users.set(
        revocation.username,
        Math.max(revocation.before, this.#users.get(revocation.username) ?? -1),
      )
  }

  /** Deletes records whose sessions have all expired (any replica may; 404 means one did). */
  async #collect(): Promise<void> {
    const now = Date.now()
    for (const [name, entry] of this.#local) if (entry.until < now) this.#local.delete(name)
    this.#sids = new Set()
    this.#users = new Map()
    for (const entry of this.#local.values()) this.#index(entry.revocation)
    for (const object of this.#informer.list()) {
      const until = Number((object as ConfigMap).data?.until)
      const name = object.metadata?.name
      if (!(until < now)) {
        const revocation = parse(object)
        if (revocation) this.#index(revocation)
        continue
      }
      if (!name) continue
      await deleteConfigMap(this.#client, this.#namespace, name).catch((err: unknown) =>
        this.#log.warn({ err }, 'expired revocation not deleted'),
      )
    }
  }
}

function parse(object: ConfigMap): Revocation | undefined {
  const data = object.data ?? {}
  const kind = object.metadata?.labels?.[LABEL]
  if (kind === 'session' && data.sessionId)
    return {
      kind: 'session',
      sid: data.sessionId,
      reason: data.reason === 'provider' ? 'provider' : 'logout',
    }
  if (kind === 'user' && data.username && Number.isFinite(Number(data.issuedBefore)))
    return { kind: 'user', username: data.username, before: Number(data.issuedBefore) }
  return undefined
}

/** Whether a revocation covers a session (open streams and consoles ask this). */
export function matches(revocation: Revocation, session: SessionRef): boolean {
  return revocation.kind === 'session'
    ? revocation.sid === session.sid
    : revocation.username === session.username && session.iat <= revocation.before
}
