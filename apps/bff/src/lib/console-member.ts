import type { ConsoleMember, ConsoleRole, ConsoleServerMessage } from '@vmdeck/shared'
import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import type { Identity } from './identity.ts'
import { closeQuietly } from './ws-relay.ts'

export interface MemberEnd {
  by: 'client' | 'upstream' | 'server'
  code: number
  reason: string
}

/** One browser on a shared console: the controller, or a follower whose input is dropped. */
export class HubMember {
  readonly id = randomUUID()
  readonly user: string
  readonly identity: Identity
  readonly client: WebSocket
  /** Whether the browser asked for the presence messages (text frames); scripts do not. */
  readonly presence: boolean
  role: ConsoleRole = 'follower'
  /** Past its handshake: it may receive the console's output. */
  ready = false
  /** Receiving the upstream stream (joined at a message boundary). */
  synced = false
  /** The controller's last input, for the automatic hand-over. */
  lastInputAt = Date.now()
  /** When this follower asked for control, if it did. */
  requestedAt: number | undefined
  readonly stats = { bytesToClient: 0, bytesToUpstream: 0, droppedInput: 0 }
  readonly ended: Promise<MemberEnd>
  #end: MemberEnd | undefined
  #resolve!: (end: MemberEnd) => void

  constructor(identity: Identity, client: WebSocket, presence: boolean) {
    this.identity = identity
    this.user = identity.username
    this.client = client
    this.presence = presence
    this.ended = new Promise((resolve) => {
      this.#resolve = resolve
    })
  }

  get isEnded(): boolean {
    return this.#end !== undefined
  }

  get info(): ConsoleMember {
    return { id: this.id, user: this.user }
  }

  /** Records how it ended (the first end wins); false if it had ended already. */
  finish(end: MemberEnd): boolean {
    if (this.#end) return false
    this.#end = end
    this.#resolve(end)
    return true
  }

  /** Ends it from the server side with a close code the browser reads. */
  close(code: number, reason: string): void {
    this.finish({ by: 'server', code, reason })
    closeQuietly(this.client, code, reason)
  }

  /** A presence message, to browsers that asked for them. */
  tell(message: ConsoleServerMessage): void {
    if (this.presence && this.client.readyState === WebSocket.OPEN)
      this.client.send(JSON.stringify(message))
  }
}
