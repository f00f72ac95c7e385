// A PNG of a guest's display: QMP `screendump` writes it to a file (the `format` argument needs
// QEMU >= 7.1), which is read and removed.
import { randomUUID } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { QemuGuest } from './qemu-guest.ts'

export async function screendump(guest: Pick<QemuGuest, 'execute'>): Promise<Buffer> {
  const file = join(tmpdir(), `vmdeck-screenshot-${randomUUID()}.png`)
  try {
    await guest.execute('screendump', { filename: file, format: 'png' })
    return await readFile(file)
  } finally {
    await rm(file, { force: true })
  }
}
