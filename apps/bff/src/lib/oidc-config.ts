import { readFileSync } from 'node:fs'
import type { OidcOptions } from './oidc-client.ts'

/** Where the provider sends the browser back after sign-in (register it at the provider). */
export const SSO_CALLBACK_PATH = '/api/v1/session/sso/callback'

/**
 * Single sign-on from the environment (README): VMDECK_OIDC_ISSUER turns it on;
 * VMDECK_OIDC_CLIENT_ID (default vmdeck), VMDECK_OIDC_CLIENT_SECRET or
 * VMDECK_OIDC_CLIENT_SECRET_FILE, VMDECK_OIDC_CA_FILE (default: the system's CAs),
 * VMDECK_OIDC_SCOPES, VMDECK_OIDC_NAME, VMDECK_OIDC_REFRESH_SECONDS (default 60).
 */
export function oidcFromEnv(env: NodeJS.ProcessEnv, publicOrigin: string): OidcOptions | undefined {
  const issuer = env.VMDECK_OIDC_ISSUER
  if (!issuer) return undefined
  if (!issuer.startsWith('https://'))
    throw new Error('VMDECK_OIDC_ISSUER: the identity provider must be reached over https')
  const secret =
    env.VMDECK_OIDC_CLIENT_SECRET ??
    (env.VMDECK_OIDC_CLIENT_SECRET_FILE
      ? readFileSync(env.VMDECK_OIDC_CLIENT_SECRET_FILE, 'utf8').trim()
      : undefined)
  if (!secret)
    throw new Error(
      'VMDECK_OIDC_ISSUER is set but neither VMDECK_OIDC_CLIENT_SECRET nor VMDECK_OIDC_CLIENT_SECRET_FILE',
    )
  const refreshSeconds = Number(env.VMDECK_OIDC_REFRESH_SECONDS ?? 60)
  if (!(refreshSeconds > 0))
    throw new Error('VMDECK_OIDC_REFRESH_SECONDS: a number of seconds above 0')
  return {
    issuer,
    clientId: env.VMDECK_OIDC_CLIENT_ID ?? 'vmdeck',
    clientSecret: secret,
    ...(env.VMDECK_OIDC_CA_FILE ? { ca: readFileSync(env.VMDECK_OIDC_CA_FILE, 'utf8') } : {}),
    ...(env.VMDECK_OIDC_SCOPES ? { scopes: env.VMDECK_OIDC_SCOPES } : {}),
    ...(env.VMDECK_OIDC_NAME ? { displayName: env.VMDECK_OIDC_NAME } : {}),
    redirectUri: `${publicOrigin}${SSO_CALLBACK_PATH}`,
    postLogoutRedirectUri: `${publicOrigin}/`,
    refreshMs: refreshSeconds * 1000,
  }
}
