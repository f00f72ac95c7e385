import http from 'node:http'
import { ORIGIN } from './bff-child.ts'

export interface Answer {
  status: number
  text: string
  /** Round trip at the client. */
  ms: number
  cookie?: string
}

/** HTTP/1.1 to the BFF under test over keep-alive sockets, as a browser from `ORIGIN`. */
export function benchHttp(base: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
  const call = (method: string, path: string, cookie?: string, body?: unknown) =>
    new Promise<Answer>((resolve, reject) => {
      const t0 = performance.now()
      const payload = body === undefined ? undefined : JSON.stringify(body)
      const req = http.request(
        base + path,
        {
          method,
          agent,
          headers: {
            origin: ORIGIN,
            ...(cookie ? { cookie } : {}),
            ...(payload ? { 'content-type': 'application/json' } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const set = res.headers['set-cookie']?.[0]?.split(';')[0]
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString(),
              ms: performance.now() - t0,
              ...(set ? { cookie: set } : {}),
            })
          })
        },
      )
      req.on('error', reject)
      req.end(payload)
    })
  /** A cookie session as one of the demo users. */
  const login = async (demoUser: string) => {
    const answer = await call('POST', '/api/v1/session', undefined, { demoUser })
    if (answer.status !== 200 || !answer.cookie) throw new Error(`login: ${answer.text}`)
    return answer.cookie
  }
  return { call, login }
}
