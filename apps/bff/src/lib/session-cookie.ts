import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

export interface SessionData {
  /** The user's Kubernetes bearer token: it never leaves the BFF except toward the API server. */
  token: string
  username: string
  groups: string[]
  /** The provider's `name` claim (single sign-on): shown, never used to decide anything. */
  displayName?: string
  /** Expiry, epoch milliseconds. */
  exp: number
  /** Random id, so one session can be revoked on every replica (the cookie itself cannot be). */
  sid: string
  /** Issued at, epoch milliseconds: "end this user's sessions" revokes those issued before. */
  iat: number
  /** Last request seen, epoch milliseconds (idle timeout); refreshed by re-sealing the cookie. */
  seen: number
  /**
   * A single sign-on session: `token` is the provider's ID token, renewed with this refresh token
   * (both stay in the BFF and its encrypted cookie; the browser's JavaScript never sees them).
   */
  oidc?: OidcTokens
}

export interface OidcTokens {
  refreshToken: string
  /** When the ID token in `token` was issued to the BFF, epoch milliseconds. */
  refreshedAt: number
  /** When the ID token expires, epoch milliseconds. */
  expiresAt: number
}

/**
 * Sessions live in an AES-256-GCM encrypted, authenticated cookie, so any BFF replica holding
 * the keys can read them and they survive restarts. The first key seals; all keys open, so keys
 * can be rotated by prepending a new one.
 */
export class SessionSealer {
  readonly #keys: Buffer[]

  constructor(secrets: string[]) {
    if (secrets.length === 0) throw new Error('at least one session key is required')
    this.#keys = secrets.map((secret) => createHash('sha256').update(secret).digest())
  }

  seal(data: SessionData): string {
    return this.sealValue(data)
  }

  open(value: string | undefined, now = Date.now()): SessionData | undefined {
    const data = this.openValue<SessionData>(value)
    // Cookies sealed before sessions had ids cannot be revoked: treat them as ended.
    if (!data || typeof data.sid !== 'string' || typeof data.iat !== 'number') return undefined
    return data.exp > now ? data : undefined
  }

  /** Encrypts and authenticates any JSON value (the session, or a sign-in's state). */
  sealValue(data: unknown): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#keys[0] as Buffer, iv)
    const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()])
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
  }

  /** The value `sealValue` sealed with any of the keys, or undefined if tampered or foreign. */
  openValue<T>(value: string | undefined): T | undefined {
    if (!value) return undefined
    const raw = Buffer.from(value, 'base64url')
    if (raw.length < 29) return undefined
    for (const key of this.#keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
        decipher.setAuthTag(raw.subarray(12, 28))
        const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(
          'utf8',
        )
        return JSON.parse(text) as T
      } catch {
        // wrong key or tampered: try the next key
      }
    }
    return undefined
  }
}
