// With real QEMU guests asked for and no guest image built, the simulator refuses to start
// instead of running VMIs that claim a guest no process backs.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startSim } from '../sim.ts'

const scratch = mkdtempSync(join(tmpdir(), 'vmdeck-no-image-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('guests: qemu without a guest image', () => {
  it('refuses to start, saying how to build the image or run simulated guests', async () => {
    const imageDir = join(scratch, 'guest')
    const stateDir = join(scratch, 'state')
    await expect(startSim({ stateDir, guests: 'qemu', guestImageDir: imageDir })).rejects.toThrow(
      new RegExp(`^no guest image in ${imageDir}: build it with .*build-guest\\.sh.*--guests none`),
    )
    // Nothing was started: no control plane state was written.
    expect(readdirSync(scratch)).toEqual([])
  })
})
