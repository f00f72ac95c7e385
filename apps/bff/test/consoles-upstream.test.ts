// openUpstream against hostile or odd upstreams: a redirect is relayed as an error and never
// followed, bytes before a 101 are never piped, a missing subprotocol is refused.
import { KubeConfig } from '@kubernetes/client-node'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo, Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureServingCerts } from '../../cluster-sim/src/tls/make-certs.ts'
import { openUpstream, UpstreamRefusal } from '../src/lib/ws-upstream.ts'

let server: Server
let base = ''
let ca = ''
const pki = mkdtempSync(join(tmpdir(), 'vmdeck-upstream-test-'))
const seen: { url: string; authorization: string | undefined; cookie: string | undefined }[] = []
let behaviour: (socket: Socket) => void = () => undefined

beforeAll(async () => {
  const certs = ensureServingCerts(pki)
  ca = certs.ca
  server = createServer({ cert: certs.cert, key: certs.key }, (_req, res) =>
    res.writeHead(404).end(),
  )
  server.on('upgrade', (req, socket: Socket) => {
    seen.push({
      url: req.url ?? '',
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
    })
    behaviour(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
  rmSync(pki, { recursive: true, force: true })
})

const config = (trusted = true) => {
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: base,
        skipTLSVerify: false,
        ...(trusted ? { caData: Buffer.from(ca).toString('base64') } : {}),
      },
    ],
    users: [{ name: 'u', token: 'user-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  })
  return kc
}

const refusal = async (promise: Promise<unknown>): Promise<UpstreamRefusal> => {
  try {
    await promise
  } catch (err) {
    if (err instanceof UpstreamRefusal) return err
    throw err
  }
  throw new Error('the upstream opened')
}

describe('openUpstream', () => {
  it('relays a redirect as an error and does not follow it', async () => {
    seen.length = 0
    behaviour = (socket) =>
      socket.end(
        `HTTP/1.1 302 Found\r\nLocation: ${base}/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      )
    const error = await refusal(
      openUpstream({ config: config(), namespace: 'prod', name: 'web-01', subresource: 'vnc' }),
    )
    expect(error.closeCode).toBe(4502)
    expect(error.status).toBe(302)
    expect(error.message).toMatch(/answered 302.*not followed/)
    expect(seen.map((s) => s.url)).toEqual([
      '/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachineinstances/web-01/vnc',
    ])
  })

  it('sends the user token and nothing of the browser', async () => {
    seen.length = 0
    behaviour = (socket) =>
      socket.end(
        'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"message":"nope"}',
      )
    const error = await refusal(
      openUpstream({ config: config(), namespace: 'prod', name: 'web-01', subresource: 'console' }),
    )
    expect(error.closeCode).toBe(4404)
    expect(error.message).toBe('nope')
    expect(seen[0]).toMatchObject({ authorization: 'Bearer user-token', cookie: undefined })
  })

  it('never pipes bytes an upstream sends instead of switching protocols', async () => {
    behaviour = (socket) => socket.end('RFB 003.008\n')
    const error = await refusal(
      openUpstream({ config: config(), namespace: 'prod', name: 'web-01', subresource: 'vnc' }),
    )
    expect(error.closeCode).toBe(4502)
  })

  it('maps a plain-text 401 (virt-api RBAC) to 4403 and "Active VNC connection" to 4900', async () => {
    behaviour = (socket) =>
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n',
      )
    expect(
      (
        await refusal(
          openUpstream({ config: config(), namespace: 'a', name: 'b', subresource: 'vnc' }),
        )
      ).closeCode,
    ).toBe(4403)
    const body = JSON.stringify({
      kind: 'Status',
      code: 500,
      message:
        'Internal error occurred: dialing virt-handler: Active VNC connection. Request denied.',
    })
    behaviour = (socket) =>
      socket.end(
        `HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      )
    expect(
      (
        await refusal(
          openUpstream({ config: config(), namespace: 'a', name: 'b', subresource: 'vnc' }),
        )
      ).closeCode,
    ).toBe(4900)
  })

  it('refuses an upstream whose certificate it does not trust, before any upgrade', async () => {
    seen.length = 0
    behaviour = (socket) => socket.destroy()
    const error = await refusal(
      openUpstream({ config: config(false), namespace: 'a', name: 'b', subresource: 'vnc' }),
    )
    expect(error.closeCode).toBe(4502)
    expect(error.message).toMatch(/cannot be reached/)
    expect(seen).toHaveLength(0)
  })
})
