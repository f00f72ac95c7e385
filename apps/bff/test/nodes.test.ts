import type { NodeList, NodeSummary } from '@vmdeck/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, buildStack, C, login, waitUntil, type TestStack } from './helper.ts'

let stack: TestStack
let admin: ReturnType<typeof as>
let viewer: ReturnType<typeof as>
beforeAll(async () => {
  stack = await buildStack()
  admin = as(stack.app, await login(stack.app, 'admin'))
  viewer = as(stack.app, await login(stack.app, 'viewer'))
})
afterAll(() => stack.close())

const cluster = () => stack.app.clusters.get('vmdeck-sim')!
const nodeSpec = (name: string) =>
  stack.sim.store.get(stack.sim.registry.find('', 'v1', 'nodes')!, '', name).spec as {
    unschedulable?: boolean
  }
const view = (name: string): NodeSummary | undefined => cluster().nodes.get(name)

describe('GET /api/v1/clusters/{c}/nodes', () => {
  it('lists hosts with capacity, allocatable, use by VMs and VM counts', async () => {
    await waitUntil(
      () => [...cluster().vms.summaries()].filter((vm) => vm.node).length >= 4,
      15_000,
    )
    const { status, body } = await admin.get<NodeList>(`${C}/nodes`)
    expect(status).toBe(200)
    expect(body.items.map((n) => n.name)).toEqual(['node-1', 'node-2', 'node-3'])
    const node = body.items[0]!
    // What node-1's kubelet reported: memory in Ki, the control plane's version.
    const reported = stack.sim.store.get(stack.sim.registry.find('', 'v1', 'nodes')!, '', 'node-1')
      .status as { capacity: Record<string, string>; nodeInfo: { kubeletVersion: string } }
    expect(reported.capacity.memory).toMatch(/^\d+Ki$/)
    expect(node).toMatchObject({
      ready: true,
      schedulable: true,
      capacity: { cpu: 8, memory: parseInt(reported.capacity.memory ?? '') * 1024, pods: 110 },
      kubeletVersion: reported.nodeInfo.kubeletVersion,
    })
    expect(node.kubeletVersion).toMatch(/^v1\.\d+\.\d+$/)
    const running = [...cluster().vms.summaries()].filter((vm) => vm.node).length
    expect(body.items.reduce((sum, n) => sum + n.vmCount, 0)).toBe(running)
    const busy = body.items.find((n) => n.vmCount > 0)!
    expect(busy.used.pods).toBeGreaterThan(0)
  })

  it('answers 403 to a user who may not list nodes', async () => {
    const { status, body } = await viewer.get(`${C}/nodes`)
    expect(status).toBe(403)
    expect(body.code).toBe('K8S_FORBIDDEN')
  })
})

describe('POST /api/v1/clusters/{c}/nodes/{node}/{cordon,uncordon,drain}', () => {
  it('cordons and uncordons a node', async () => {
    expect((await admin.post(`${C}/nodes/node-3/cordon`)).status).toBe(202)
    await waitUntil(() => nodeSpec('node-3').unschedulable === true)
    await waitUntil(() => view('node-3')?.schedulable === false)
    expect((await admin.post(`${C}/nodes/node-3/uncordon`)).status).toBe(202)
    await waitUntil(() => !nodeSpec('node-3').unschedulable)
    await waitUntil(() => view('node-3')?.schedulable === true)
  })

  it('refuses viewer with 403 and leaves the node alone', async () => {
    const { status } = await viewer.post(`${C}/nodes/node-2/cordon`)
    expect(status).toBe(403)
    expect(nodeSpec('node-2').unschedulable).toBeFalsy()
  })

  it('answers 404 for an unknown node and 400 for a bad action or name', async () => {
    expect((await admin.post(`${C}/nodes/node-9/cordon`)).status).toBe(404)
    expect((await admin.post(`${C}/nodes/node-1/reboot`)).status).toBe(400)
    expect((await admin.post(`${C}/nodes/Node_1/cordon`)).status).toBe(400)
  })

  it('drains a node: cordon, evict every VM (LiveMigrate moves them), progress on the node', async () => {
    const target = [...cluster().nodes.list()].sort((a, b) => b.vmCount - a.vmCount)[0]!
    expect(target.vmCount).toBeGreaterThan(0)
    const { status, body } = await admin.post(`${C}/nodes/${target.name}/drain`)
    expect(status).toBe(202)
    expect(String(body.message)).toMatch(/Draining node/)
    await waitUntil(() => nodeSpec(target.name).unschedulable === true)
    await waitUntil(() => view(target.name)?.drain?.phase === 'Drained', 30_000)
    expect(view(target.name)).toMatchObject({ vmCount: 0, schedulable: false })
    expect([...cluster().vms.summaries()].some((vm) => vm.node === target.name)).toBe(false)
    await admin.post(`${C}/nodes/${target.name}/uncordon`)
    await waitUntil(() => view(target.name)?.drain === undefined)
  })
})
