import type { NodeList } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, buildStack, C, login, waitUntil, type TestStack } from './helper.ts'

// A dead kubelet, noticed by the real node lifecycle controller: the node agent of
// node-3 stops renewing its Lease; after the grace period (6 s here, 40 s by default) the
// controller manager sets Ready=Unknown, and vmdeck shows the node not ready.
let stack: TestStack
beforeAll(async () => {
  stack = await buildStack({}, { nodeMonitorGracePeriod: '6s' })
})
afterAll(() => stack.close())

const view = (name: string) => stack.app.clusters.get('vmdeck-sim')!.nodes.get(name)

describe('a node whose kubelet stops', () => {
  it('goes not ready in vmdeck through the real node lifecycle controller, and comes back', async () => {
    const admin = as(stack.app, await login(stack.app, 'admin'))
    await waitUntil(() => view('node-3')?.ready === true)
    await stack.sim.nodes.stop('node-3')
    await waitUntil(() => view('node-3')?.ready === false, 40_000)
    const { body } = await admin.get<NodeList>(`${C}/nodes`)
    expect(body.items.find((n) => n.name === 'node-3')).toMatchObject({ ready: false })
    expect(body.items.filter((n) => n.ready).map((n) => n.name)).toEqual(['node-1', 'node-2'])
    await stack.sim.nodes.start('node-3')
    await waitUntil(() => view('node-3')?.ready === true, 40_000)
  }, 90_000)
})
