import { createEvent } from '../kube/api/task-requests.ts'
import type { KubeClient } from '../kube/kube-client.ts'
import type { TaskRequest, TaskUser } from './task-request.ts'

/** Where a task's Events go: vmdeck's own identity, named after this replica. */
export interface EventSink {
  client: KubeClient
  replica: string
  log: { warn(obj: object, msg: string): void }
}

/**
 * An Event on the VM a task is about (`reportingController: vmdeck`), so `kubectl describe vm`
 * tells the same story as vmdeck's history. Fire and forget: a missing Event is logged only.
 */
export function taskEvent(
  sink: EventSink,
  request: Pick<TaskRequest, 'action' | 'target'>,
  user: TaskUser,
  namespace: string,
  reason: string,
  note: string,
): void {
  if (request.target.kind !== 'VirtualMachine') return
  void createEvent(sink.client, {
    namespace,
    regarding: {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      namespace,
      name: request.target.name,
      ...(request.target.uid ? { uid: request.target.uid } : {}),
    },
    reason,
    action: request.action,
    note,
    type: reason === 'TaskFailed' || reason === 'TaskCancelled' ? 'Warning' : 'Normal',
    reportingInstance: sink.replica,
  })
    .then((response) => {
      if (response.status >= 400)
        sink.log.warn(
          { status: response.status, user: user.username, answer: response.text.slice(0, 400) },
          'task event not written',
        )
    })
    .catch((err: unknown) => sink.log.warn({ err }, 'task event not written'))
}
