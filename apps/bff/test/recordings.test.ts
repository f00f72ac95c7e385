// `GET …/vms/{name}/recordings` and `…/recordings/{id}`: who may list and fetch a VM's console
// recordings, the same 404 for forbidden and missing, and retention over VNC recordings.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  VNC_RECORDING_MAGIC,
  VncRecording,
  type RecordingSettings,
} from '../src/lib/console-recording.ts'
import { buildStack, login, vmUrl, type TestStack } from './helper.ts'

const dir = mkdtempSync(join(tmpdir(), 'vmdeck-recordings-route-'))
const settings: RecordingSettings = {
  dir,
  namespaces: new Set(['prod']),
  maxAgeMs: 24 * 3600_000,
  maxBytes: 1000,
}
let stack: TestStack
const cookies: Record<string, string> = {}
const VNC = 'prod_web-01_2026-12-01T10-00-00-000Z.vnc.rfb'
const SERIAL = 'prod_web-01_2026-12-01T11-00-00-000Z.serial.txt'
const OTHER_VM = 'prod_web-02_2026-12-01T10-00-00-000Z.vnc.rfb'
const base = `${vmUrl('prod', 'web-01')}/recordings`

const put = (id: string, content: string | Buffer, ageMs = 0) => {
  mkdirSync(join(dir, 'vmdeck-sim'), { recursive: true })
  const path = join(dir, 'vmdeck-sim', id)
  writeFileSync(path, content)
  const at = (Date.now() - ageMs) / 1000
  utimesSync(path, at, at)
}
const get = (user: string, url: string) =>
  stack.app.inject({ url, headers: { cookie: cookies[user] ?? '' } })

beforeAll(async () => {
  stack = await buildStack({ consoles: { recordings: settings } })
  for (const user of ['admin', 'helpdesk', 'viewer']) cookies[user] = await login(stack.app, user)
  put(VNC, Buffer.concat([Buffer.from(VNC_RECORDING_MAGIC), Buffer.alloc(8)]), 2000)
  put(SERIAL, '2026-12-01T11:00:00.000Z\tguest\t"login: "\n', 1000)
  put(OTHER_VM, VNC_RECORDING_MAGIC)
})
afterAll(async () => {
  await stack?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('console recordings', () => {
  it('lists the VM’s recordings, newest first, to those who may open its consoles', async () => {
    for (const user of ['admin', 'helpdesk']) {
      const answer = await get(user, base)
      expect(answer.statusCode).toBe(200)
      expect(answer.json()).toMatchObject({
        recorded: true,
        items: [
          { id: SERIAL, kind: 'serial', startedAt: '2026-12-01T11:00:00.000Z' },
          { id: VNC, kind: 'vnc', startedAt: '2026-12-01T10:00:00.000Z', bytes: 31 },
        ],
      })
    }
    // viewer may not open the consoles: none of the recordings are listed.
    expect((await get('viewer', base)).json()).toEqual({ recorded: true, items: [] })
    expect((await stack.app.inject({ url: base })).statusCode).toBe(401)
  })

  it('serves a VNC recording as bytes and a transcript as text', async () => {
    const vnc = await get('helpdesk', `${base}/${VNC}`)
    expect(vnc.statusCode).toBe(200)
    expect(vnc.headers['content-type']).toBe('application/octet-stream')
    expect(vnc.headers['cache-control']).toBe('private, no-store')
    expect(vnc.rawPayload.subarray(0, VNC_RECORDING_MAGIC.length).toString()).toBe(
      VNC_RECORDING_MAGIC,
    )
    const serial = await get('admin', `${base}/${SERIAL}`)
    expect(serial.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(serial.body).toContain('login: ')
    // Who watched which recording is logged.
    expect(stack.logs.some((l) => l.includes('console recording fetched') && l.includes(VNC))).toBe(
      true,
    )
  })

  it('answers a recording one may not see exactly as one that does not exist', async () => {
    const missing = await get('helpdesk', `${base}/prod_web-01_2026-12-01T09-00-00-000Z.vnc.rfb`)
    const forbidden = await get('viewer', `${base}/${VNC}`)
    // Another VM's recording asked for under this VM's path: not there either.
    const elsewhere = await get('helpdesk', `${base}/${OTHER_VM}`)
    const traversal = await get('helpdesk', `${base}/..%2F..%2Fetc%2Fpasswd`)
    for (const answer of [missing, forbidden, elsewhere])
      expect({ status: answer.statusCode, code: answer.json<{ code: string }>().code }).toEqual({
        status: 404,
        code: 'NOT_FOUND',
      })
    expect(forbidden.json<{ message: string }>().message).toBe(
      `There is no recording ${VNC} of prod/web-01.`,
    )
    expect(Object.keys(forbidden.headers).sort()).toEqual(Object.keys(missing.headers).sort())
    expect(traversal.statusCode).toBe(404)
    expect((await get('viewer', `${base}/${SERIAL}`)).statusCode).toBe(404)
  })

  it('removes the oldest recordings, VNC ones too, once the size limit is reached', async () => {
    // 1000 bytes in all (1048 here): a new recording's start prunes; the VNC recording is the oldest.
    put('prod_web-01_2026-12-01T12-00-00-000Z.vnc.rfb', Buffer.alloc(950), 500)
    const recording = new VncRecording(settings, 'vmdeck-sim', 'prod', 'web-01', Buffer.alloc(10))
    await recording.close()
    const ids = (await get('admin', base))
      .json<{ items: { id: string }[] }>()
      .items.map((i) => i.id)
    expect(ids).not.toContain(VNC)
    expect(ids).not.toContain(SERIAL)
    expect(ids).toContain(recording.file.split('/').at(-1))
    expect((await get('admin', `${base}/${VNC}`)).statusCode).toBe(404)
  })
})
