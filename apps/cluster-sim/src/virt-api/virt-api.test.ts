// virt-api on the real control plane: registered through APIServices and webhook
// configurations, reached only through kube-apiserver (its aggregator and its admission chain),
// authorizing with SubjectAccessReviews; a console WebSocket to a real QEMU guest goes
// client → kube-apiserver → virt-api → guest.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Registry } from '../kube/registry.ts'
import type { KObject } from '../kube/types.ts'
import { StatusError } from '../kube/status-error.ts'
import { createSeed } from '../cluster/bootstrap.ts'
import { ClusterStore } from '../cluster/cluster-store.ts'
import {
  clientAs,
  controlPlaneBinary,
  startControlPlane,
  type ControlPlane,
} from '../cluster/control-plane.ts'
import type { KubeClient } from '../cluster/kube-client.ts'
import { requireDef } from '../controllers/context.ts'
import { runningVmi, TestGuests } from '../../test/console-test-guests.ts'
import { EventRecorder } from '../kubevirt/events.ts'
import { GuestRegistry } from '../kubevirt/guest-registry.ts'
import { GuestRuntime } from '../kubevirt/guest-runtime.ts'
import { coreResources } from '../resources/core-resources.ts'
import { kubevirtResources } from '../resources/kubevirt-resources.ts'
import { demoBindings } from '../seed/demo-bindings.ts'
import { kubevirtRoles } from '../seed/kubevirt-roles.ts'
import { startVirtApi, type VirtApi } from './virt-api.ts'

const BOOT_MS = 60_000
const NS = 'default'
const SUB = '/apis/subresources.kubevirt.io/v1/namespaces/default'

let stateDir: string
let controlPlane: ControlPlane
let client: KubeClient
let store: ClusterStore
let registry: Registry
let virtApi: VirtApi
let guests: TestGuests
const clients: Record<string, KubeClient> = {}

const def = (group: string, plural: string) => requireDef(registry, group, plural)

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-virt-api-test-'))
  controlPlane = await startControlPlane({ stateDir })
  client = clientAs(controlPlane, 'cluster-sim')
  for (const user of ['admin', 'helpdesk', 'viewer']) clients[user] = clientAs(controlPlane, user)
  registry = new Registry()
  for (const resource of [...coreResources, ...kubevirtResources]) registry.add(resource)
  // KubeVirt's roles and the demo users' bindings (Kubernetes' own roles are the real ones).
  await createSeed(
    client,
    {
      find: (group, plural) =>
        registry.defs.find((d) => d.group === group && d.plural === plural) ?? rbacDef(plural),
    },
    [...kubevirtRoles(), ...demoBindings()].map((object) => ({
      group: 'rbac.authorization.k8s.io',
      plural: object.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings',
      object,
    })),
  )
  store = new ClusterStore(client)
  const defs = {
    vm: def('kubevirt.io', 'virtualmachines'),
    vmi: def('kubevirt.io', 'virtualmachineinstances'),
    vmim: def('kubevirt.io', 'virtualmachineinstancemigrations'),
    pod: def('', 'pods'),
    event: def('', 'events'),
  }
  await store.sync(Object.values(defs))
  guests = new TestGuests()
  virtApi = await startVirtApi({
    client,
    kubevirt: {
      registry,
      store,
      defs,
      runtime: new GuestRuntime({
        mode: 'none',
        imageDir: join(stateDir, 'no-image'),
        workRoot: join(stateDir, 'g'),
        registry: new GuestRegistry(),
        maxGuests: 0,
        maxConcurrentBoots: 1,
        memoryMiB: 96,
        onChange: () => {},
      }),
      events: new EventRecorder(store, defs.event),
    },
    stateDir,
    guests: guests.registry,
  })
}, 120_000)

afterAll(async () => {
  await virtApi?.close()
  await guests?.close()
  store?.close()
  for (const c of [client, ...Object.values(clients)]) c?.close()
  await controlPlane?.stop()
  rmSync(stateDir, { recursive: true, force: true })
})

function rbacDef(plural: string) {
  return { group: 'rbac.authorization.k8s.io', version: 'v1', plural, namespaced: false }
}

const kubectl = async (...args: string[]) =>
  (
    await promisify(execFile)(controlPlaneBinary(), [
      'kubectl',
      '--kubeconfig',
      join(stateDir, 'kubeconfigs', 'admin'),
      ...args,
    ])
  ).stdout

const vm = (name: string, extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: { name, namespace: NS },
  spec: {
    runStrategy: 'Halted',
    template: { spec: { domain: { devices: {} } } },
    ...extra,
  },
})

describe('virt-api as an aggregated API server', () => {
  it('is discovered through kube-apiserver and its APIServices are Available', async () => {
    const list = JSON.parse(await kubectl('get', '--raw', '/apis/subresources.kubevirt.io/v1')) as {
      kind: string
      resources: { name: string; namespaced: boolean }[]
    }
    expect(list.kind).toBe('APIResourceList')
    expect(list.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['virtualmachines/start', 'virtualmachineinstances/console']),
    )
    const apiServices = await kubectl(
      'get',
      'apiservices',
      'v1.subresources.kubevirt.io',
      'v1alpha3.subresources.kubevirt.io',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Available")].status} {end}',
    )
    expect(apiServices.trim().split(' ').sort()).toEqual([
      'v1.subresources.kubevirt.io=True',
      'v1alpha3.subresources.kubevirt.io=True',
    ])
    // Open to every authenticated user (kubevirt.io:default); the BFF reads KubeVirt's version here.
    const version = await clients.viewer!.json<{ gitVersion: string }>(
      'GET',
      '/apis/subresources.kubevirt.io/v1/version',
    )
    expect(version.gitVersion).toBe('v1.9.0')
  })

  it('starts a VM for admin (runStrategy Always) and refuses viewer with RBAC’s 403', async () => {
    await store.create(def('kubevirt.io', 'virtualmachines'), vm('start-me'))
    const started = await clients.admin!.raw('PUT', `${SUB}/virtualmachines/start-me/start`, {
      body: {},
    })
    expect(started.status).toBe(202)
    const after = await client.json<KObject>(
      'GET',
      '/apis/kubevirt.io/v1/namespaces/default/virtualmachines/start-me',
    )
    expect((after.spec as { runStrategy?: string }).runStrategy).toBe('Always')

    const denied = await clients.viewer!.raw('PUT', `${SUB}/virtualmachines/start-me/start`, {
      body: {},
    })
    expect(denied.status).toBe(403)
    expect(JSON.parse(denied.text)).toMatchObject({
      reason: 'Forbidden',
      message:
        'virtualmachines.subresources.kubevirt.io "start-me" is forbidden: User "viewer" cannot update resource "virtualmachines/start" in API group "subresources.kubevirt.io" in the namespace "default"',
    })
  })

  it('answers KubeVirt’s 409 through the aggregator', async () => {
    const again = await clients.admin!.raw('PUT', `${SUB}/virtualmachines/start-me/start`, {
      body: {},
    })
    expect(again.status).toBe(409)
    expect(JSON.parse(again.text)).toMatchObject({
      message:
        'Operation cannot be fulfilled on virtualmachine.kubevirt.io "start-me": Always does not support manual start requests',
    })
  })

  it('authenticates the front proxy and asks kube-apiserver with a SubjectAccessReview', async () => {
    const pki = join(stateDir, 'pki')
    const direct = (headers: Record<string, string>, withCert: boolean) =>
      new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
        const req = httpsRequest(
          `${virtApi.url}${SUB}/virtualmachines/start-me/stop`,
          {
            method: 'PUT',
            ca: virtApi.ca,
            servername: 'virt-api.kubevirt.svc',
            headers: { 'content-length': '0', ...headers },
            ...(withCert
              ? {
                  cert: readFileSync(join(pki, 'front-proxy-client.crt')),
                  key: readFileSync(join(pki, 'front-proxy-client.key')),
                }
              : {}),
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                type: String(res.headers['content-type']),
                text: Buffer.concat(chunks).toString(),
              }),
            )
          },
        )
        req.on('error', reject)
        req.end()
      })
    const anonymous = await direct({ 'X-Remote-User': 'admin', 'X-Remote-Group': 'x' }, false)
    expect(anonymous).toMatchObject({ status: 401, text: 'request is not authenticated' })
    const viewer = await direct(
      { 'X-Remote-User': 'viewer', 'X-Remote-Group': 'system:authenticated' },
      true,
    )
    expect(viewer.status).toBe(401)
    expect(viewer.type).toMatch(/^text\/plain/)
    const admin = await direct(
      { 'X-Remote-User': 'admin', 'X-Remote-Group': 'system:authenticated' },
      true,
    )
    expect(admin.status).toBe(202)
  })
})

describe('virt-api’s admission webhooks', () => {
  it('rejects an invalid VM with KubeVirt’s message as kube-apiserver’s 422', async () => {
    const invalid = vm('bad-disk', {
      template: { spec: { domain: { devices: { disks: [{ name: 'rootdisk', disk: {} }] } } } },
    })
    const error = await clients
      .admin!.json('POST', '/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {
        body: invalid,
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StatusError)
    expect((error as StatusError).code).toBe(422)
    expect((error as StatusError).message).toBe(
      'admission webhook "virtualmachine-validator.kubevirt.io" denied the request: spec.template.spec.domain.devices.disks[0].Name \'rootdisk\' not found.',
    )
  })

  it('labels migrations and refuses one for a VMI that does not exist', async () => {
    const migrations = '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstancemigrations'
    const migration = (vmiName: string) => ({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstanceMigration',
      metadata: { generateName: 'mig-' },
      spec: { vmiName },
    })
    const refused = await clients
      .admin!.json('POST', migrations, { body: migration('nope') })
      .catch((e: unknown) => e)
    expect((refused as StatusError).code).toBe(400)
    expect((refused as StatusError).message).toBe(
      'admission webhook "migration-create-validator.kubevirt.io" denied the request: the VMI "default/nope" does not exist',
    )
    await store.create(def('kubevirt.io', 'virtualmachineinstances'), runningVmi(NS, 'mig-target'))
    await expect
      .poll(() => store.peek(def('kubevirt.io', 'virtualmachineinstances'), NS, 'mig-target'))
      .toBeDefined()
    const created = await clients.admin!.json<KObject>('POST', migrations, {
      body: migration('mig-target'),
    })
    expect(created.metadata.labels).toMatchObject({ 'kubevirt.io/vmi-name': 'mig-target' })
    expect(created.metadata.finalizers).toContain('kubevirt.io/migrationJobFinalize')
  })

  it('refuses evicting a LiveMigrate launcher with 429 and marks its VMI for evacuation', async () => {
    const vmiDef = def('kubevirt.io', 'virtualmachineinstances')
    const vmi = runningVmi(NS, 'evict-me')
    ;(vmi.spec as Record<string, unknown>).evictionStrategy = 'LiveMigrate'
    ;(vmi.status as Record<string, unknown>).conditions = [
      { type: 'LiveMigratable', status: 'True' },
    ]
    await store.create(vmiDef, vmi)
    // The ServiceAccount admission plugin needs the namespace's default account first.
    await expect
      .poll(
        async () =>
          (await client.raw('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status,
        {
          timeout: 30_000,
        },
      )
      .toBe(200)
    const podName = 'virt-launcher-evict-me-abcde'
    await client.json('POST', '/api/v1/namespaces/default/pods', {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          labels: { 'kubevirt.io': 'virt-launcher' },
          annotations: { 'kubevirt.io/domain': 'evict-me' },
        },
        spec: { nodeName: 'node-1', containers: [{ name: 'compute', image: 'virt-launcher' }] },
      },
    })
    await expect.poll(() => store.peek(def('', 'pods'), NS, podName)).toBeDefined()
    const evicted = await clients.admin!.raw(
      'POST',
      `/api/v1/namespaces/default/pods/${podName}/eviction`,
      {
        body: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: podName, namespace: NS },
        },
      },
    )
    expect(evicted.status).toBe(429)
    expect(JSON.parse(evicted.text)).toMatchObject({
      message:
        'admission webhook "virt-launcher-eviction-interceptor.kubevirt.io" denied the request: Eviction triggered evacuation of VMI "default/evict-me"',
    })
    const marked = await client.json<KObject>(
      'GET',
      '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/evict-me',
    )
    expect((marked.status as { evacuationNodeName?: string }).evacuationNodeName).toBe('node-1')
  })
})

describe('console WebSocket through kube-apiserver', () => {
  beforeAll(async () => {
    await guests.start({ registry, store }, NS, 'con')
  }, BOOT_MS)

  const open = (user: string, kind: 'console' | 'vnc' = 'console') =>
    new Promise<WebSocket | number>((resolve, reject) => {
      const ws = new WebSocket(
        `${controlPlane.info.url.replace(/^https/, 'wss')}${SUB}/virtualmachineinstances/con/${kind}`,
        ['plain.kubevirt.io'],
        {
          ca: controlPlane.ca,
          headers: { authorization: `Bearer ${controlPlane.info.tokens[user]}` },
        },
      )
      ws.binaryType = 'nodebuffer'
      ws.once('open', () => resolve(ws))
      ws.once('unexpected-response', (_req, res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      ws.once('error', reject)
    })

  it(
    'opens for helpdesk with plain.kubevirt.io and carries the guest’s serial bytes',
    async () => {
      const ws = await open('helpdesk')
      if (typeof ws === 'number') throw new Error(`refused with ${ws}`)
      expect(ws.protocol).toBe('plain.kubevirt.io')
      // The shell's banner when it starts, or its prompt (`root@con:…`) when it already runs.
      let seen = ''
      let textFrames = 0
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no shell: ${JSON.stringify(seen.slice(-200))}`)),
          BOOT_MS,
        )
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          if (!isBinary) textFrames++
          seen += data.toString('latin1')
          if (/vmdeck guest con ready|root@con:/.test(seen)) {
            clearTimeout(timer)
            resolve()
          }
        })
        ws.send(Buffer.from('\r'), { binary: true })
      })
      ws.close()
      expect(textFrames).toBe(0)
      // virt-api read the user from the front proxy's headers.
      expect(virtApi.consoles.requests.at(-1)).toMatchObject({ user: 'helpdesk', status: 101 })
    },
    BOOT_MS + 10_000,
  )

  it('is refused for viewer by kube-apiserver’s RBAC', async () => {
    expect(await open('viewer')).toBe(403)
  })

  it('bridges VNC too: QEMU’s RFB greeting reaches helpdesk', async () => {
    const ws = await open('helpdesk', 'vnc')
    if (typeof ws === 'number') throw new Error(`refused with ${ws}`)
    const greeting = await new Promise<string>((resolve) =>
      ws.once('message', (data: Buffer) => resolve(data.toString('latin1'))),
    )
    ws.close()
    expect(greeting).toBe('RFB 003.008\n')
  })
})
