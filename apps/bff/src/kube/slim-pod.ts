import type { Pod } from './types.ts'

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
