import { generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ProviderSecrets {
  /** The private key that signs ID tokens, as a JWK (RS256: what every OIDC client supports). */
  signingKey: JsonWebKey & { kid: string; alg: string; use: string }
  /** Keys of the provider's own cookies (its login session). */
  cookieKeys: string[]
  /** The `vmdeck` client's secret; the BFF reads it from the same file. */
  clientSecret: string
}

/**
 * Keys made once and kept in `dir`, so tokens, sessions and the client's secret outlive a restart
 * of the provider (the API server caches the key set; a new key would need a new discovery).
 */
export function ensureSecrets(dir: string): ProviderSecrets {
  const file = join(dir, 'secrets.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ProviderSecrets
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const secrets: ProviderSecrets = {
    signingKey: {
      ...privateKey.export({ format: 'jwk' }),
      kid: randomBytes(8).toString('hex'),
      alg: 'RS256',
      use: 'sig',
    },
    cookieKeys: [randomBytes(32).toString('base64url')],
    clientSecret: randomBytes(32).toString('base64url'),
  }
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 })
  writeFileSync(join(dir, 'client-secret'), secrets.clientSecret, { mode: 0o600 })
  return secrets
}
