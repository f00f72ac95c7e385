// The virt-handler pods of virt-handler's DaemonSet, one per node once the controller manager
// has created them and kube-scheduler has bound them: a node's handler acts with a token bound to
// its pod, which names the node (as the pod's projected token does).
import type { ControllerStore } from '../controllers/controller-store.ts'
import type { ResourceDef } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'

const NAMESPACE = 'kubevirt'

/** Resolves with each node's virt-handler pod once all exist, or rejects after `timeoutMs`. */
export function waitForHandlerPods(
  store: Pick<ControllerStore, 'list' | 'watch' | 'revision'>,
  podDef: ResourceDef,
  nodes: readonly string[],
  timeoutMs = 60_000,
): Promise<Map<string, KObject>> {
  return new Promise((resolve, reject) => {
    const found = () => {
      const byNode = new Map<string, KObject>()
      for (const pod of store.list(podDef, NAMESPACE).items) {
        const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName
        if (pod.metadata.labels?.['kubevirt.io'] === 'virt-handler' && node) byNode.set(node, pod)
      }
      return nodes.every((n) => byNode.has(n)) ? byNode : undefined
    }
    const ready = found()
    if (ready) return resolve(ready)
    const timer = setTimeout(() => {
      stop()
      reject(
        new Error(
          `virt-handler's DaemonSet has no pod on every node after ${timeoutMs / 1000} s (nodes: ${nodes.join(', ')})`,
        ),
      )
    }, timeoutMs)
    const stop = store.watch(podDef, store.revision, () => {
      const pods = found()
      if (!pods) return
      clearTimeout(timer)
      stop()
      resolve(pods)
    })
  })
}
