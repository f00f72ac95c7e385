/**
 * An error the API server answers with a `metav1.Status` body, as kube-apiserver does
 * (`k8s.io/apimachinery/pkg/api/errors`). `reason` values are the StatusReason constants.
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

export const alreadyExists = (group: string, plural: string, name: string) =>
  new StatusError(
    409,
    'AlreadyExists',
    `${qualified(group, plural)} "${name}" already exists`,
    detailsOf(group, plural, name),
  )

export const conflict = (group: string, plural: string, name: string) =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(group, plural)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    detailsOf(group, plural, name),
  )

export const badRequest = (message: string) => new StatusError(400, 'BadRequest', message)

export const invalid = (
  group: string,
  kind: string,
  name: string,
  causes: { field: string; message: string }[],
) =>
  new StatusError(
    422,
    'Invalid',
    `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
    {
      name,
      ...(group ? { group } : {}),
      kind,
      causes: causes.map((c) => ({ reason: 'FieldValueInvalid', ...c })),
    },
  )

export const gone = (message: string) => new StatusError(410, 'Expired', message)

export const methodNotSupported = (group: string, plural: string, verb: string) =>
  new StatusError(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${qualified(group, plural)}"`,
    detailsOf(group, plural),
  )

export const unauthorized = () => new StatusError(401, 'Unauthorized', 'Unauthorized')

export const forbidden = (
  user: string,
  verb: string,
  group: string,
  resource: string,
  namespace: string | undefined,
  name?: string,
) =>
  new StatusError(
    403,
    'Forbidden',
    `${resource}${group ? `.${group}` : ''}${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" ${namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'}`,
    { ...(name ? { name } : {}), ...(group ? { group } : {}), kind: resource },
  )
