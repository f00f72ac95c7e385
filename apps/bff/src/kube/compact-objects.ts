import type { KubernetesObject } from '@kubernetes/client-node'
import type { Pod } from './types.ts'

/**
 * An object as the VM caches keep it: JSON text without `managedFields` (the API server's
 * bookkeeping, a third of a VM's size, which nothing shows). Text is a fraction of the memory of
 * the parsed object; a route that needs the object parses this one VM's text.
 */
export function compactText(object: KubernetesObject): string {
  const { managedFields: _dropped, ...metadata } = (object.metadata ?? {}) as Record<
    string,
    unknown
  >
  return JSON.stringify({ ...object, metadata })
}

export function parseObject(text: string | undefined): KubernetesObject | undefined {
  return text === undefined ? undefined : (JSON.parse(text) as KubernetesObject)
}

/** What the node view and drains read of a virt-launcher pod, nothing else. */
export function slimPod(pod: Pod): Pod {
  const metadata = pod.metadata ?? {}
  return {
    metadata: {
      ...(metadata.name !== undefined ? { name: metadata.name } : {}),
      ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}),
    },
    spec: {
      ...(pod.spec?.nodeName !== undefined ? { nodeName: pod.spec.nodeName } : {}),
      containers: (pod.spec?.containers ?? []).map((c) => ({
        resources: { ...(c.resources?.requests ? { requests: c.resources.requests } : {}) },
      })),
    },
    status: { ...(pod.status?.phase !== undefined ? { phase: pod.status.phase } : {}) },
  }
}
