import type { Identity } from './identity.ts'
import { isRefreshRefusal, type OidcClient } from './oidc-client.ts'
import type { SessionData } from './session-cookie.ts'
import type { Who } from './token-reviewer.ts'

type Log = { warn(obj: object, msg: string): void; info(obj: object, msg: string): void }

export interface OidcSessionsOptions {
  client: OidcClient
  /** Renew an ID token at least this often. */
  refreshMs: number
  /** A session whose token nobody used for this long is forgotten here (the cookie remains). */
  idleMs: number
  /** Who the API server says a token is (it must accept the renewed ID token too). */
  whoAmI(token: string): Promise<Who>
  /** The session is over (the provider refused to renew it): revoke it on every replica. */
  endSession(session: { sid: string; exp: number }): Promise<void>
  /** Revoked or expired already (no renewal then). */
  hasEnded(session: { sid: string; username: string; iat: number; exp: number }): boolean
  /** A renewal brought other groups (one was removed or added at the provider). */
  onGroupsChanged?(username: string): void
  log: Log
}

interface Entry {
  sid: string
  iat: number
  exp: number
  username: string
  groups: string[]
  idToken: string
  refreshToken: string
  refreshedAt: number
  expiresAt: number
  usedAt: number
  /** After a failed attempt to reach the provider: not before then. */
  retryAt: number
  renewing?: Promise<void>
  ended: boolean
}

/** Renew this long before the ID token expires, whatever the interval. */
const EXPIRY_MARGIN_MS = 30_000

/**
 * The single sign-on sessions this replica serves, with their newest tokens. The cookie carries
 * the tokens too, so any replica can take a session over; each replica renews the sessions in use
 * on it before their ID token expires and at least every `refreshMs`, so a disabled account or a
 * removed group is noticed within that interval (the provider refuses, or issues fewer groups).
 * Open consoles and streams read `identity.token` on every re-check: they always act with the
 * newest token, and reading it counts as use (their session keeps being renewed).
 */
export class OidcSessions {
  readonly #options: OidcSessionsOptions
  readonly #entries = new Map<string, Entry>()
  #timer: NodeJS.Timeout | undefined

  constructor(options: OidcSessionsOptions) {
    this.#options = options
  }

  start(): void {
    const every = Math.min(Math.max(this.#options.refreshMs / 4, 250), 5_000)
    this.#timer = setInterval(() => void this.#tick(), every)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  /** Logout: this replica stops renewing the session at once. */
  forget(sid: string): void {
    const entry = this.#entries.get(sid)
    if (entry) entry.ended = true
    this.#entries.delete(sid)
  }

  /**
   * The identity of a sealed single sign-on session, renewed first when due; undefined when the
   * provider ended it. `sealed` is the session to seal into the cookie again when `changed`.
   */
  async identify(
    sealed: SessionData & { oidc: NonNullable<SessionData['oidc']> },
  ): Promise<{ identity: Identity; sealed: SessionData; changed: boolean } | undefined> {
    let entry = this.#entries.get(sealed.sid)
    if (!entry || (!entry.ended && sealed.oidc.refreshedAt > entry.refreshedAt)) {
      entry = {
        sid: sealed.sid,
        iat: sealed.iat,
        exp: sealed.exp,
        username: sealed.username,
        groups: sealed.groups,
        idToken: sealed.token,
        refreshToken: sealed.oidc.refreshToken,
        refreshedAt: sealed.oidc.refreshedAt,
        expiresAt: sealed.oidc.expiresAt,
        usedAt: Date.now(),
        retryAt: 0,
        ended: false,
      }
      if (this.#entries.size >= 100_000) this.#entries.clear()
      this.#entries.set(entry.sid, entry)
    }
    if (this.#due(entry)) await this.#renew(entry)
    if (entry.ended) return undefined
    entry.usedAt = Date.now()
    const live = entry
    const identity: Identity = {
      get token() {
        live.usedAt = Date.now()
        return live.idToken
      },
      username: live.username,
      get groups() {
        return live.groups
      },
      via: 'cookie',
      session: { sid: live.sid, iat: live.iat, exp: live.exp },
    }
    return {
      identity,
      changed: live.refreshedAt > sealed.oidc.refreshedAt,
      sealed: {
        ...sealed,
        token: live.idToken,
        groups: live.groups,
        oidc: {
          refreshToken: live.refreshToken,
          refreshedAt: live.refreshedAt,
          expiresAt: live.expiresAt,
        },
      },
    }
  }

  #due(entry: Entry): boolean {
    const now = Date.now()
    if (entry.ended || now < entry.retryAt) return false
    return (
      now - entry.refreshedAt >= this.#options.refreshMs ||
      entry.expiresAt - EXPIRY_MARGIN_MS <= now
    )
  }

  /** One renewal at a time per session; concurrent callers wait for the same one. */
  #renew(entry: Entry): Promise<void> {
    entry.renewing ??= this.#renewNow(entry).finally(() => (entry.renewing = undefined))
    return entry.renewing
  }

  async #renewNow(entry: Entry): Promise<void> {
    const { client, log } = this.#options
    let tokens
    try {
      tokens = await client.refresh(entry.refreshToken)
    } catch (err) {
      if (isRefreshRefusal(err))
        return this.#end(entry, 'the identity provider refused to renew it')
      // Unreachable provider: keep the token while it lasts, try again shortly. Only the error's
      // name is logged: the request carried the refresh token.
      entry.retryAt = Date.now() + Math.min(this.#options.refreshMs, 5_000)
      log.warn({ user: entry.username, error: (err as Error).name }, 'session renewal failed')
      return
    }
    let who: Who | undefined
    try {
      who = await this.#options.whoAmI(tokens.idToken)
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 401)
        return this.#end(entry, 'the cluster does not accept the renewed ID token')
      // The cluster is briefly away: the new token is good, its groups are learnt next time.
    }
    if (who && who.username !== entry.username)
      return this.#end(entry, 'the renewed ID token names another user')
    const groupsChanged = who !== undefined && !sameGroups(who.groups, entry.groups)
    Object.assign(entry, {
      idToken: tokens.idToken,
      refreshToken: tokens.refreshToken ?? entry.refreshToken,
      expiresAt: tokens.expiresAt,
      refreshedAt: Date.now(),
      groups: who?.groups ?? entry.groups,
    })
    if (groupsChanged) this.#options.onGroupsChanged?.(entry.username)
  }

  async #end(entry: Entry, why: string): Promise<void> {
    if (entry.ended) return
    entry.ended = true
    this.#entries.delete(entry.sid)
    this.#options.log.info({ user: entry.username, why }, 'single sign-on session ended')
    await this.#options
      .endSession({ sid: entry.sid, exp: entry.exp })
      .catch((err: unknown) =>
        this.#options.log.warn({ error: (err as Error).name }, 'session end not recorded'),
      )
  }

  async #tick(): Promise<void> {
    const now = Date.now()
    for (const entry of [...this.#entries.values()]) {
      if (
        entry.exp <= now ||
        now - entry.usedAt > this.#options.idleMs ||
        this.#options.hasEnded({ ...entry })
      ) {
        this.#entries.delete(entry.sid)
        continue
      }
      if (this.#due(entry)) await this.#renew(entry)
    }
  }
}

const sameGroups = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n')
