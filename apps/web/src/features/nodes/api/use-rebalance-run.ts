import { useQueryClient, type QueryClient } from '@tanstack/react-query'
import type { OperationAccepted, RebalanceMove, VmMigration } from '@vmdeck/shared'
import { useCallback, useRef, useState } from 'react'
import { api } from '../../../lib/api-client.ts'
import { clusterPath, clusterQueries } from '../../../lib/cluster-queries.ts'

export type MoveState = 'waiting' | 'migrating' | 'done' | 'failed' | 'skipped'

const e = encodeURIComponent
const vmPath = (cluster: string, move: RebalanceMove) =>
  `${clusterPath(cluster)}/namespaces/${e(move.namespace)}/vms/${e(move.name)}`

/**
 * Resolves with `check`'s answer once the migration list (kept fresh by the event stream, and
 * refetched every 2 s in case the stream is down) satisfies it.
 */
function whenMigrations<T>(
  queryClient: QueryClient,
  cluster: string,
  check: (items: VmMigration[]) => T | undefined,
): Promise<T> {
  const options = clusterQueries.migrations(cluster)
  return new Promise((resolve) => {
    const test = () => {
      const answer = check(queryClient.getQueryData(options.queryKey)?.items ?? [])
      if (answer === undefined) return
      unsubscribe()
      clearInterval(timer)
      resolve(answer)
    }
    const unsubscribe = queryClient.getQueryCache().subscribe(test)
    const timer = setInterval(
      () => void queryClient.refetchQueries({ queryKey: options.queryKey }),
      2_000,
    )
    void queryClient.fetchQuery(options).then(test)
  })
}

/**
 * Executes a rebalancing plan as live migrations one by one, through the same migrate route as a
 * user's own migration (their rights apply, each is a task). Stop ends the run and cancels the
 * migration under way, so nothing keeps moving.
 */
export function useRebalanceRun(cluster: string) {
  const queryClient = useQueryClient()
  const [states, setStates] = useState<Record<string, MoveState>>({})
  const [running, setRunning] = useState(false)
  const stopped = useRef(false)
  const current = useRef<RebalanceMove | undefined>(undefined)
  const set = (move: RebalanceMove, state: MoveState) =>
    setStates((previous) => ({ ...previous, [`${move.namespace}/${move.name}`]: state }))

  const run = useCallback(
    async (moves: RebalanceMove[]) => {
      stopped.current = false
      setRunning(true)
      setStates({})
      for (const move of moves) {
        if (stopped.current) {
          set(move, 'skipped')
          continue
        }
        current.current = move
        set(move, 'migrating')
        // The migration this run starts is the one of this VM that was not there before.
        const ours = (m: VmMigration) => m.namespace === move.namespace && m.vmName === move.name
        const known = await queryClient.fetchQuery(clusterQueries.migrations(cluster))
        const before = new Set(known.items.filter(ours).map((m) => m.name))
        try {
          await api.post<OperationAccepted>(`${vmPath(cluster, move)}/migrate`, {
            targetNode: move.to,
          })
        } catch {
          set(move, 'failed')
          continue
        }
        let cancelling = false
        let seen: VmMigration | undefined
        const ended = await whenMigrations(queryClient, cluster, (items) => {
          const mine = items.find(
            (m) => ours(m) && !before.has(m.name) && (!seen || m.name === seen.name),
          )
          // Seen running, then gone: deleted (cancelled) before it was seen to end. Not a success.
          if (!mine && seen) return { ...seen, active: false, phase: 'Failed' as const }
          seen = mine
          // Stopped before the migration showed up: cancel it as soon as it does.
          if (mine?.active && stopped.current && !cancelling) {
            cancelling = true
            void api
              .delete<unknown>(`${vmPath(cluster, move)}/migrations/${e(mine.name)}`)
              .catch(() => undefined)
          }
          return mine && !mine.active ? mine : undefined
        })
        set(move, ended.phase === 'Succeeded' ? 'done' : 'failed')
      }
      current.current = undefined
      setRunning(false)
    },
    [cluster, queryClient],
  )

  const stop = useCallback(async () => {
    stopped.current = true
    const move = current.current
    if (!move) return
    const active = (
      queryClient.getQueryData(clusterQueries.migrations(cluster).queryKey)?.items ?? []
    ).find((m) => m.namespace === move.namespace && m.vmName === move.name && m.active)
    if (active)
      await api
        .delete<unknown>(`${vmPath(cluster, move)}/migrations/${e(active.name)}`)
        .catch(() => undefined)
  }, [cluster, queryClient])

  return { run, stop, running, states }
}
