import type { QueryClient, QueryKey } from '@tanstack/react-query'

/** Waits this long after a change for more of them (a power action sends several in a row). */
export const COALESCE_MS = 150
/** … but never longer than this many quiet periods after the first (a fleet that never rests). */
export const MAX_WAIT_FACTOR = 4

/**
 * Refetches queries that stream events made stale, without ever aborting a request in flight:
 * invalidating a query that is fetching cancels that request and sends it again, once per event.
 * Instead, requests until a quiet moment of `delayMs` become one refetch per key, and a key whose
 * request is still in flight waits for it to end and is then refetched once (its answer may
 * predate the change). A quiet moment is waited for at most `maxWaitMs` after the first request:
 * with 100,000 VMs some VM changes every few hundred milliseconds, and a refetch that waits for
 * quiet would never run (the folder counts stayed stale for good under 20 changes a second).
 */
export function coalescedRefetch(
  queryClient: QueryClient,
  delayMs = COALESCE_MS,
  maxWaitMs = delayMs * MAX_WAIT_FACTOR,
) {
  /** Key (as JSON) → the invalidation to run; `exact` keys match one query, others a prefix. */
  const pending = new Map<string, { queryKey: QueryKey; exact: boolean }>()
  let timer: ReturnType<typeof setTimeout> | undefined
  /** When the oldest request not yet flushed came (Date.now()). */
  let firstAt: number | undefined

  const schedule = () => {
    clearTimeout(timer)
    const now = Date.now()
    firstAt ??= now
    timer = setTimeout(flush, Math.max(0, Math.min(delayMs, firstAt + maxWaitMs - now)))
  }
  const flush = () => {
    timer = undefined
    firstAt = undefined
    for (const [id, filters] of pending) {
      if (queryClient.isFetching(filters) > 0) continue
      pending.delete(id)
      void queryClient.invalidateQueries(filters, { cancelRefetch: false })
    }
    if (pending.size > 0) schedule()
  }

  return {
    request(queryKey: QueryKey, { exact = false }: { exact?: boolean } = {}) {
      pending.set(JSON.stringify([queryKey, exact]), { queryKey, exact })
      schedule()
    },
    dispose() {
      clearTimeout(timer)
      timer = undefined
      firstAt = undefined
      pending.clear()
    },
  }
}
