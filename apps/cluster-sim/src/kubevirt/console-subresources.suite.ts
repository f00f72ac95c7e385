// The `vnc` and `console` WebSocket subresources against a real QEMU guest, through the
// simulator on the real control plane: client → kube-apiserver (authentication, RBAC, the
// aggregator) → virt-api → the guest, with the `ws` client a Node backend (the BFF) uses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { requireDef } from '../controllers/context.ts'
import { waitForObject } from '../controllers/wait-for-object.ts'
import type { KObject } from '../kube/types.ts'
import type { KubevirtMode } from '../cluster/start-cluster.ts'
import type { Sim } from '../sim.ts'
import { useSim } from '../../test/use-sim.ts'
import { ACTIVE_VNC_MESSAGE } from './console-subresources.ts'
import { TestGuests } from '../../test/console-test-guests.ts'

const BOOT_MS = 60_000
// The demo's running VM, whose guest is the test's QEMU (the simulator runs no guests here).
const NS = 'prod'
const VM = 'web-01'

/**
 * The suite, on the simulator's virt-api (`sim`) or on KubeVirt's own virt-api relaying to the
 * simulator's virt-handler (`real`): the same answers either way.
 */
export function consoleSubresourceSuite(kubevirt: KubevirtMode): void {
  let sim: Sim
  let guests: TestGuests
  useSim({ guests: 'none', kubevirt }, (test) => ({ sim } = test))

  const subresource = (name: string, kind: 'vnc' | 'console', query = '', namespace = NS) =>
    `/apis/subresources.kubevirt.io/v1/namespaces/${namespace}/virtualmachineinstances/${name}/${kind}${query}`

  interface Refusal {
    status: number
    body: string
  }

  /** Opens a console through kube-apiserver; resolves with the open socket or the refusal. */
  function connect(
    path: string,
    options: { user?: 'admin' | 'helpdesk'; protocols?: string[] } = {},
  ): Promise<WebSocket | Refusal> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(
        sim.url.replace(/^https/, 'wss') + path,
        options.protocols ?? ['plain.kubevirt.io'],
        {
          ca: sim.ca,
          headers: { authorization: `Bearer ${sim.tokens[options.user ?? 'admin']}` },
        },
      )
      ws.binaryType = 'nodebuffer'
      ws.once('open', () => resolve(ws))
      ws.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      })
      ws.once('error', reject)
    })
  }

  function opened(result: WebSocket | Refusal): WebSocket {
    if (!(result instanceof WebSocket)) throw new Error(`refused: ${result.status} ${result.body}`)
    return result
  }

  function refused(result: WebSocket | Refusal): Refusal {
    if (result instanceof WebSocket) {
      result.terminate()
      throw new Error('the upgrade was accepted')
    }
    return result
  }

  /** Everything received on `ws` until `pattern` shows up. */
  function readUntil(ws: WebSocket, pattern: string | RegExp, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      let seen = ''
      const timer = setTimeout(
        () =>
          done(
            new Error(
              `timed out waiting for ${String(pattern)}: ${JSON.stringify(seen.slice(-300))}`,
            ),
          ),
        timeoutMs,
      )
      const onMessage = (data: Buffer, isBinary: boolean) => {
        if (!isBinary) return done(new Error('the server sent a text frame'))
        seen += data.toString('latin1')
        if (typeof pattern === 'string' ? seen.includes(pattern) : pattern.test(seen)) done()
      }
      const onClose = () =>
        done(new Error(`closed before ${String(pattern)}: ${JSON.stringify(seen.slice(-300))}`))
      const done = (error?: Error) => {
        clearTimeout(timer)
        ws.off('message', onMessage)
        ws.off('close', onClose)
        if (error) reject(error)
        else resolve(seen)
      }
      ws.on('message', onMessage)
      ws.on('close', onClose)
    })
  }

  const closed = (ws: WebSocket) =>
    new Promise<{ code: number; reason: string }>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) resolve({ code: 1006, reason: '' })
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    })

  beforeAll(async () => {
    guests = new TestGuests()
    sim.consoles.useGuests(guests.registry)
    const vmi = await waitForObject(
      sim.store,
      requireDef(sim.registry, 'kubevirt.io', 'virtualmachineinstances'),
      NS,
      VM,
      (o) => (o?.status as { phase?: string } | undefined)?.phase === 'Running',
      30_000,
    )
    expect(vmi).toBeDefined()
    const guest = await guests.start(sim, NS, VM, { vmi: 'existing' })
    // Wait for the shell on the serial line through the subresource itself.
    const ws = opened(await connect(subresource(VM, 'console')))
    await readUntil(ws, `vmdeck guest ${VM} ready`, BOOT_MS)
    ws.close()
    await closed(ws)
    expect(guest.running).toBe(true)
  }, BOOT_MS + 30_000)

  afterAll(async () => {
    await guests?.close()
  })

  describe('console subresource (serial)', () => {
    it('echoes plain.kubevirt.io and bridges bytes both ways in binary frames', async () => {
      const ws = opened(await connect(subresource(VM, 'console')))
      expect(ws.protocol).toBe('plain.kubevirt.io')
      const seen = readUntil(ws, 'hi-42')
      ws.send(Buffer.from('echo hi-$((6*7))\r'), { binary: true })
      expect(await seen).toContain('hi-42')
      ws.close()
      await closed(ws)
    })

    it('drops text frames, as virt-handler does', async () => {
      const ws = opened(await connect(subresource(VM, 'console')))
      ws.send('echo text-$((1+1))\r') // a text frame: must never reach the guest
      const seen = readUntil(ws, 'bin-4')
      ws.send(Buffer.from('echo bin-$((2+2))\r'), { binary: true })
      const out = await seen
      expect(out).not.toContain('text-2')
      ws.close()
      await closed(ws)
    })

    it('accepts a client that offers no subprotocol, without the header', async () => {
      const ws = opened(await connect(subresource(VM, 'console'), { protocols: [] }))
      expect(ws.protocol).toBe('')
      ws.close()
      await closed(ws)
    })

    it('closes the previous console session when a new one connects', async () => {
      const first = opened(await connect(subresource(VM, 'console')))
      const firstClosed = closed(first)
      const second = opened(await connect(subresource(VM, 'console')))
      expect((await firstClosed).code).toBe(1006)
      const seen = readUntil(second, 'again-9')
      second.send(Buffer.from('echo again-$((3*3))\r'), { binary: true })
      await seen
      expect(sim.consoles.sessions({ name: VM, kind: 'console' })).toHaveLength(1)
      second.close()
      await closed(second)
    })
  })

  describe('vnc subresource', () => {
    it('speaks RFB 3.8 from the guest', async () => {
      const ws = opened(await connect(subresource(VM, 'vnc')))
      expect(await readUntil(ws, '\n')).toBe('RFB 003.008\n')
      ws.close()
      await closed(ws)
    })

    it('refuses a second client that asked to preserve the session, as virt-api relays it', async () => {
      const first = opened(await connect(subresource(VM, 'vnc')))
      await readUntil(first, 'RFB')
      const second = refused(await connect(subresource(VM, 'vnc', '?preserveSession=true')))
      expect(second.status).toBe(500)
      const status = JSON.parse(second.body) as { reason: string; message: string }
      expect(status.reason).toBe('InternalError')
      expect(status.message).toContain(ACTIVE_VNC_MESSAGE)
      expect(first.readyState).toBe(WebSocket.OPEN)

      // Without preserveSession the new client takes over and the first is dropped.
      const firstClosed = closed(first)
      const third = opened(await connect(subresource(VM, 'vnc', '?preserveSession=false')))
      // Listening at once: the guest's greeting may come before the first client sees its end.
      const greeting = readUntil(third, '\n')
      expect((await firstClosed).code).toBe(1006)
      expect(await greeting).toBe('RFB 003.008\n')
      third.close()
      await closed(third)
    })

    it('lets preserveSession=true through when nobody is connected', async () => {
      await expect.poll(() => sim.consoles.sessions({ kind: 'vnc' }).length).toBe(0)
      const ws = opened(await connect(subresource(VM, 'vnc', '?preserveSession=true')))
      await readUntil(ws, 'RFB')
      ws.close()
      await closed(ws)
    })
  })

  describe('errors before the upgrade', () => {
    it('answers 404 for a VMI that does not exist, to helpdesk and admin alike', async () => {
      for (const user of ['helpdesk', 'admin'] as const) {
        const result = refused(await connect(subresource('missing', 'console'), { user }))
        expect(result.status).toBe(404)
        expect(JSON.parse(result.body)).toMatchObject({
          reason: 'NotFound',
          message: 'virtualmachineinstance.kubevirt.io "missing" not found',
        })
      }
    })

    it('answers 400 "VMI is not running" for a VMI kube-scheduler cannot place', async () => {
      // The demo's bigmem-test fits no node: its VMI stays in Scheduling.
      await waitForObject(
        sim.store,
        requireDef(sim.registry, 'kubevirt.io', 'virtualmachineinstances'),
        'dev',
        'bigmem-test',
        (o) => (o?.status as { phase?: string } | undefined)?.phase === 'Scheduling',
      )
      const vnc = refused(await connect(subresource('bigmem-test', 'vnc', '', 'dev')))
      expect(vnc.status).toBe(400)
      expect(JSON.parse(vnc.body)).toMatchObject({
        reason: 'BadRequest',
        message: 'VMI is not running',
      })
    })

    it('answers 409 for a VMI that failed when its launcher pod vanished', async () => {
      const vmiDef = requireDef(sim.registry, 'kubevirt.io', 'virtualmachineinstances')
      const podDef = requireDef(sim.registry, '', 'pods')
      const phase = (o: KObject | undefined) => (o?.status as { phase?: string } | undefined)?.phase
      const standalone: KObject = {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstance',
        metadata: { name: 'broken', namespace: 'default' },
        spec: { domain: { memory: { guest: '96Mi' }, devices: {} } },
      }
      await sim.store.create(vmiDef, standalone)
      const running = await waitForObject(sim.store, vmiDef, 'default', 'broken', (o) => {
        return phase(o) === 'Running'
      })
      // Force-deleted (no grace period): the pod is gone before virt-launcher could stop the guest.
      const pod = sim.store
        .list(podDef, 'default')
        .items.find((p) => p.metadata.labels?.['kubevirt.io/created-by'] === running?.metadata.uid)
      await sim.store.delete(podDef, 'default', pod?.metadata.name ?? '', { gracePeriodSeconds: 0 })
      await waitForObject(sim.store, vmiDef, 'default', 'broken', (o) => phase(o) === 'Failed')
      const failed = refused(await connect(subresource('broken', 'console', '', 'default')))
      expect(failed.status).toBe(409)
      expect(JSON.parse(failed.body).message).toBe(
        'Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "broken": VMI is in failed status',
      )
    })

    it('answers 500 when no guest runs for a Running VMI', async () => {
      // web-02 runs without a QEMU process: nothing answers for it.
      const result = refused(await connect(subresource('web-02', 'vnc')))
      expect(result.status).toBe(500)
      // virt-api's words around the node's refusal: "dialing virt-handler: …" from the simulator's,
      // "Can't connect to websocket (400): …" from KubeVirt's.
      expect(JSON.parse(result.body).message).toMatch(
        /^Internal error occurred: .*no virt-launcher answers for VMI prod\/web-02/,
      )
    })
  })
}
