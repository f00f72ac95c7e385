import type { SessionTimes } from '@vmdeck/shared'

/**
 * "Session ends at 16:05, or after 30 minutes without use": the absolute end as a time of day
 * (with the date when it is not today), then the idle limit.
 */
export function describeSessionEnd(session: SessionTimes, now = new Date()): string {
  const ends = new Date(session.expiresAt)
  const sameDay = ends.toDateString() === now.toDateString()
  const when = ends.toLocaleString(undefined, {
    ...(sameDay ? {} : { dateStyle: 'medium' }),
    timeStyle: 'short',
  })
  return `Session ends ${sameDay ? 'at ' : ''}${when}, or after ${idle(session.idleTimeoutSeconds)} without use`
}

function idle(seconds: number): string {
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour')
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute')
  return plural(seconds, 'second')
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`
