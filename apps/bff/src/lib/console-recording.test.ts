import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  listRecordings,
  pruneRecordings,
  recordingFile,
  SerialTranscript,
  VNC_RECORDING_MAGIC,
  VncRecording,
  type RecordingSettings,
} from './console-recording.ts'

let dir = ''
const settings = (over: Partial<RecordingSettings> = {}): RecordingSettings => ({
  dir,
  namespaces: new Set(['prod']),
  maxAgeMs: 24 * 3600_000,
  maxBytes: 1024,
  ...over,
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('serial transcripts', () => {
  it('writes what was typed and printed, with times and who, one line per chunk', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vmdeck-rec-'))
    const transcript = new SerialTranscript(settings(), 'vmdeck-sim', 'prod', 'web-01')
    transcript.write('helpdesk', Buffer.from('echo hi\r'))
    // A character split across two chunks stays whole.
    const euro = Buffer.from('€\r\n')
    transcript.write('guest', euro.subarray(0, 1))
    transcript.write('guest', euro.subarray(1))
    await transcript.close()
    const lines = readFileSync(transcript.file, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\thelpdesk\t"echo hi\\r"$/)
    expect(lines[1]).toMatch(/\tguest\t"€\\r\\n"$/)
    expect(transcript.file).toMatch(/\/vmdeck-sim\/prod_web-01_[\dT-]+Z\.serial\.txt$/)
  })

  it('removes transcripts past their age, then the oldest until the total fits', () => {
    dir = mkdtempSync(join(tmpdir(), 'vmdeck-rec-'))
    const now = Date.now()
    const file = (name: string, ageMs: number, size: number) => {
      const path = join(dir, `${name}.serial.txt`)
      writeFileSync(path, 'x'.repeat(size))
      utimesSync(path, (now - ageMs) / 1000, (now - ageMs) / 1000)
    }
    file('ancient', 2 * 24 * 3600_000, 10)
    file('old', 3000, 600)
    file('new', 1000, 600)
    writeFileSync(join(dir, 'notes.md'), 'not a transcript')
    pruneRecordings(settings(), now)
    expect(readdirSync(dir).sort()).toEqual(['new.serial.txt', 'notes.md'])
  })

  it('removes VNC recordings too, and across clusters: the oldest first', () => {
    dir = mkdtempSync(join(tmpdir(), 'vmdeck-rec-'))
    const now = Date.now()
    const file = (cluster: string, name: string, ageMs: number, size: number) => {
      mkdirSync(join(dir, cluster), { recursive: true })
      const path = join(dir, cluster, name)
      writeFileSync(path, 'x'.repeat(size))
      utimesSync(path, (now - ageMs) / 1000, (now - ageMs) / 1000)
    }
    file('a', 'prod_web-01_2026-01-01T00-00-00-000Z.vnc.rfb', 3000, 400)
    file('b', 'prod_web-01_2026-01-01T00-00-01-000Z.vnc.rfb', 2000, 400)
    file('a', 'prod_web-01_2026-01-01T00-00-02-000Z.serial.txt', 1000, 400)
    pruneRecordings(settings(), now)
    expect(readdirSync(join(dir, 'a'))).toEqual(['prod_web-01_2026-01-01T00-00-02-000Z.serial.txt'])
    expect(readdirSync(join(dir, 'b'))).toEqual(['prod_web-01_2026-01-01T00-00-01-000Z.vnc.rfb'])
  })
})

describe('VNC recordings', () => {
  it('starts with the handshake at 0 and frames each chunk with its time and length', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vmdeck-rec-'))
    const handshake = Buffer.from('RFB 003.008\n-handshake-')
    const recording = new VncRecording(settings(), 'vmdeck-sim', 'prod', 'web-01', handshake)
    recording.write(Buffer.from([0, 0, 0, 1]))
    await new Promise((resolve) => setTimeout(resolve, 30))
    recording.write(Buffer.from('later'))
    await recording.close()
    const bytes = readFileSync(recording.file)
    expect(bytes.subarray(0, VNC_RECORDING_MAGIC.length).toString()).toBe(VNC_RECORDING_MAGIC)
    const frames: { ms: number; data: string }[] = []
    for (let at = VNC_RECORDING_MAGIC.length; at < bytes.length;) {
      const ms = bytes.readUInt32BE(at)
      const length = bytes.readUInt32BE(at + 4)
      frames.push({ ms, data: bytes.subarray(at + 8, at + 8 + length).toString('latin1') })
      at += 8 + length
    }
    expect(frames.map((f) => f.data)).toEqual([handshake.toString(), '\0\0\0\x01', 'later'])
    expect(frames[0]?.ms).toBe(0)
    expect(frames[2]!.ms - frames[1]!.ms).toBeGreaterThanOrEqual(25)

    // Listed under its VM only, and found by its id, never by a path.
    const id = recording.file.split('/').at(-1) ?? ''
    const all = new Set(['vnc', 'serial'] as const)
    expect(listRecordings(settings(), 'vmdeck-sim', 'prod', 'web-01', all)).toMatchObject([
      { id, kind: 'vnc', bytes: bytes.length },
    ])
    expect(listRecordings(settings(), 'vmdeck-sim', 'prod', 'web-02', all)).toEqual([])
    expect(listRecordings(settings(), 'other', 'prod', 'web-01', all)).toEqual([])
    expect(listRecordings(settings(), 'vmdeck-sim', 'prod', 'web-01', new Set(['serial']))).toEqual(
      [],
    )
    expect(recordingFile(settings(), 'vmdeck-sim', 'prod', 'web-01', id)?.kind).toBe('vnc')
    expect(recordingFile(settings(), 'vmdeck-sim', 'prod', 'web-02', id)).toBeUndefined()
    expect(
      recordingFile(settings(), 'vmdeck-sim', 'prod', 'web-01', `../vmdeck-sim/${id}`),
    ).toBeUndefined()
  })
})
