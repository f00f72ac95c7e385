// cdi-apiserver's upload API on the real control plane: registered as an APIService, reached
// only through kube-apiserver's aggregator (kube-apiserver's RBAC first, then cdi-apiserver's own
// SubjectAccessReview), answering an UploadTokenRequest with a token signed by the key in the
// Secret cdi/cdi-api-signing-key.
import { createPublicKey, constants, verify } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apply } from '../cluster/bootstrap.ts'
import { clientAs, startControlPlane, type ControlPlane } from '../cluster/control-plane.ts'
import type { KubeClient } from '../cluster/kube-client.ts'
import type { KObject } from '../kube/types.ts'
import { cdiRoles } from '../seed/cdi-roles.ts'
import { demoBindings } from '../seed/demo-bindings.ts'
import { kubevirtRoles } from '../seed/kubevirt-roles.ts'
import { startCdiApi, type CdiApi } from './cdi-api.ts'

const NS = 'default'
const CREATE = `/apis/upload.cdi.kubevirt.io/v1beta1/namespaces/${NS}/uploadtokenrequests`
const tokenRequest = {
  apiVersion: 'upload.cdi.kubevirt.io/v1beta1',
  kind: 'UploadTokenRequest',
  metadata: { name: 'upload-disk' },
  spec: { pvcName: 'disk' },
}

let stateDir: string
let controlPlane: ControlPlane
let client: KubeClient
let cdiApi: CdiApi
const clients: Record<string, KubeClient> = {}

const rbacDef = (plural: string, namespaced = false) => ({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  plural,
  namespaced,
})

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-cdi-api-test-'))
  controlPlane = await startControlPlane({ stateDir })
  client = clientAs(controlPlane, 'cluster-sim')
  for (const user of ['admin', 'viewer']) clients[user] = clientAs(controlPlane, user)
  for (const object of [...kubevirtRoles(), ...cdiRoles(), ...demoBindings()])
    await apply(
      client,
      rbacDef(object.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings'),
      object,
    )
  cdiApi = await startCdiApi({ client, stateDir })
}, 120_000)

afterAll(async () => {
  await cdiApi?.close()
  for (const c of [client, ...Object.values(clients)]) c?.close()
  await controlPlane?.stop()
  rmSync(stateDir, { recursive: true, force: true })
})

const decodePart = (part: string | undefined) =>
  JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>

describe('cdi-apiserver behind kube-apiserver', () => {
  it('is discovered as the create-only UploadTokenRequest of upload.cdi.kubevirt.io/v1beta1', async () => {
    const list = await clients.viewer!.json<{ resources: unknown[] }>(
      'GET',
      '/apis/upload.cdi.kubevirt.io/v1beta1',
    )
    expect(list.resources).toEqual([
      {
        name: 'uploadtokenrequests',
        singularName: 'uploadtokenrequest',
        namespaced: true,
        group: 'upload.cdi.kubevirt.io',
        version: 'v1beta1',
        kind: 'UploadTokenRequest',
        verbs: ['create'],
        shortNames: ['utr', 'utrs'],
      },
    ])
    const apiService = await client.json<{ spec: { service: unknown } }>(
      'GET',
      '/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.upload.cdi.kubevirt.io',
    )
    expect(apiService.spec.service).toMatchObject({ namespace: 'cdi', name: 'cdi-api' })
  })

  it('gives an admin a PS256 upload token for the PVC, signed with the key of its Secret', async () => {
    const res = await clients.admin!.raw('POST', CREATE, { body: tokenRequest })
    // cdi-apiserver's `writeJSONResponse`: 200, not 201.
    expect(res.status).toBe(200)
    const body = JSON.parse(res.text) as typeof tokenRequest & { status: { token: string } }
    expect(body).toMatchObject({ ...tokenRequest, metadata: { name: 'upload-disk' } })
    const [header, payload, signature] = body.status.token.split('.')
    expect(decodePart(header)).toEqual({ alg: 'PS256' })
    const claims = decodePart(payload)
    expect(claims).toMatchObject({
      iss: 'cdi-apiserver',
      operation: 'Upload',
      name: 'disk',
      namespace: NS,
      resource: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
    })
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300)
    expect(Math.abs(Number(claims.iat) - Date.now() / 1000)).toBeLessThan(60)

    const secret = await client.json<{ data: Record<string, string> }>(
      'GET',
      '/api/v1/namespaces/cdi/secrets/cdi-api-signing-key',
    )
    const publicKey = createPublicKey(Buffer.from(secret.data['id_rsa.pub'] ?? '', 'base64'))
    const signed = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      {
        key: publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      },
      Buffer.from(signature ?? '', 'base64url'),
    )
    expect(signed).toBe(true)
  })

  it("refuses a viewer with kube-apiserver's 403 before cdi-apiserver is asked", async () => {
    const res = await clients.viewer!.raw('POST', CREATE, { body: tokenRequest })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.text)).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      message: expect.stringContaining(
        'cannot create resource "uploadtokenrequests" in API group "upload.cdi.kubevirt.io" in the namespace "default"',
      ) as unknown,
    })
  })

  it("lets a namespace's editors upload: cdi.kubevirt.io:edit aggregates into edit", async () => {
    await apply(client, rbacDef('rolebindings', true), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'editor-edit', namespace: NS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'editor' }],
    })
    await waitForClusterRole(client, 'edit', (role) =>
      JSON.stringify(role.rules ?? []).includes('uploadtokenrequests'),
    )
    // kube-apiserver's RBAC authorizer reads its own informers, which may trail the writes on a
    // busy machine: ask it (SubjectAccessReview) until it sees the binding and the aggregated rule.
    await waitUntilAllowed(client, 'editor')
    const as = (user: string) => ({ body: tokenRequest, headers: { 'Impersonate-User': user } })
    const editor = await clients.admin!.raw('POST', CREATE, as('editor'))
    expect(editor.status).toBe(200)
    expect((JSON.parse(editor.text) as { status: { token: string } }).status.token).toMatch(
      /^[\w-]+\.[\w-]+\.[\w-]+$/,
    )
    const stranger = await clients.admin!.raw('POST', CREATE, as('stranger'))
    expect(stranger.status).toBe(403)
  })

  it('answers only discovery to a caller without the front proxy certificate', async () => {
    const direct = (method: string, path: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpsRequest(`${cdiApi.url}${path}`, { method, ca: cdiApi.ca }, (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (text += chunk))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        })
        req.on('error', reject)
        req.end(method === 'POST' ? JSON.stringify(tokenRequest) : undefined)
      })
    const discovery = await direct('GET', '/apis/upload.cdi.kubevirt.io')
    expect(discovery.status).toBe(200)
    expect(JSON.parse(discovery.text)).toMatchObject({
      kind: 'APIGroup',
      name: 'upload.cdi.kubevirt.io',
      preferredVersion: { groupVersion: 'upload.cdi.kubevirt.io/v1beta1', version: 'v1beta1' },
    })
    expect(await direct('POST', CREATE)).toEqual({
      status: 401,
      text: 'request is not authenticated',
    })
  })
})

/** Resolves once the ClusterRole `name` satisfies `check` (a watch: the aggregation controller fills it in). */
async function waitForClusterRole(
  kube: KubeClient,
  name: string,
  check: (role: KObject & { rules?: unknown[] }) => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const path = '/apis/rbac.authorization.k8s.io/v1/clusterroles'
  const role = await kube.json<KObject & { rules?: unknown[] }>('GET', `${path}/${name}`)
  if (check(role)) return
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  let done = false
  try {
    await kube.watch(
      `${path}?watch=1&fieldSelector=metadata.name%3D${name}&resourceVersion=${role.metadata.resourceVersion ?? ''}`,
      (event) => {
        if (check(event.object as KObject & { rules?: unknown[] })) {
          done = true
          abort.abort()
        }
      },
      abort.signal,
    )
  } finally {
    clearTimeout(timer)
  }
  if (!done) throw new Error(`ClusterRole ${name} did not change as expected`)
}

/** Resolves once kube-apiserver's authorizer lets `user` create UploadTokenRequests in NS. */
async function waitUntilAllowed(admin: KubeClient, user: string, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    const review = await admin.json<{ status?: { allowed?: boolean } }>(
      'POST',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user,
            resourceAttributes: {
              namespace: NS,
              verb: 'create',
              group: 'upload.cdi.kubevirt.io',
              resource: 'uploadtokenrequests',
            },
          },
        },
      },
    )
    if (review.status?.allowed) return
    // No watch shows the authorizer's caches; the review is the only view of them.
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the authorizer never allowed ${user} to create uploadtokenrequests`)
}
