import {
  createWriteStream,
  mkdirSync,
  readdirSync,
  statSync,
  unlinkSync,
  type WriteStream,
} from 'node:fs'
import { join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'

export interface RecordingSettings {
  /** Where transcripts are written (a directory in the demo, a PVC in a deployment). */
  dir: string
  /** Namespaces whose serial consoles are recorded; none by default. */
  namespaces: ReadonlySet<string>
  /** Transcripts older than this are removed. */
  maxAgeMs: number
  /** Above this many bytes in all, the oldest transcripts are removed. */
  maxBytes: number
}

const SUFFIX = '.serial.txt'

/**
 * A serial console session as a text transcript: one line per chunk, `time⇥who⇥text` with the
 * ISO time, `guest` for what the console printed or the user's name for what they typed, and the
 * text as a JSON string (control characters escaped, so the file stays greppable).
 */
export class SerialTranscript {
  readonly file: string
  readonly #out: WriteStream
  readonly #decoders = new Map<string, StringDecoder>()

  constructor(settings: RecordingSettings, namespace: string, name: string) {
    mkdirSync(settings.dir, { recursive: true })
    pruneRecordings(settings)
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    this.file = join(settings.dir, `${namespace}_${name}_${stamp}${SUFFIX}`)
    this.#out = createWriteStream(this.file, { flags: 'a', mode: 0o600 })
    // A disk that fails must not take the console down with it.
    this.#out.on('error', () => undefined)
  }

  write(who: string, bytes: Buffer): void {
    // Per writer: a UTF-8 character split across two chunks stays whole.
    let decoder = this.#decoders.get(who)
    if (!decoder) this.#decoders.set(who, (decoder = new StringDecoder('utf8')))
    const text = decoder.write(bytes)
    if (text) this.#out.write(`${new Date().toISOString()}\t${who}\t${JSON.stringify(text)}\n`)
  }

  /** Resolves once the transcript is on disk. */
  close(): Promise<void> {
    return new Promise((resolve) => this.#out.end(resolve))
  }
}

/** Retention: transcripts past the age limit go, then the oldest until the total fits. */
export function pruneRecordings(settings: RecordingSettings, now = Date.now()): string[] {
  let files: { path: string; mtimeMs: number; size: number }[]
  try {
    files = readdirSync(settings.dir)
      .filter((name) => name.endsWith(SUFFIX))
      .map((name) => {
        const path = join(settings.dir, name)
        const { mtimeMs, size } = statSync(path)
        return { path, mtimeMs, size }
      })
      .sort((a, b) => a.mtimeMs - b.mtimeMs)
  } catch {
    return []
  }
  let total = files.reduce((sum, f) => sum + f.size, 0)
  const removed: string[] = []
  for (const file of files) {
    if (now - file.mtimeMs <= settings.maxAgeMs && total <= settings.maxBytes) break
    try {
      unlinkSync(file.path)
      removed.push(file.path)
      total -= file.size
    } catch {
      // gone already
    }
  }
  return removed
}
