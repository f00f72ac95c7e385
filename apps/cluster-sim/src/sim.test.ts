import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSim, type Sim } from './builtin-sim.ts'

const run = promisify(execFile)
let sim: Sim
let stateDir: string
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-sim-test-'))
  sim = await startSim({ stateDir, port: 0, historySize: 20 })
})
afterAll(async () => {
  await sim.close()
  rmSync(stateDir, { recursive: true, force: true })
})

const kubectl = async (...args: string[]) =>
  (await run('kubectl', ['--kubeconfig', sim.kubeconfigPath, ...args])).stdout
describe('the simulator, seen by real kubectl', () => {
  it('lists the seeded VMs with KubeVirt printer columns (`kubectl get vms -A`)', async () => {
    const out = await kubectl('get', 'vms', '-A')
    const lines = out.trim().split('\n')
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+AGE\s+STATUS\s+READY$/)
    expect(out).toMatch(/prod\s+web-01\s+\S+\s+Running\s+True/)
    expect(out).toMatch(/dev\s+build-runner\s+\S+\s+Stopped\s+False/)
  })

  it('resolves short names and reports who the user is', async () => {
    expect(await kubectl('get', 'vm', '-n', 'prod', '-o', 'name')).toContain(
      'virtualmachine.kubevirt.io/web-01',
    )
    expect(await kubectl('auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}')).toBe(
      'admin',
    )
  })

  it('answers kubectl with a NotFound Status for a missing VM', async () => {
    await expect(kubectl('get', 'vm', '-n', 'prod', 'nope')).rejects.toMatchObject({
      stderr: expect.stringContaining('virtualmachines.kubevirt.io "nope" not found'),
    })
  })

  it('patches a VM with a merge patch and bumps its resourceVersion', async () => {
    const before = await kubectl(
      'get',
      'vm',
      '-n',
      'dev',
      'sandbox',
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    )
    await kubectl('label', 'vm', '-n', 'dev', 'sandbox', 'owner=qa')
    const after = await kubectl(
      'get',
      'vm',
      '-n',
      'dev',
      'sandbox',
      '-o',
      'jsonpath={.metadata.resourceVersion} {.metadata.labels.owner}',
    )
    expect(after.split(' ')[1]).toBe('qa')
    expect(after.split(' ')[0]).not.toBe(before)
  })

  it('filters lists by label selector', async () => {
    const out = await kubectl('get', 'vms', '-A', '-l', 'tier in (web,db)', '-o', 'name')
    expect(out.trim().split('\n').sort()).toEqual([
      'virtualmachine.kubevirt.io/db-01',
      'virtualmachine.kubevirt.io/web-01',
      'virtualmachine.kubevirt.io/web-02',
    ])
  })
})

describe('API semantics', () => {
  const def = () => sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!

  it('refuses requests without a valid token with 401', async () => {
    const { status } = await sim.request('GET', '/apis/kubevirt.io/v1/virtualmachines', {
      token: 'wrong',
    })
    expect(status).toBe(401)
  })

  it('rejects a stale update with 409 Conflict', async () => {
    const vm = sim.store.get(def(), 'prod', 'db-01')
    sim.store.update(def(), { ...vm, metadata: { ...vm.metadata, labels: { a: '1' } } })
    const { status, body } = await sim.request(
      'PUT',
      '/apis/kubevirt.io/v1/namespaces/prod/virtualmachines/db-01',
      { body: vm },
    )
    expect(status).toBe(409)
    expect(body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 })
  })

  it('answers a watch from a compacted resourceVersion with a 410 Expired ERROR event', async () => {
    const old = sim.store.revision
    for (let i = 0; i < 25; i++) {
      const vm = sim.store.get(def(), 'default', 'jumpbox')
      sim.store.update(def(), { ...vm, metadata: { ...vm.metadata, labels: { n: String(i) } } })
    }
    const { status, text } = await sim.request(
      'GET',
      `/apis/kubevirt.io/v1/virtualmachines?watch=1&resourceVersion=${old}&timeoutSeconds=1`,
    )
    expect(status).toBe(200)
    const event = JSON.parse(text.trim().split('\n')[0] ?? '{}') as {
      type: string
      object: { code: number; reason: string }
    }
    expect(event).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } })
  })
})
