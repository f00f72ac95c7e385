// Two BFF replicas as two processes on two ports behind one public origin, sharing nothing but
// the session keys and the cluster: a single sign-on session opened on one is served by the
// other, and a logout on one ends it on both (no sticky sessions, no store outside the cluster).
import { startSim, type Sim } from '@vmdeck/cluster-sim'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, TestBrowser } from '../../idp/test/browser.ts'
import { startIdp, type Idp } from '../../idp/src/idp.ts'
import { SSO_CALLBACK_PATH } from '../src/lib/oidc-config.ts'
import { startBffProcess, type BffProcess } from './bff-process.ts'
import { C, ORIGIN } from './helper.ts'
import { eventually, isCallback } from './sso-harness.ts'

// Shared by both replicas; made per run (a key written in the repository would be refused).
const SESSION_KEY = randomBytes(32).toString('base64url')
let dir: string
let idp: Idp
let sim: Sim
let replicas: BffProcess[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vmdeck-sso-replicas-'))
  idp = await startIdp({
    stateDir: join(dir, 'idp'),
    redirectUris: [`${ORIGIN}${SSO_CALLBACK_PATH}`],
    postLogoutRedirectUris: [`${ORIGIN}/`],
  })
  // The simulator's control plane reads it at start (apps/cluster-sim/src/cluster/control-plane.ts).
  process.env.VMDECK_AUTHENTICATION_CONFIG = idp.authenticationConfigFile
  try {
    sim = await startSim({ stateDir: join(dir, 'sim'), port: 0 })
  } finally {
    delete process.env.VMDECK_AUTHENTICATION_CONFIG
  }
  const caFile = join(dir, 'idp-ca.crt')
  writeFileSync(caFile, idp.ca)
  const env = {
    KUBECONFIG: sim.kubeconfigPath,
    VMDECK_PUBLIC_ORIGIN: ORIGIN,
    VMDECK_SESSION_KEYS: SESSION_KEY,
    VMDECK_WEB_ROOT: join(dir, 'no-web-build'),
    VMDECK_LOG_LEVEL: 'debug',
    VMDECK_OIDC_ISSUER: idp.issuer,
    VMDECK_OIDC_CLIENT_SECRET_FILE: idp.clientSecretFile,
    VMDECK_OIDC_CA_FILE: caFile,
  }
  replicas = await Promise.all([startBffProcess(env), startBffProcess(env)])
})

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()))
  await sim?.close()
  await idp?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
  // No ID token (a JWT) and no session cookie in either replica's log.
  const leak = replicas
    .flatMap((r) => r.output)
    .find((line) => /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.|vmdeck_session=/.test(line))
  if (leak) throw new Error(`a credential in a replica's log: ${leak.slice(0, 120)}`)
})

/** The browser's requests to the public origin go to `replica`, over the network. */
function browserOn(replica: BffProcess): TestBrowser {
  return new TestBrowser({
    ca: idp.ca,
    sites: {
      [ORIGIN]: async ({ method, url, headers }) => {
        const answer = await fetch(`${replica.url}${url.pathname}${url.search}`, {
          method,
          headers,
          redirect: 'manual',
        })
        const all: Record<string, string | string[]> = Object.fromEntries(answer.headers)
        all['set-cookie'] = answer.headers.getSetCookie()
        return { status: answer.status, headers: all, body: await answer.text() }
      },
    },
  })
}

/** A request as curl would send it: the cookie, and our Origin for state-changing methods. */
const call = (replica: BffProcess, path: string, cookie: string, method = 'GET') =>
  fetch(`${replica.url}${path}`, { method, headers: { cookie, origin: ORIGIN } })

describe('two BFF replicas, one cookie', () => {
  it('a session signed in on one replica is used on the other; a logout on one ends it on both', async () => {
    const [first, second] = replicas as [BffProcess, BffProcess]
    expect(first.url).not.toBe(second.url)
    const browser = browserOn(first)
    const { callback } = await signIn(
      browser,
      new URL('/api/v1/session/sso/login', ORIGIN),
      'helpdesk',
      'helpdesk-demo-password',
      isCallback,
    )
    expect((await browser.request('GET', callback!)).status).toBe(302)
    const cookie = `vmdeck_session=${browser.cookies(ORIGIN).get('vmdeck_session')!}`

    const me = await call(second, '/api/v1/session', cookie)
    expect(me.status).toBe(200)
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe(
      'oidc:helpdesk',
    )
    expect((await call(second, `${C}/vms`, cookie)).status).toBe(200)

    const logout = await call(first, '/api/v1/session', cookie, 'DELETE')
    expect(logout.status).toBe(200)
    expect(((await logout.json()) as { endSessionUrl: string }).endSessionUrl).toContain(idp.issuer)
    await eventually(
      async () => (await call(second, '/api/v1/session', cookie)).status === 401,
      5000,
    )
    const refused = await call(second, `${C}/vms`, cookie)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ statusCode: 401 })
    expect((await call(first, '/api/v1/session', cookie)).status).toBe(401)
  })
})
