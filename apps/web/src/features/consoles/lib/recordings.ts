import type { ConsoleKind } from './console-url.ts'

/** A console recording as the BFF lists it (`GET …/vms/{name}/recordings`). */
export interface RecordingItem {
  id: string
  kind: ConsoleKind
  startedAt: string
  modifiedAt: string
  bytes: number
}

export interface RecordingList {
  /** New console sessions of this VM's namespace are recorded. */
  recorded: boolean
  items: RecordingItem[]
}

export const recordingsPath = (cluster: string, namespace: string, name: string) =>
  `/api/v1/clusters/${encodeURIComponent(cluster)}/namespaces/${encodeURIComponent(namespace)}` +
  `/vms/${encodeURIComponent(name)}/recordings`

export const recordingUrl = (cluster: string, namespace: string, name: string, id: string) =>
  `${recordingsPath(cluster, namespace, name)}/${encodeURIComponent(id)}`
