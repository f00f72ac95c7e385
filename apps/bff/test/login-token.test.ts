// Issue 12, finding 4: a login token containing CR/LF, NUL or a non-Latin-1 character answered
// 503 "…could not check the token: Headers.append: "Bearer <TOKEN>…"", and the same text went to
// the error log with a stack trace. Plus the login brute-force limit (hardening).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStack, ORIGIN, type TestStack } from './helper.ts'

let stack: TestStack
beforeAll(async () => {
  stack = await buildStack({
    loginFailures: { perAddress: 8, perToken: 3, windowMs: 60_000 },
  })
})
afterAll(() => stack.close())

const CANARY = 'canaryTOKENvalue0123456789'
const loginWith = (token: string, remoteAddress = '127.0.0.1') =>
  stack.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    headers: { origin: ORIGIN },
    payload: { token },
    remoteAddress,
  })

describe('a submitted token never reaches the log or the response', () => {
  it('refuses tokens with CR/LF, NUL, spaces or non-Latin-1 characters with a plain 400', async () => {
    const logLines = stack.logs.length
    for (const token of [
      `${CANARY}\r\nX-Injected: 1`,
      `${CANARY}\n`,
      `${CANARY}\u0000`,
      `${CANARY}\u20ac`,
      `${CANARY}é`,
      `${CANARY} more`,
      `${CANARY}\u2028`,
    ]) {
      const response = await loginWith(token)
      expect(response.statusCode, JSON.stringify(token)).toBe(400)
      expect(response.json()).toMatchObject({ statusCode: 400, code: 'BAD_TOKEN' })
      expect(response.body).not.toContain(CANARY)
      expect(response.cookies).toHaveLength(0)
    }
    const newLines = stack.logs.slice(logLines)
    expect(newLines.filter((line) => line.includes(CANARY))).toEqual([])
    expect(newLines.filter((line) => /Headers\.append|"level":50/.test(line))).toEqual([])
  })

  it('does the same for a bearer token in the Authorization header', async () => {
    const logLines = stack.logs.length
    const response = await stack.app.inject({
      method: 'GET',
      url: '/api/v1/session',
      headers: { authorization: `Bearer ${CANARY}\u00ff\u0001` },
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).not.toContain(CANARY)
    expect(stack.logs.slice(logLines).filter((line) => line.includes(CANARY))).toEqual([])
  })
})

describe('failed logins are rate limited (each costs the API server a review)', () => {
  it('per token: the same wrong token from many addresses is refused with 429 after a few tries', async () => {
    const token = 'wrong-token-aaaaaaaaaaaaaaaa'
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await loginWith(token, `10.1.0.${i}`)).statusCode)
    expect(statuses).toEqual([401, 401, 401, 429, 429])
  })

  it('per address: many different wrong tokens from one address get 429 with Retry-After', async () => {
    const responses = []
    for (let i = 0; i < 10; i++)
      responses.push(await loginWith(`wrong-token-${i}-bbbbbbbbbbbb`, '10.2.0.1'))
    const statuses = responses.map((r) => r.statusCode)
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401))
    expect(statuses.slice(8)).toEqual([429, 429])
    const last = responses[9]
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0)
    expect(last?.json()).toMatchObject({ code: 'TOO_MANY_FAILED_LOGINS' })
    // Another address, and a good token from the blocked one, still work.
    expect((await loginWith('wrong-token-x-cccccccccccc', '10.2.0.2')).statusCode).toBe(401)
    expect((await loginWith(stack.sim.tokens.viewer, '10.3.0.1')).statusCode).toBe(200)
  })
})
