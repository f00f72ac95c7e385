// Plausible, moving workload figures for VMIs that have no real QEMU guest (guests: 'none'), and
// for the parts a real guest does not have (the tiny image has no NIC and no disk). Each VMI gets
// its own seeded profile: a slow wave plus jitter, so charts look alive and differ between VMs.

/** A smooth load between 0 and 1 for `seed` at time `t` (seconds). */
export function loadAt(seed: number, t: number): number {
  const period = 120 + (seed % 240) // 2–6 minutes
  const phase = (seed % 997) / 997
  const wave = 0.5 + 0.5 * Math.sin(2 * Math.PI * (t / period + phase))
  const jitter = 0.5 + 0.5 * Math.sin(t * 1.7 + seed) * Math.sin(t * 0.31 + seed / 7)
  const base = 0.05 + ((seed >>> 8) % 30) / 100 // each VM has its own typical level
  return Math.min(1, Math.max(0, base + 0.45 * wave + 0.15 * jitter))
}

export function seedOf(text: string): number {
  let hash = 2166136261
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619)
  return hash >>> 0
}

/** Monotonic counters advanced by a rate (per second) times the time since the last advance. */
export class Counters {
  readonly #values = new Map<string, number>()
  #last: number

  constructor(now: number) {
    this.#last = now
  }

  /** Seconds since the previous call (0 the first time), and remembers `now`. */
  tick(now: number): number {
    const dt = Math.max(0, now - this.#last)
    this.#last = now
    return dt
  }

  add(name: string, amount: number): number {
    const value = (this.#values.get(name) ?? 0) + Math.max(0, amount)
    this.#values.set(name, value)
    return value
  }

  get(name: string): number {
    return this.#values.get(name) ?? 0
  }

  /** Follows a real counter (e.g. QEMU's CPU time); never goes backwards, even across a new process. */
  follow(name: string, real: number): number {
    const key = `${name}\0real`
    const previous = this.#values.get(key)
    this.#values.set(key, real)
    return this.add(name, previous === undefined || real < previous ? real : real - previous)
  }
}
