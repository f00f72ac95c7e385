import type { VmChange } from './vms.ts'

/** Topics a browser can subscribe to on `/api/v1/clusters/{c}/events/stream?topics=`. */
export const streamTopics = ['vms'] as const
export type StreamTopic = (typeof streamTopics)[number]

/**
 * Server-sent events on the stream. `sync` comes first on every (re)connect: whatever the browser
 * holds may have missed changes and must be refetched, so missed events heal themselves.
 */
export type StreamEvent =
  { event: 'sync'; data: { topics: StreamTopic[] } } | { event: 'vms'; data: VmChange }
