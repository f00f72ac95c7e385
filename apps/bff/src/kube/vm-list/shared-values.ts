import type { VmSummary } from '@vmdeck/shared'

/** Distinct values kept at most (unique labels per VM would otherwise grow the table forever). */
const MAX_DISTINCT = 10_000
const EMPTY: readonly string[] = Object.freeze([])

/**
 * One frozen copy of each distinct labels and flags object for all the rows that have it, and one
 * empty address list: a fleet has few distinct ones (labels by role, a handful of flag
 * combinations), and 100,000 rows with their own copies are 300,000 objects more for the garbage
 * collector to walk. Past MAX_DISTINCT values, new ones are kept as they are.
 */
export class SharedValues {
  readonly #values = new Map<string, object>()

  row(vm: VmSummary): VmSummary {
    return {
      ...vm,
      ips: vm.ips.length === 0 ? (EMPTY as string[]) : vm.ips,
      labels: this.#share('l', vm.labels),
      flags: this.#share('f', vm.flags),
    }
  }

  get size(): number {
    return this.#values.size
  }

  #share<T extends object>(kind: string, value: T): T {
    const key = kind + JSON.stringify(value)
    const known = this.#values.get(key)
    if (known) return known as T
    if (this.#values.size >= MAX_DISTINCT) return value
    const frozen = Object.freeze(value)
    this.#values.set(key, frozen)
    return frozen
  }
}
