import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { pruneRecordings, SerialTranscript, type RecordingSettings } from './console-recording.ts'

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
    const transcript = new SerialTranscript(settings(), 'prod', 'web-01')
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
})
