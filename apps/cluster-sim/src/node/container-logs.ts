import type { KObject } from '../kube/types.ts'
import { rfc3339Nano } from './kube-time.ts'
import { statusOfPod } from './pod-status.ts'

/** The container KubeVirt adds to virt-launcher pods to expose the guest's serial console log. */
export const GUEST_CONSOLE_LOG = 'guest-console-log'

/** The serial console output of a VMI so far (`undefined` when it has none). */
export type ConsoleLogSource = (namespace: string, vmiName: string) => string | undefined

/** `GET /containerLogs/...` query parameters (the kubelet's PodLogOptions). */
export interface LogQuery {
  tailLines?: number
  limitBytes?: number
  timestamps: boolean
  follow: boolean
  previous: boolean
}

export function parseLogQuery(params: URLSearchParams): LogQuery {
  const positive = (name: string) => {
    const value = params.get(name)
    if (value === null) return undefined
    const n = Number(value)
    return Number.isInteger(n) && n >= 0 ? n : undefined
  }
  const flag = (name: string) => params.get(name) === 'true' || params.get(name) === '1'
  return {
    tailLines: positive('tailLines'),
    limitBytes: positive('limitBytes'),
    timestamps: flag('timestamps'),
    follow: flag('follow'),
    previous: flag('previous'),
  }
}

/** One line of a container's output and when it was written. */
export interface LogLine {
  time: Date
  text: string
  /** The last line, not yet ended by a newline (a login prompt): rendered as written. */
  partial?: boolean
}

const startedAtOf = (pod: KObject, container: string): Date => {
  const status = statusOfPod(pod)
  const startedAt =
    status.containerStatuses?.find((s) => s.name === container)?.state?.running?.startedAt ??
    status.startTime
  return startedAt ? new Date(startedAt) : new Date()
}

const vmiNameOf = (pod: KObject) => pod.metadata.annotations?.['kubevirt.io/domain']

/**
 * A container's output so far. The guest-console-log container of a virt-launcher pod streams the
 * VMI's serial console; the simulated containers print a few start-up lines, as real ones would.
 */
export function containerOutput(
  pod: KObject,
  container: string,
  consoleLog: ConsoleLogSource | undefined,
): LogLine[] {
  const startedAt = startedAtOf(pod, container)
  const at = (ms: number) => new Date(startedAt.getTime() + ms)
  const vmiName = vmiNameOf(pod)
  const console = consoleText(pod, container, consoleLog)
  if (console !== undefined) {
    const lines = splitLines(console).map((line): LogLine => ({ time: startedAt, text: line }))
    const last = lines.at(-1)
    if (last && !console.endsWith('\n')) last.partial = true
    return lines
  }
  if (pod.metadata.labels?.['kubevirt.io'] === 'virt-launcher' && vmiName) {
    const entry = (ms: number, msg: string) => ({
      time: at(ms),
      text: JSON.stringify({
        component: 'virt-launcher',
        level: 'info',
        msg,
        timestamp: at(ms).toISOString(),
        uid: pod.metadata.ownerReferences?.[0]?.uid,
      }),
    })
    return [
      entry(0, 'Collected all requested hook sidecar sockets'),
      entry(
        2,
        'Sorted all collected sidecar sockets per hook point based on their priority and name: map[]',
      ),
      entry(
        40,
        'Connecting to libvirt daemon: qemu+unix:///session?socket=/var/run/libvirt/virtqemud-sock',
      ),
      entry(180, 'Connected to libvirt daemon'),
      entry(200, 'Registered libvirt event notify callback'),
      entry(210, 'Marked as ready'),
      entry(900, `Domain name event: ${pod.metadata.namespace ?? ''}_${vmiName} started`),
    ]
  }
  return [
    { time: at(0), text: `${container}: starting` },
    { time: at(120), text: `${container}: ready` },
  ]
}

/** The serial console text if `container` is a virt-launcher pod's guest-console-log. */
export function consoleText(
  pod: KObject,
  container: string,
  consoleLog: ConsoleLogSource | undefined,
): string | undefined {
  const vmiName = vmiNameOf(pod)
  if (container !== GUEST_CONSOLE_LOG || !vmiName) return undefined
  return consoleLog?.(pod.metadata.namespace ?? '', vmiName) ?? ''
}

/** Output appended while following, with each line that starts in it timestamped when asked. */
export function renderAppended(
  delta: string,
  atLineStart: boolean,
  timestamps: boolean,
  now = new Date(),
): string {
  if (!timestamps) return delta
  const stamp = `${rfc3339Nano(now)} `
  let out = ''
  let lineStart = atLineStart
  for (const char of delta) {
    if (lineStart) out += stamp
    out += char
    lineStart = char === '\n'
  }
  return out
}

function splitLines(text: string): string[] {
  if (!text) return []
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}

/** The kubelet's shaping of a log read: the last `tailLines`, timestamps, at most `limitBytes`. */
export function renderLog(lines: LogLine[], query: LogQuery): string {
  const tail =
    query.tailLines === undefined ? lines : lines.slice(Math.max(0, lines.length - query.tailLines))
  const text = tail
    .map(
      (line) =>
        `${query.timestamps ? `${rfc3339Nano(line.time)} ` : ''}${line.text}${line.partial ? '' : '\n'}`,
    )
    .join('')
  return query.limitBytes === undefined ? text : truncateBytes(text, query.limitBytes)
}

export function truncateBytes(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8')
  return bytes.length <= limit ? text : bytes.subarray(0, limit).toString('utf8')
}
