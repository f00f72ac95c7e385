import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
} from '@kubernetes/client-node'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../builtin-sim.ts'

// Kubernetes API semantics through @kubernetes/client-node and kubectl, on ConfigMaps (no
// controller touches them) and VMs.
const run = promisify(execFile)
let sim: Sim
let stateDir: string
let core: CoreV1Api
let custom: CustomObjectsApi
let kc: KubeConfig
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-semantics-test-'))
  sim = await startSim({ stateDir, port: 0, historySize: 20 })
  kc = new KubeConfig()
  kc.loadFromFile(sim.kubeconfigPath)
  core = kc.makeApiClient(CoreV1Api)
  custom = kc.makeApiClient(CustomObjectsApi)
})
afterAll(async () => {
  await sim.close()
  rmSync(stateDir, { recursive: true, force: true })
})

const kubectl = async (...args: string[]) =>
  (await run('kubectl', ['--kubeconfig', sim.kubeconfigPath, ...args])).stdout
const ns = 'default'
const configMap = (name: string, extra: Partial<V1ConfigMap['metadata']> = {}): V1ConfigMap => ({
  metadata: { name, ...extra },
  data: { a: '1' },
})
async function ownerRef(name: string) {
  const owner = await core.readNamespacedConfigMap({ name, namespace: ns })
  return { apiVersion: 'v1', kind: 'ConfigMap', name, uid: owner.metadata?.uid ?? '' }
}
const exists = (name: string) =>
  core.readNamespacedConfigMap({ name, namespace: ns }).then(
    (cm) => cm,
    (error: unknown) => {
      if (error instanceof ApiException && error.code === 404) return undefined
      throw error
    },
  )
async function statusOf(promise: Promise<unknown>): Promise<{ code: number; body: unknown }> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ApiException)
      return { code: error.code, body: JSON.parse(String(error.body)) as unknown }
    throw error
  }
  throw new Error('the request succeeded')
}

describe('garbage collection by ownerReferences', () => {
  it('deletes dependents in the background once their only owner is gone', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('bg-owner') })
    const ref = await ownerRef('bg-owner')
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: configMap('bg-child', { ownerReferences: [ref] }),
    })
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: configMap('bg-grandchild', { ownerReferences: [await ownerRef('bg-child')] }),
    })
    await core.deleteNamespacedConfigMap({ name: 'bg-owner', namespace: ns })
    expect(await exists('bg-child')).toBeUndefined()
    expect(await exists('bg-grandchild')).toBeUndefined()
  })

  it('keeps a dependent that has another live owner, without the dead reference', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('two-a') })
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('two-b') })
    const refs = [await ownerRef('two-a'), await ownerRef('two-b')]
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: configMap('two-child', { ownerReferences: refs }),
    })
    await core.deleteNamespacedConfigMap({ name: 'two-a', namespace: ns })
    const child = await exists('two-child')
    expect(child?.metadata?.ownerReferences?.map((r) => r.name)).toEqual(['two-b'])
  })

  it('orphans dependents with `kubectl delete --cascade=orphan`', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('orphan-owner') })
    const ref = await ownerRef('orphan-owner')
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: configMap('orphan-child', { ownerReferences: [ref] }),
    })
    await kubectl('delete', 'configmap', '-n', ns, 'orphan-owner', '--cascade=orphan')
    expect(await exists('orphan-owner')).toBeUndefined()
    const child = await exists('orphan-child')
    expect(child?.metadata?.ownerReferences).toBeUndefined()
  })

  it('holds a Foreground owner until its dependents (and their finalizers) are gone', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('fg-owner') })
    const ref = await ownerRef('fg-owner')
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: configMap('fg-child', {
        ownerReferences: [{ ...ref, blockOwnerDeletion: true }],
        finalizers: ['example.com/hold'],
      }),
    })
    await core.deleteNamespacedConfigMap({
      name: 'fg-owner',
      namespace: ns,
      body: { propagationPolicy: 'Foreground' },
    })
    const owner = await exists('fg-owner')
    expect(owner?.metadata?.deletionTimestamp).toBeDefined()
    expect(owner?.metadata?.finalizers).toEqual(['foregroundDeletion'])
    expect((await exists('fg-child'))?.metadata?.deletionTimestamp).toBeDefined()
    await core.patchNamespacedConfigMap(
      { name: 'fg-child', namespace: ns, body: [{ op: 'remove', path: '/metadata/finalizers' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )
    expect(await exists('fg-child')).toBeUndefined()
    expect(await exists('fg-owner')).toBeUndefined()
  })

  it("deletes a VM's VMI with the VM (kubectl delete vm)", async () => {
    const vmi = () =>
      custom.getNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        namespace: 'prod',
        plural: 'virtualmachineinstances',
        name: 'web-02',
      })
    // The VM controller starts web-02 (runStrategy Always); wait for its VMI through a watch.
    await kubectl('wait', '--for=create', 'vmi/web-02', '-n', 'prod', '--timeout=30s')
    const owners = ((await vmi()) as { metadata: { ownerReferences?: { kind: string }[] } })
      .metadata.ownerReferences
    expect(owners?.[0]?.kind).toBe('VirtualMachine')
    await kubectl('delete', 'vm', '-n', 'prod', 'web-02', '--wait=false')
    await kubectl('wait', '--for=delete', 'vmi/web-02', '-n', 'prod', '--timeout=30s')
    expect((await statusOf(vmi())).code).toBe(404)
  })
})

describe('conflicts, patches, dry run', () => {
  it('answers a stale update with 409 Conflict', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: ns, body: configMap('occ') })
    await core.replaceNamespacedConfigMap({
      name: 'occ',
      namespace: ns,
      body: { ...created, data: { a: '2' } },
    })
    const stale = await statusOf(
      core.replaceNamespacedConfigMap({
        name: 'occ',
        namespace: ns,
        body: { ...created, data: { a: '3' } },
      }),
    )
    expect(stale).toMatchObject({ code: 409, body: { reason: 'Conflict' } })
  })

  it('applies merge and JSON patches, and fails a JSON patch whose test op fails', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('patched') })
    const merged = await core.patchNamespacedConfigMap(
      { name: 'patched', namespace: ns, body: { data: { b: '2', a: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
    expect(merged.data).toEqual({ b: '2' })
    const failed = await statusOf(
      core.patchNamespacedConfigMap(
        {
          name: 'patched',
          namespace: ns,
          body: [
            { op: 'test', path: '/data/b', value: 'nope' },
            { op: 'replace', path: '/data/b', value: '3' },
          ],
        },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    )
    expect(failed.code).toBe(422)
    expect((await exists('patched'))?.data).toEqual({ b: '2' })
  })

  it('refuses a strategic merge patch on a custom resource with 415', async () => {
    const refused = await statusOf(
      custom.patchNamespacedCustomObject(
        {
          group: 'kubevirt.io',
          version: 'v1',
          namespace: 'dev',
          plural: 'virtualmachines',
          name: 'sandbox',
          body: { metadata: { labels: { x: 'y' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    )
    expect(refused).toMatchObject({ code: 415, body: { reason: 'UnsupportedMediaType' } })
  })

  it('does not store a dryRun=All create', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('dry'), dryRun: 'All' })
    expect(await exists('dry')).toBeUndefined()
  })
})

describe('list resourceVersion semantics', () => {
  const path = `/api/v1/namespaces/${ns}/configmaps`
  it('serves resourceVersionMatch=NotOlderThan and Exact at the current version', async () => {
    const first = await sim.request('GET', path)
    const rv = (first.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion
    for (const match of ['NotOlderThan', 'Exact']) {
      const { status } = await sim.request(
        'GET',
        `${path}?resourceVersion=${rv}&resourceVersionMatch=${match}`,
      )
      expect(status).toBe(200)
    }
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('rv-bump') })
    // Changed since: an exact list at the old version is no longer available.
    const exact = await sim.request(
      'GET',
      `${path}?resourceVersion=${rv}&resourceVersionMatch=Exact`,
    )
    expect(exact).toMatchObject({ status: 410, body: { reason: 'Expired' } })
    const future = await sim.request('GET', `${path}?resourceVersion=${Number(rv) + 1_000_000}`)
    expect(future).toMatchObject({ status: 504, body: { reason: 'Timeout' } })
    const orphanMatch = await sim.request('GET', `${path}?resourceVersionMatch=Exact`)
    expect(orphanMatch).toMatchObject({
      status: 422,
      body: {
        message:
          'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
      },
    })
  })
})

describe('informers', () => {
  it('relist after a 410 Gone and see what changed while they were away', async () => {
    let lists = 0
    const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () => {
      lists++
      return core.listNamespacedConfigMap({ namespace: ns })
    })
    const seen = new Set<string>()
    const waiting = new Map<string, () => void>()
    informer.on('add', (cm) => {
      const name = cm.metadata?.name ?? ''
      seen.add(name)
      waiting.get(name)?.()
    })
    const added = (name: string) =>
      new Promise<void>((resolve) => (seen.has(name) ? resolve() : waiting.set(name, resolve)))
    const connects: unknown[] = []
    informer.on('connect', (e) => connects.push(e))
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('inf-before') })
    await informer.start()
    await added('inf-before')
    // An API server restart with compacted history: the informer's resume gets 410 and relists.
    sim.store.endWatches()
    const def = sim.registry.find('', 'v1', 'configmaps')!
    sim.store.create(def, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'inf-after', namespace: ns },
    })
    sim.store.compact()
    await added('inf-after')
    // Listed twice: at start, and after the resumed watch answered 410 Expired.
    expect(lists).toBe(2)
    expect(connects.length).toBeGreaterThanOrEqual(2)
    await informer.stop()
  })
})
