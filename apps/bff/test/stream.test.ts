import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStack, login, type TestStack } from './helper.ts'

let stack: TestStack
let base: string
let cookie: string
beforeAll(async () => {
  stack = await buildStack()
  base = await stack.app.listen({ port: 0, host: '127.0.0.1' })
  cookie = await login(stack.app, 'viewer')
})
afterAll(() => stack.close())

/** Reads server-sent events from a fetch body, one `{event, data}` at a time. */
async function* events(body: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (event && data) yield { event, data: JSON.parse(data) as unknown }
    }
  }
}

describe('GET /api/v1/clusters/{cluster}/events/stream', () => {
  it('refuses a stream without a session', async () => {
    const response = await fetch(`${base}/api/v1/clusters/vmdeck-sim/events/stream`)
    expect(response.status).toBe(401)
  })

  it('starts with sync, then pushes VM changes from the shared cache', async () => {
    const controller = new AbortController()
    const response = await fetch(`${base}/api/v1/clusters/vmdeck-sim/events/stream?topics=vms`, {
      headers: { cookie },
      signal: controller.signal,
    })
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/)
    const stream = events(response.body!)
    expect((await stream.next()).value).toEqual({ event: 'sync', data: { topics: ['vms'] } })

    const def = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
    const vm = stack.sim.store.get(def, 'prod', 'web-02')
    await stack.sim.store.update(def, {
      ...vm,
      metadata: { ...vm.metadata, labels: { ...vm.metadata.labels, owner: 'team-a' } },
    })

    let change: { type: string; vm?: { name: string; labels: Record<string, string> } } | undefined
    for await (const message of stream) {
      const data = message.data as typeof change
      if (message.event === 'vms' && data?.vm?.name === 'web-02') {
        change = data
        break
      }
    }
    controller.abort()
    expect(change).toMatchObject({
      type: 'upsert',
      vm: { name: 'web-02', labels: { owner: 'team-a' } },
    })
  })

  it('rejects unknown topics', async () => {
    const response = await fetch(
      `${base}/api/v1/clusters/vmdeck-sim/events/stream?topics=secrets`,
      { headers: { cookie } },
    )
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toMatch(/Unknown stream topic/)
  })
})
