// Request bodies and replies of the simulator's aggregated API servers (virt-api, cdi-apiserver):
// both are go-restful servers, so errors of their own are plain text (`WriteErrorString`) and
// everything else is JSON, a failure as a `metav1.Status`.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { StatusError } from '../kube/status-error.ts'

export const notFound = () =>
  new StatusError(404, 'NotFound', 'the server could not find the requested resource')

export function toStatusError(error: unknown): StatusError {
  if (error instanceof StatusError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`)
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new StatusError(400, 'BadRequest', 'the request body is not JSON')
  }
}

/** kube-apiserver's request size limit is the aggregated servers' too (they sit behind it). */
const MAX_BODY = 3 * 1024 * 1024

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY)
      throw new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body)
  res
    .writeHead(code, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    .end(text)
}

/** go-restful's `WriteErrorString`: the reason as the whole plain-text body. */
export function sendText(res: ServerResponse, code: number, text: string): void {
  res
    .writeHead(code, {
      'content-type': 'text/plain',
      'content-length': Buffer.byteLength(text),
    })
    .end(text)
}

export function sendStatus(res: ServerResponse, error: StatusError): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  sendJson(res, error.code, error.toStatus())
}
