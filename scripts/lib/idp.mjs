// The demo's OpenID provider (apps/idp) as a child process, for `npm run demo` (and any stack
// started with single sign-on): the simulator's kube-apiserver trusts it and the BFF signs people
// in with it. Everything it makes (keys, CA, client secret, users) stays in its state directory.
import { join } from 'node:path'
import { start, waitForLine } from './processes.mjs'

/** Starts the provider; resolves with its issuer and the files the API server and BFF need. */
export async function startIdp({ root, stateDir, port, publicOrigin, quiet = false }) {
  const dir = join(stateDir, 'idp')
  const child = start(
    'idp',
    process.execPath,
    [
      join(root, 'apps/idp/src/main.ts'),
      '--state-dir',
      dir,
      '--port',
      String(port),
      '--redirect-uri',
      `${publicOrigin}/api/v1/session/sso/callback`,
      '--post-logout-redirect-uri',
      `${publicOrigin}/`,
    ],
    { cwd: root, quiet, logFile: join(stateDir, 'idp.log') },
  )
  const [, issuer] = await waitForLine(child, /vmdeck idp: ready (\S+)/)
  return {
    child,
    issuer,
    /** For the simulator: VMDECK_AUTHENTICATION_CONFIG. */
    authenticationConfig: join(dir, 'authentication-config.yaml'),
    /** For the BFF: VMDECK_OIDC_*. */
    bffEnv: {
      VMDECK_OIDC_ISSUER: issuer,
      VMDECK_OIDC_CLIENT_ID: 'vmdeck',
      VMDECK_OIDC_CLIENT_SECRET_FILE: join(dir, 'client-secret'),
      VMDECK_OIDC_CA_FILE: join(dir, 'tls', 'ca.crt'),
      VMDECK_OIDC_NAME: 'the vmdeck demo IdP',
    },
    usersFile: join(dir, 'users.json'),
  }
}
