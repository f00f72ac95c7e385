import { useMutation } from '@tanstack/react-query'
import type { NodeAction, OperationAccepted } from '@vmdeck/shared'
import { api } from '../../../lib/api-client.ts'
import { clusterPath } from '../../../lib/cluster-queries.ts'

const verbs: Record<NodeAction, [string, string]> = {
  cordon: ['Cordoning', 'cordon'],
  uncordon: ['Uncordoning', 'uncordon'],
  drain: ['Draining', 'drain'],
}

type Variables = { node: string; action: NodeAction }

/** Cordon, uncordon or drain a node; the toasts say which. */
export function useNodeAction(cluster: string) {
  return useMutation({
    mutationFn: ({ node, action }: Variables) =>
      api.post<OperationAccepted>(
        `${clusterPath(cluster)}/nodes/${encodeURIComponent(node)}/${action}`,
        {},
      ),
    meta: {
      success: ({ node, action }: Variables) => `${verbs[action][0]} ${node}`,
      error: ({ node, action }: Variables) => `Could not ${verbs[action][1]} ${node}`,
    },
  })
}
