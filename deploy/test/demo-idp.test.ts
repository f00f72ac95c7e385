// The demo's identity provider where the demo runs in containers (docs/SSO.md): docker compose
// makes its files before the control plane starts and serves it in the shared network namespace;
// the demo overlay runs it as the pod's first sidecar; its image's build stage, replayed here,
// runs the compose file's commands. One issuer URL for the browser, kube-apiserver and vmdeck.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { configFromEnv } from '../../apps/bff/src/config.ts'
import { prepareIdp } from '../../apps/idp/src/idp.ts'
import { replayBuildStage } from './dockerfiles.ts'
import { deployDir, find, render, root, run, startProcess, type KubeObject } from './helpers.ts'

interface Container {
  name: string
  args?: string[]
  restartPolicy?: string
  startupProbe?: { exec?: { command: string[] } }
}

const flag = (args: string[], name: string) => args[args.indexOf(name) + 1]

/** docker-compose.yml as docker-compose 1.29 reads it. */
function composeFile() {
  const result = run('docker-compose', [
    '--file',
    join(root, 'docker-compose.yml'),
    '--project-directory',
    root,
    'config',
  ])
  if (result.status !== 0) throw new Error(result.stderr)
  return parse(result.stdout) as {
    services: Record<
      string,
      {
        command: string[]
        environment?: Record<string, string>
        network_mode?: string
        restart?: string
        depends_on?: Record<string, { condition: string }>
        healthcheck?: { test: string[] }
      }
    >
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'vmdeck-demo-idp-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('docker-compose.yml', () => {
  const config = composeFile()

  it('signs in with the demo provider: made before the control plane, one issuer for everyone', () => {
    const init = config.services['idp-init']!.command
    const idp = config.services.idp!.command
    const controlPlaneState = flag(config.services.controlplane!.command, '--state-dir')!
    // Its files first, kube-apiserver's configuration where the control plane looks at its start.
    expect(init).toContain('--init')
    expect(config.services['idp-init']!.network_mode).toBe('none')
    expect(flag(init, '--authentication-config')).toBe(
      `${controlPlaneState}/authentication-config.yaml`,
    )
    expect(flag(init, '--state-dir')).toBe(flag(idp, '--state-dir'))
    // The one-shot step runs once, to completion, before the control plane.
    expect(config.services['idp-init']!.restart).toBe('no')
    expect(config.services.controlplane!.depends_on!['idp-init']!.condition).toBe(
      'service_completed_successfully',
    )
    expect(config.services.vmdeck!.depends_on!.idp!.condition).toBe('service_healthy')
    expect(config.services.idp!.healthcheck!.test.join(' ')).toContain(
      "port:5556,path:'/.well-known/openid-configuration'",
    )
    // The issuer is the same URL for the browser (published port), kube-apiserver and vmdeck
    // (the shared loopback).
    const issuer = flag(idp, '--issuer')!
    expect(flag(init, '--issuer')).toBe(issuer)
    expect(issuer).toBe(`https://127.0.0.1:${flag(idp, '--port')}`)
    expect(flag(idp, '--host')).toBe('0.0.0.0')
    expect(idp).toContain('--insecure-any-address')

    // The files the provider makes are the ones vmdeck reads: made here in a scratch volume.
    const volume = join(scratch, 'volume')
    const inVolume = (path: string) => path.replace(/^\/var\/lib\/vmdeck/, volume)
    prepareIdp({
      stateDir: inVolume(flag(init, '--state-dir')!),
      issuer,
      authenticationConfigCopy: inVolume(flag(init, '--authentication-config')!),
    })
    const apiServer = JSON.parse(
      readFileSync(inVolume(flag(init, '--authentication-config')!), 'utf8'),
    ) as { jwt: { issuer: { url: string } }[] }
    expect(apiServer.jwt[0]!.issuer.url).toBe(issuer)
    const env = config.services.vmdeck!.environment!
    const bff = configFromEnv(
      {
        ...env,
        VMDECK_OIDC_CLIENT_SECRET_FILE: inVolume(env.VMDECK_OIDC_CLIENT_SECRET_FILE!),
        VMDECK_OIDC_CA_FILE: inVolume(env.VMDECK_OIDC_CA_FILE!),
      },
      () => {},
    )
    expect(bff.oidc).toMatchObject({ issuer, clientId: 'vmdeck' })
    // The provider knows vmdeck's callback and where to send the browser after its logout.
    expect(flag(idp, '--redirect-uri')).toBe(bff.oidc!.redirectUri)
    expect(flag(idp, '--post-logout-redirect-uri')).toBe(bff.oidc!.postLogoutRedirectUri)
  })
})

describe('deploy/overlays/demo', () => {
  const objects = render(join(deployDir, 'overlays/demo'))
  const pod = find<{ spec: { template: { spec: { initContainers: Container[] } } } }>(
    objects,
    'Deployment',
  ).spec.template.spec

  it('starts the demo identity provider first: the API server trusts it, vmdeck signs in with it', () => {
    const [idp, controlplane] = pod.initContainers as [Container, Container]
    const flag = (args: string[], name: string) => args[args.indexOf(name) + 1]
    expect(idp.name).toBe('idp')
    expect(idp.restartPolicy).toBe('Always')
    // Before the control plane starts, the API server's configuration is where it looks.
    expect(flag(idp.args!, '--authentication-config')).toBe(
      `${flag(controlplane.args!, '--state-dir')}/authentication-config.yaml`,
    )
    // One URL for the browser (port-forward) and the pod (its loopback).
    const issuer = flag(idp.args!, '--issuer')!
    expect(issuer).toBe(`https://127.0.0.1:${flag(idp.args!, '--port')}`)
    expect(flag(idp.args!, '--host')).toBe('127.0.0.1')
    expect(idp.startupProbe?.exec?.command.join(' ')).toContain(
      `port:${flag(idp.args!, '--port')},path:'/.well-known/openid-configuration'`,
    )
    const config = find<KubeObject & { data: Record<string, string> }>(objects, 'ConfigMap')
    const state = flag(idp.args!, '--state-dir')
    expect(config.data).toMatchObject({
      VMDECK_OIDC_ISSUER: issuer,
      VMDECK_OIDC_CLIENT_SECRET_FILE: `${state}/client-secret`,
      VMDECK_OIDC_CA_FILE: `${state}/tls/ca.crt`,
    })
    // The provider knows vmdeck's callback on the public origin.
    expect(flag(idp.args!, '--redirect-uri')).toBe(
      `${config.data.VMDECK_PUBLIC_ORIGIN}/api/v1/session/sso/callback`,
    )
    expect(flag(idp.args!, '--post-logout-redirect-uri')).toBe(
      `${config.data.VMDECK_PUBLIC_ORIGIN}/`,
    )
  })
})

describe('apps/idp/Dockerfile: its build stage, replayed without Docker', () => {
  const packaged = join(scratch, 'idp/out')
  beforeAll(() => replayBuildStage('apps/idp/Dockerfile', join(scratch, 'idp')), 300_000)

  it('ships the provider and its production dependencies only, and runs docker-compose.yml’s commands', async () => {
    expect(existsSync(join(packaged, 'apps/idp/src/main.ts'))).toBe(true)
    expect(existsSync(join(packaged, 'apps/idp/test'))).toBe(false)
    expect(existsSync(join(packaged, 'apps/cluster-sim/src/tls/make-certs.ts'))).toBe(true)
    expect(existsSync(join(packaged, 'apps/cluster-sim/src/main.ts'))).toBe(false)
    const installed = readdirSync(join(packaged, 'node_modules/.pnpm'))
    expect(installed.some((name) => name.startsWith('oidc-provider@'))).toBe(true)
    expect(installed.some((name) => name.startsWith('openid-client@'))).toBe(false)

    // The compose file's two commands, run from the packaged directory as the image does, with
    // the volume mapped here and a free port (what the healthcheck asks must answer).
    const compose = parse(
      run('docker-compose', ['--file', join(root, 'docker-compose.yml'), 'config']).stdout,
    ) as { services: Record<string, { command: string[] }> }
    const port = String(await freePort())
    const mapped = (args: string[]) =>
      args.map((arg) =>
        arg
          .replace('/var/lib/vmdeck', join(scratch, 'state'))
          .replace(
            /^(https:\/\/127\.0\.0\.1:)?5556$/,
            (_, prefix?: string) => `${prefix ?? ''}${port}`,
          ),
      )
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.VMDECK_ROOT
    const [initCommand, ...initArgs] = compose.services['idp-init']!.command
    const init = run(initCommand === 'node' ? process.execPath : initCommand!, mapped(initArgs), {
      cwd: packaged,
      env,
    })
    expect(init.status, init.stderr).toBe(0)
    expect(existsSync(join(scratch, 'state/controlplane/authentication-config.yaml'))).toBe(true)
    const [, ...args] = compose.services.idp!.command
    const idp = startProcess(process.execPath, mapped(args), { cwd: packaged, env })
    try {
      const [, issuer] = await idp.waitFor(/vmdeck idp: ready (\S+)/)
      expect(issuer).toBe(`https://127.0.0.1:${port}`)
    } finally {
      await idp.kill()
    }
  })
})

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
