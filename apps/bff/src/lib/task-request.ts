import type { TaskAction } from '@vmdeck/shared'

/** What a route says about the operation it is about to carry out. */
export interface TaskRequest {
  action: TaskAction
  target: { namespace?: string; kind: string; name: string; uid?: string }
  parameters?: Record<string, string | undefined>
  /** A bulk action's parent task id. */
  parent?: string
  /** How long the cluster may take to show it done (default: the recorder's). */
  timeoutMs?: number
}

export interface TaskUser {
  username: string
  groups: string[]
}
