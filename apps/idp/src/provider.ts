import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider'
import type { ProviderSecrets } from './keys.ts'
import { escapeHtml, page } from './pages.ts'
import type { UserDirectory } from './users.ts'

export const CLIENT_ID = 'vmdeck'

export interface ProviderOptions {
  issuer: string
  users: UserDirectory
  secrets: ProviderSecrets
  /** Where the `vmdeck` client may be sent back after sign-in (the BFF's callback URLs). */
  redirectUris: string[]
  /** Where it may be sent after signing out (the BFF's login page). */
  postLogoutRedirectUris: string[]
  /** Lifetime of ID and access tokens, seconds: the longest an account change goes unnoticed. */
  tokenTtlSeconds: number
  /** Lifetime of the provider's own login session and of refresh tokens, seconds. */
  sessionTtlSeconds: number
}

/**
 * oidc-provider, configured for vmdeck: one confidential client (`vmdeck`, authorization code
 * with PKCE, refresh tokens), users from the directory, the `groups` claim in the ID token
 * (kube-apiserver reads the ID token only), and RP-initiated logout and token revocation on.
 */
export function createProvider(options: ProviderOptions): Provider {
  const { users } = options
  const configuration: Configuration = {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: options.secrets.clientSecret,
        client_name: 'vmdeck',
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [options.secrets.signingKey] },
    cookies: { keys: options.secrets.cookieKeys },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    // kube-apiserver sees only the ID token: its user name and groups must be in it, not only at
    // the userinfo endpoint (which is where a conforming provider would put scope claims).
    conformIdTokenClaims: false,
    // PKCE (S256) for every authorization request, confidential client or not.
    pkce: { required: () => true },
    // A refresh token for every sign-in of a client allowed the grant, bound to the provider's
    // session (no offline_access): ending the session there makes the next refresh fail.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // The client is confidential (it authenticates with its secret), so rotation adds no
    // protection, and not rotating lets two BFF replicas refresh one session without a race.
    rotateRefreshToken: false,
    // vmdeck is this provider's own (first-party) client: grant what it asks for, no consent page.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc
      if (!client || !session?.accountId) return undefined
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId)
      const grant =
        (grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined) ??
        new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId })
      grant.addOIDCScope(ctx.oidc.requestParamScopes)
      await grant.save()
      return grant
    },
    findAccount: async (_ctx, sub) => {
      const user = users.find(sub)
      if (!user) return undefined
      return {
        accountId: sub,
        claims: async () => {
          // Read again: a refresh after a group change carries the groups of now.
          const now = users.find(sub) ?? user
          return {
            sub,
            name: now.name,
            preferred_username: now.username,
            groups: now.groups,
          }
        },
      }
    },
    ttl: {
      IdToken: options.tokenTtlSeconds,
      AccessToken: options.tokenTtlSeconds,
      AuthorizationCode: 60,
      Interaction: 10 * 60,
      RefreshToken: options.sessionTtlSeconds,
      Session: options.sessionTtlSeconds,
      Grant: options.sessionTtlSeconds,
    },
    features: {
      devInteractions: { enabled: false },
      // A client may revoke only its own tokens.
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page(
            'Sign out',
            `<p>Sign out of the vmdeck demo's identity provider?</p>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`,
          )
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out', '<p>You are signed out of the identity provider.</p>')
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html'
      ctx.body = page(
        'Sign-in error',
        Object.entries(out)
          .map(
            ([key, value]) =>
              `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(String(value))}</p>`,
          )
          .join(''),
      )
    },
  }
  return new Provider(options.issuer, configuration)
}
