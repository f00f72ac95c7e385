import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import type { KObject } from '../kube/types.ts'
import {
  consoleText,
  containerOutput,
  parseLogQuery,
  renderAppended,
  renderLog,
  truncateBytes,
  type ConsoleLogSource,
  type LogQuery,
} from './container-logs.ts'
import { pause } from './reflector.ts'

/** What the kubelet API serves from: the pods the agent runs. */
export interface KubeletHost {
  nodeName: string
  pod(namespace: string, name: string): KObject | undefined
  pods(): KObject[]
  consoleLog: ConsoleLogSource | undefined
}

export interface KubeletServerOptions {
  address: string
  /** The port to take again after a restart; 0 (or taken) picks a free one. */
  port: number
  cert: string
  key: string
  /** The CA whose client certificates the kubelet trusts: kube-apiserver's kubelet client cert. */
  clientCA: string
  host: KubeletHost
  /** How often a followed log (`follow=true`) looks for new output. */
  followPollMs?: number
}

export interface KubeletServer {
  address: string
  port: number
  close(): Promise<void>
}

/**
 * The kubelet's HTTPS API, as far as kube-apiserver proxies to it: `pods/log`
 * (`/containerLogs/{namespace}/{pod}/{container}`), `/pods`, `/healthz`. Streaming endpoints
 * (exec, attach, port-forward) answer 501: the containers are simulated. Like a kubelet run with
 * `--anonymous-auth=false --client-ca-file`, it accepts only client certificates of the cluster
 * CA (kube-apiserver's --kubelet-client-certificate) and answers others 401.
 */
export async function startKubeletServer(options: KubeletServerOptions): Promise<KubeletServer> {
  const closing = new AbortController()
  const server = createServer(
    {
      cert: options.cert,
      key: options.key,
      ca: options.clientCA,
      requestCert: true,
      // Checked per request so a stranger gets the kubelet's 401, not a failed handshake.
      rejectUnauthorized: false,
    },
    (req, res) => {
      handle(req, res, options, closing.signal).catch((error: unknown) => {
        if (!res.headersSent) text(res, 500, `internal error: ${(error as Error).message}`)
        else res.destroy()
      })
    },
  )
  const bound = await listen(server, options.address, options.port)
  return {
    ...bound,
    close: async () => {
      closing.abort()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

/**
 * Listens on the node's own loopback address (127.0.0.11, ...: Linux routes all of 127/8 to lo),
 * falling back to 127.0.0.1 where only that is configured (macOS), and on a fresh port when the
 * old one is taken.
 */
async function listen(
  server: Server,
  address: string,
  port: number,
): Promise<{ address: string; port: number }> {
  const attempt = (host: string, p: number) =>
    new Promise<AddressInfo>((resolve, reject) => {
      const failed = (error: Error) => reject(error)
      server.once('error', failed)
      server.listen(p, host, () => {
        server.off('error', failed)
        resolve(server.address() as AddressInfo)
      })
    })
  const code = (error: unknown) => (error as NodeJS.ErrnoException).code
  let host = address
  for (const p of port ? [port, 0] : [0]) {
    try {
      const info = await attempt(host, p)
      return { address: info.address, port: info.port }
    } catch (error) {
      if (code(error) === 'EADDRNOTAVAIL' && host !== '127.0.0.1') {
        host = '127.0.0.1'
        const info = await attempt(host, p)
        return { address: info.address, port: info.port }
      }
      if (code(error) !== 'EADDRINUSE' || p === 0) throw error
    }
  }
  throw new Error('unreachable')
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: KubeletServerOptions,
  closing: AbortSignal,
): Promise<void> {
  if (!(req.socket as TLSSocket).authorized) return text(res, 401, 'Unauthorized')
  const url = new URL(req.url ?? '/', 'https://kubelet')
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
  const [root] = segments
  if (root === 'healthz') return text(res, 200, 'ok')
  if (root === 'pods' && segments.length === 1 && req.method === 'GET')
    return json(res, 200, {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: {},
      items: options.host.pods(),
    })
  if (root === 'containerLogs' && req.method === 'GET') {
    const [, namespace = '', name = '', container = ''] = segments
    return containerLogs(
      req,
      res,
      options,
      { namespace, name, container },
      parseLogQuery(url.searchParams),
      closing,
    )
  }
  if (root === 'exec' || root === 'attach' || root === 'portForward' || root === 'run')
    return json(res, 501, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'MethodNotAllowed',
      message: `${root} is not supported on node ${options.host.nodeName}: the vmdeck simulator's containers are simulated, there is no process to ${root === 'portForward' ? 'forward to' : 'attach to'} (use the VM's serial console or VNC)`,
      code: 501,
    })
  return text(res, 404, '404 page not found')
}

async function containerLogs(
  req: IncomingMessage,
  res: ServerResponse,
  options: KubeletServerOptions,
  target: { namespace: string; name: string; container: string },
  query: LogQuery,
  closing: AbortSignal,
): Promise<void> {
  const { namespace, name, container } = target
  // The kubelet's own answers (pkg/kubelet/server/server.go getContainerLogs), in plain text.
  if (!name) return text(res, 400, '{"message": "Missing podID."}')
  if (!container) return text(res, 400, '{"message": "Missing container name."}')
  const pod = options.host.pod(namespace, name)
  if (!pod) return text(res, 404, `pod "${name}" does not exist`)
  const spec = pod.spec as
    { containers?: { name: string }[]; initContainers?: { name: string }[] } | undefined
  if (
    ![...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].some(
      (c) => c.name === container,
    )
  )
    return text(res, 404, `container "${container}" not found in pod "${name}"`)
  if (query.previous)
    return text(res, 400, `previous terminated container "${container}" in pod "${name}" not found`)
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' })
  // Everything the simulated containers print goes to stdout.
  const stream = new URL(req.url ?? '/', 'https://kubelet').searchParams.get('stream')
  if (stream === 'Stderr') return void res.end()
  const initial = renderLog(containerOutput(pod, container, options.host.consoleLog), query)
  let budget = query.limitBytes ?? Infinity
  res.write(initial)
  budget -= Buffer.byteLength(initial)
  if (!query.follow || budget <= 0) return void res.end()

  // Following: new serial console output as it comes, until the pod goes, the client leaves or
  // the agent stops (the kubelet's follow ends when the container does).
  const stop = new AbortController()
  req.once('close', () => stop.abort())
  closing.addEventListener('abort', () => stop.abort(), { once: true })
  let seen = consoleText(pod, container, options.host.consoleLog)
  while (!stop.signal.aborted) {
    await pause(options.followPollMs ?? 1000, stop.signal)
    const current = options.host.pod(namespace, name)
    if (!current || current.metadata.uid !== pod.metadata.uid) break
    if (seen === undefined) continue
    const now = consoleText(current, container, options.host.consoleLog) ?? ''
    if (now.length > seen.length && now.startsWith(seen)) {
      const appended = renderAppended(
        now.slice(seen.length),
        seen === '' || seen.endsWith('\n'),
        query.timestamps,
      )
      const chunk = truncateBytes(appended, budget)
      res.write(chunk)
      budget -= Buffer.byteLength(chunk)
      if (budget <= 0) break
    }
    // A console log that shrank or changed (the guest restarted): follow the new one.
    seen = now
  }
  res.end()
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(body)
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(body))
}
