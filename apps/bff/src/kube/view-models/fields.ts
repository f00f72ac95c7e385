import type { Condition } from '../types.ts'

// Small readers shared by the mappers of kube/view-models.

export const conditionOf = (conditions: Condition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type)

export const isTrue = (conditions: Condition[] | undefined, type: string) =>
  conditionOf(conditions, type)?.status === 'True'

/** Kubernetes timestamps as RFC 3339 seconds (client-node hands out Dates for some fields). */
export const timestamp = (value: string | Date | undefined): string =>
  value instanceof Date ? value.toISOString().replace(/\.\d+Z$/, 'Z') : (value ?? '')

/** A timestamp field, absent when the object has none. */
export const optionalTimestamp = (value: string | Date | undefined): string | undefined =>
  value ? timestamp(value) : undefined

/** `{ [key]: value }`, or nothing for an absent or empty value (optional fields stay absent). */
export const opt = <K extends string, V>(key: K, value: V | undefined | null | '') =>
  (value === undefined || value === null || value === '' ? {} : { [key]: value }) as
    Record<K, V> | Record<never, never>
