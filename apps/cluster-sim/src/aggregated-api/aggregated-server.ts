// The HTTPS server of an aggregated API server on 127.0.0.1 (virt-api, cdi-apiserver): its own
// CA and serving certificate (kept under the state directory, so the caBundle registered stays
// valid across restarts), client certificates of the request-header CA checked per connection,
// then registration with kube-apiserver; a failed registration closes the server again.
import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import { ensureServingCerts } from '../tls/make-certs.ts'
import { acceptClientCertificate, type RequestHeaderConfig } from './front-proxy.ts'
import { sendStatus, toStatusError } from './http-replies.ts'

type Handler = (req: IncomingMessage, res: ServerResponse) => void
type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

export interface AggregatedServerOptions {
  /** Where the CA and the serving certificate are kept. */
  certDir: string
  /** The serving certificate's common name; its CA is `<name>-ca`. */
  name: string
  /** `<service>.<namespace>.svc`: the TLS server name kube-aggregator dials with. */
  serverName: string
  requestHeader: RequestHeaderConfig
  /** Answers one request; what it throws is answered as a `metav1.Status`. */
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>
  /** WebSocket upgrades; `fallback` answers those that are not one of its own. */
  upgrade?(fallback: Handler): UpgradeHandler
  /** Points kube-apiserver at `port` (caBundle `ca`) and resolves once it uses the server. */
  register(port: number, ca: string): Promise<void>
  /** 0 (default) picks a free port on 127.0.0.1. */
  port?: number
}

export interface AggregatedServer {
  /** `https://127.0.0.1:<port>`, the server's own address. */
  url: string
  /** PEM of the CA that signed the serving certificate (the caBundle registered). */
  ca: string
  close(): Promise<void>
}

export async function startAggregatedServer(
  options: AggregatedServerOptions,
): Promise<AggregatedServer> {
  const { requestHeader } = options
  const certs = ensureServingCerts(options.certDir, {
    caName: `${options.name}-ca`,
    commonName: options.name,
    dnsNames: [options.serverName, 'localhost'],
    ips: ['127.0.0.1'],
  })
  const handle: Handler = (req, res) => {
    options.serve(req, res).catch((error: unknown) => sendStatus(res, toStatusError(error)))
  }
  const server: Server = createServer(
    {
      cert: certs.cert,
      key: certs.key,
      ca: requestHeader.clientCA,
      requestCert: true,
      // Checked per connection below: a client without a certificate may call the webhooks
      // and discovery.
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    handle,
  )
  // kube-apiserver keeps idle connections to webhooks and aggregated APIs for 90 s (Go's
  // IdleConnTimeout) and does not retry a POST: with Node's 5 s default this server closed idle
  // sockets the API server was just writing an admission review to ("write: broken pipe", a 500
  // for the create). Idle sockets are left to the client to close.
  server.keepAliveTimeout = 120_000
  server.on('secureConnection', (socket: TLSSocket) => {
    if (!acceptClientCertificate(socket, requestHeader)) socket.destroy()
  })
  if (options.upgrade) server.on('upgrade', options.upgrade(handle))
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    )
  })
  const close = async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  try {
    await options.register(port, certs.ca)
  } catch (error) {
    await close()
    throw error
  }
  return { url: `https://127.0.0.1:${port}`, ca: certs.ca, close }
}
