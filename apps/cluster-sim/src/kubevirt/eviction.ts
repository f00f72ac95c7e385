// `POST /api/v1/namespaces/{ns}/pods/{name}/eviction` (no PodDisruptionBudgets: an allowed
// eviction deletes the pod), with KubeVirt's
// virt-launcher-eviction-interceptor webhook in front (API.md §4.4): a VMI with a LiveMigrate
// eviction strategy is marked for evacuation and the eviction refused with 429, so
// `kubectl drain` retries until the migration emptied the pod.
import type { CustomHandler } from '../apiserver/api-server.ts'
import { readBody, sendJson } from '../apiserver/api-server.ts'
import { StatusError, notFound } from '../apiserver/status-error.ts'
import type { KubevirtContext } from '../controllers/context.ts'
import { specOf } from '../controllers/context.ts'
import { conditionOf, phaseOf } from './k8s-util.ts'

const WEBHOOK = 'virt-launcher-eviction-interceptor.kubevirt.io'

export function evictionHandler(ctx: KubevirtContext): CustomHandler {
  return async ({ path, req, res, url }) => {
    if (path.group !== '' || path.plural !== 'pods' || path.subresource !== 'eviction') return false
    if (req.method !== 'POST') return false
    const { store, defs } = ctx
    const namespace = path.namespace ?? ''
    const name = path.name ?? ''
    const pod = store.peek(defs.pod, namespace, name)
    if (!pod) throw notFound('', 'pods', name)
    await readBody(req)
    const dryRun = url.searchParams.get('dryRun') === 'All'
    const launcher = pod.metadata.labels?.['kubevirt.io'] === 'virt-launcher'
    const vmiName = launcher ? pod.metadata.annotations?.['kubevirt.io/domain'] : undefined
    const vmi = vmiName ? store.peek(defs.vmi, namespace, vmiName) : undefined
    const completed = ['Succeeded', 'Failed'].includes(phaseOf(pod))
    const deny = (message: string) => {
      throw new StatusError(
        429,
        'TooManyRequests',
        `admission webhook "${WEBHOOK}" denied the request: ${message}`,
      )
    }
    if (vmi && !completed) {
      const strategy = specOf(vmi).evictionStrategy
      const migratable = conditionOf(vmi, 'LiveMigratable')?.status === 'True'
      let mark = false
      if (strategy === 'LiveMigrate') {
        if (!migratable)
          deny(
            `VMI ${vmi.metadata.name} is configured with an eviction strategy but is not live-migratable`,
          )
        mark = true
      } else if (strategy === 'LiveMigrateIfPossible') mark = migratable
      else if (strategy === 'External') mark = true
      if (mark) {
        const status = (vmi.status ?? {}) as { evacuationNodeName?: string; nodeName?: string }
        const evictionFmt = `Eviction triggered evacuation of VMI "${namespace}/${vmi.metadata.name}"`
        if (status.evacuationNodeName) deny(`Evacuation in progress: ${evictionFmt}`)
        const podNode = (pod.spec as { nodeName?: string }).nodeName
        if (status.nodeName !== podNode) deny('Eviction request for target Pod')
        if (!dryRun) {
          const next = structuredClone(vmi)
          ;(next.status as { evacuationNodeName?: string }).evacuationNodeName = podNode ?? ''
          store.update(defs.vmi, next)
        }
        deny(evictionFmt)
      }
    }
    // Allowed: the pod is deleted (its VMI then stops, or the VM restarts it elsewhere).
    if (!store.peek(defs.pod, namespace, name)) throw notFound('', 'pods', name)
    if (!dryRun) store.delete(defs.pod, namespace, name)
    sendJson(res, 201, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    })
    return true
  }
}
