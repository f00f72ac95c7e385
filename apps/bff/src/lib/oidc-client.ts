import * as oidc from 'openid-client'
import { trustedFetch } from './trusted-fetch.ts'

/** How vmdeck reaches its OpenID provider (README: VMDECK_OIDC_*). */
export interface OidcOptions {
  /** The issuer URL; everything else comes from its discovery document. */
  issuer: string
  clientId: string
  clientSecret: string
  /** PEM of the CA the provider's certificate chains to (default: the system's). */
  ca?: string
  /** Default `openid profile groups`. */
  scopes?: string
  /** What the login page calls the provider: "Log in with <name>". */
  displayName?: string
  /** The BFF's callback URL, registered at the provider. */
  redirectUri: string
  /** Where the provider sends the browser after its logout (the BFF's login page). */
  postLogoutRedirectUri: string
  /** Sessions renew their ID token at least this often (default 60 s): a disabled account or a
   * removed group ends access within it. */
  refreshMs?: number
}

/** What a sign-in must remember between the redirect to the provider and the callback. */
export interface SignInChecks {
  state: string
  nonce: string
  verifier: string
}

export interface ProviderTokens {
  idToken: string
  /** The `name` claim, when the provider sends one (trimmed, at most 100 characters). */
  displayName: string | undefined
  refreshToken: string | undefined
  /** Epoch milliseconds. */
  expiresAt: number
}

/**
 * vmdeck as an OpenID Connect client, all protocol work done by openid-client: discovery,
 * authorization code with PKCE (S256), state and nonce, ID token validation (signature, issuer,
 * audience, expiry), refresh, revocation, and RP-initiated logout.
 */
export class OidcClient {
  readonly options: OidcOptions
  #config: Promise<oidc.Configuration> | undefined

  constructor(options: OidcOptions) {
    this.options = options
  }

  get displayName(): string {
    return this.options.displayName ?? new URL(this.options.issuer).host
  }

  /** Discovery, once; a failure is not remembered (the provider may come up later). */
  config(): Promise<oidc.Configuration> {
    this.#config ??= oidc
      .discovery(
        new URL(this.options.issuer),
        this.options.clientId,
        undefined,
        oidc.ClientSecretBasic(this.options.clientSecret),
        { [oidc.customFetch]: trustedFetch(this.options.ca), timeout: 10 },
      )
      .then((config) => {
        config[oidc.customFetch] = trustedFetch(this.options.ca)
        // openid-client trusts the TLS channel for a token endpoint's ID token by default (the
        // spec allows it); vmdeck verifies its signature against the provider's key set too, so a
        // forged token is refused here with its reason, not only later by the API server.
        oidc.enableNonRepudiationChecks(config)
        return config
      })
    this.#config.catch(() => (this.#config = undefined))
    return this.#config
  }

  /** A fresh sign-in: the URL to send the browser to, and what the callback must check. */
  async startSignIn(): Promise<{ url: URL; checks: SignInChecks }> {
    const config = await this.config()
    const checks = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
    }
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: this.options.scopes ?? 'openid profile groups',
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.verifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
    })
    return { url, checks }
  }

  /** The callback: checks state, exchanges the code with the PKCE verifier, checks the nonce. */
  async finishSignIn(callbackUrl: URL, checks: SignInChecks): Promise<ProviderTokens> {
    const tokens = await oidc.authorizationCodeGrant(await this.config(), callbackUrl, {
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      pkceCodeVerifier: checks.verifier,
      idTokenExpected: true,
    })
    return tokensOf(tokens)
  }

  async refresh(refreshToken: string): Promise<ProviderTokens> {
    const tokens = await oidc.refreshTokenGrant(await this.config(), refreshToken)
    return tokensOf(tokens, refreshToken)
  }

  /** Revokes a refresh token at the provider (its grant ends there). */
  async revoke(refreshToken: string): Promise<void> {
    await oidc.tokenRevocation(await this.config(), refreshToken, {
      token_type_hint: 'refresh_token',
    })
  }

  /**
   * The provider's end-session URL (RP-initiated logout). It names the client, not the ID token:
   * an ID token stays valid at the API server until it expires, so it never goes into a URL.
   */
  async endSessionUrl(): Promise<string | undefined> {
    const config = await this.config()
    if (!config.serverMetadata().end_session_endpoint) return undefined
    return oidc
      .buildEndSessionUrl(config, {
        client_id: this.options.clientId,
        post_logout_redirect_uri: this.options.postLogoutRedirectUri,
      })
      .toString()
  }
}

function tokensOf(
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  previousRefreshToken?: string,
): ProviderTokens {
  const claims = tokens.claims()
  if (!tokens.id_token || !claims) throw new OidcProtocolError('the provider sent no ID token')
  const name = typeof claims.name === 'string' ? claims.name.trim().slice(0, 100) : ''
  return {
    idToken: tokens.id_token,
    displayName: name || undefined,
    // A provider that does not rotate refresh tokens sends none on refresh: keep the one we have.
    refreshToken: tokens.refresh_token ?? previousRefreshToken,
    expiresAt: claims.exp * 1000,
  }
}

export class OidcProtocolError extends Error {
  override name = 'OidcProtocolError'
}

/** The provider refused (a bad, replayed or withdrawn grant), as opposed to being unreachable. */
export function isProviderRefusal(err: unknown): boolean {
  if (
    err instanceof oidc.ResponseBodyError ||
    err instanceof oidc.AuthorizationResponseError ||
    err instanceof OidcProtocolError
  )
    return true
  // openid-client's own checks of the answer (state, nonce, issuer, audience, signature).
  const code = (err as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && code.startsWith('OAUTH_')
}

/**
 * A refresh the provider refused for good (`invalid_grant`: the account is disabled, the grant
 * revoked, the provider's session ended), as opposed to a provider that is down or in error.
 */
export function isRefreshRefusal(err: unknown): boolean {
  return err instanceof oidc.ResponseBodyError && (err.status === 400 || err.status === 401)
}

/** openid-client's findings about the provider's answer (its messages name the claim), in plain words. */
const ID_TOKEN_FINDINGS: [RegExp, string][] = [
  [/signature verification failed/, 'the ID token’s signature does not match the provider’s keys'],
  [/"alg"/, 'the ID token is not signed with an algorithm the provider offers (never "none")'],
  [/"exp"/, 'the ID token has expired'],
  [/"iss"/, 'the ID token was issued by another issuer'],
  [/"aud"|"azp"/, 'the ID token was issued for another client'],
  [/"nonce"/, 'the ID token was not issued for this sign-in (nonce)'],
  [/"state"/, 'the provider’s answer belongs to another sign-in (state)'],
]

/** Why the provider's answer was refused, in words for the person signing in (no token values). */
export function refusalReason(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError) return `the provider answered "${err.error}"`
  if (!(err instanceof Error)) return 'unknown reason'
  // The library's own message is generic ("invalid response encountered"); its cause says which
  // check failed. Both are fixed texts of the library, never token contents.
  const detail = err.cause instanceof Error ? err.cause.message : err.message
  const finding = ID_TOKEN_FINDINGS.find(([pattern]) => pattern.test(detail))
  return finding ? finding[1] : detail
}
