import type { KubernetesObject } from '@kubernetes/client-node'
import type { SpecChange, VmConfigApplied, VmConfigChange, VmConfigSection } from '@vmdeck/shared'
import { getVmAndVmi } from '../../kube/api/vm-requests.ts'
import { namespaceVms, replaceVm, VmVersionConflict } from '../../kube/api/vm-config-requests.ts'
import { httpError } from '../../kube/http-error.ts'
import type { KubeClient } from '../../kube/kube-client.ts'
import { editCompute } from './edit-compute.ts'
import { editDetails } from './edit-details.ts'
import { editDisks } from './edit-disks.ts'
import { editInitialRun } from './edit-initial-run.ts'
import { editNetwork } from './edit-network.ts'
import { specDiff } from './spec-diff.ts'
import { configVersion } from './vm-config-view.ts'
import type { EditableVm } from './vm-shape.ts'

export interface VmRef {
  namespace: string
  name: string
}

/** The VM and whether it runs, read as the user (never from the cache: its version must be current). */
export async function readVm(client: KubeClient, ref: VmRef) {
  const { vm, vmi } = await getVmAndVmi(client, ref.namespace, ref.name)
  if (!vm) throw httpError(404, `VM ${ref.namespace}/${ref.name} not found.`, 'NOT_FOUND')
  return { vm: vm as unknown as EditableVm, vmi }
}

/** MAC addresses of the namespace's other VMs, each with the VM that has it. */
async function macsInUse(client: KubeClient, vm: EditableVm): Promise<Map<string, string>> {
  const macs = new Map<string, string>()
  for (const other of await namespaceVms<EditableVm>(client, vm.metadata.namespace)) {
    if (other.metadata.name === vm.metadata.name) continue
    for (const nic of other.spec?.template?.spec?.domain?.devices?.interfaces ?? [])
      if (nic.macAddress) macs.set(nic.macAddress.toLowerCase(), `VM ${other.metadata.name}`)
  }
  return macs
}

/** The VM with one section changed; bad input is a 400 here, before anything is sent. */
async function edited<S extends VmConfigSection>(
  client: KubeClient,
  current: EditableVm,
  running: boolean,
  section: S,
  change: VmConfigChange<S>,
): Promise<EditableVm> {
  const vm = structuredClone(current)
  delete vm.status
  switch (section) {
    case 'details':
      return editDetails(vm, change as VmConfigChange<'details'>)
    case 'compute':
      return editCompute(vm, change as VmConfigChange<'compute'>)
    case 'disks':
      return editDisks(vm, change as VmConfigChange<'disks'>, running)
    case 'network': {
      const nic = change as VmConfigChange<'network'>
      const macs =
        nic.op === 'add' && nic.macAddress ? await macsInUse(client, vm) : new Map<string, string>()
      return editNetwork(vm, nic, { running, macsInUse: macs })
    }
    default:
      return editInitialRun(vm, change as VmConfigChange<'initial-run'>)
  }
}

/**
 * Checks a change: the VM is still the version the user edited, the input is sound, and the API
 * server with KubeVirt's admission accepts it in a dry run. Answers the exact spec diff.
 */
export async function reviewChange<S extends VmConfigSection>(
  client: KubeClient,
  ref: VmRef,
  section: S,
  request: { version: string; change: VmConfigChange<S> },
) {
  const { vm, vmi } = await readVm(client, ref)
  if (configVersion(vm) !== request.version)
    throw httpError(
      409,
      'Someone changed this VM since you opened it; reload it and make your change again.',
      'VM_CHANGED',
    )
  const next = await edited(client, vm, vmi !== undefined, section, request.change)
  const accepted = await replaceVm<EditableVm>(client, next, { dryRun: true })
  return { vm, vmi, next, changes: specDiff(vm, accepted) }
}

/** A write refused only because a status update moved the resourceVersion is tried again. */
export async function retryingStatusRaces<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (err) {
      if (!(err instanceof VmVersionConflict) || attempt === 3) throw err
    }
  }
}

const touchesTemplate = (changes: SpecChange[]) =>
  changes.some(
    (c) =>
      c.path.startsWith('spec.template') ||
      c.path.startsWith('spec.instancetype') ||
      c.path.startsWith('spec.preference') ||
      c.path.startsWith('spec.dataVolumeTemplates'),
  )

/** How long to wait for KubeVirt's VM controller to judge a change to a running VM. */
const JUDGED_WITHIN_MS = 5_000

/**
 * Stores a reviewed change. The PUT carries the resourceVersion it was read at; when only a status
 * update came in between (the configuration version is the same), it is read and sent again.
 */
async function store<S extends VmConfigSection>(
  client: KubeClient,
  ref: VmRef,
  section: S,
  request: { version: string; change: VmConfigChange<S> },
) {
  return retryingStatusRaces(async () => {
    const reviewed = await reviewChange(client, ref, section, request)
    if (reviewed.changes.length === 0) return { ...reviewed, stored: undefined }
    const stored = await replaceVm<EditableVm>(client, reviewed.next, { dryRun: false })
    return { ...reviewed, stored }
  })
}

/** Reviews, then stores the change, then says when it takes effect (KubeVirt's verdict). */
export async function applyChange<S extends VmConfigSection>(
  client: KubeClient,
  ref: VmRef,
  section: S,
  request: { version: string; change: VmConfigChange<S> },
  /** Resolves with the VM once a change of it satisfies `check` (the cluster's shared watch). */
  waitForVm: (
    check: (object: KubernetesObject) => boolean,
    timeoutMs: number,
    signal: AbortSignal,
  ) => Promise<KubernetesObject | undefined>,
): Promise<VmConfigApplied> {
  const { vmi, changes, stored } = await store(client, ref, section, request)
  if (!stored)
    return { version: request.version, changes, takesEffect: 'now', message: 'Nothing to change.' }
  const version = configVersion(stored)
  if (!touchesTemplate(changes)) return { version, changes, takesEffect: 'now', message: 'Saved.' }
  if (!vmi)
    return { version, changes, takesEffect: 'next-start', message: 'Saved; the VM starts with it.' }
  // The VM controller compares the new spec with what the VMI runs, then records its verdict
  // (RestartRequired or not) with the generation it judged as `desiredGeneration`
  // (`observedGeneration` is the one the VMI runs).
  const generation = stored.metadata.generation ?? 0
  const judged = (vm: EditableVm) => (vm.status?.desiredGeneration ?? 0) >= generation
  let latest = stored
  if (!judged(latest)) {
    // Listen first, then read once: a verdict recorded before the listening began is in the read.
    const stop = new AbortController()
    const verdict = waitForVm(
      (object) => judged(object as EditableVm),
      JUDGED_WITHIN_MS,
      stop.signal,
    )
    const now = (await readVm(client, ref)).vm
    if (judged(now)) stop.abort()
    latest = judged(now) ? now : (((await verdict) as EditableVm | undefined) ?? now)
  }
  const restart = latest.status?.conditions?.find(
    (c) => c.type === 'RestartRequired' && c.status === 'True',
  )
  return restart
    ? {
        version,
        changes,
        takesEffect: 'restart',
        message: `Saved; applies at the next restart (${restart.message ?? 'KubeVirt: RestartRequired'}).`,
      }
    : { version, changes, takesEffect: 'live', message: 'Saved and applied to the running VM.' }
}
