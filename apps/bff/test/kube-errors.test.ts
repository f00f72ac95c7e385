import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpError } from '../src/kube/http-error.ts'
import { as, buildStack, C, login, vmUrl, type TestStack } from './helper.ts'

// kube-apiserver's own refusals, as vmdeck passes them on: the status, a code named
// after the Status reason, and the API server's message, causes included.
let stack: TestStack
beforeAll(async () => {
  stack = await buildStack()
})
afterAll(() => stack.close())

const cluster = () => stack.app.clusters.get('vmdeck-sim')!

describe("the real API server's refusals through vmdeck's error mapping", () => {
  it('422 Invalid keeps the causes in the message', async () => {
    const error = await cluster()
      .clientFor(stack.sim.tokens.admin)
      .call({
        method: 'POST',
        path: '/api/v1/namespaces',
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Bad_Name' } },
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ statusCode: 422, code: 'K8S_INVALID' })
    expect((error as HttpError).message).toMatch(
      /^Namespace "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label/,
    )
  })

  it('409 AlreadyExists, answered to the browser with the message', async () => {
    const admin = as(stack.app, await login(stack.app, 'admin'))
    const { status, body } = await admin.post(`${C}/vms`, {
      name: 'web-01',
      namespace: 'prod',
      compute: { kind: 'custom', cpus: 1, memory: '1Gi' },
      bootSource: { type: 'containerDisk', image: 'quay.io/containerdisks/fedora:41' },
      networks: [{ name: 'default', type: 'pod' }],
      startNow: false,
    })
    expect(status).toBe(409)
    expect(body).toMatchObject({
      statusCode: 409,
      code: 'K8S_ALREADY_EXISTS',
      message: 'virtualmachines.kubevirt.io "web-01" already exists',
    })
  })

  it("403 Forbidden carries RBAC's message, and nothing changes", async () => {
    const viewer = as(stack.app, await login(stack.app, 'viewer'))
    const { status, body } = await viewer.del(vmUrl('dev', 'sandbox'))
    expect(status).toBe(403)
    expect(body).toMatchObject({ statusCode: 403, code: 'K8S_FORBIDDEN' })
    expect(String(body.message)).toBe(
      'virtualmachines.kubevirt.io "sandbox" is forbidden: User "viewer" cannot delete resource "virtualmachines" in API group "kubevirt.io" in the namespace "dev"',
    )
    const vmDef = stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!
    expect(
      stack.sim.store.peek(vmDef, 'dev', 'sandbox')?.metadata.deletionTimestamp,
    ).toBeUndefined()
  })
})
