import { CloseCode } from '@vmdeck/shared'
import type { WebSocket } from 'ws'
import type { Cluster } from '../kube/cluster.ts'
import { matches, type Revocation } from '../kube/session-revocations.ts'
import type { ConsoleKind } from './console-target.ts'
import type { Identity } from './identity.ts'
import type { WsRelay } from './ws-relay.ts'

/** An open console as operators (and tests) see it: no credentials. */
export interface ConsoleInfo {
  user: string
  cluster: string
  namespace: string
  name: string
  console: ConsoleKind
  openedAt: number
  /** False while the cluster is being dialled. */
  connected: boolean
  bytesToClient: number
  bytesToUpstream: number
  /** How often reading the cluster stopped because the browser could not keep up. */
  pauses: number
  /** Bytes queued toward the browser right now. */
  bufferedToClient: number
}

export interface OpenConsole {
  /** Cluster, namespace, VM and kind: consoles with the same key share KubeVirt's one session. */
  key: string
  kind: ConsoleKind
  cluster: Cluster
  namespace: string
  name: string
  identity: Identity
  client: WebSocket
  relay?: WsRelay
  openedAt: number
  /** Another console of the same VM replaced this one (virt-handler drops the older session). */
  supersededBy?: string
  end(code: number, reason: string): void
}

/** The consoles open on this BFF: per-user counts, take-overs, and ending them by session. */
export class ConsoleRegistry {
  readonly #open = new Set<OpenConsole>()

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

  /**
   * Marks the other consoles of the same VM and kind as taken over by `entry`'s user (before the
   * new session is accepted: virt-handler may drop the old one first); answers them, so a failed
   * take-over can unmark them.
   */
  supersede(entry: OpenConsole): OpenConsole[] {
    const others = [...this.#open].filter(
      (other) => other !== entry && other.key === entry.key && other.supersededBy === undefined,
    )
    for (const other of others) other.supersededBy = entry.identity.username
    return others
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
      connected: c.relay !== undefined,
      bytesToClient: c.relay?.stats.bytesToClient ?? 0,
      bytesToUpstream: c.relay?.stats.bytesToUpstream ?? 0,
      pauses: c.relay?.stats.pauses ?? 0,
      bufferedToClient: c.client.bufferedAmount,
    }))
  }
}
