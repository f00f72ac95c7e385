import { CloseCode } from '@vmdeck/shared'
import type { WebSocket } from 'ws'
import type { Cluster } from '../kube/cluster.ts'
import { matches, type Revocation } from '../kube/session-revocations.ts'
import type { ConsoleKind } from './console-target.ts'
import type { Identity } from './identity.ts'
import type { ConsoleHub } from './console-hub.ts'
import type { HubMember } from './console-member.ts'

/** An open console as operators (and tests) see it: no credentials. */
export interface ConsoleInfo {
  user: string
  cluster: string
  namespace: string
  name: string
  console: ConsoleKind
  openedAt: number
  /** False while the cluster is being dialled (or the shared stream looked up). */
  connected: boolean
  /** Controller or follower of the VM's one shared console stream. */
  role: 'controller' | 'follower' | undefined
  /** Input dropped because this browser was a follower. */
  droppedInput: number
  bytesToClient: number
  bytesToUpstream: number
  /** Bytes the shared stream read from the cluster. */
  bytesFromUpstream: number
  /** How often reading the cluster stopped because the browser could not keep up. */
  pauses: number
  /** Bytes queued toward the browser right now. */
  bufferedToClient: number
}

export interface OpenConsole {
  /** Cluster, namespace, VM and kind: consoles with the same key share one upstream (a hub). */
  key: string
  kind: ConsoleKind
  cluster: Cluster
  namespace: string
  name: string
  identity: Identity
  client: WebSocket
  hub?: ConsoleHub
  member?: HubMember
  openedAt: number
  end(code: number, reason: string): void
}

/** The consoles open on this BFF: per-user counts, shared upstreams, and ending them by session. */
export class ConsoleRegistry {
  readonly #open = new Set<OpenConsole>()
  /** The one upstream stream per VM console (being opened, or open), by key. */
  readonly hubs = new Map<string, Promise<ConsoleHub>>()

  /** The open console of a hub member. */
  byMember(id: string): OpenConsole | undefined {
    for (const entry of this.#open) if (entry.member?.id === id) return entry
    return undefined
  }

  add(entry: OpenConsole): void {
    this.#open.add(entry)
  }

  delete(entry: OpenConsole): void {
    this.#open.delete(entry)
  }

  countFor(username: string): number {
    let count = 0
    for (const entry of this.#open) if (entry.identity.username === username) count++
    return count
  }

  /** Logout or "end this user's sessions", here or on another replica: their consoles end. */
  endRevoked(revocation: Revocation): void {
    for (const entry of this.#open) {
      const session = entry.identity.session
      if (session && matches(revocation, { ...session, username: entry.identity.username }))
        entry.end(
          CloseCode.unauthenticated,
          revocation.kind === 'user'
            ? 'An administrator ended your sessions; log in again.'
            : revocation.reason === 'provider'
              ? 'Your sign-in ended at the identity provider; log in again.'
              : 'You logged out.',
        )
    }
  }

  endAll(code: number, reason: string): void {
    for (const entry of this.#open) entry.end(code, reason)
  }

  info(): ConsoleInfo[] {
    return [...this.#open].map((c) => ({
      user: c.identity.username,
      cluster: c.cluster.id,
      namespace: c.namespace,
      name: c.name,
      console: c.kind,
      openedAt: c.openedAt,
      connected: c.hub !== undefined,
      role: c.member?.role,
      droppedInput: c.member?.stats.droppedInput ?? 0,
      bytesToClient: c.member?.stats.bytesToClient ?? 0,
      bytesToUpstream: c.member?.stats.bytesToUpstream ?? 0,
      bytesFromUpstream: c.hub?.stats.bytesFromUpstream ?? 0,
      pauses: c.hub?.stats.pauses ?? 0,
      bufferedToClient: c.client.bufferedAmount,
    }))
  }
}
