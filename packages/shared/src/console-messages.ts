/**
 * The text frames of vmdeck's console WebSockets (the console itself travels in binary frames):
 * who holds the console, who watches, and the hand-over between them. JSON, one message a frame.
 */

/** A browser connected to a console; `id` is unique per connection, `user` the login name. */
export interface ConsoleMember {
  id: string
  user: string
}

export type ConsoleRole = 'controller' | 'follower'

export type ConsoleServerMessage =
  /** Sent on joining and whenever the controller or the followers change. */
  | {
      type: 'presence'
      /** The receiving connection. */
      you: ConsoleMember
      role: ConsoleRole
      controller: ConsoleMember | null
      followers: ConsoleMember[]
      /** Seconds of controller inactivity after which a request for control is granted. */
      autoGrantSeconds: number
      /** The session is recorded (a transcript of what is typed and printed). */
      recorded: boolean
    }
  /** To the controller: a follower asks for control (granted by itself after autoGrantSeconds idle). */
  | { type: 'control-requested'; by: ConsoleMember }
  /** To a follower: the controller refused its request. */
  | { type: 'control-refused'; by: ConsoleMember }
  /** To everybody: control moved, and why (a grant, an idle controller, a take-over with its reason). */
  | {
      type: 'control-changed'
      from: ConsoleMember | null
      to: ConsoleMember
      how: 'granted' | 'idle' | 'taken-over' | 'left'
      reason?: string
    }

export type ConsoleClientMessage =
  | { type: 'request-control' }
  | { type: 'grant'; to: string }
  | { type: 'refuse'; to: string }
  /** Take control at once; the reason is recorded. */
  | { type: 'take-over'; reason: string }
