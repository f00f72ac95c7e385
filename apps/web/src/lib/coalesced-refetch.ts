import type { QueryClient, QueryKey } from '@tanstack/react-query'

/** Waits this long after a change for more of them (a power action sends several in a row). */
export const COALESCE_MS = 150

/**
 * Refetches queries that stream events made stale, without ever aborting a request in flight:
 * invalidating a query that is fetching cancels that request and sends it again, once per event.
 * Instead, requests until a quiet moment of `delayMs` become one refetch per key, and a key whose
 * request is still in flight waits for it to end and is then refetched once (its answer may
 * predate the change).
 */
export function coalescedRefetch(queryClient: QueryClient, delayMs = COALESCE_MS) {
  /** Key (as JSON) → the invalidation to run; `exact` keys match one query, others a prefix. */
  const pending = new Map<string, { queryKey: QueryKey; exact: boolean }>()
  let timer: ReturnType<typeof setTimeout> | undefined

  const schedule = () => {
    clearTimeout(timer)
    timer = setTimeout(flush, delayMs)
  }
  const flush = () => {
    timer = undefined
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
      pending.clear()
    },
  }
}
