import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStack, login, waitUntil, type TestStack } from './helper.ts'

let stack: TestStack
let port: number
beforeAll(async () => {
  stack = await buildStack()
  port = Number(new URL(await stack.app.listen({ port: 0, host: '127.0.0.1' })).port)
})
afterAll(() => stack.close())

describe('a stream client that stops reading', () => {
  it('is cut off instead of growing the BFF’s memory', async () => {
    const cookie = await login(stack.app, 'admin')
    const socket = connect(port, '127.0.0.1')
    const cutOff = () => stack.logs.some((line) => line.includes('stream client too slow'))
    socket.on('error', () => undefined)
    let head = ''
    await new Promise<void>((resolve) => {
      socket.on('data', function onData(chunk: Buffer) {
        head += chunk.toString()
        if (head.includes('event: sync')) {
          socket.off('data', onData)
          resolve()
        }
      })
      socket.write(
        `GET /api/v1/clusters/vmdeck-sim/events/stream?topics=nodes HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\n\r\n`,
      )
    })
    expect(head).toMatch(/200 OK/)
    socket.pause()
    // Large changes (about 6 KB each; a label value may have at most 63 characters) until the kernel buffers are full and the BFF's grows.
    // Node labels: a Node passes no admission webhook, so the changes come as fast as the API
    // server takes them (a VM's pass KubeVirt's webhooks first).
    const def = stack.sim.registry.find('', 'v1', 'nodes')!
    const labels = (i: number) =>
      Object.fromEntries(Array.from({ length: 100 }, (_, k) => [`k${k}`, `${i}-${'v'.repeat(56)}`]))
    // Merge patches, 16 at a time.
    for (let i = 0; i < 5000 && !cutOff(); i += 16)
      await Promise.all(
        Array.from({ length: 16 }, (_, k) =>
          stack.sim.store.patch(def, undefined, 'node-1', { metadata: { labels: labels(i + k) } }),
        ),
      )
    await waitUntil(cutOff, 20_000)
    socket.destroy()
  })
})
