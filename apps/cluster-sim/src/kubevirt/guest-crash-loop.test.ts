// A guest that never boots (guests: 'qemu' with an emulator that exits at once): virt-handler
// reports the VMI failed before it ran, and the VM controller backs off as KubeVirt's does.
import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { requireDef } from '../controllers/context.ts'
import { waitForObject } from '../controllers/wait-for-object.ts'
import type { KObject } from '../kube/types.ts'
import type { Sim } from '../sim.ts'
import { useSim } from '../../test/use-sim.ts'

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../../..')
const imageDir = process.env.VMDECK_GUEST_DIR ?? join(repoRoot, '.vmdeck/guest')

let sim: Sim
beforeAll(() => {
  // The image must exist, or the runtime would run the VMI without a process at all.
  execFileSync('bash', [join(repoRoot, 'apps/cluster-sim/guest/build-guest.sh'), imageDir], {
    stdio: 'inherit',
  })
}, 300_000)
// A real emulator that cannot start: `false` exits at once, QMP never comes up.
useSim(
  { guests: 'qemu', guestImageDir: imageDir, seed: 'none', qemuBinary: 'false', kubevirt: 'sim' },
  (test) => ({ sim } = test),
)

describe('guests that fail to boot', () => {
  it('puts the VM into CrashLoopBackOff with a growing startFailure back-off', async () => {
    const vmDef = requireDef(sim.registry, 'kubevirt.io', 'virtualmachines')
    await sim.store.create(vmDef, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: 'broken', namespace: 'default' },
      spec: {
        runStrategy: 'Always',
        template: { spec: { domain: { memory: { guest: '128Mi' }, devices: {} } } },
      },
    })
    type Failure = { consecutiveFailCount: number; retryAfterTimestamp: string }
    const status = (o: KObject | undefined) =>
      o?.status as { printableStatus?: string; startFailure?: Failure } | undefined
    const first = await waitForObject(
      sim.store,
      vmDef,
      'default',
      'broken',
      (o) => status(o)?.printableStatus === 'CrashLoopBackOff',
      30_000,
    )
    const failure = status(first)!.startFailure!
    expect(failure.consecutiveFailCount).toBe(1)
    const delay = Date.parse(failure.retryAfterTimestamp) - Date.now()
    expect(delay).toBeGreaterThan(5_000)
    expect(delay).toBeLessThanOrEqual(10_000)
    // After the back-off it tries again, fails again, and waits longer (10 s × n²).
    const second = await waitForObject(
      sim.store,
      vmDef,
      'default',
      'broken',
      (o) => (status(o)?.startFailure?.consecutiveFailCount ?? 0) >= 2,
      30_000,
    )
    expect(
      Date.parse(status(second)!.startFailure!.retryAfterTimestamp) - Date.now(),
    ).toBeGreaterThan(30_000)
  })
})
