import { randomBytes } from 'node:crypto'
import type { KubeClient, KubeResponse } from '../kube-client.ts'
import { paths } from './paths.ts'

/** A task record as vmdeck writes it (deploy/components/tasks/crd). */
export interface TaskObject {
  apiVersion?: string
  kind?: string
  metadata?: {
    name?: string
    namespace?: string
    uid?: string
    resourceVersion?: string
    creationTimestamp?: string | Date
    labels?: Record<string, string>
  }
  spec?: {
    user?: { username?: string; groups?: string[] }
    action?: string
    target?: { cluster?: string; namespace?: string; kind?: string; name?: string; uid?: string }
    parameters?: Record<string, string>
    parent?: string
    startedAt?: string
    timeoutSeconds?: number
  }
  status?: TaskStatus
}

export interface TaskStatus {
  outcome?: 'Running' | 'Succeeded' | 'Failed' | 'Cancelled'
  message?: string
  endedAt?: string
  progress?: number
  /** Console sessions: when the replica holding it last said it is still open. */
  heartbeatAt?: string
  created?: { kind: string; namespace?: string; name: string }[]
}

/** Creates a record with vmdeck's own identity (the status subresource ignores `status` here). */
export function createTask(
  client: KubeClient,
  namespace: string,
  task: TaskObject,
): Promise<KubeResponse> {
  return client.raw({
    method: 'POST',
    path: paths.tasks(namespace),
    body: { apiVersion: 'vmdeck.io/v1alpha1', kind: 'Task', ...task },
  })
}

/**
 * Sets a record's status; with `resourceVersion` the API server refuses (409) a record another
 * replica changed meanwhile, so two replicas that both see a task end write its end once.
 */
export function patchTaskStatus(
  client: KubeClient,
  namespace: string,
  name: string,
  status: TaskStatus,
  resourceVersion?: string,
): Promise<KubeResponse> {
  return client.raw({
    method: 'PATCH',
    path: paths.taskStatus(namespace, name),
    contentType: 'application/merge-patch+json',
    body: { ...(resourceVersion ? { metadata: { resourceVersion } } : {}), status },
  })
}

export function deleteTask(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<KubeResponse> {
  return client.raw({ method: 'DELETE', path: paths.task(namespace, name) })
}

/** One events.k8s.io Event about an object, reported by vmdeck (`kubectl describe` lists it). */
export interface VmdeckEvent {
  namespace: string
  regarding: { apiVersion: string; kind: string; name: string; namespace?: string; uid?: string }
  reason: string
  action: string
  note: string
  type: 'Normal' | 'Warning'
  reportingInstance: string
}

export function createEvent(client: KubeClient, event: VmdeckEvent): Promise<KubeResponse> {
  const now = new Date()
  return client.raw({
    method: 'POST',
    path: paths.eventsV1(event.namespace),
    body: {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      // As client-go's recorder names them (generateName ending in "." is refused).
      metadata: {
        name: `${event.regarding.name}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`,
        namespace: event.namespace,
      },
      // MicroTime: the API server wants six fractional digits.
      eventTime: now.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'),
      reportingController: 'vmdeck',
      reportingInstance: event.reportingInstance.slice(0, 128),
      action: event.action.slice(0, 128),
      reason: event.reason,
      note: event.note.slice(0, 1024),
      type: event.type,
      regarding: event.regarding,
    },
  })
}
