// KubeVirt's virt-launcher-eviction-interceptor.kubevirt.io
// (docs/KUBEVIRT-NOTES.md#live-migration-and-drain, kubevirt v1.9.0 `pod-eviction-admitter.go`):
// evicting the launcher pod of a VMI with a LiveMigrate (or External) eviction strategy marks the
// VMI for evacuation and is refused with 429, so `kubectl drain` retries until the migration
// emptied the pod. `admitLauncherEviction` is the admitter virt-api's webhook (src/virt-api) runs.
import type { KObject } from '../kube/types.ts'
import type { KubevirtContext } from '../controllers/context.ts'
import { specOf } from '../controllers/context.ts'
import type { Denial } from './admission.ts'
import { conditionOf, phaseOf } from './k8s-util.ts'

export const EVICTION_WEBHOOK = 'virt-launcher-eviction-interceptor.kubevirt.io'

/** Where the admitter looks: the VMI cache, and where it marks the VMI. */
export type EvictionContext = Pick<KubevirtContext, 'store'> & {
  defs: Pick<KubevirtContext['defs'], 'vmi'>
}

const denied = (message: string): Denial => ({ webhook: EVICTION_WEBHOOK, code: 429, message })

/**
 * The admitter for one eviction of `pod`: undefined lets it through; a Denial (429) refuses it,
 * after marking the VMI for evacuation (`status.evacuationNodeName`) unless `dryRun`.
 */
export async function admitLauncherEviction(
  ctx: EvictionContext,
  pod: KObject,
  options: { dryRun: boolean },
): Promise<Denial | undefined> {
  const launcher = pod.metadata.labels?.['kubevirt.io'] === 'virt-launcher'
  const completed = ['Succeeded', 'Failed'].includes(phaseOf(pod))
  if (!launcher || completed) return undefined
  const vmiName = pod.metadata.annotations?.['kubevirt.io/domain']
  if (!vmiName) return undefined
  const namespace = pod.metadata.namespace ?? ''
  const vmi = ctx.store.peek(ctx.defs.vmi, namespace, vmiName)
  if (!vmi)
    return denied(
      `kubevirt failed getting the vmi: virtualmachineinstances.kubevirt.io "${vmiName}" not found`,
    )
  const strategy = specOf(vmi).evictionStrategy
  const migratable = conditionOf(vmi, 'LiveMigratable')?.status === 'True'
  let mark = false
  if (strategy === 'LiveMigrate') {
    if (!migratable)
      return denied(
        `VMI ${vmi.metadata.name} is configured with an eviction strategy but is not live-migratable`,
      )
    mark = true
  } else if (strategy === 'LiveMigrateIfPossible') mark = migratable
  else if (strategy === 'External') mark = true
  if (!mark) return undefined
  // "This message format is expected from descheduler."
  const evictionFmt = `Eviction triggered evacuation of VMI "${namespace}/${vmi.metadata.name}"`
  const status = (vmi.status ?? {}) as { evacuationNodeName?: string; nodeName?: string }
  if (status.evacuationNodeName) return denied(`Evacuation in progress: ${evictionFmt}`)
  const podNode = (pod.spec as { nodeName?: string } | undefined)?.nodeName
  if (status.nodeName !== podNode) return denied('Eviction request for target Pod')
  if (!options.dryRun) {
    const next = structuredClone(vmi)
    next.status = { ...status, evacuationNodeName: podNode ?? '' }
    try {
      await ctx.store.update(ctx.defs.vmi, next)
    } catch (error) {
      // "it is up to the user to issue a retry"
      return denied(`kubevirt failed marking the vmi for eviction: ${(error as Error).message}`)
    }
  }
  return denied(evictionFmt)
}
