import { HttpError } from './http-error.ts'
import { isSubresourcePath } from './api/paths.ts'

/** `AlreadyExists` → `ALREADY_EXISTS`: Kubernetes Status reasons as vmdeck error codes. */
export const upperSnake = (text: string) => text.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()

// KubeVirt answers some conflicts with 500 (a pending state change, a migration the admission
// webhook refused); they are the user's to resolve, so they are conflicts here.
const conflictLike =
  /already underway|in-flight migration|Cannot migrate VMI|is not running|already (running|paused)/

/**
 * Turns a Kubernetes or KubeVirt error answer into the BFF's error shape, keeping its message.
 * KubeVirt denies a subresource with 401 and a plain-text reason: that is
 * a 403 here, with that text; a 401 from the API server itself means the token is not accepted.
 */
export function kubeError(status: number, text: string, path: string): HttpError {
  let message = text.trim()
  let reason: string | undefined
  let json = false
  try {
    const parsed = JSON.parse(text) as { message?: unknown; reason?: unknown }
    if (parsed && typeof parsed === 'object') {
      json = true
      if (typeof parsed.message === 'string') message = parsed.message
      if (typeof parsed.reason === 'string') reason = parsed.reason
    }
  } catch {
    // plain text, as KubeVirt's subresource denials and some 500s are
  }
  message = message.slice(0, 2000) || `The Kubernetes API answered ${status}.`
  if (status === 401) {
    if (!json && isSubresourcePath(path)) {
      const [, namespace, resource, name, subresource] =
        /\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)\/(.+)$/.exec(path) ?? []
      return new HttpError(
        403,
        text.trim()
          ? text.trim().slice(0, 2000)
          : `KubeVirt refused: you may not ${subresource ?? 'do that'} ${resource ?? ''} "${name ?? ''}" in namespace "${namespace ?? ''}".`,
        'K8S_FORBIDDEN',
      )
    }
    return new HttpError(
      401,
      'The Kubernetes API server no longer accepts your credentials; log in again.',
      'K8S_UNAUTHORIZED',
    )
  }
  if (status >= 500) {
    if (conflictLike.test(message)) return new HttpError(409, message, 'K8S_CONFLICT')
    return new HttpError(502, message, reason ? `K8S_${upperSnake(reason)}` : 'K8S_ERROR')
  }
  return new HttpError(status, message, reason ? `K8S_${upperSnake(reason)}` : `K8S_${status}`)
}
