// What the scale benches run the BFF against: the simulator on the real control plane (`sim`),
// or the fake API server (`fake`, lib/fake-kube-api.ts) for fleets the control plane cannot hold
// on one machine. Both offer the same: a kubeconfig with the contexts admin, helpdesk and viewer,
// a count of the watches served, and a label change on a VM that its watchers see.
import http from 'node:http'
import https from 'node:https'
import { syncBuiltinESMExports } from 'node:module'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureGoBuildsOrExit } from '../../scripts/lib/go-builds.mjs'
import { startFakeKubeApi } from './fake-kube-api.ts'

export type WatchCounts = Map<string, { open: number; maxOpen: number; started: number }>

export interface BenchBackend {
  kind: 'sim' | 'fake'
  kubeconfigPath: string
  vmCount: number
  startMs: number
  watches: WatchCounts
  /** A VM in `prod` whose label changes the benches time. */
  target: { namespace: string; name: string }
  /** Sets a label on a VM (resolves once the change is stored). */
  label(namespace: string, name: string, key: string, value: string): Promise<void>
  close(): Promise<void>
}

export async function startBackend(
  kind: 'sim' | 'fake',
  vms: number,
  root: string,
  /** Fake only: every VM in a folder (fake-kube-fleet.ts, scaleFolder). */
  options: { folders?: boolean } = {},
): Promise<BenchBackend> {
  const stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-bench-bff-'))
  const t = performance.now()
  if (kind === 'fake') {
    const fake = await startFakeKubeApi({ vms, dir: stateDir, folders: options.folders ?? false })
    return {
      kind,
      kubeconfigPath: fake.kubeconfigPath,
      vmCount: vms,
      startMs: performance.now() - t,
      watches: fake.watches,
      target: { namespace: 'prod', name: 'vm-00000' },
      async label(namespace, name, key, value) {
        fake.modify('virtualmachines', namespace, name, (vm) => {
          vm.metadata.labels = { ...(vm.metadata.labels as object), [key]: value }
        })
      },
      async close() {
        await fake.close()
        rmSync(stateDir, { recursive: true, force: true })
      },
    }
  }
  // The control plane and CRDs the simulator runs on, built when missing.
  await ensureGoBuildsOrExit({ root })
  // Watches the simulator serves, counted on its HTTPS server without touching its files.
  const watches: WatchCounts = new Map()
  const originalCreateServer = https.createServer
  const wrapped = ((...args: Parameters<typeof https.createServer>) => {
    const server = originalCreateServer(...args)
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const url = new URL(req.url ?? '/', 'https://sim')
      if (!['1', 'true'].includes(url.searchParams.get('watch') ?? '')) return
      const selector = url.searchParams.get('labelSelector')
      const key = url.pathname + (selector ? `?labelSelector=${selector}` : '')
      const entry = watches.get(key) ?? { open: 0, maxOpen: 0, started: 0 }
      watches.set(key, entry)
      entry.open++
      entry.started++
      entry.maxOpen = Math.max(entry.maxOpen, entry.open)
      res.on('close', () => entry.open--)
    })
    return server
  }) as typeof https.createServer
  https.createServer = wrapped
  syncBuiltinESMExports()
  const { startSim } = await import('../../apps/cluster-sim/src/sim.ts')
  // The simulator's KubeVirt: KubeVirt's own virt-controller does not settle a fleet this size on
  // a small machine (docs/PERFORMANCE.md); the bench measures the BFF.
  const sim = await startSim({ stateDir, port: 0, seed: vms, guests: 'none', kubevirt: 'sim' })
  const startMs = performance.now() - t
  https.createServer = originalCreateServer
  syncBuiltinESMExports()
  const vmDef = sim.registry.defs.find(
    (d) => d.group === 'kubevirt.io' && d.plural === 'virtualmachines',
  )
  if (!vmDef) throw new Error('no VirtualMachine resource in the simulator')
  const all = sim.store.peekList(vmDef).items
  const target = all.find((vm) => vm.metadata.namespace === 'prod')
  if (!target) throw new Error('no VM in prod')
  return {
    kind,
    kubeconfigPath: sim.kubeconfigPath,
    vmCount: all.length,
    startMs,
    watches,
    target: { namespace: 'prod', name: target.metadata.name ?? '' },
    async label(namespace, name, key, value) {
      const next = structuredClone(sim.store.get(vmDef, namespace, name))
      next.metadata.labels = { ...next.metadata.labels, [key]: value }
      await sim.store.update(vmDef, next)
    },
    async close() {
      await sim.close()
      rmSync(stateDir, { recursive: true, force: true })
    },
  }
}
