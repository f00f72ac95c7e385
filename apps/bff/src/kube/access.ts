import type { PermissionCheck } from '@vmdeck/shared'
import { createHash } from 'node:crypto'
import { accessReview } from './api/review-requests.ts'
import type { KubeClient } from './kube-client.ts'

/** Which namespaces' objects of one kind a user may see in the shared cache. */
export type Visibility = { all: true } | { all: false; namespaces: ReadonlySet<string> }

export interface AccessDecision {
  allowed: boolean
  reason?: string
  /** The API server did not accept the token itself (401): the user must log in again. */
  tokenRejected?: boolean
}

interface Entry {
  decision: Promise<AccessDecision>
  until: number
}

const MAX_ENTRIES = 50_000
/** One user's share of the cache: past it, that user's own oldest decisions go first. */
const MAX_ENTRIES_PER_USER = 2_000

/**
 * Per-user access decisions for everything served from the shared caches (Headlamp's SSAR gate):
 * SelfSubjectAccessReviews sent with the user's own token, so the API server decides. Decisions
 * are cached briefly and dropped at once when RBAC objects change (`invalidate`), so removing a
 * RoleBinding reaches lists and open streams within seconds.
 */
export class AccessControl {
  // Per user (token digest), then per check: a user asking thousands of distinct checks evicts
  // only their own decisions, never the cache of everyone else.
  readonly #cache = new Map<string, Map<string, Entry>>()
  #size = 0
  readonly #perUser: number
  readonly #listeners = new Set<() => void>()
  readonly #clientFor: (token: string) => KubeClient
  readonly #ttlMs: number
  readonly #log: { warn(obj: object, msg: string): void }

  constructor(
    clientFor: (token: string) => KubeClient,
    log: { warn(obj: object, msg: string): void },
    ttlMs = 5_000,
    perUser = MAX_ENTRIES_PER_USER,
  ) {
    this.#clientFor = clientFor
    this.#log = log
    this.#ttlMs = ttlMs
    this.#perUser = perUser
  }

  /** Forget every decision (RBAC changed) and tell the open streams to re-check. */
  invalidate(): void {
    this.#cache.clear()
    this.#size = 0
    for (const listener of this.#listeners) listener()
  }

  onInvalidate(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  get size(): number {
    return this.#size
  }

  /** Whether this decision would be answered from the cache (no review). */
  isCached(token: string, check: PermissionCheck, now = Date.now()): boolean {
    const hit = this.#cache.get(digest(token))?.get(checkKey(check))
    return hit !== undefined && hit.until > now
  }

  async can(token: string, check: PermissionCheck): Promise<AccessDecision> {
    const user = digest(token)
    const key = checkKey(check)
    const now = Date.now()
    let mine = this.#cache.get(user)
    const hit = mine?.get(key)
    if (hit && hit.until > now) return hit.decision
    const decision = this.#review(token, check)
    if (!mine) {
      mine = new Map()
      this.#cache.set(user, mine)
    }
    if (hit) {
      mine.delete(key)
      this.#size--
    }
    while (mine.size >= this.#perUser) this.#evictOldest(mine)
    // Full overall: drop the users seen longest ago, whole, until there is room.
    while (this.#size >= MAX_ENTRIES) {
      const [oldest, entries] = this.#cache.entries().next().value ?? []
      if (oldest === undefined || !entries || entries === mine) break
      this.#size -= entries.size
      this.#cache.delete(oldest)
    }
    mine.set(key, { decision, until: now + this.#ttlMs })
    this.#size++
    // A user active again moves to the back of the eviction order.
    this.#cache.delete(user)
    this.#cache.set(user, mine)
    // A failed review is not remembered: the next request asks again.
    const cached = mine
    decision.catch(() => {
      if (cached.delete(key)) this.#size--
    })
    return decision
  }

  #evictOldest(entries: Map<string, Entry>): void {
    const oldest = entries.keys().next().value
    if (oldest === undefined) return
    entries.delete(oldest)
    this.#size--
  }

  /**
   * The namespaces (among `candidates`, those the cache holds objects in) where the user may
   * `list` this kind. A cluster-wide grant answers with one review.
   */
  async visibleNamespaces(
    token: string,
    kind: { group: string; resource: string },
    candidates: Iterable<string>,
  ): Promise<Visibility> {
    const clusterWide = await this.can(token, { verb: 'list', ...kind })
    if (clusterWide.allowed) return { all: true }
    const namespaces = [...new Set(candidates)]
    const decisions = await Promise.all(
      namespaces.map((namespace) => this.can(token, { verb: 'list', ...kind, namespace })),
    )
    return { all: false, namespaces: new Set(namespaces.filter((_, i) => decisions[i]?.allowed)) }
  }

  async #review(token: string, check: PermissionCheck): Promise<AccessDecision> {
    const response = await accessReview(this.#clientFor(token), check)
    // Fail closed: no answer from the authorization API means no access (never "allow all").
    if (response.status === 404 || response.status === 403) {
      this.#log.warn({ status: response.status }, 'SelfSubjectAccessReview refused; denying access')
      return { allowed: false, reason: `access review answered ${response.status}` }
    }
    if (response.status === 401)
      return { allowed: false, reason: 'token not accepted', tokenRejected: true }
    if (response.status >= 400)
      throw new Error(`SelfSubjectAccessReview answered ${response.status}`)
    const status = (response.body as { status?: { allowed?: boolean; reason?: string } }).status
    return {
      allowed: status?.allowed === true,
      ...(status?.reason ? { reason: status.reason } : {}),
    }
  }
}

const checkKey = (check: PermissionCheck) =>
  `${check.verb}|${check.group ?? ''}|${check.resource}|${check.subresource ?? ''}|${check.namespace ?? ''}|${check.name ?? ''}`

const digest = (token: string) => createHash('sha256').update(token).digest('base64url')

export const isVisible = (visibility: Visibility, namespace: string): boolean =>
  visibility.all || visibility.namespaces.has(namespace)
