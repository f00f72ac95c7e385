import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startSim } from '../builtin-sim.ts'

const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-fleet-test-'))
afterAll(() => rmSync(stateDir, { recursive: true, force: true }))

describe('seed option', () => {
  it('seeds N VMs for scale runs, and none with `none` (RBAC and CRDs either way)', async () => {
    for (const [seed, count] of [
      [40, 40],
      ['none', 0],
    ] as const) {
      const sim = await startSim({ stateDir, port: 0, seed })
      try {
        const vms = await sim.request('GET', '/apis/kubevirt.io/v1/virtualmachines')
        expect((vms.body as { items: unknown[] }).items).toHaveLength(count)
        const crd = await sim.request(
          'GET',
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/virtualmachines.kubevirt.io',
        )
        expect(crd.status).toBe(200)
        const pods = await sim.request('GET', '/api/v1/pods', { token: sim.tokens.helpdesk })
        expect(pods.status).toBe(403)
      } finally {
        await sim.close()
      }
    }
  })
})
