import type { MigrationChange } from './migrations.ts'
import type { NodeChange } from './nodes.ts'
import type { TaskChange } from './tasks.ts'
import type { VmChange } from './vms.ts'

/** Topics a browser can subscribe to on `/api/v1/clusters/{c}/events/stream?topics=`. */
export const streamTopics = ['vms', 'nodes', 'migrations', 'tasks'] as const
export type StreamTopic = (typeof streamTopics)[number]

/**
 * Server-sent events on the stream. `sync` comes first on every (re)connect: whatever the browser
 * holds may have missed changes and must be refetched, so missed events heal themselves. A later
 * `sync` (e.g. after the user's access changed) means the same: refetch everything.
 */
export type StreamEvent =
  | { event: 'sync'; data: { topics: StreamTopic[] } }
  | { event: 'vms'; data: VmChange }
  | { event: 'nodes'; data: NodeChange }
  | { event: 'migrations'; data: MigrationChange }
  | { event: 'tasks'; data: TaskChange }
