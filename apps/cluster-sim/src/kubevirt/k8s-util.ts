import { createHash } from 'node:crypto'
import type { KObject } from '../kube/types.ts'

/** RFC 3339 with second precision, as Kubernetes serialises metav1.Time. */
export const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

export const keyOf = (namespace: string | undefined, name: string): string =>
  `${namespace ?? ''}/${name}`

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/')
  return [key.slice(0, i), key.slice(i + 1)]
}

export interface Condition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  lastProbeTime?: string | null
  lastTransitionTime?: string | null
  reason?: string
  message?: string
}

/**
 * Sets (or replaces) a condition, keeping lastTransitionTime when the status did not change so
 * that a reconcile that changes nothing writes nothing.
 */
export function setCondition(conditions: Condition[], next: Condition): Condition[] {
  const old = conditions.find((c) => c.type === next.type)
  const merged: Condition = {
    lastProbeTime: null,
    ...next,
    lastTransitionTime:
      old && old.status === next.status ? (old.lastTransitionTime ?? now()) : now(),
  }
  if (merged.reason === undefined) delete merged.reason
  if (merged.message === undefined) delete merged.message
  return old ? conditions.map((c) => (c.type === next.type ? merged : c)) : [...conditions, merged]
}

export const removeCondition = (conditions: Condition[], type: string): Condition[] =>
  conditions.filter((c) => c.type !== type)

export const conditionOf = (object: KObject | undefined, type: string): Condition | undefined =>
  ((object?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find(
    (c) => c.type === type,
  )

const units: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  m: 1e-3,
}

/** A Kubernetes resource.Quantity ("100m", "2", "128Mi", "1G") as a number. */
export function parseQuantity(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return 0
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(value.trim())
  if (!match) return 0
  return Number(match[1]) * (units[match[2] ?? ''] ?? 1)
}

export const mib = (bytes: number): string => `${Math.round(bytes / 1024 ** 2)}Mi`

export const milliCpu = (cores: number): string =>
  Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`

/** A deterministic locally-administered MAC address from a seed (KubeVirt's pool uses 02:…). */
export function macFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest()
  return ['02', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':')
}

/** A name-based UUID (v5-shaped), as KubeVirt derives a firmware UUID from the VM name. */
export function uuidFrom(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`
}

const alphabet = 'bcdfghjklmnpqrstvwxz2456789'
export function randomSuffix(): string {
  let suffix = ''
  for (let i = 0; i < 5; i++) suffix += alphabet[Math.floor(Math.random() * alphabet.length)]
  return suffix
}

export const isFinal = (vmi: KObject | undefined): boolean => {
  const phase = (vmi?.status as { phase?: string } | undefined)?.phase
  return phase === 'Succeeded' || phase === 'Failed'
}

export const phaseOf = (object: KObject | undefined): string =>
  (object?.status as { phase?: string } | undefined)?.phase ?? ''
