// The simulator attached to a control plane it did not start, as in docker-compose.yml and the
// demo overlay (`controlplane run` in its own container, its state directory shared): it waits
// for that control plane, acts on it, and leaves it running when it stops.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attachControlPlane } from './attach-control-plane.ts'
import { startControlPlane, type ControlPlane } from './control-plane.ts'
import { KubeClient } from './kube-client.ts'
import { startClusterSim } from './start-cluster.ts'

let scratch: string
let controlPlaneDir: string
let controlPlane: ControlPlane | undefined

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'vmdeck-attach-'))
  controlPlaneDir = join(scratch, 'controlplane')
})

afterAll(async () => {
  await controlPlane?.stop()
  rmSync(scratch, { recursive: true, force: true })
})

describe('attaching to a running control plane', () => {
  it('waits for a control plane started after it, and names the same API server', async () => {
    // Asked before the control plane exists: no cluster.json yet, so it keeps looking.
    const attaching = attachControlPlane({ stateDir: controlPlaneDir, pollMs: 100 })
    controlPlane = await startControlPlane({ stateDir: controlPlaneDir, port: 0 })
    const attached = await attaching
    expect(attached.info.url).toBe(controlPlane.info.url)
    expect(attached.ca).toBe(controlPlane.ca)
  }, 120_000)

  it('runs the simulator on it, and leaves it running when the simulator stops', async () => {
    const sim = await startClusterSim({
      stateDir: join(scratch, 'sim'),
      attach: controlPlaneDir,
      seed: 'demo',
      guests: 'none',
      metricsPort: 0,
    })
    const kubeconfig = sim.kubeconfigPath
    try {
      expect(sim.url).toBe(controlPlane!.info.url)
      // The seed went to the attached API server: the demo VMs, as admin.
      const vms = await sim.request('GET', '/apis/kubevirt.io/v1/virtualmachines')
      expect(vms.status).toBe(200)
      expect((vms.body as { items: unknown[] }).items.length).toBeGreaterThan(0)
      // The node agents registered their Nodes there.
      const nodes = await sim.request('GET', '/api/v1/nodes')
      expect((nodes.body as { items: unknown[] }).items.length).toBeGreaterThan(0)
      // The metrics target answers over plain HTTP, with KubeVirt's series.
      const metrics = await fetch(sim.metricsUrl)
      expect(metrics.status).toBe(200)
      expect(await metrics.text()).toContain('kubevirt_vmi_info')
      await expect(sim.restartControlPlane()).rejects.toThrow(/restart that process instead/)
    } finally {
      await sim.close()
    }
    expect(kubeconfig).toBe(join(scratch, 'sim/kubeconfig'))
    const admin = new KubeClient({
      url: controlPlane!.info.url,
      ca: controlPlane!.ca,
      token: controlPlane!.info.tokens.admin!,
    })
    try {
      expect((await admin.raw('GET', '/readyz')).status).toBe(200)
    } finally {
      admin.close()
    }
  }, 180_000)

  it('gives up on a cluster.json left by a control plane that is gone, naming why', async () => {
    const dir = join(scratch, 'stale')
    const port = await closedPort()
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'ca.crt'), controlPlane!.ca)
    writeFileSync(
      join(dir, 'cluster.json'),
      JSON.stringify({
        ...controlPlane!.info,
        url: `https://127.0.0.1:${port}`,
        caFile: join(dir, 'ca.crt'),
      }),
    )
    await expect(
      attachControlPlane({ stateDir: dir, timeoutMs: 1000, pollMs: 100 }),
    ).rejects.toThrow(/no ready control plane in .*stale within 1 s.*ECONNREFUSED/s)
  })
})

/** A port nothing listens on (taken, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
