// kube-apiserver trusts the demo provider the way a production cluster trusts its company's:
// structured authentication configuration, ID tokens as bearer tokens, RBAC bound to groups.
import * as oidc from 'openid-client'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trustedFetch } from '../../bff/src/lib/trusted-fetch.ts'
import { apply } from '../../cluster-sim/src/cluster/bootstrap.ts'
import {
  clientAs,
  startControlPlane,
  type ControlPlane,
} from '../../cluster-sim/src/cluster/control-plane.ts'
import { KubeClient } from '../../cluster-sim/src/cluster/kube-client.ts'
import { kubectlFor } from '../../cluster-sim/src/cluster/kubectl.ts'
import { demoBindings } from '../../cluster-sim/src/seed/demo-bindings.ts'
import { kubevirtRoles } from '../../cluster-sim/src/seed/kubevirt-roles.ts'
import { startIdp, type Idp } from '../src/idp.ts'
import { signIn, TestBrowser } from './browser.ts'

const REDIRECT = 'http://vmdeck.test/callback'
let dir: string
let idp: Idp
let controlPlane: ControlPlane
let config: oidc.Configuration

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vmdeck-idp-kube-test-'))
  idp = await startIdp({ stateDir: join(dir, 'idp'), redirectUris: [REDIRECT] })
  controlPlane = await startControlPlane({
    stateDir: join(dir, 'controlplane'),
    authenticationConfig: idp.authenticationConfigFile,
  })
  const admin = clientAs(controlPlane, 'cluster-sim')
  for (const object of [...kubevirtRoles(), ...demoBindings()])
    await apply(
      admin,
      {
        group: 'rbac.authorization.k8s.io',
        version: 'v1',
        plural: object.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings',
        namespaced: false,
      },
      object,
    )
  admin.close()
  config = await oidc.discovery(
    new URL(idp.issuer),
    idp.clientId,
    undefined,
    oidc.ClientSecretBasic(idp.clientSecret),
    { [oidc.customFetch]: trustedFetch(idp.ca) },
  )
}, 120_000)

afterAll(async () => {
  await controlPlane?.stop()
  await idp?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function idTokenOf(username: string): Promise<string> {
  const verifier = oidc.randomPKCECodeVerifier()
  const nonce = oidc.randomNonce()
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile groups',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
  })
  const browser = new TestBrowser({ ca: idp.ca })
  const { callback } = await signIn(
    browser,
    url,
    username,
    `${username}-demo-password`,
    (next) => next.origin === 'http://vmdeck.test',
  )
  const tokens = await oidc.authorizationCodeGrant(config, callback!, {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
  })
  return tokens.id_token!
}

/** Whether the API server lets this token do that (SelfSubjectAccessReview). */
async function can(
  client: KubeClient,
  attributes: { verb: string; group: string; resource: string; subresource?: string },
): Promise<boolean> {
  const review = await client.json<{ status: { allowed: boolean } }>(
    'POST',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { namespace: 'default', ...attributes } },
      },
    },
  )
  return review.status.allowed
}

describe('kube-apiserver with the demo provider in its authentication configuration', () => {
  it('takes an ID token for kubectl as that user with its groups (kubectl auth whoami)', async () => {
    const token = await idTokenOf('helpdesk')
    // A kubeconfig with the cluster's address and CA and no credentials: only --token counts.
    const kubeconfig = join(dir, 'kubeconfig-no-user')
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'demo',
            cluster: {
              server: controlPlane.info.url,
              'certificate-authority': controlPlane.info.caFile,
            },
          },
        ],
        users: [{ name: 'nobody', user: {} }],
        contexts: [{ name: 'demo', context: { cluster: 'demo', user: 'nobody' } }],
        'current-context': 'demo',
      }),
    )
    const kubectl = kubectlFor(kubeconfig, join(dir, 'kube-cache'))
    const whoami = JSON.parse(await kubectl('--token', token, 'auth', 'whoami', '-o', 'json'))
    expect(whoami.status.userInfo.username).toBe('oidc:helpdesk')
    expect(whoami.status.userInfo.groups).toEqual(
      expect.arrayContaining(['oidc:helpdesk', 'system:authenticated']),
    )
    expect(whoami.status.userInfo.uid).toBe('helpdesk')
  }, 30_000)

  it('lets RBAC bound to the groups decide: helpdesk consoles, auditors read, admins all', async () => {
    const client = async (user: string) =>
      new KubeClient({
        url: controlPlane.info.url,
        ca: controlPlane.ca,
        token: await idTokenOf(user),
      })
    const [helpdesk, viewer, admin] = await Promise.all(['helpdesk', 'viewer', 'admin'].map(client))
    const vnc = {
      verb: 'get',
      group: 'subresources.kubevirt.io',
      resource: 'virtualmachineinstances',
      subresource: 'vnc',
    }
    const deleteVm = { verb: 'delete', group: 'kubevirt.io', resource: 'virtualmachines' }
    const listVms = { verb: 'list', group: 'kubevirt.io', resource: 'virtualmachines' }
    expect(await can(helpdesk!, vnc)).toBe(true)
    expect(await can(helpdesk!, deleteVm)).toBe(false)
    expect(await can(viewer!, listVms)).toBe(true)
    expect(await can(viewer!, vnc)).toBe(false)
    expect(await can(admin!, deleteVm)).toBe(true)
    for (const c of [helpdesk, viewer, admin]) c?.close()
  }, 30_000)

  it('refuses a token of its issuer signed with another key, and an unsigned one (alg none)', async () => {
    const token = await idTokenOf('viewer')
    const [header, payload] = token.split('.')
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`
    const forged = `${header}.${payload}.${Buffer.from('not-a-signature').toString('base64url')}`
    for (const bad of [unsigned, forged]) {
      const client = new KubeClient({ url: controlPlane.info.url, ca: controlPlane.ca, token: bad })
      const answer = await client.raw('GET', '/apis/authentication.k8s.io/v1')
      expect(answer.status).toBe(401)
      client.close()
    }
  }, 30_000)
})
