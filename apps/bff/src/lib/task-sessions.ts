import type { Task } from '@vmdeck/shared'

/** Clock skew allowed between replicas. */
const SKEW_MS = 5_000

export interface SessionView {
  /** This replica's name, as console session records carry it (`parameters.replica`). */
  replica: string
  /** Whether this replica holds the session open now. */
  held: boolean
  /** When this replica last renewed it (held sessions). */
  renewedAt: number | undefined
  /** When the holding replica last renewed it, as the record says (`status.heartbeatAt`). */
  heartbeatAt: string | undefined
  heartbeatMs: number
}

export type SessionStep = { renew: true } | { end: string } | undefined

/**
 * What one pass over a running console session does. A session ends when its browser closes it,
 * on the replica that holds it. That replica renews it every `heartbeatMs`; a replica that
 * restarted ends its own old sessions, and one that is gone (a deleted pod) stops renewing, so
 * any other replica ends them once three renewals are missed.
 */
export function sessionStep(task: Task, view: SessionView, now: number): SessionStep {
  if (view.held) return now - (view.renewedAt ?? 0) < view.heartbeatMs ? undefined : { renew: true }
  if (task.parameters.replica === view.replica)
    return { end: 'The console session ended when vmdeck restarted.' }
  const renewed = view.heartbeatAt ?? task.startedAt
  if (now - Date.parse(renewed) <= 3 * view.heartbeatMs + SKEW_MS) return undefined
  return {
    end: `The console session ended with vmdeck replica ${task.parameters.replica ?? 'unknown'}, which stopped renewing it at ${renewed}.`,
  }
}
