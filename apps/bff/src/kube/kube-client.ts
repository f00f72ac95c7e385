import type { KubeConfig } from '@kubernetes/client-node'
import { request as httpsRequest, type RequestOptions } from 'node:https'
import { request as httpRequest } from 'node:http'
import { HttpError, withDetail } from '../lib/http-error.ts'

export interface KubeResponse {
  status: number
  body: unknown
  text: string
}

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  query?: Record<string, string | undefined>
  body?: unknown
  /** Defaults to JSON; patches name their flavour (merge, json). */
  contentType?: string
}

const upperSnake = (text: string) => text.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()

// KubeVirt answers some conflicts with 500 (API.md §2.1: a pending state change, a migration the
// admission webhook refused); they are the user's to resolve, so they are conflicts here.
const conflictLike =
  /already underway|in-flight migration|Cannot migrate VMI|is not running|already (running|paused)/

/**
 * Turns a Kubernetes or KubeVirt error answer into the BFF's error shape, keeping its message.
 * KubeVirt denies a subresource with 401 and a plain-text reason (API.md §2.1, gotcha 3): that is
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
    if (!json && path.startsWith('/apis/subresources.kubevirt.io/')) {
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

/**
 * The one way the BFF talks HTTP to a cluster on someone's behalf. Request headers are built here
 * from scratch (an allow-list by construction): the credentials of the KubeConfig, Accept,
 * Content-Type and User-Agent. Nothing from the browser's request (Impersonate-*, Cookie,
 * X-Remote-*, its own Authorization, Connection) can reach the API server.
 */
export class KubeClient {
  readonly #config: KubeConfig
  readonly #server: URL

  constructor(config: KubeConfig) {
    const cluster = config.getCurrentCluster()
    if (!cluster) throw new Error('kubeconfig has no current cluster')
    this.#config = config
    this.#server = new URL(cluster.server)
  }

  /** Raw answer, whatever the status; rejects only when the API server cannot be reached. */
  async raw(req: KubeRequest): Promise<KubeResponse> {
    const url = new URL(this.#server.pathname.replace(/\/$/, '') + req.path, this.#server)
    for (const [key, value] of Object.entries(req.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, value)
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body))
    const options: RequestOptions = {
      method: req.method,
      headers: {
        // client-go's default: KubeVirt's virt-api declares no representation on its subresource
        // routes, and its go-restful container answers a bare `application/json` with 406.
        accept: 'application/json, */*',
        'user-agent': 'vmdeck-bff',
        ...(payload
          ? {
              'content-type': req.contentType ?? 'application/json',
              'content-length': String(payload.length),
            }
          : {}),
      },
      timeout: 30_000,
    }
    await this.#config.applyToHTTPSOptions(options)
    const plain = url.protocol === 'http:'
    if (plain) delete options.agent
    const send = plain ? httpRequest : httpsRequest
    return new Promise<KubeResponse>((resolve, reject) => {
      const request = send(url, options, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let body: unknown
          try {
            body = text ? JSON.parse(text) : undefined
          } catch {
            body = undefined
          }
          resolve({ status: res.statusCode ?? 0, body, text })
        })
      })
      request.on('timeout', () => request.destroy(new Error('request to the API server timed out')))
      request.on('error', (err) =>
        reject(
          withDetail(
            new HttpError(
              503,
              "The cluster's API server could not be reached.",
              'CLUSTER_UNAVAILABLE',
            ),
            err.message,
          ),
        ),
      )
      request.end(payload)
    })
  }

  /** The parsed body of a successful answer; Kubernetes errors become HttpErrors. */
  async call<T = unknown>(req: KubeRequest): Promise<T> {
    const response = await this.raw(req)
    if (response.status >= 400) throw kubeError(response.status, response.text, req.path)
    return response.body as T
  }
}
