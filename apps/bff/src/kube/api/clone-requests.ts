import type { KubeClient } from '../kube-client.ts'
import { paths } from './paths.ts'

export interface CloneTarget {
  name: string
  namespace: string
  start: boolean
}

/**
 * KubeVirt's clone API (a temporary snapshot and restore), within one namespace: answers the
 * VirtualMachineClone's generated name.
 */
export async function cloneInNamespace(
  client: KubeClient,
  namespace: string,
  source: string,
  target: CloneTarget,
): Promise<string | undefined> {
  const created = await client.call<{ metadata?: { name?: string } }>({
    method: 'POST',
    path: paths.clones(namespace),
    body: {
      apiVersion: 'clone.kubevirt.io/v1beta1',
      kind: 'VirtualMachineClone',
      metadata: { generateName: `${source}-clone-` },
      spec: {
        source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: source },
        target: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: target.name },
        patches: [
          JSON.stringify({
            op: 'add',
            path: '/spec/runStrategy',
            value: target.start ? 'Always' : 'Halted',
          }),
        ],
      },
    },
  })
  return created.metadata?.name
}
