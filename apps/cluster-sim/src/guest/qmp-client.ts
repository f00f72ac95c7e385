// QMP (QEMU Machine Protocol) client over a unix socket.
// Protocol facts: the server sends one JSON object per line ("\r\n"): first a greeting
// {"QMP": {...}}, then, after the client's `qmp_capabilities`, replies
// {"return": ..., "id": ...} or {"error": {"class", "desc"}, "id": ...} and
// asynchronous events {"event": NAME, "data": ..., "timestamp": {...}}.
// Replies come in request order and echo the request's `id`.
import { EventEmitter } from 'node:events'
import net from 'node:net'

export interface QmpEvent {
  event: string
  data?: Record<string, unknown>
  timestamp?: { seconds: number; microseconds: number }
}

export class QmpError extends Error {
  readonly qmpClass: string
  constructor(command: string, qmpClass: string, desc: string) {
    super(`QMP ${command}: ${qmpClass}: ${desc}`)
    this.qmpClass = qmpClass
  }
}

interface Pending {
  command: string
  resolve: (value: unknown) => void
  reject: (err: Error) => void
}

export interface QmpConnectOptions {
  timeoutMs?: number
  /** Keep retrying while this returns true (e.g. while the QEMU process is alive). */
  keepTrying?: () => boolean
}

/** Events: 'event' (QmpEvent) for every QMP event, 'close' when the socket is gone. */
export class QmpClient extends EventEmitter {
  private readonly socket: net.Socket
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private buffer = ''
  private closed = false

  private constructor(socket: net.Socket) {
    super()
    this.socket = socket
  }

  /** Connects (retrying until the socket exists), reads the greeting and negotiates capabilities. */
  static async connect(path: string, opts: QmpConnectOptions = {}): Promise<QmpClient> {
    const deadline = Date.now() + (opts.timeoutMs ?? 15_000)
    for (;;) {
      try {
        const socket = await openSocket(path)
        const client = new QmpClient(socket)
        const timer = setTimeout(() => socket.destroy(), 10_000) // a greeting never came
        try {
          await client.handshake()
        } catch (err) {
          socket.destroy()
          throw err
        } finally {
          clearTimeout(timer)
        }
        return client
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        const retriable = code === 'ENOENT' || code === 'ECONNREFUSED'
        if (!retriable || Date.now() > deadline || !(opts.keepTrying?.() ?? true)) throw err
        await new Promise((r) => setTimeout(r, 25))
      }
    }
  }

  private handshake(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onGreeting = (msg: Record<string, unknown>): void => {
        if (!('QMP' in msg)) return reject(new Error('QMP: no greeting'))
        this.execute('qmp_capabilities').then(() => resolve(), reject)
      }
      this.once('greeting', onGreeting)
      this.once('close', () => reject(new Error('QMP: closed during handshake')))
      this.socket.setEncoding('utf8')
      this.socket.on('data', (chunk: string) => this.onData(chunk))
      this.socket.on('close', () => this.onClose())
      this.socket.on('error', () => {}) // 'close' follows and rejects what is pending
    })
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`QMP ${command}: connection closed`))
    const id = this.nextId++
    const msg = args ? { execute: command, arguments: args, id } : { execute: command, id }
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject })
      this.socket.write(JSON.stringify(msg) + '\n')
    })
  }

  /** Resolves on the next event called `name`. Register before triggering it. */
  waitForEvent(name: string, timeoutMs = 30_000): Promise<QmpEvent> {
    return new Promise((resolve, reject) => {
      const onEvent = (e: QmpEvent): void => {
        if (e.event !== name) return
        done()
        resolve(e)
      }
      const onClose = (): void => {
        done()
        reject(new Error(`QMP closed while waiting for ${name}`))
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`timed out waiting for QMP event ${name}`))
      }, timeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        this.off('event', onEvent)
        this.off('close', onClose)
      }
      this.on('event', onEvent)
      this.on('close', onClose)
    })
  }

  close(): void {
    this.socket.destroy()
  }

  private onData(chunk: string): void {
    this.buffer += chunk
    let nl: number
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim()
      this.buffer = this.buffer.slice(nl + 1)
      if (line) this.onMessage(JSON.parse(line) as Record<string, unknown>)
    }
  }

  private onMessage(msg: Record<string, unknown>): void {
    if ('QMP' in msg) {
      this.emit('greeting', msg)
    } else if (typeof msg.event === 'string') {
      this.emit('event', msg)
    } else if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      const error = msg.error as { class: string; desc: string } | undefined
      if (error) p.reject(new QmpError(p.command, error.class, error.desc))
      else p.resolve(msg.return)
    }
  }

  private onClose(): void {
    if (this.closed) return
    this.closed = true
    for (const p of this.pending.values())
      p.reject(new Error(`QMP ${p.command}: connection closed`))
    this.pending.clear()
    this.emit('close')
  }
}

function openSocket(path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path)
    socket.once('connect', () => {
      socket.off('error', reject)
      resolve(socket)
    })
    socket.once('error', reject)
  })
}
