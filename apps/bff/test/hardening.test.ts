// Issue 12, hardening: headers on early errors, no-store on API JSON, no upstream detail in 503
// bodies, event streams per user, permission-review budget, and the cloud-init mask.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, buildStack, C, login, ORIGIN, vmUrl, waitUntil, type TestStack } from './helper.ts'
import { events } from './sse.ts'

let stack: TestStack
let base: string
beforeAll(async () => {
  stack = await buildStack({ maxStreamsPerUser: 2, permissionReviewsPerMinute: 60 })
  base = await stack.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(() => stack.close())

describe('headers everywhere', () => {
  it('sends the security headers on early errors (FST_ERR_BAD_URL) and does not echo the URL', async () => {
    for (const url of ['/api/v1/%zz', '/%E0%A4%A', '/api/v1/clusters/%ff%fe<script>']) {
      const response = await stack.app.inject({ method: 'GET', url })
      expect(response.statusCode, url).toBe(400)
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'")
      expect(response.headers['x-content-type-options']).toBe('nosniff')
      expect(response.headers['x-frame-options']).toBe('DENY')
      expect(response.headers['referrer-policy']).toBe('no-referrer')
      expect(response.headers['cache-control']).toBe('no-store')
      expect(response.body).not.toContain('%')
      expect(response.json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_BAD_URL' })
    }
  })

  it('marks API JSON Cache-Control: no-store, answers and errors alike', async () => {
    const cookie = await login(stack.app, 'viewer')
    for (const [url, headers] of [
      ['/api/v1/session', { cookie }],
      [`${C}/vms`, { cookie }],
      ['/api/v1/session', {}],
      [`${C}/vms/nope`, { cookie }],
    ] as const) {
      const response = await stack.app.inject({ method: 'GET', url, headers })
      expect(response.headers['content-type'], url).toMatch(/^application\/json/)
      expect(response.headers['cache-control'], url).toBe('no-store')
    }
  })
})

describe('event streams per user', () => {
  it('caps open streams per user with a clear reason; closing one frees a slot', async () => {
    const cookie = await login(stack.app, 'viewer')
    const open = (who = cookie) =>
      fetch(`${base}${C}/events/stream?topics=vms`, { headers: { cookie: who } })
    const first = await open()
    const second = await open()
    expect([first.status, second.status]).toEqual([200, 200])
    const third = await open()
    expect(third.status).toBe(429)
    const body = (await third.json()) as { code: string; message: string }
    expect(body.code).toBe('TOO_MANY_STREAMS')
    expect(body.message).toMatch(/2 event streams open/)
    expect(third.headers.get('retry-after')).not.toBeNull()
    // Another user is not affected.
    const other = await open(await login(stack.app, 'helpdesk'))
    expect(other.status).toBe(200)
    await other.body!.cancel()
    await first.body!.cancel()
    let again = await open()
    while (again.status === 429) {
      await again.body!.cancel()
      await new Promise((resolve) => setImmediate(resolve))
      again = await open()
    }
    expect(again.status).toBe(200)
    await again.body!.cancel()
    await second.body!.cancel()
  })

  it('sends every stream the same bytes for one change (encoded once)', async () => {
    const cookie = await login(stack.app, 'admin')
    const streams = await Promise.all(
      [0, 1].map(async () => {
        const response = await fetch(`${base}${C}/events/stream?topics=vms`, {
          headers: { cookie },
        })
        const reader = events(response.body!)
        await reader.next() // sync
        return { reader }
      }),
    )
    const def = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
    const vm = stack.sim.store.get(def, 'dev', 'sandbox')
    await stack.sim.store.update(def, {
      ...vm,
      metadata: { ...vm.metadata, labels: { ...vm.metadata?.labels, encoded: 'once' } },
    })
    const received = await Promise.all(
      streams.map(async ({ reader }) => {
        for (;;) {
          const { value } = await reader.next()
          if (JSON.stringify(value).includes('"encoded":"once"')) return JSON.stringify(value)
        }
      }),
    )
    expect(received[0]).toBe(received[1])
    for (const { reader } of streams) await reader.return(undefined)
  })
})

describe('permission checks have a per-user budget of reviews', () => {
  const checks = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `get:virtualmachines.kubevirt.io:${prefix}-${i}`).join(',')

  it('refuses with 429 once a user’s uncached reviews exceed the budget; others are unaffected', async () => {
    const viewer = as(stack.app, await login(stack.app, 'viewer'))
    expect((await viewer.get(`${C}/permissions?checks=${checks('a', 50)}`)).status).toBe(200)
    const over = await viewer.get(`${C}/permissions?checks=${checks('b', 50)}`)
    expect(over.status).toBe(429)
    expect(over.body).toMatchObject({ code: 'TOO_MANY_CHECKS' })
    const helpdesk = as(stack.app, await login(stack.app, 'helpdesk'))
    expect((await helpdesk.get(`${C}/permissions?checks=${checks('c', 50)}`)).status).toBe(200)
  })
})

describe('cloud-init data is masked, with a recorded reveal', () => {
  it('masks inline userData in the YAML view for everyone, admin included', async () => {
    for (const user of ['admin', 'viewer']) {
      const client = as(stack.app, await login(stack.app, user))
      const { status, body } = await client.get<{ items: { yaml: string }[] }>(
        `${vmUrl('prod', 'web-01')}/yaml`,
      )
      expect(status).toBe(200)
      const yaml = body.items.map((item) => item.yaml).join('\n')
      expect(yaml).toContain('cloudInitNoCloud')
      expect(yaml).not.toContain('password: fedora')
      expect(yaml).toMatch(/hidden: \d+ characters/)
    }
  })

  it('reveals it to a user who may get the VM, and records who did', async () => {
    const viewer = as(stack.app, await login(stack.app, 'viewer'))
    const { status, body } = await viewer.post<{ items: { volume: string; userData: string }[] }>(
      `${vmUrl('prod', 'web-01')}/cloud-init/reveal`,
    )
    expect(status).toBe(200)
    expect(body.items).toEqual([
      expect.objectContaining({
        volume: 'cloudinit',
        userData: expect.stringContaining('password: fedora'),
      }),
    ])
    await waitUntil(() =>
      stack.logs.some(
        (line) =>
          line.includes('cloud-init revealed') &&
          line.includes('"user":"viewer"') &&
          line.includes('"name":"web-01"'),
      ),
    )
  })

  it('refuses the reveal cross-site and without a session', async () => {
    const cookie = await login(stack.app, 'viewer')
    const crossSite = await stack.app.inject({
      method: 'POST',
      url: `${vmUrl('prod', 'web-01')}/cloud-init/reveal`,
      headers: { cookie, origin: 'https://evil.example' },
      payload: {},
    })
    expect(crossSite.statusCode).toBe(403)
    const anonymous = await stack.app.inject({
      method: 'POST',
      url: `${vmUrl('prod', 'web-01')}/cloud-init/reveal`,
      headers: { origin: ORIGIN },
      payload: {},
    })
    expect(anonymous.statusCode).toBe(401)
  })
})

// Last: it stops the simulated cluster.
describe('503 answers carry no upstream detail', () => {
  it('says the cluster is unreachable without its address or the socket error; the log keeps them', async () => {
    const cookie = await login(stack.app, 'viewer')
    const address = new URL(stack.network.url).host
    await stack.network.cut()
    const checked = await as(stack.app, cookie).get(`${C}/permissions?checks=get:nodes`)
    const login503 = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { origin: ORIGIN },
      payload: { token: 'some-token-nobody-has-0123' },
    })
    for (const response of [
      { status: checked.status, body: JSON.stringify(checked.body) },
      { status: login503.statusCode, body: login503.body },
    ]) {
      expect(response.status).toBe(503)
      expect(response.body).not.toContain(address)
      expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connect |Headers/)
    }
    expect(stack.logs.some((line) => line.includes('ECONNREFUSED'))).toBe(true)
  })
})
