/**
 * An error answered with a `metav1.Status` body (`k8s.io/apimachinery/pkg/api/errors`): what
 * kube-apiserver answered the simulator, or what virt-api answers. `reason` values are the
 * StatusReason constants.
 */
export class StatusError extends Error {
  readonly code: number
  readonly reason: string
  readonly details: Record<string, unknown> | undefined

  constructor(code: number, reason: string, message: string, details?: Record<string, unknown>) {
    super(message)
    this.code = code
    this.reason = reason
    this.details = details
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    }
  }
}

const qualified = (group: string, plural: string) => (group ? `${plural}.${group}` : plural)
const detailsOf = (group: string, plural: string, name?: string) => ({
  ...(name !== undefined ? { name } : {}),
  ...(group ? { group } : {}),
  kind: plural,
})

export const notFound = (group: string, plural: string, name: string) =>
  new StatusError(
    404,
    'NotFound',
    `${qualified(group, plural)} "${name}" not found`,
    detailsOf(group, plural, name),
  )
