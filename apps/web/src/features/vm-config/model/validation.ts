import { parseQuantity, type SpecChange, type VmConfig } from '@vmdeck/shared'

// The checks each section runs while the user types, so bad input is explained before anything
// is sent. The BFF runs the same checks again (and KubeVirt its own); these are for the form.

const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const MAC = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/

export function memoryProblem(memory: string, compute: VmConfig['compute']): string | undefined {
  if (!QUANTITY.test(memory)) return 'Write a size such as 512Mi or 2Gi.'
  if (parseQuantity(memory) < parseQuantity(compute.minMemory))
    return `At least ${compute.minMemory}: the guest does not boot with less.`
  if (compute.maxGuest && parseQuantity(memory) > parseQuantity(compute.maxGuest))
    return `More than ${compute.maxGuest}, the most this running VM can grow to; it applies at the next restart.`
  return undefined
}

export function countProblem(value: string, what: string, max?: number): string | undefined {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 64) return `${what}: a whole number from 1 to 64.`
  if (max !== undefined && n > max)
    return `More than ${max} ${what.toLowerCase()}, the most this running VM can grow to; it applies at the next restart.`
  return undefined
}

export function nameProblem(name: string, taken: string[], what: string): string | undefined {
  if (!name) return `Name the ${what}.`
  if (!NAME.test(name) || name.length > 63)
    return 'Lower-case letters, digits and dashes; starts and ends with a letter or digit.'
  if (taken.includes(name)) return `This VM already has a ${what} named "${name}".`
  return undefined
}

export function sizeProblem(size: string): string | undefined {
  return QUANTITY.test(size) && parseQuantity(size) > 0 ? undefined : 'Write a size such as 1Gi.'
}

export function macProblem(mac: string, interfaces: VmConfig['interfaces']): string | undefined {
  if (!mac) return undefined
  if (!MAC.test(mac)) return 'Six pairs of hex digits separated by colons, e.g. 02:00:00:12:34:56.'
  const owner = interfaces.find((i) => i.macAddress?.toLowerCase() === mac.toLowerCase())
  return owner ? `MAC address in use by network card "${owner.name}".` : undefined
}

export function vlanProblem(value: string): string | undefined {
  const n = Number(value)
  return Number.isInteger(n) && n >= 1 && n <= 4094
    ? undefined
    : 'A VLAN ID is a whole number from 1 to 4094.'
}

/** `key=value` lines to a map; the problem names the first bad line. */
export function parsePairs(text: string): { pairs: Record<string, string>; problem?: string } {
  const pairs: Record<string, string> = {}
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  for (const [index, line] of lines.entries()) {
    const at = line.indexOf('=')
    const key = at < 0 ? line : line.slice(0, at).trim()
    if (!/^([a-z0-9.-]{1,253}\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(key))
      return { pairs, problem: `Line ${index + 1}: "${key}" is not a valid key.` }
    pairs[key] = at < 0 ? '' : line.slice(at + 1).trim()
  }
  return { pairs }
}

export const pairsText = (pairs: Record<string, string>) =>
  Object.entries(pairs)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')

export function labelProblem(pairs: Record<string, string>): string | undefined {
  for (const [key, value] of Object.entries(pairs))
    if (!/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/.test(value))
      return `The value of "${key}" is not a valid label value (63 letters, digits, - _ . at most).`
  return undefined
}

/** A diff entry for people: `(none)` where a value is added or removed. */
export function describeChange(change: SpecChange): {
  path: string
  before: string
  after: string
} {
  const show = (value: unknown) =>
    value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value)
  return { path: change.path, before: show(change.before), after: show(change.after) }
}
