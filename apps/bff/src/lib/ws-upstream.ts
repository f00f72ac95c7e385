import { CloseCode, closeCodeForStatus } from '@vmdeck/shared'
import type { KubeConfig } from '@kubernetes/client-node'
import type { ClientRequest, IncomingMessage } from 'node:http'
import WebSocket from 'ws'
import { paths } from '../kube/api/paths.ts'
import { closeReason } from './ws-close-codes.ts'

export const PLAIN_STREAM_PROTOCOL = 'plain.kubevirt.io'
/** What virt-api's 500 says when virt-handler refused a second VNC client. */
const ACTIVE_VNC = 'Active VNC connection'
const MAX_ERROR_BODY = 16 * 1024

/** Why the cluster did not open a console stream, as a close code and a readable reason. */
export class UpstreamRefusal extends Error {
  readonly closeCode: number
  /** The HTTP status the cluster answered, if it answered. */
  readonly status: number | undefined

  constructor(closeCode: number, message: string, status?: number) {
    super(message)
    this.closeCode = closeCode
    this.status = status
  }
}

export interface UpstreamTarget {
  /** A client configuration acting as the user (`cluster.forUser(token)`). */
  config: KubeConfig
  namespace: string
  name: string
  subresource: 'vnc' | 'console'
  query?: Record<string, string>
  handshakeTimeoutMs?: number
  maxPayload?: number
}

/**
 * Opens `…/virtualmachineinstances/{name}/{vnc|console}` as the user, offering only
 * `plain.kubevirt.io`. Resolves with the open socket (paused: nothing is read until the caller
 * resumes it, so no byte is lost before its listeners exist); rejects with an UpstreamRefusal.
 * An answer other than 101 is read (bounded) for its message and the connection dropped: never
 * followed, never piped.
 */
export async function openUpstream(target: UpstreamTarget): Promise<WebSocket> {
  const cluster = target.config.getCurrentCluster()
  if (!cluster) throw new UpstreamRefusal(CloseCode.upstreamLost, 'No cluster is configured.')
  const server = new URL(cluster.server)
  const path = paths.subresource(
    target.namespace,
    'virtualmachineinstances',
    target.name,
    target.subresource,
  )
  const url = new URL(server.pathname.replace(/\/$/, '') + path, server)
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:'
  for (const [key, value] of Object.entries(target.query ?? {})) url.searchParams.set(key, value)

  // CA, client certificate or bearer token of the user, exactly as client-node's own sockets.
  const options: WebSocket.ClientOptions = {}
  await target.config.applyToHTTPSOptions(options)
  const socket = new WebSocket(url, [PLAIN_STREAM_PROTOCOL], {
    ...options,
    followRedirects: false,
    perMessageDeflate: false,
    handshakeTimeout: target.handshakeTimeoutMs ?? 10_000,
    maxPayload: target.maxPayload ?? 16 * 1024 * 1024,
  })
  socket.binaryType = 'nodebuffer'

  return new Promise<WebSocket>((resolve, reject) => {
    let settled = false
    const fail = (error: UpstreamRefusal) => {
      if (settled) return
      settled = true
      socket.terminate()
      reject(error)
    }
    socket.once('open', () => {
      if (settled) return
      settled = true
      socket.pause()
      resolve(socket)
    })
    socket.once('unexpected-response', (request: ClientRequest, response: IncomingMessage) => {
      const done = (body: string) => {
        request.destroy()
        fail(refusalFor(response, body, target.subresource))
      }
      readBounded(response).then(done, () => done(''))
    })
    // Stays attached: an error after the outcome (the aborted request) must not go unheard.
    socket.on('error', (error: Error) => {
      const timedOut = /timed out/i.test(error.message)
      fail(
        new UpstreamRefusal(
          timedOut ? CloseCode.upstreamTimeout : CloseCode.upstreamLost,
          closeReason(
            timedOut
              ? 'The cluster did not answer in time.'
              : `The cluster cannot be reached: ${error.message}`,
          ),
        ),
      )
    })
  })
}

function readBounded(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    response.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_ERROR_BODY) chunks.push(chunk)
      else resolve(Buffer.concat(chunks).toString('utf8'))
    })
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    response.on('error', reject)
  })
}

/** Maps the cluster's answer to the upgrade onto a close code the browser can act on. */
export function refusalFor(
  response: IncomingMessage,
  body: string,
  subresource: 'vnc' | 'console',
): UpstreamRefusal {
  const status = response.statusCode ?? 502
  const isJson = /json/i.test(String(response.headers['content-type'] ?? ''))
  let message = body.trim()
  if (isJson) {
    try {
      const parsed = (JSON.parse(body) as { message?: unknown }).message
      message = typeof parsed === 'string' ? parsed : ''
    } catch {
      // keep the text
    }
  }
  const what = subresource === 'vnc' ? 'VNC console' : 'serial console'
  if (status === 401 && isJson)
    // kube-apiserver: the token itself is no longer accepted.
    return new UpstreamRefusal(
      CloseCode.unauthenticated,
      'The cluster no longer accepts your credentials; log in again.',
      status,
    )
  if (status === 401 || status === 403)
    // virt-api answers an RBAC denial with 401 and the review's reason as plain text.
    return new UpstreamRefusal(
      CloseCode.forbidden,
      closeReason(
        `You are not allowed to open the ${what} of this VM${message ? `: ${message}` : '.'}`,
      ),
      status,
    )
  if (message.includes(ACTIVE_VNC))
    return new UpstreamRefusal(
      CloseCode.sessionInUse,
      'Someone else is connected to this VNC console.',
      status,
    )
  if (status >= 300 && status < 400)
    return new UpstreamRefusal(
      CloseCode.upstreamLost,
      closeReason(`The cluster answered ${status} instead of opening the console; not followed.`),
      status,
    )
  return new UpstreamRefusal(
    closeCodeForStatus(status),
    closeReason(message || `The cluster answered ${status}.`),
    status,
  )
}
