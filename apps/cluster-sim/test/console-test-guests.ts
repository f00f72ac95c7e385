// Test support for the console subresources: boots real QEMU guests and describes running VMIs
// for them, for the tests of the simulator and of the BFF (no fakes: real QEMU, real sockets).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Registry } from '../src/kube/registry.ts'
import type { KObject } from '../src/kube/types.ts'
import type { ControllerStore } from '../src/controllers/controller-store.ts'
import { QemuGuest } from '../src/guest/qemu-guest.ts'
import { GuestRegistry } from '../src/kubevirt/guest-registry.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../../..')
export const guestImageDir = process.env.VMDECK_GUEST_DIR ?? path.join(repoRoot, '.vmdeck/guest')

/** A VMI object as virt-controller leaves it once the guest runs. */
export function runningVmi(namespace: string, name: string, phase = 'Running'): KObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name, namespace },
    spec: {
      domain: { cpu: { cores: 1 }, memory: { guest: '96Mi' }, devices: {} },
    },
    status: { phase, nodeName: 'node-1' },
  }
}

/**
 * Guests for console tests: `start` boots a QEMU guest, registers it for namespace/name and puts
 * a running VMI in the store; `close` kills them all.
 */
export class TestGuests {
  readonly registry = new GuestRegistry()
  readonly #guests: QemuGuest[] = []
  readonly #workRoot: string

  constructor() {
    // Idempotent: ~30 ms when the image is up to date.
    execFileSync(
      'bash',
      [path.join(repoRoot, 'apps/cluster-sim/guest/build-guest.sh'), guestImageDir],
      {
        stdio: 'ignore',
      },
    )
    this.#workRoot = mkdtempSync(path.join(os.tmpdir(), 'vmdeck-console-'))
  }

  /**
   * Boots a guest for namespace/name and registers it. Without `vmi: 'existing'` it also puts a
   * Running VMI in the store (a store no controller runs on); with it, the VMI is the VMI
   * controller's and must exist already.
   */
  async start(
    target: { registry: Registry; store: ControllerStore },
    namespace: string,
    name: string,
    options: { vmi?: 'create' | 'existing' } = {},
  ): Promise<QemuGuest> {
    const def = target.registry.find('kubevirt.io', 'v1', 'virtualmachineinstances')
    if (!def) throw new Error('virtualmachineinstances are not registered')
    if ((options.vmi ?? 'create') === 'create')
      await target.store.create(def, runningVmi(namespace, name))
    else if (!target.store.peek(def, namespace, name))
      throw new Error(`VMI ${namespace}/${name} does not exist`)
    const id = `${namespace}-${name}`
    const guest = await QemuGuest.start({
      id,
      workDir: path.join(this.#workRoot, id),
      imageDir: guestImageDir,
      hostname: name,
    })
    this.#guests.push(guest)
    this.registry.set(namespace, name, guest)
    return guest
  }

  async close(): Promise<void> {
    await Promise.all(this.#guests.map((g) => g.kill()))
    rmSync(this.#workRoot, { recursive: true, force: true })
  }
}
