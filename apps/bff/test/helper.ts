import { startSim, type Sim } from '@vmdeck/cluster-sim'
import Fastify, { type FastifyInstance } from 'fastify'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import app, { type AppOptions } from '../src/app.ts'

export const ORIGIN = 'http://vmdeck.test'

export interface TestStack {
  sim: Sim
  app: FastifyInstance
  close(): Promise<void>
}

/** The real BFF against a real (simulated) cluster, both in this process. */
export async function buildStack(overrides: Partial<AppOptions> = {}): Promise<TestStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-bff-test-'))
  const sim = await startSim({ stateDir, port: 0 })
  const fastify = Fastify({ logger: false })
  await fastify.register(app, {
    kubeconfigPath: sim.kubeconfigPath,
    sessionKeys: ['test-session-key-0123456789abcdef0123456789'],
    publicOrigin: ORIGIN,
    demo: true,
    ...overrides,
  })
  await fastify.ready()
  await waitUntil(() => [...fastify.clusters.values()].every((c) => c.vms.synced))
  return {
    sim,
    app: fastify,
    async close() {
      await fastify.close()
      await sim.close()
      rmSync(stateDir, { recursive: true, force: true })
    },
  }
}

/** Resolves once `check` holds, re-checking on each turn of the event loop (no fixed sleeps). */
export async function waitUntil(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setImmediate(resolve))
  }
}

export async function login(app: FastifyInstance, demoUser: string): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/session',
    headers: { origin: ORIGIN },
    payload: { demoUser },
  })
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`)
  const cookie = response.cookies.find((c) => c.name === 'vmdeck_session')
  if (!cookie) throw new Error('no session cookie')
  return `vmdeck_session=${cookie.value}`
}
