import type { PrinterColumn } from '../apiserver/registry.ts'
import type { KObject } from '../apiserver/types.ts'

// The columns kube-apiserver's built-in printers give pods and nodes
// (`pkg/printers/internalversion/printers.go`); priority 1 = `-o wide` only.
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }

interface PodStatus {
  phase?: string
  reason?: string
  podIP?: string
  nominatedNodeName?: string
  containerStatuses?: {
    ready?: boolean
    restartCount?: number
    state?: { waiting?: { reason?: string } }
  }[]
}
const podStatus = (o: KObject) => (o.status ?? {}) as PodStatus
const containers = (o: KObject) =>
  ((o.spec as { containers?: unknown[] } | undefined)?.containers ?? []).length

export const podColumns: PrinterColumn[] = [
  {
    name: 'Ready',
    type: 'string',
    jsonPath: '',
    description: 'The aggregate readiness state of this pod for accepting traffic.',
    value: (o) => {
      const statuses = podStatus(o).containerStatuses ?? []
      return `${statuses.filter((c) => c.ready).length}/${Math.max(containers(o), statuses.length)}`
    },
  },
  {
    name: 'Status',
    type: 'string',
    jsonPath: '',
    description: 'The aggregate status of the containers in this pod.',
    value: (o) => {
      if (o.metadata.deletionTimestamp) return 'Terminating'
      const waiting = podStatus(o).containerStatuses?.find((c) => c.state?.waiting?.reason)
      return (
        waiting?.state?.waiting?.reason ?? podStatus(o).reason ?? podStatus(o).phase ?? 'Pending'
      )
    },
  },
  {
    name: 'Restarts',
    type: 'string',
    jsonPath: '',
    description: 'The number of times the containers in this pod have been restarted.',
    value: (o) =>
      String((podStatus(o).containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0)),
  },
  age,
  {
    name: 'IP',
    type: 'string',
    jsonPath: '.status.podIP',
    priority: 1,
    value: (o) => podStatus(o).podIP ?? '<none>',
  },
  {
    name: 'Node',
    type: 'string',
    jsonPath: '.spec.nodeName',
    priority: 1,
    value: (o) => (o.spec as { nodeName?: string } | undefined)?.nodeName ?? '<none>',
  },
  {
    name: 'Nominated Node',
    type: 'string',
    jsonPath: '',
    priority: 1,
    value: (o) => podStatus(o).nominatedNodeName ?? '<none>',
  },
  { name: 'Readiness Gates', type: 'string', jsonPath: '', priority: 1, value: () => '<none>' },
]

interface NodeStatus {
  conditions?: { type: string; status: string }[]
  nodeInfo?: {
    kubeletVersion?: string
    osImage?: string
    kernelVersion?: string
    containerRuntimeVersion?: string
  }
  addresses?: { type: string; address: string }[]
}
const nodeStatus = (o: KObject) => (o.status ?? {}) as NodeStatus
const address = (o: KObject, type: string) =>
  nodeStatus(o).addresses?.find((a) => a.type === type)?.address ?? '<none>'

export const nodeColumns: PrinterColumn[] = [
  {
    name: 'Status',
    type: 'string',
    jsonPath: '',
    description: 'The status of the node',
    value: (o) => {
      const ready = nodeStatus(o).conditions?.find((c) => c.type === 'Ready')
      const status = ready?.status === 'True' ? 'Ready' : 'NotReady'
      const unschedulable = (o.spec as { unschedulable?: boolean } | undefined)?.unschedulable
      return unschedulable ? `${status},SchedulingDisabled` : status
    },
  },
  {
    name: 'Roles',
    type: 'string',
    jsonPath: '',
    description: 'The roles of the node',
    value: (o) => {
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((l) => l.startsWith('node-role.kubernetes.io/'))
        .map((l) => l.slice('node-role.kubernetes.io/'.length))
      return roles.length ? roles.sort().join(',') : '<none>'
    },
  },
  age,
  { name: 'Version', type: 'string', jsonPath: '.status.nodeInfo.kubeletVersion' },
  {
    name: 'Internal-IP',
    type: 'string',
    jsonPath: '',
    priority: 1,
    value: (o) => address(o, 'InternalIP'),
  },
  {
    name: 'External-IP',
    type: 'string',
    jsonPath: '',
    priority: 1,
    value: (o) => address(o, 'ExternalIP'),
  },
  { name: 'OS-Image', type: 'string', jsonPath: '.status.nodeInfo.osImage', priority: 1 },
  {
    name: 'Kernel-Version',
    type: 'string',
    jsonPath: '.status.nodeInfo.kernelVersion',
    priority: 1,
  },
  {
    name: 'Container-Runtime',
    type: 'string',
    jsonPath: '.status.nodeInfo.containerRuntimeVersion',
    priority: 1,
  },
]
