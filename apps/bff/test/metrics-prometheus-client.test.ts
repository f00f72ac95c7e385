// A Prometheus that accepts connections and never answers cannot be had from the real one, so
// this one fault is a bare TCP server: the client must give up with a 503, not hang.
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { HttpError } from '../src/kube/http-error.ts'
import { PrometheusClient } from '../src/lib/prometheus-client.ts'
import { prometheusTargetsFromEnv } from '../src/lib/prometheus-targets.ts'

let silent: Server
let port: number
const sockets = new Set<Socket>()

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  port = (silent.address() as { port: number }).port
})
afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => silent.close(resolve))
})

it('a Prometheus that does not answer gives a 503 with a message after the timeout', async () => {
  const client = new PrometheusClient(
    { url: `http://127.0.0.1:${port}` },
    { timeoutMs: 300, cacheTtlMs: 0 },
  )
  const error = await client.query('up').catch((err: unknown) => err)
  expect(error).toBeInstanceOf(HttpError)
  expect(error).toMatchObject({ statusCode: 503, code: 'PROMETHEUS_UNAVAILABLE' })
  expect((error as Error).message).toMatch(/did not answer within 0.3 s/)
  expect(await client.status()).toMatchObject({ state: 'unreachable' })
})

it('reads VMDECK_PROMETHEUS_URL as one URL or cluster=url pairs', () => {
  expect(prometheusTargetsFromEnv({})).toBeUndefined()
  expect(
    prometheusTargetsFromEnv({
      VMDECK_PROMETHEUS_URL: 'http://prom:9090',
      VMDECK_PROMETHEUS_SCRAPE_INTERVAL: '15s',
    }),
  ).toEqual({ '*': { url: 'http://prom:9090', scrapeIntervalSeconds: 15 } })
  expect(
    prometheusTargetsFromEnv({ VMDECK_PROMETHEUS_URL: 'east=http://a:9090, west=https://b' }),
  ).toEqual({ east: { url: 'http://a:9090' }, west: { url: 'https://b' } })
  expect(() => prometheusTargetsFromEnv({ VMDECK_PROMETHEUS_URL: 'prom:9090' })).toThrow()
})
