import { mkdirSync, writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { kubeAuthenticationConfig } from './authentication-config.ts'
import { handleInteraction } from './interactions.ts'
import { ensureSecrets } from './keys.ts'
import { CLIENT_ID, createProvider } from './provider.ts'
import { ensureServingCerts } from './tls.ts'
import { UserDirectory } from './users.ts'

export { CLAIM_PREFIX, kubeAuthenticationConfig } from './authentication-config.ts'
export { CLIENT_ID } from './provider.ts'
export { DEMO_USERS, UserDirectory, type DirectoryUser } from './users.ts'

export interface IdpFiles {
  /** Keys, certificates, the user directory and the API server's configuration go here. */
  stateDir: string
  /**
   * The issuer URL people and the API server reach (default `https://<host>:<port>`). It differs
   * from the listening address in a container whose port is published on the host's loopback.
   */
  issuer?: string
  /** Also write kube-apiserver's authentication configuration here (the control plane's state). */
  authenticationConfigCopy?: string
}

export interface IdpOptions extends IdpFiles {
  /** Loopback (default 127.0.0.1), unless `anyAddress`. */
  host?: string
  /**
   * Allow a host off the loopback. Only for a container whose port is published on the host's
   * loopback (docker-compose.yml): its sign-in page lists the demo passwords.
   */
  anyAddress?: boolean
  /** 0 (default) picks a free port. */
  port?: number
  redirectUris: string[]
  postLogoutRedirectUris?: string[]
  /** ID and access token lifetime, seconds (default 300). */
  tokenTtlSeconds?: number
  /** Provider session and refresh token lifetime, seconds (default 8 h). */
  sessionTtlSeconds?: number
  /** List the demo users' passwords on the sign-in page (default true: this is a demo provider). */
  showDemoPasswords?: boolean
}

export interface Idp {
  /** The issuer URL, e.g. https://127.0.0.1:5556 (discovery under /.well-known/openid-configuration). */
  issuer: string
  /** PEM of the CA that signed the provider's serving certificate. */
  ca: string
  caFile: string
  clientId: string
  clientSecret: string
  clientSecretFile: string
  users: UserDirectory
  /** kube-apiserver's `--authentication-config` file trusting this provider. */
  authenticationConfigFile: string
  stop(): Promise<void>
}

const isLoopback = (host: string) => host === '::1' || host.startsWith('127.')

/**
 * Makes (or finds) the provider's keys, certificates and user directory, and writes the API
 * server's configuration when the issuer is known: all a control plane needs before the provider
 * listens (containers that start in that order run `main.ts --init`).
 */
export function prepareIdp(options: IdpFiles) {
  const dir = resolve(options.stateDir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const certs = ensureServingCerts(join(dir, 'tls'), {
    caName: 'vmdeck-idp-ca',
    commonName: 'vmdeck-idp',
  })
  const secrets = ensureSecrets(dir)
  const users = new UserDirectory(join(dir, 'users.json'))
  const authenticationConfigFile = join(dir, 'authentication-config.yaml')
  const writeAuthenticationConfig = (issuer: string) => {
    const text = kubeAuthenticationConfig(issuer, certs.ca)
    writeFileSync(authenticationConfigFile, text, { mode: 0o600 })
    if (options.authenticationConfigCopy) {
      mkdirSync(dirname(options.authenticationConfigCopy), { recursive: true })
      writeFileSync(options.authenticationConfigCopy, text, { mode: 0o600 })
    }
  }
  if (options.issuer) writeAuthenticationConfig(options.issuer)
  return { dir, certs, secrets, users, authenticationConfigFile, writeAuthenticationConfig }
}

/** Starts the provider on HTTPS; resolves once it listens. */
export async function startIdp(options: IdpOptions): Promise<Idp> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopback(host) && !options.anyAddress)
    throw new Error(`the demo identity provider listens on loopback only, not ${host}`)
  const { dir, certs, secrets, users, authenticationConfigFile, writeAuthenticationConfig } =
    prepareIdp(options)
  let handler = (_req: IncomingMessage, res: ServerResponse): void => void res.writeHead(503).end()
  const server = createServer({ cert: certs.cert, key: certs.key }, (req, res) => handler(req, res))
  await new Promise<void>((listening, failed) => {
    server.once('error', failed)
    server.listen(options.port ?? 0, host, () => listening())
  })
  const { port } = server.address() as AddressInfo
  const issuer = options.issuer ?? `https://${host.includes(':') ? `[${host}]` : host}:${port}`
  const provider = createProvider({
    issuer,
    users,
    secrets,
    redirectUris: options.redirectUris,
    postLogoutRedirectUris: options.postLogoutRedirectUris ?? [],
    tokenTtlSeconds: options.tokenTtlSeconds ?? 300,
    sessionTtlSeconds: options.sessionTtlSeconds ?? 8 * 3600,
  })
  const callback = provider.callback()
  const showDemoPasswords = options.showDemoPasswords ?? true
  handler = (req, res) => {
    handleInteraction(provider, users, showDemoPasswords, req, res).then(
      (handled) => {
        if (!handled) void callback(req, res)
      },
      () => {
        if (!res.headersSent) res.writeHead(500).end()
      },
    )
  }
  const caFile = join(dir, 'tls', 'ca.crt')
  if (!options.issuer) writeAuthenticationConfig(issuer)
  return {
    issuer,
    ca: certs.ca,
    caFile,
    clientId: CLIENT_ID,
    clientSecret: secrets.clientSecret,
    clientSecretFile: join(dir, 'client-secret'),
    users,
    authenticationConfigFile,
    stop: () =>
      new Promise((stopped) => {
        server.close(() => stopped())
        server.closeAllConnections()
      }),
  }
}
