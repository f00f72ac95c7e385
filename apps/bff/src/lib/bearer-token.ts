import { httpError } from '../kube/http-error.ts'

// RFC 6750 §2.1 b64token: what a bearer token may contain (JWTs, service-account and bootstrap
// tokens all fit). Anything else (CR, LF, NUL, spaces, non-Latin-1) would make the outgoing
// Authorization header invalid, and the error text would carry the token: refuse it first.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

/** Throws a 400 that never repeats the token when it cannot be a bearer token. */
export function assertBearerToken(token: string): void {
  if (token.length > 16_384 || !B64TOKEN.test(token))
    throw httpError(
      400,
      'This is not a bearer token: it may only hold letters, digits and - . _ ~ + / =.',
      'BAD_TOKEN',
    )
}
