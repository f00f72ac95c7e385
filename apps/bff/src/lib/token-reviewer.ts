import { createHash } from 'node:crypto'
import { selfReview } from '../kube/api/review-requests.ts'
import type { Cluster } from '../kube/cluster.ts'
import { httpError, tooManyRequests } from '../kube/http-error.ts'
import { assertBearerToken } from './bearer-token.ts'
import { RateLimiter } from './rate-limiter.ts'

export interface Who {
  username: string
  groups: string[]
}

export interface TokenReviewerOptions {
  /** The cluster that says whom a token names. */
  cluster: () => Cluster | undefined
  /** Failed logins allowed per client address and per token, per window. */
  failures: { perAddress: number; perToken: number; windowMs: number }
  log: { warn(obj: object, msg: string): void }
}

const digest = (token: string) => createHash('sha256').update(token).digest('base64')

/**
 * Asks the API server whom a token belongs to (SelfSubjectReview). Each failed token costs the
 * API server a review, so failures are limited per client and per token; good answers are
 * remembered for a minute, so a script polling the API does not cost a review per request.
 */
export class TokenReviewer {
  readonly #options: TokenReviewerOptions
  readonly #byAddress: RateLimiter
  readonly #byToken: RateLimiter
  readonly #reviewed = new Map<string, Who & { until: number }>()

  constructor(options: TokenReviewerOptions) {
    this.#options = options
    const { perAddress, perToken, windowMs } = options.failures
    this.#byAddress = new RateLimiter({ limit: perAddress, windowMs })
    this.#byToken = new RateLimiter({ limit: perToken, windowMs })
  }

  /** Rejects malformed tokens (400), unknown ones (401), and callers that failed too often (429). */
  async review(token: string, clientAddress = ''): Promise<Who> {
    assertBearerToken(token)
    const tokenKey = digest(token)
    const hit = this.#reviewed.get(tokenKey)
    if (hit && hit.until > Date.now()) return hit
    const wait = Math.max(
      this.#byAddress.blockedFor(clientAddress),
      this.#byToken.blockedFor(tokenKey),
    )
    if (wait > 0)
      throw tooManyRequests(
        'Too many failed logins from here or with this token; wait before trying again.',
        'TOO_MANY_FAILED_LOGINS',
        wait,
      )
    const cluster = this.#options.cluster()
    if (!cluster) throw httpError(503, 'No cluster is configured, so no token can be checked.')
    const rejected = () => {
      this.#byAddress.spend(clientAddress)
      this.#byToken.spend(tokenKey)
      return httpError(401, 'The Kubernetes API server did not accept this token.', 'INVALID_TOKEN')
    }
    const unavailable = (status: number | undefined) => {
      // Only the status is logged: an error's text could quote the request (the token).
      this.#options.log.warn({ cluster: cluster.id, status }, 'token review failed')
      return httpError(
        503,
        `Cluster ${cluster.id} could not check the token right now; try again.`,
        'CLUSTER_UNAVAILABLE',
      )
    }
    const answer = await selfReview(cluster.clientFor(token)).catch(() => undefined)
    if (answer === undefined) throw unavailable(undefined)
    if (answer.status === 401 || answer.status === 403) throw rejected()
    if (answer.status >= 400) throw unavailable(answer.status)
    const info = (
      answer.body as
        { status?: { userInfo?: { username?: string; groups?: string[] } } } | undefined
    )?.status?.userInfo
    if (!info?.username) throw rejected()
    const who = { username: info.username, groups: info.groups ?? [], until: Date.now() + 60_000 }
    if (this.#reviewed.size > 10_000) this.#reviewed.clear()
    this.#reviewed.set(tokenKey, who)
    return who
  }
}
