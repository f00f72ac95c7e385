import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { parseRecording, RECORDING_MAGIC, RfbReplay, type ReplayChannel } from './rfb-replay.ts'

function recording(frames: [number, string][]): ArrayBuffer {
  const parts: number[] = [...new TextEncoder().encode(RECORDING_MAGIC)]
  for (const [ms, text] of frames) {
    const data = new TextEncoder().encode(text)
    const header = new DataView(new ArrayBuffer(8))
    header.setUint32(0, ms)
    header.setUint32(4, data.length)
    parts.push(...new Uint8Array(header.buffer), ...data)
  }
  return new Uint8Array(parts).buffer
}

/** A stand-in for noVNC: what each client (one per connect) received, as text. */
function fakeClients() {
  const clients: string[][] = []
  let updates = 0
  return {
    clients,
    get updates() {
      return updates
    },
    target: {
      connect(channel: ReplayChannel) {
        const got: string[] = []
        clients.push(got)
        channel.onmessage = (event) => got.push(new TextDecoder().decode(event.data as ArrayBuffer))
        channel.send() // ignored
      },
      update: () => void updates++,
    },
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('VNC recording playback', () => {
  const frames = parseRecording(
    recording([
      [0, 'handshake'],
      [100, 'a'],
      [1000, 'b'],
      [3000, 'c'],
    ]),
  )

  it('reads the frames, and refuses what is not a recording', () => {
    expect(frames.map((f) => f.ms)).toEqual([0, 100, 1000, 3000])
    expect(() => parseRecording(new TextEncoder().encode('RFB 003.008\n').buffer)).toThrow(
      /not a vmdeck VNC recording/,
    )
    // Cut short: the whole frames before the cut.
    expect(
      parseRecording(
        recording([
          [0, 'x'],
          [5, 'yy'],
        ]).slice(0, -1),
      ),
    ).toHaveLength(1)
  })

  it('delivers the handshake at once, then each frame on its clock, faster at higher speed', () => {
    const fake = fakeClients()
    const replay = new RfbReplay(frames, fake.target)
    expect(fake.clients).toEqual([['handshake']])
    replay.play()
    vi.advanceTimersByTime(150)
    expect(fake.clients[0]).toEqual(['handshake', 'a'])
    replay.pause()
    vi.advanceTimersByTime(5000)
    expect(fake.clients[0]).toEqual(['handshake', 'a'])
    replay.setSpeed(4)
    replay.play()
    vi.advanceTimersByTime(250) // 1 s of recording at 4×
    expect(fake.clients[0]).toEqual(['handshake', 'a', 'b'])
    vi.advanceTimersByTime(600)
    expect(fake.clients[0]).toEqual(['handshake', 'a', 'b', 'c'])
    expect(replay.playing).toBe(false)
    expect(replay.positionMs).toBe(3000)
    expect(fake.updates).toBeGreaterThan(0)
  })

  it('seeks forward by delivering the frames in between, backward by starting again', () => {
    const fake = fakeClients()
    const replay = new RfbReplay(frames, fake.target)
    replay.seek(1500)
    expect(fake.clients).toEqual([['handshake', 'a', 'b']])
    replay.seek(500)
    expect(fake.clients).toHaveLength(2)
    expect(fake.clients[1]).toEqual(['handshake', 'a'])
    expect(replay.positionMs).toBe(500)
  })
})
