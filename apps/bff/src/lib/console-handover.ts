import type { ConsoleClientMessage } from '@vmdeck/shared'
import type { HubMember } from './console-member.ts'

export interface ControlChange {
  from: HubMember | undefined
  to: HubMember
  how: 'first' | 'granted' | 'idle' | 'taken-over' | 'left'
  reason?: string
}

const MAX_REASON = 200

/**
 * Who controls a shared console and how control changes hands: the first browser controls; a
 * follower asks, the controller grants or refuses (and a request is granted by itself once the
 * controller has been idle for `autoGrantMs`); anyone on the console may take over at once with a
 * reason (the same RBAC right that opens the console, as KubeVirt's own take-over); when the
 * controller leaves, the follower that asked first (else the one there longest) takes over.
 */
export class Handover {
  readonly #members: HubMember[]
  readonly #autoGrantMs: number
  readonly #onChange: (change: ControlChange) => void
  readonly #recorded: boolean
  #timer: NodeJS.Timeout | undefined

  constructor(
    members: HubMember[],
    autoGrantMs: number,
    onChange: (change: ControlChange) => void,
    recorded = false,
  ) {
    this.#recorded = recorded
    this.#members = members
    this.#autoGrantMs = autoGrantMs
    this.#onChange = onChange
  }

  get controller(): HubMember | undefined {
    return this.#members.find((m) => m.role === 'controller')
  }

  /** A member finished joining (it is in the member list). */
  joined(member: HubMember, takeOver: string | undefined): void {
    const controller = this.controller
    if (!controller || controller === member) this.#give(member, 'first')
    else if (takeOver !== undefined) this.#give(member, 'taken-over', takeOver)
    else this.#presence()
  }

  /** A member left (it is no longer in the member list). */
  left(member: HubMember): void {
    member.requestedAt = undefined
    if (member.role === 'controller' && !this.controller) {
      const next = this.#oldestRequest() ?? this.#members[0]
      if (next) return this.#give(next, 'left', undefined, member)
    }
    this.#presence()
  }

  stop(): void {
    clearTimeout(this.#timer)
  }

  /** A text frame from a browser: a control message, or ignored. */
  onMessage(member: HubMember, text: string): void {
    let message: ConsoleClientMessage
    try {
      message = JSON.parse(text) as ConsoleClientMessage
    } catch {
      return
    }
    const controller = this.controller
    switch (message.type) {
      case 'request-control':
        if (member.role === 'controller' || member.requestedAt !== undefined) return
        if (!controller) return this.#give(member, 'granted')
        member.requestedAt = Date.now()
        controller.tell({ type: 'control-requested', by: member.info })
        return this.#schedule()
      case 'grant': {
        const to = this.#members.find((m) => m.id === message.to)
        if (member.role === 'controller' && to && to !== member) this.#give(to, 'granted')
        return
      }
      case 'refuse': {
        const to = this.#members.find((m) => m.id === message.to)
        if (member.role !== 'controller' || !to || to.requestedAt === undefined) return
        to.requestedAt = undefined
        to.tell({ type: 'control-refused', by: member.info })
        return this.#schedule()
      }
      case 'take-over': {
        const reason = typeof message.reason === 'string' ? message.reason.trim() : ''
        // A take-over without a reason is refused: the reason is what the record is for.
        if (member.role === 'controller' || !reason) return
        return this.#give(member, 'taken-over', reason.slice(0, MAX_REASON))
      }
    }
  }

  #oldestRequest(): HubMember | undefined {
    let oldest: HubMember | undefined
    for (const m of this.#members)
      if (m.requestedAt !== undefined && (oldest?.requestedAt ?? Infinity) > m.requestedAt)
        oldest = m
    return oldest
  }

  /** Grants the oldest request once the controller has been idle long enough (re-armed on input). */
  #schedule(): void {
    clearTimeout(this.#timer)
    const waiting = this.#oldestRequest()
    const controller = this.controller
    if (!waiting || !controller) return
    const due = controller.lastInputAt + this.#autoGrantMs - Date.now()
    if (due <= 0) return this.#give(waiting, 'idle')
    this.#timer = setTimeout(() => this.#schedule(), due)
    this.#timer.unref()
  }

  #give(
    to: HubMember,
    how: ControlChange['how'],
    reason?: string,
    previous: HubMember | undefined = this.controller,
  ): void {
    const from = previous && previous !== to ? previous : undefined
    if (from?.role === 'controller') from.role = 'follower'
    to.role = 'controller'
    to.requestedAt = undefined
    to.lastInputAt = Date.now()
    const change: ControlChange = { from, to, how, reason }
    if (how !== 'first')
      for (const m of this.#members)
        m.tell({
          type: 'control-changed',
          from: from?.info ?? null,
          to: to.info,
          how,
          ...(reason ? { reason } : {}),
        })
    this.#presence()
    this.#onChange(change)
    this.#schedule()
  }

  #presence(): void {
    const controller = this.controller
    const followers = this.#members.filter((m) => m !== controller).map((m) => m.info)
    for (const m of this.#members)
      m.tell({
        type: 'presence',
        you: m.info,
        role: m.role,
        controller: controller?.info ?? null,
        followers,
        autoGrantSeconds: Math.round(this.#autoGrantMs / 1000),
        recorded: this.#recorded,
      })
  }
}
