import { request as httpsRequest } from 'node:https'

/** What openid-client hands its custom fetch (a subset of RequestInit). */
export interface FetchInit {
  method: string
  headers: Record<string, string>
  body?: unknown
  signal?: AbortSignal | undefined
}

const MAX_RESPONSE_BYTES = 1024 * 1024

/**
 * A fetch that trusts exactly the CA given (the identity provider's), never the machine's store,
 * and follows no redirects: openid-client's requests to the provider go through it. TLS is always
 * verified (a provider whose certificate does not chain to `ca` is refused).
 */
export function trustedFetch(
  ca: string | undefined,
): (url: string, init: FetchInit) => Promise<Response> {
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url)
      if (target.protocol !== 'https:') {
        reject(new Error('the identity provider must be reached over https'))
        return
      }
      const body = bodyOf(init.body)
      const req = httpsRequest(
        target,
        {
          method: init.method,
          headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
          ...(ca ? { ca } : {}),
          ...(init.signal ? { signal: init.signal } : {}),
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > MAX_RESPONSE_BYTES)
              req.destroy(new Error('identity provider answer too large'))
            else chunks.push(chunk)
          })
          res.on('error', reject)
          res.on('end', () => {
            const headers = new Headers()
            for (const [name, value] of Object.entries(res.headers))
              for (const item of [value ?? []].flat()) headers.append(name, item)
            const status = res.statusCode ?? 502
            const empty = status === 204 || status === 304
            resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers }))
          })
        },
      )
      req.on('timeout', () =>
        req.destroy(new Error('the identity provider did not answer in time')),
      )
      req.on('error', reject)
      req.end(body)
    })
}

function bodyOf(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || body instanceof URLSearchParams)
    return Buffer.from(body.toString())
  if (body instanceof Uint8Array) return Buffer.from(body)
  throw new Error('unsupported request body for the identity provider')
}
