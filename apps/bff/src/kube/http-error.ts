/** An error carrying the HTTP status and machine code the error handler turns into ApiErrorBody. */
export class HttpError extends Error {
  readonly statusCode: number
  readonly code: string | undefined
  /** For 429 and 503: when to try again (sent as Retry-After). */
  retryAfterSeconds: number | undefined
  /** What an upstream said: logged, never sent (it can name internal hosts and addresses). */
  detail: string | undefined

  constructor(statusCode: number, message: string, code?: string) {
    super(message)
    this.statusCode = statusCode
    this.code = code
  }
}

/** 429 in the shared error shape, with Retry-After. */
export function tooManyRequests(message: string, code: string, retryAfterMs: number): HttpError {
  const err = new HttpError(429, message, code)
  err.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  return err
}

export const httpError = (statusCode: number, message: string, code?: string) =>
  new HttpError(statusCode, message, code)

/** An error whose upstream detail goes to the log only. */
export function withDetail(err: HttpError, detail: string): HttpError {
  err.detail = detail
  return err
}
