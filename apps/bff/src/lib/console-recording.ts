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
  /** Where recordings are written (a directory in the demo, a PVC in a deployment). */
  dir: string
  /** Namespaces whose consoles are recorded; none by default. */
  namespaces: ReadonlySet<string>
  /** Recordings older than this are removed. */
  maxAgeMs: number
  /** Above this many bytes in all, the oldest recordings are removed. */
  maxBytes: number
}

export type RecordingKind = 'serial' | 'vnc'

/** What a recording's file name ends with, per console. */
export const SUFFIXES: Record<RecordingKind, string> = {
  serial: '.serial.txt',
  vnc: '.vnc.rfb',
}
const isRecording = (file: string) => file.endsWith(SUFFIXES.serial) || file.endsWith(SUFFIXES.vnc)

/**
 * A recording's file: `{dir}/{cluster}/{namespace}_{name}_{time}{suffix}`. Namespace and name
 * are DNS labels (no `_`), the time an ISO time with `:` and `.` as `-`; the file name is the
 * recording's id in the API. A directory per cluster: the same namespace and VM name in two
 * clusters are two VMs (and two sets of rights).
 */
function newRecordingFile(
  settings: RecordingSettings,
  cluster: string,
  namespace: string,
  name: string,
  kind: RecordingKind,
): string {
  const dir = join(settings.dir, cluster)
  mkdirSync(dir, { recursive: true })
  pruneRecordings(settings)
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  return join(dir, `${namespace}_${name}_${stamp}${SUFFIXES[kind]}`)
}

function openOut(file: string): WriteStream {
  const out = createWriteStream(file, { flags: 'a', mode: 0o600 })
  // A disk that fails must not take the console down with it.
  out.on('error', () => undefined)
  return out
}

/**
 * A serial console session as a text transcript: one line per chunk, `time⇥who⇥text` with the
 * ISO time, `guest` for what the console printed or the user's name for what they typed, and the
 * text as a JSON string (control characters escaped, so the file stays greppable).
 */
export class SerialTranscript {
  readonly file: string
  readonly #out: WriteStream
  readonly #decoders = new Map<string, StringDecoder>()

  constructor(settings: RecordingSettings, cluster: string, namespace: string, name: string) {
    this.file = newRecordingFile(settings, cluster, namespace, name, 'serial')
    this.#out = openOut(this.file)
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

/** The first line of a VNC recording (format version 1). */
export const VNC_RECORDING_MAGIC = 'vmdeck-rfb-recording 1\n'

/**
 * A VNC console session as the bytes a browser receives from the server, with their times, so
 * that noVNC can play it back (apps/web: recording-player): the magic line, then frames of
 * `uint32 milliseconds since the start · uint32 length · bytes` (big-endian). The first frame,
 * at 0, is the server's side of an RFB 3.8 handshake up to ServerInit (what the BFF serves every
 * browser, console-rfb.ts), so a recording plays from its start; then the upstream's messages as
 * they came, from the first one after the BFF's own handshake (a message boundary). What the
 * browsers sent is not recorded: the screen shows its effect.
 */
export class VncRecording {
  readonly file: string
  readonly #out: WriteStream
  readonly #start = performance.now()

  constructor(
    settings: RecordingSettings,
    cluster: string,
    namespace: string,
    name: string,
    handshake: Buffer,
  ) {
    this.file = newRecordingFile(settings, cluster, namespace, name, 'vnc')
    this.#out = openOut(this.file)
    this.#out.write(VNC_RECORDING_MAGIC)
    this.#frame(0, handshake)
  }

  write(bytes: Buffer): void {
    if (bytes.length > 0) this.#frame(Math.round(performance.now() - this.#start), bytes)
  }

  #frame(ms: number, bytes: Buffer): void {
    const header = Buffer.allocUnsafe(8)
    header.writeUInt32BE(ms, 0)
    header.writeUInt32BE(bytes.length, 4)
    this.#out.write(header)
    // The stream keeps a reference: the hub never reuses a chunk it passed on.
    this.#out.write(bytes)
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#out.end(resolve))
  }
}

export interface RecordingFile {
  id: string
  kind: RecordingKind
  /** When the console's stream was opened (from the file name). */
  startedAt: string
  /** The last write (the end, once the session is over). */
  modifiedAt: string
  bytes: number
}

const ID_RE =
  /^([a-z0-9-]+)_([a-z0-9-]+)_(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)(\.serial\.txt|\.vnc\.rfb)$/

/** Parses an id; undefined if it is none (so never a path of its own). */
function parseId(id: string) {
  const match = ID_RE.exec(id)
  if (!match) return undefined
  const [, namespace = '', name = '', stamp = '', suffix = ''] = match
  const [date = '', time = ''] = stamp.split('T')
  const [h, m, s, ms] = time.replace('Z', '').split('-')
  const kind: RecordingKind = suffix === SUFFIXES.vnc ? 'vnc' : 'serial'
  return {
    namespace,
    name,
    kind,
    startedAt: `${date}T${h}:${m}:${s}.${ms}Z`,
  }
}

/** The recordings of one VM, newest first; only the kinds in `kinds`. */
export function listRecordings(
  settings: RecordingSettings,
  cluster: string,
  namespace: string,
  name: string,
  kinds: ReadonlySet<RecordingKind>,
): RecordingFile[] {
  const dir = join(settings.dir, cluster)
  let files: string[]
  try {
    files = readdirSync(dir)
  } catch {
    return []
  }
  const found: RecordingFile[] = []
  for (const id of files) {
    const parsed = parseId(id)
    if (!parsed || parsed.namespace !== namespace || parsed.name !== name) continue
    if (!kinds.has(parsed.kind)) continue
    try {
      const { mtime, size } = statSync(join(dir, id))
      found.push({
        id,
        kind: parsed.kind,
        startedAt: parsed.startedAt,
        modifiedAt: mtime.toISOString(),
        bytes: size,
      })
    } catch {
      // removed meanwhile
    }
  }
  return found.sort((a, b) => b.startedAt.localeCompare(a.startedAt))
}

/**
 * The file of a VM's recording `id`, if `id` is one of that VM's (its name says so) and it
 * exists; with its kind. Never a path outside the cluster's directory.
 */
export function recordingFile(
  settings: RecordingSettings,
  cluster: string,
  namespace: string,
  name: string,
  id: string,
): { path: string; kind: RecordingKind; bytes: number } | undefined {
  const parsed = parseId(id)
  if (!parsed || parsed.namespace !== namespace || parsed.name !== name) return undefined
  const path = join(settings.dir, cluster, id)
  try {
    const stat = statSync(path)
    return stat.isFile() ? { path, kind: parsed.kind, bytes: stat.size } : undefined
  } catch {
    return undefined
  }
}

/** The kind of recording an id names, if it names one. */
export function recordingKindOf(id: string): RecordingKind | undefined {
  return parseId(id)?.kind
}

/**
 * Retention over every recording (serial and VNC, every cluster's directory, and files of
 * before the per-cluster directories at the top): those past the age limit go, then the oldest
 * until the total fits.
 */
export function pruneRecordings(settings: RecordingSettings, now = Date.now()): string[] {
  const files: { path: string; mtimeMs: number; size: number }[] = []
  const collect = (dir: string, depth: number) => {
    let entries: import('node:fs').Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const path = join(dir, entry.name)
      if (entry.isDirectory() && depth === 0) collect(path, 1)
      else if (entry.isFile() && isRecording(entry.name)) {
        try {
          const { mtimeMs, size } = statSync(path)
          files.push({ path, mtimeMs, size })
        } catch {
          // gone already
        }
      }
    }
  }
  collect(settings.dir, 0)
  files.sort((a, b) => a.mtimeMs - b.mtimeMs)
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

/** The settings from the environment (README); undefined (off) without a directory and namespaces. */
export function recordingsFromEnv(env = process.env): RecordingSettings | undefined {
  const dir = env.VMDECK_CONSOLE_RECORDINGS_DIR
  const namespaces = (env.VMDECK_CONSOLE_RECORDING_NAMESPACES ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
  if (!dir || namespaces.length === 0) return undefined
  return {
    dir,
    namespaces: new Set(namespaces),
    maxAgeMs: Number(env.VMDECK_CONSOLE_RECORDINGS_MAX_DAYS ?? 30) * 24 * 3600_000,
    maxBytes: Number(env.VMDECK_CONSOLE_RECORDINGS_MAX_MIB ?? 1024) * 1024 * 1024,
  }
}
