import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startSim } from '../builtin-sim.ts'

const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-state-test-'))
afterAll(() => rmSync(stateDir, { recursive: true, force: true }))

describe('--state <file>', () => {
  it('keeps objects, uids and resourceVersions across a restart', async () => {
    const stateFile = join(stateDir, 'state.json')
    const first = await startSim({ stateDir, port: 0, stateFile })
    const created = await first.request('POST', '/api/v1/namespaces/dev/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' }, data: { a: '1' } },
    })
    expect(created.status).toBe(201)
    const before = created.body as { metadata: { uid: string; resourceVersion: string } }
    await first.close()

    // The seed option no longer matters: the state file wins.
    const second = await startSim({ stateDir, port: 0, stateFile, seed: 'none' })
    try {
      const read = await second.request('GET', '/api/v1/namespaces/dev/configmaps/kept')
      expect(read.body).toMatchObject({ metadata: before.metadata, data: { a: '1' } })
      const vm = await second.request(
        'GET',
        '/apis/kubevirt.io/v1/namespaces/prod/virtualmachines/web-01',
      )
      expect(vm.status).toBe(200)
      const next = await second.request('POST', '/api/v1/namespaces/dev/configmaps', {
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later' } },
      })
      const rv = (next.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion
      expect(Number(rv)).toBeGreaterThan(Number(before.metadata.resourceVersion))
    } finally {
      await second.close()
    }
  })
})
