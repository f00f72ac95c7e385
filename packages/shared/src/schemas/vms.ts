import { Type, type Static } from 'typebox'
import { ClusterId, K8sName } from './common.ts'

/**
 * KubeVirt's `status.printableStatus` values (kubevirt.io/v1 VirtualMachinePrintableStatus), plus
 * `Unknown` for a VM whose controller has not reported yet.
 */
export const VmPrintableStatus = Type.Union([
  Type.Literal('Stopped'),
  Type.Literal('Provisioning'),
  Type.Literal('Starting'),
  Type.Literal('Running'),
  Type.Literal('Paused'),
  Type.Literal('Stopping'),
  Type.Literal('Terminating'),
  Type.Literal('CrashLoopBackOff'),
  Type.Literal('Migrating'),
  Type.Literal('WaitingForVolumeBinding'),
  Type.Literal('WaitingForReceiver'),
  Type.Literal('ErrImagePull'),
  Type.Literal('ImagePullBackOff'),
  Type.Literal('ErrorUnschedulable'),
  Type.Literal('ErrorPvcNotFound'),
  Type.Literal('ErrorDataVolumeNotFound'),
  Type.Literal('DataVolumeError'),
  Type.Literal('Unknown'),
])
export type VmPrintableStatus = Static<typeof VmPrintableStatus>

/** One row of the VM list: what an admin scans for, nothing a row does not show. */
export const VmSummary = Type.Object({
  namespace: K8sName,
  name: Type.String(),
  uid: Type.String(),
  status: VmPrintableStatus,
  ready: Type.Boolean(),
  runStrategy: Type.Optional(Type.String()),
  node: Type.Optional(Type.String()),
  ips: Type.Array(Type.String()),
  os: Type.Optional(Type.String()),
  cpus: Type.Optional(Type.Integer()),
  memory: Type.Optional(Type.String()),
  instancetype: Type.Optional(Type.String()),
  preference: Type.Optional(Type.String()),
  createdAt: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  flags: Type.Object({
    paused: Type.Boolean(),
    /** When the VM entered Paused (the `Paused` condition's last transition); absent otherwise. */
    pausedSince: Type.Optional(Type.String()),
    migrating: Type.Boolean(),
    agentConnected: Type.Boolean(),
    /** The VMI's `LiveMigratable` condition; absent while the VM does not run. */
    liveMigratable: Type.Optional(Type.Boolean()),
  }),
})
export type VmSummary = Static<typeof VmSummary>

export const VmListQuery = Type.Object({
  namespace: Type.Optional(K8sName),
  /** The search language (`status:running node:node-2 web`): see `parseVmSearch`. */
  search: Type.Optional(Type.String({ maxLength: 1000 })),
  status: Type.Optional(Type.String({ maxLength: 200 })),
  node: Type.Optional(Type.String({ maxLength: 253 })),
  /** A folder path (`prod/web`): the VMs in it and its subfolders. */
  folder: Type.Optional(Type.String({ maxLength: 200 })),
  /** A column to sort by; a leading `-` sorts descending. */
  sort: Type.Optional(
    Type.Union([
      Type.Literal('name'),
      Type.Literal('namespace'),
      Type.Literal('status'),
      Type.Literal('node'),
      Type.Literal('createdAt'),
      Type.Literal('-name'),
      Type.Literal('-namespace'),
      Type.Literal('-status'),
      Type.Literal('-node'),
      Type.Literal('-createdAt'),
    ]),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  /** Opaque token from a previous page's `nextCursor`. */
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
  /** Start at this row of the sorted result (page jumps); ignored when `cursor` is given. */
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
})
export type VmListQuery = Static<typeof VmListQuery>

export const VmList = Type.Object({
  items: Type.Array(VmSummary),
  total: Type.Integer(),
  nextCursor: Type.Optional(Type.String()),
  /**
   * VMs per status for the facets: every filter except `status` applies, so the counts show what
   * each status choice would yield.
   */
  counts: Type.Optional(Type.Record(Type.String(), Type.Integer())),
  /**
   * The server is still receiving its first list of the cluster's VMs (a large fleet arrives in
   * pages): items, total and counts cover the VMs received so far. Absent once it has them all.
   */
  loading: Type.Optional(Type.Boolean()),
})
export type VmList = Static<typeof VmList>

/** Path parameters naming one VM: `/api/v1/clusters/{cluster}/namespaces/{namespace}/vms/{name}`. */
export const VmParams = Type.Object({ cluster: ClusterId, namespace: K8sName, name: K8sName })
export type VmParams = Static<typeof VmParams>

/** A change to the VM set as it travels on the event stream. */
export type VmChange =
  { type: 'upsert'; vm: VmSummary } | { type: 'delete'; namespace: string; name: string }
