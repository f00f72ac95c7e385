import { describe, expect, it } from 'vitest'
import { RfbClientFramer, RfbServerFramer } from './console-rfb-framing.ts'

const rawUpdate = (width: number, height: number) => {
  const head = Buffer.alloc(16)
  head.writeUInt8(0, 0) // FramebufferUpdate
  head.writeUInt16BE(1, 2) // one rectangle
  head.writeUInt16BE(width, 8)
  head.writeUInt16BE(height, 10)
  head.writeInt32BE(0, 12) // Raw
  return Buffer.concat([head, Buffer.alloc(width * height * 4, 7)])
}

describe('RfbServerFramer', () => {
  it('finds message boundaries however the stream is cut', () => {
    const bell = Buffer.from([2])
    const cut = Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('abc')])
    const stream = Buffer.concat([rawUpdate(3, 2), bell, cut])
    const ends = [16 + 24, 16 + 24 + 1, stream.length]
    for (const size of [1, 5, 17, stream.length]) {
      const framer = new RfbServerFramer(4, () => undefined)
      const found: number[] = []
      for (let at = 0; at < stream.length; at += size)
        for (const end of framer.feed(stream.subarray(at, at + size))) found.push(at + end)
      expect(found).toEqual(ends)
      expect(framer.atBoundary).toBe(true)
    }
  })

  it('reports a resize and refuses an encoding it cannot measure', () => {
    const sizes: number[][] = []
    const framer = new RfbServerFramer(4, (w, h) => sizes.push([w, h]))
    const resize = rawUpdate(0, 0)
    resize.writeUInt16BE(800, 8)
    resize.writeUInt16BE(600, 10)
    resize.writeInt32BE(-223, 12) // DesktopSize
    expect(framer.feed(resize.subarray(0, 16))).toEqual([16])
    expect(sizes).toEqual([[800, 600]])
    const tight = rawUpdate(1, 1)
    tight.writeInt32BE(7, 12)
    framer.feed(tight)
    expect(framer.error).toBe('unexpected RFB encoding 7')
  })
})

describe('RfbClientFramer', () => {
  it('hands out whole client messages with their type', () => {
    const seen: [number, number][] = []
    const framer = new RfbClientFramer((type, bytes) => seen.push([type, bytes.length]))
    const key = Buffer.from([4, 1, 0, 0, 0, 0, 0, 0x61])
    const pointer = Buffer.from([5, 0, 0, 1, 0, 2])
    const encodings = Buffer.from([2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1])
    const all = Buffer.concat([key, pointer, encodings])
    framer.push(all.subarray(0, 3))
    framer.push(all.subarray(3, 20))
    framer.push(all.subarray(20))
    expect(seen).toEqual([
      [4, 8],
      [5, 6],
      [2, 12],
    ])
  })
})
