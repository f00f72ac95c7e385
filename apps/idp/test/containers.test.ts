// How containers run the provider (docker-compose.yml, deploy/overlays/demo): its files made first
// by `main.ts --init`, so the control plane finds the API server's configuration when it starts,
// then the provider itself with the same keys, listening where the container's port is published
// and announcing the issuer people reach.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { trustedFetch } from '../../bff/src/lib/trusted-fetch.ts'
import { startIdp } from '../src/idp.ts'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'vmdeck-idp-containers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

describe('the provider in containers', () => {
  it('prepares its files and the control plane’s configuration with --init, then serves them', async () => {
    const port = await freePort()
    const issuer = `https://127.0.0.1:${port}`
    const state = join(dir, 'idp')
    const controlPlaneCopy = join(dir, 'controlplane', 'authentication-config.yaml')
    const init = spawnSync(
      process.execPath,
      [MAIN, '--init', '--state-dir', state, '--issuer', issuer],
      { encoding: 'utf8' },
    )
    expect(init.stderr).toBe('')
    expect(init.status).toBe(0)
    const withCopy = spawnSync(
      process.execPath,
      [
        MAIN,
        '--init',
        '--state-dir',
        state,
        '--issuer',
        issuer,
        '--authentication-config',
        controlPlaneCopy,
      ],
      { encoding: 'utf8' },
    )
    expect(withCopy.status).toBe(0)
    const config = JSON.parse(readFileSync(controlPlaneCopy, 'utf8')) as {
      jwt: { issuer: { url: string; certificateAuthority: string } }[]
    }
    expect(config.jwt[0]!.issuer.url).toBe(issuer)
    const ca = readFileSync(join(state, 'tls', 'ca.crt'), 'utf8')
    expect(config.jwt[0]!.issuer.certificateAuthority).toBe(ca)
    const secret = readFileSync(join(state, 'client-secret'), 'utf8')

    // Off the loopback only when asked (a container's published port).
    await expect(startIdp({ stateDir: state, host: '0.0.0.0', redirectUris: [] })).rejects.toThrow(
      /loopback only/,
    )
    const idp = await startIdp({
      stateDir: state,
      host: '0.0.0.0',
      anyAddress: true,
      port,
      issuer,
      redirectUris: ['http://localhost:8080/api/v1/session/sso/callback'],
    })
    try {
      // The same keys as --init made: the control plane's configuration stays right.
      expect(idp.issuer).toBe(issuer)
      expect(idp.clientSecret).toBe(secret)
      expect(idp.ca).toBe(ca)
      const discovery = await trustedFetch(ca)(`${issuer}/.well-known/openid-configuration`, {
        method: 'GET',
        headers: {},
      })
      expect(((await discovery.json()) as { issuer: string }).issuer).toBe(issuer)
    } finally {
      await idp.stop()
    }
  })

  it('refuses --init without the issuer the API server is to trust', () => {
    const init = spawnSync(process.execPath, [MAIN, '--init', '--state-dir', join(dir, 'x')], {
      encoding: 'utf8',
    })
    expect(init.status).not.toBe(0)
    expect(init.stderr).toContain('--init needs --issuer')
  })
})
