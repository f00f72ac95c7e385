import { CloseCode } from '@vmdeck/shared'
import type { Identity } from './identity.ts'
import type { OpenConsole } from './console-registry.ts'

export interface Verdict {
  code: number
  reason: string
}

/**
 * Whether an open console may stay open: its session has not ended (a console in use is activity,
 * so only revocation and absolute expiry count), and RBAC still grants its subresource. The access
 * decision comes from the cluster's one access cache, with its semantics: a refusal and a missing
 * review API both deny; a review that could not be made keeps the console (the cluster may be
 * briefly away). Undefined while it may stay open.
 */
export async function recheckConsole(
  entry: OpenConsole,
  sessionEnded: (identity: Identity) => boolean,
): Promise<Verdict | undefined> {
  const { identity } = entry
  if (sessionEnded(identity))
    return { code: CloseCode.unauthenticated, reason: 'Your session ended; log in again.' }
  const decision = await entry.cluster.access
    .can(identity.token, {
      verb: 'get',
      group: 'subresources.kubevirt.io',
      resource: 'virtualmachineinstances',
      subresource: entry.kind === 'vnc' ? 'vnc' : 'console',
      namespace: entry.namespace,
      name: entry.name,
    })
    .catch(() => undefined)
  if (decision?.tokenRejected)
    return {
      code: CloseCode.unauthenticated,
      reason: 'The cluster no longer accepts your credentials; log in again.',
    }
  if (decision?.allowed === false)
    return { code: CloseCode.forbidden, reason: 'Your access to this console was revoked.' }
  return undefined
}
