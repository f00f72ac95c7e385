import type { ApiErrorBody } from '@vmdeck/shared'
import { takePrefetched } from './prefetched.ts'

/** The one error type of the web app: the BFF's ApiErrorBody, with its HTTP status. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string | undefined

  constructor(body: ApiErrorBody) {
    super(body.message)
    this.name = 'ApiError'
    this.status = body.statusCode
    this.code = body.code
  }
}

async function request<T>(
  method: string,
  path: string,
  init: { body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  let response: Response
  try {
    // The first-load script may have sent this GET already, while the app's code was loading.
    const early = method === 'GET' ? takePrefetched(path) : undefined
    response = await (early ??
      fetch(path, {
        method,
        credentials: 'same-origin',
        headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        ...(init.signal ? { signal: init.signal } : {}),
      }))
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError({
      statusCode: 0,
      error: 'Network error',
      message: 'vmdeck is not reachable; check your connection.',
      code: 'NETWORK',
    })
  }
  if (response.status === 204) return undefined as T
  const body: unknown = await response.json().catch(() => undefined)
  if (!response.ok) {
    const error = body as Partial<ApiErrorBody> | undefined
    throw new ApiError({
      statusCode: response.status,
      error: error?.error ?? response.statusText,
      message: error?.message ?? `The server answered ${response.status}.`,
      ...(error?.code ? { code: error.code } : {}),
    })
  }
  return body as T
}

export const api = {
  get: <T>(path: string, init?: { signal?: AbortSignal }) => request<T>('GET', path, init),
  post: <T>(path: string, body?: unknown, init?: { signal?: AbortSignal }) =>
    request<T>('POST', path, { body: body ?? {}, ...init }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
}
