/**
 * Rows kept in one order under insertions and removals, for lists too long to re-sort per request
 * (100,000 VMs): a list of chunks of at most CHUNK rows, so a change moves at most CHUNK
 * references instead of the whole array, and a page at an offset skips whole chunks. The order is
 * total (the comparator breaks every tie), so a row is found again by binary search.
 */
const CHUNK = 512

export class SortedRows<T> {
  readonly #compare: (a: T, b: T) => number
  #chunks: T[][] = []
  #size = 0

  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare
  }

  get size(): number {
    return this.#size
  }

  /** The order itself (for sorting a few rows the same way). */
  get compare(): (a: T, b: T) => number {
    return this.#compare
  }

  insert(row: T): void {
    if (this.#chunks.length === 0) {
      this.#chunks.push([row])
      this.#size = 1
      return
    }
    const c = this.#chunkFor(row)
    const chunk = this.#chunks[c] as T[]
    chunk.splice(this.#position(chunk, row), 0, row)
    this.#size++
    if (chunk.length > CHUNK) this.#chunks.splice(c + 1, 0, chunk.splice(CHUNK / 2))
  }

  /** Removes the row equal (by the comparator) to `row`; false when there is none. */
  remove(row: T): boolean {
    if (this.#chunks.length === 0) return false
    const c = this.#chunkFor(row)
    const chunk = this.#chunks[c] as T[]
    const at = this.#position(chunk, row)
    if (at >= chunk.length || this.#compare(chunk[at] as T, row) !== 0) return false
    chunk.splice(at, 1)
    this.#size--
    if (chunk.length === 0) this.#chunks.splice(c, 1)
    return true
  }

  /** Puts `next` where the row equal to it sits (same order key, new contents). */
  replace(next: T): boolean {
    if (this.#chunks.length === 0) return false
    const chunk = this.#chunks[this.#chunkFor(next)] as T[]
    const at = this.#position(chunk, next)
    if (at >= chunk.length || this.#compare(chunk[at] as T, next) !== 0) return false
    chunk[at] = next
    return true
  }

  /** Rows in order (or reversed), starting after `skip` rows. */
  *rows(descending = false, skip = 0): Generator<T> {
    const chunks = this.#chunks
    if (!descending) {
      for (const chunk of chunks) {
        if (skip >= chunk.length) {
          skip -= chunk.length
          continue
        }
        for (let i = skip; i < chunk.length; i++) yield chunk[i] as T
        skip = 0
      }
      return
    }
    for (let c = chunks.length - 1; c >= 0; c--) {
      const chunk = chunks[c] as T[]
      if (skip >= chunk.length) {
        skip -= chunk.length
        continue
      }
      for (let i = chunk.length - 1 - skip; i >= 0; i--) yield chunk[i] as T
      skip = 0
    }
  }

  /** Every chunk in order, for scans that must not pay a generator step per row. */
  chunks(): readonly (readonly T[])[] {
    return this.#chunks
  }

  /** The chunk whose range holds `row`: the last chunk whose first row is not after it. */
  #chunkFor(row: T): number {
    let low = 0
    let high = this.#chunks.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (this.#compare((this.#chunks[mid] as T[])[0] as T, row) <= 0) low = mid
      else high = mid - 1
    }
    return low
  }

  /** The first index in `chunk` whose row is not before `row`. */
  #position(chunk: T[], row: T): number {
    let low = 0
    let high = chunk.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (this.#compare(chunk[mid] as T, row) < 0) low = mid + 1
      else high = mid
    }
    return low
  }
}
