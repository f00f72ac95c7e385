import type { KubeConfig } from '@kubernetes/client-node'
import { request as httpsRequest, type RequestOptions } from 'node:https'
import { request as httpRequest } from 'node:http'
import { HttpError, withDetail } from './http-error.ts'
import { kubeError } from './kube-error.ts'

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
