import type { VmEvent } from '@vmdeck/shared'
import type { KubeEvent } from '../types.ts'
import { opt, optionalTimestamp } from './fields.ts'

/** A Kubernetes event (core/v1 or events.k8s.io/v1 fields) as the VM page lists it. */
export function toVmEvent(event: KubeEvent): VmEvent {
  const object = event.involvedObject ?? event.regarding
  const last = event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? event.note ?? '',
    object: `${object?.kind ?? ''}/${object?.name ?? ''}`,
    count: event.count ?? 1,
    ...opt('firstSeen', optionalTimestamp(event.firstTimestamp)),
    ...opt('lastSeen', optionalTimestamp(last)),
    ...opt('source', event.source?.component ?? event.reportingController),
  }
}
