import { createConnection, createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

/**
 * A TCP relay between the BFF and kube-apiserver, so a test can cut the network (every open
 * connection, watches included, drops; new ones are refused: ECONNREFUSED) and bring it back on
 * the same port, as a network blip would. TLS passes through untouched: the BFF still verifies the API server's certificate.
 */
export interface TcpProxy {
  url: string
  cut(): Promise<void>
  resume(): Promise<void>
  close(): Promise<void>
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target)
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port: proxyPort } = server.address() as AddressInfo
  // Cut: nothing listens (new connections are refused) and every open one drops.
  const cut = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve()
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    })
  return {
    url: `https://127.0.0.1:${proxyPort}`,
    cut,
    resume: () => new Promise<void>((resolve) => server.listen(proxyPort, '127.0.0.1', resolve)),
    close: cut,
  }
}
