// Real QEMU guests behind VMIs (guests: 'qemu'), on KubeVirt's own virt-api and virt-controller
// with the simulator's node side: the VMI runs when QEMU's QMP is up, the
// banner sets AgentConnected, pause/unpause go through QMP, a live migration is a real QEMU
// migration (a counter in the guest keeps counting across it), a guest power-off ends the VMI,
// and no QEMU process outlives the simulator.
import { execFileSync } from 'node:child_process'
import type net from 'node:net'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Kubectl } from '../cluster/kubectl.ts'
import { requireDef } from '../controllers/context.ts'
import { waitForObject } from '../controllers/wait-for-object.ts'
import { waitForText } from '../guest/wait-for-text.ts'
import type { KObject } from '../kube/types.ts'
import type { Sim } from '../sim.ts'
import { useSim } from '../../test/use-sim.ts'

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../../..')
const imageDir = process.env.VMDECK_GUEST_DIR ?? join(repoRoot, '.vmdeck/guest')
const BOOT_MS = 60_000

let sim: Sim
let kubectl: Kubectl
const pids: number[] = []
beforeAll(() => {
  execFileSync('bash', [join(repoRoot, 'apps/cluster-sim/guest/build-guest.sh'), imageDir], {
    stdio: 'inherit',
  })
}, 300_000)
// No seeded VMs: the demo's would boot guests this test does not need.
useSim(
  { guests: 'qemu', guestImageDir: imageDir, seed: 'none', kubevirt: 'real' },
  (test) => ({ sim, kubectl } = test),
  // No QEMU process outlives the simulator.
  () => expect(pids.filter(isAlive)).toEqual([]),
)

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const def = (plural: string) => requireDef(sim.registry, 'kubevirt.io', plural)
const vmiStatus = (o: KObject | undefined) =>
  o?.status as
    | {
        phase?: string
        nodeName?: string
        conditions?: { type: string; status: string }[]
        migrationState?: {
          completed?: boolean
          failed?: boolean
          sourceNode?: string
          targetNode?: string
        }
      }
    | undefined
const condition = (o: KObject | undefined, type: string) =>
  vmiStatus(o)?.conditions?.find((c) => c.type === type)?.status

function typeLine(serial: net.Socket, line: string, expected: string | RegExp): Promise<string> {
  const seen = waitForText(serial, expected, 20_000)
  serial.write(line + '\r')
  return seen
}

const put = (path: string) =>
  sim.request('PUT', `/apis/subresources.kubevirt.io/v1/namespaces/default/${path}`, { body: {} })

describe('real QEMU guests behind VMIs', () => {
  it(
    'boots a guest for a running VMI, pauses it over QMP and live-migrates it while a counter runs',
    async () => {
      await sim.request('POST', '/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {
        body: {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachine',
          metadata: { name: 'q1', namespace: 'default' },
          spec: {
            runStrategy: 'RerunOnFailure',
            template: {
              spec: {
                domain: {
                  memory: { guest: '128Mi' },
                  devices: { interfaces: [{ name: 'default', masquerade: {} }] },
                },
                networks: [{ name: 'default', pod: {} }],
                evictionStrategy: 'LiveMigrate',
              },
            },
          },
        },
      })
      const running = await waitForObject(
        sim.store,
        def('virtualmachineinstances'),
        'default',
        'q1',
        (o) => vmiStatus(o)?.phase === 'Running',
        BOOT_MS,
      )
      const guest = sim.guests.get('default', 'q1')
      expect(guest?.running).toBe(true)
      pids.push(guest!.pid)
      // The banner on the serial console stands in for the guest agent.
      await waitForObject(
        sim.store,
        def('virtualmachineinstances'),
        'default',
        'q1',
        (o) => condition(o, 'AgentConnected') === 'True',
        BOOT_MS,
      )

      let serial = guest!.connectSerial()
      await typeLine(
        serial,
        // Written through a rename so a reader never sees the file truncated and still empty.
        'echo 0 > /tmp/c; i=0; while :; do i=$((i+1)); echo $i > /tmp/n; mv /tmp/n /tmp/c; sleep 0.1; done &',
        '#',
      )
      const before = Number(
        (await typeLine(serial, 'echo n=$(cat /tmp/c)', /n=\d+\r?\n/)).match(/n=(\d+)/)?.[1],
      )
      serial.destroy()

      // vnc/screenshot: a PNG of the real display, checked as `vnc` (docs/KUBEVIRT-NOTES.md#rbac).
      const screenshot =
        '/apis/subresources.kubevirt.io/v1/namespaces/default/virtualmachineinstances/q1/vnc/screenshot'
      const shot = await sim.request('GET', screenshot)
      expect(shot.status).toBe(200)
      expect(shot.text.slice(0, 8)).toContain('PNG')
      // kube-apiserver's RBAC refuses viewer (no `virtualmachineinstances/vnc`); helpdesk may
      // open VNC, and virt-api's own review asks for `vnc` too, so it gets the picture.
      const as = async (user: 'viewer' | 'helpdesk') =>
        (await sim.request('GET', screenshot, { token: sim.tokens[user] })).status
      expect([await as('viewer'), await as('helpdesk')]).toEqual([403, 200])

      expect((await put('virtualmachineinstances/q1/pause')).status).toBe(200)
      expect((await guest!.stats()).status).toBe('paused')
      await waitForObject(
        sim.store,
        def('virtualmachineinstances'),
        'default',
        'q1',
        (o) => condition(o, 'Paused') === 'True',
      )
      expect((await put('virtualmachineinstances/q1/unpause')).status).toBe(200)
      expect((await guest!.stats()).status).toBe('running')

      expect((await put('virtualmachines/q1/migrate')).status).toBe(202)
      const migrated = await waitForObject(
        sim.store,
        def('virtualmachineinstances'),
        'default',
        'q1',
        (o) => vmiStatus(o)?.migrationState?.completed === true,
        BOOT_MS,
      )
      const state = vmiStatus(migrated)!
      expect(state.migrationState).toMatchObject({ sourceNode: vmiStatus(running)?.nodeName })
      // KubeVirt's encoding: a false `failed` is omitted (omitempty), not stored.
      expect(state.migrationState).not.toHaveProperty('failed')
      expect(state.nodeName).toBe(state.migrationState?.targetNode)
      const target = sim.guests.get('default', 'q1')
      expect(target).not.toBe(guest)
      pids.push(target!.pid)
      await guest!.waitForExit(10_000)
      expect(isAlive(guest!.pid)).toBe(false)

      serial = target!.connectSerial()
      const after = Number(
        (await typeLine(serial, 'echo m=$(cat /tmp/c)', /m=\d+\r?\n/)).match(/m=(\d+)/)?.[1],
      )
      expect(after).toBeGreaterThan(before)
      const later = await typeLine(serial, 'sleep 0.5; echo k=$(cat /tmp/c)', /k=\d+\r?\n/)
      expect(Number(later.match(/k=(\d+)/)?.[1])).toBeGreaterThan(after)

      // The guest powers itself off: the VMI Succeeds and RerunOnFailure leaves it stopped.
      serial.write('poweroff -f\r')
      await waitForObject(
        sim.store,
        def('virtualmachineinstances'),
        'default',
        'q1',
        (o) => vmiStatus(o)?.phase === 'Succeeded',
        20_000,
      )
      serial.destroy()
      await waitForObject(
        sim.store,
        def('virtualmachines'),
        'default',
        'q1',
        (o) =>
          (o?.status as { printableStatus?: string } | undefined)?.printableStatus === 'Stopped',
      )
      expect(sim.guests.get('default', 'q1')).toBeUndefined()
    },
    3 * BOOT_MS,
  )
})

describe('stopping a real guest', () => {
  it(
    'presses the ACPI button on stop: Stopping, then Stopped with the QEMU process gone',
    async () => {
      const created = await sim.request(
        'POST',
        '/apis/kubevirt.io/v1/namespaces/default/virtualmachines',
        {
          body: {
            apiVersion: 'kubevirt.io/v1',
            kind: 'VirtualMachine',
            metadata: { name: 'q2', namespace: 'default' },
            spec: {
              runStrategy: 'Manual',
              template: { spec: { domain: { memory: { guest: '128Mi' }, devices: {} } } },
            },
          },
        },
      )
      expect([created.status, created.text]).toEqual([201, expect.any(String)])
      expect((await put('virtualmachines/q2/start')).status).toBe(202)
      await waitForObject(
        sim.store,
        def('virtualmachineinstances'),
        'default',
        'q2',
        (o) => condition(o, 'AgentConnected') === 'True',
        BOOT_MS,
      )
      const guest = sim.guests.get('default', 'q2')!
      pids.push(guest.pid)
      const states: string[] = []
      const stopped = waitForObject(sim.store, def('virtualmachines'), 'default', 'q2', (o) => {
        const s = (o?.status as { printableStatus?: string } | undefined)?.printableStatus
        if (s && states.at(-1) !== s) states.push(s)
        return s === 'Stopped'
      })
      expect((await put('virtualmachines/q2/stop')).status).toBe(202)
      await stopped
      expect(states).toContain('Stopping')
      expect((await guest.waitForExit(10_000)).code).toBe(0) // powered off by the guest, not killed
      expect(sim.guests.get('default', 'q2')).toBeUndefined()
    },
    2 * BOOT_MS,
  )
})

describe('kubectl drain with real guests', () => {
  it(
    'live-migrates two running guests off a node and empties it',
    async () => {
      // Both VMs land on node-1: the other nodes are cordoned while they start.
      await kubectl('cordon', 'node-2', 'node-3')
      for (const name of ['d1', 'd2'])
        await sim.request('POST', '/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {
          body: {
            apiVersion: 'kubevirt.io/v1',
            kind: 'VirtualMachine',
            metadata: { name, namespace: 'default' },
            spec: {
              runStrategy: 'Always',
              template: {
                spec: {
                  domain: {
                    memory: { guest: '128Mi' },
                    devices: { interfaces: [{ name: 'default', masquerade: {} }] },
                  },
                  networks: [{ name: 'default', pod: {} }],
                  evictionStrategy: 'LiveMigrate',
                },
              },
            },
          },
        })
      const guests = []
      for (const name of ['d1', 'd2']) {
        const vmi = await waitForObject(
          sim.store,
          def('virtualmachineinstances'),
          'default',
          name,
          (o) => vmiStatus(o)?.phase === 'Running',
          BOOT_MS,
        )
        expect(vmiStatus(vmi)?.nodeName).toBe('node-1')
        const guest = sim.guests.get('default', name)!
        pids.push(guest.pid)
        guests.push(guest)
      }
      await kubectl('uncordon', 'node-2', 'node-3')
      const out = await kubectl(
        'drain',
        'node-1',
        '--ignore-daemonsets',
        '--delete-emptydir-data',
        '--pod-selector=kubevirt.io=virt-launcher',
        '--timeout=120s',
      )
      expect(out).toContain('node/node-1 drained')
      for (const [i, name] of ['d1', 'd2'].entries()) {
        const vmi = await waitForObject(
          sim.store,
          def('virtualmachineinstances'),
          'default',
          name,
          (o) => vmiStatus(o)?.migrationState?.completed === true,
        )
        expect(vmiStatus(vmi)).toMatchObject({
          phase: 'Running',
          migrationState: { completed: true, sourceNode: 'node-1' },
        })
        expect(vmiStatus(vmi)?.migrationState).not.toHaveProperty('failed')
        expect(vmiStatus(vmi)?.nodeName).not.toBe('node-1')
        // A new QEMU process runs the guest; the one on node-1 is gone.
        const moved = sim.guests.get('default', name)!
        pids.push(moved.pid)
        expect(moved.pid).not.toBe(guests[i]!.pid)
        expect(isAlive(guests[i]!.pid)).toBe(false)
      }
      await kubectl('uncordon', 'node-1')
    },
    3 * BOOT_MS,
  )
})
