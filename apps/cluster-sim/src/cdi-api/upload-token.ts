// cdi-apiserver's upload tokens (CDI v1.66.0 `pkg/token/token.go`, `pkg/apiserver/apiserver.go`
// `uploadHandler`, `pkg/keys/keystore.go`): a JWT signed PS256 with an RSA-2048 key that
// cdi-apiserver keeps in the Secret cdi/cdi-api-signing-key (`id_rsa`: PKCS#1 PEM, `id_rsa.pub`:
// PKIX PEM; made on first start, read after), issuer `cdi-apiserver`, valid five minutes, its
// claims naming the PVC the upload proxy may write to.
import { constants, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import type { KubeClient } from '../cluster/kube-client.ts'
import { StatusError } from '../kube/status-error.ts'

export const SIGNING_KEY_SECRET = 'cdi-api-signing-key'
/** `common.UploadTokenIssuer`. */
export const UPLOAD_TOKEN_ISSUER = 'cdi-apiserver'
/** `newUploadTokenGenerator`: `5*time.Minute`. */
const LIFETIME_SECONDS = 5 * 60

interface SecretObject {
  data?: Record<string, string>
}

/** `keys.GetOrCreatePrivateKey`: the signing key of the Secret, made and stored if missing. */
export async function signingKey(client: KubeClient, namespace: string): Promise<KeyObject> {
  const path = `/api/v1/namespaces/${namespace}/secrets`
  const read = async () => {
    try {
      return await client.json<SecretObject>('GET', `${path}/${SIGNING_KEY_SECRET}`)
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return undefined
      throw error
    }
  }
  let secret = await read()
  if (!secret) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = (text: string | Buffer) => Buffer.from(text).toString('base64')
    try {
      secret = await client.json<SecretObject>('POST', path, {
        body: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: SIGNING_KEY_SECRET,
            namespace,
            labels: { 'cdi.kubevirt.io': 'keystore' },
          },
          type: 'Opaque',
          data: {
            id_rsa: pem(pair.privateKey.export({ type: 'pkcs1', format: 'pem' })),
            'id_rsa.pub': pem(pair.publicKey.export({ type: 'spki', format: 'pem' })),
          },
        },
      })
    } catch (error) {
      // Another cdi-apiserver made it first.
      if (!(error instanceof StatusError && error.code === 409)) throw error
      secret = await read()
    }
  }
  const encoded = secret?.data?.id_rsa
  if (!encoded) throw new Error(`Secret ${namespace}/${SIGNING_KEY_SECRET} has no id_rsa`)
  return createPrivateKey(Buffer.from(encoded, 'base64').toString('utf8'))
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url')

/**
 * The token `uploadHandler` answers with: `token.Payload` (operation Upload on the PVC
 * `pvcName` of `namespace`) merged with the registered claims. go-jose writes the header as
 * `{"alg":"PS256"}` and the merged claims as a Go map, so with sorted keys.
 */
export function uploadToken(
  key: KeyObject,
  target: { namespace: string; pvcName: string },
  now = new Date(),
): string {
  const seconds = Math.floor(now.getTime() / 1000)
  const claims = {
    exp: seconds + LIFETIME_SECONDS,
    iat: seconds,
    iss: UPLOAD_TOKEN_ISSUER,
    // `Name` and `Namespace` are omitempty in token.Payload.
    ...(target.pvcName ? { name: target.pvcName } : {}),
    ...(target.namespace ? { namespace: target.namespace } : {}),
    nbf: seconds,
    operation: 'Upload',
    resource: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
  }
  const signingInput = `${base64url(JSON.stringify({ alg: 'PS256' }))}.${base64url(JSON.stringify(claims))}`
  // PS256 (RFC 7518 §3.5): RSASSA-PSS with SHA-256 and a salt as long as the hash.
  const signature = sign('sha256', Buffer.from(signingInput), {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  })
  return `${signingInput}.${base64url(signature)}`
}
