// The rendered manifests, applied with `kubectl apply` to the cluster simulator: every kind the
// simulator serves is created, reads back as rendered, and a second apply changes nothing. Kinds
// it does not serve (yet) are listed in the test output.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSim, type Sim } from '@vmdeck/cluster-sim'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify as stringifyYaml } from 'yaml'
import { deployDir, overlays, render, runAsync, type KubeObject } from './helpers.ts'

/**
 * YAML for kubectl, which reads YAML 1.1: strings such as `off` (the Ingress's proxy-buffering
 * annotation) are booleans there, so they must be quoted, as the yaml package does for 1.1.
 */
const stringify = (object: unknown) => stringifyYaml(object, { version: '1.1' })

interface ApiResourceList {
  groupVersion: string
  resources: { name: string; kind: string }[]
}

let sim: Sim
let stateDir: string
/** "apiVersion kind" → plural, for every kind the simulator serves. */
const served = new Map<string, string>()

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'vmdeck-deploy-sim-'))
  sim = await startSim({ stateDir, port: 0, seed: 'none', kubevirt: 'sim' })
  const lists: ApiResourceList[] = [(await sim.request('GET', '/api/v1')).body as ApiResourceList]
  const groups = (await sim.request('GET', '/apis')).body as {
    groups: { versions: { groupVersion: string }[] }[]
  }
  for (const group of groups.groups)
    for (const { groupVersion } of group.versions)
      lists.push((await sim.request('GET', `/apis/${groupVersion}`)).body as ApiResourceList)
  for (const list of lists)
    for (const resource of list.resources)
      if (!resource.name.includes('/'))
        served.set(`${list.groupVersion} ${resource.kind}`, resource.name)
})

afterAll(async () => {
  await sim?.close()
  rmSync(stateDir, { recursive: true, force: true })
})

function kubectl(args: string[], input?: string) {
  return runAsync('kubectl', ['--kubeconfig', sim.kubeconfigPath, ...args], input ? { input } : {})
}

describe.each(overlays)('kubectl apply of overlay %s to the simulator', (overlay) => {
  const objects = render(join(deployDir, 'overlays', overlay))
  const isServed = (o: KubeObject) => served.has(`${o.apiVersion} ${o.kind}`)

  it('creates every object of a kind the simulator serves, as rendered', async () => {
    const applicable = objects.filter(isServed)
    const skipped = objects.filter((o) => !isServed(o)).map((o) => `${o.kind}/${o.metadata.name}`)
    console.info(
      `overlay ${overlay}: applied ${applicable.length} objects; kinds the simulator does not serve: ${skipped.join(', ') || 'none'}`,
    )
    // The kinds the simulator has always served must be among them.
    expect(applicable.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['Namespace', 'ServiceAccount', 'ConfigMap', 'Service']),
    )
    // The simulator serves no OpenAPI document, so kubectl cannot validate client-side here;
    // the schemas are checked in kustomize.test.ts.
    const applied = await kubectl(
      ['apply', '--validate=false', '-f', '-'],
      applicable.map((o) => `---\n${stringify(o)}`).join(''),
    )
    // The simulator installs vmdeck's own CRD (tasks.vmdeck.io) at start, from the same file:
    // kubectl says it takes that one over (it was not created by `kubectl apply`), and nothing else.
    const adopted = [
      ...applied.stderr.matchAll(
        /^Warning: resource (\S+) is missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation.*$/gm,
      ),
    ]
    expect(adopted.map((m) => m[1])).toEqual(
      overlay === 'production' ? ['customresourcedefinitions/tasks.vmdeck.io'] : [],
    )
    expect(applied.stderr.replace(/^Warning: resource .*$/gm, '').trim()).toBe('')
    expect(applied.status).toBe(0)
    for (const object of applicable) {
      const plural = served.get(`${object.apiVersion} ${object.kind}`)!
      const ns = object.metadata.namespace ? ['-n', object.metadata.namespace] : []
      const got = await kubectl(['get', plural, object.metadata.name, ...ns, '-o', 'json'])
      expect(got.status, `${object.kind}/${object.metadata.name}: ${got.stderr}`).toBe(0)
      const live = JSON.parse(got.stdout) as KubeObject
      expect(live.metadata.labels ?? {}).toMatchObject(object.metadata.labels ?? {})
      for (const field of ['data', 'spec', 'automountServiceAccountToken', 'rules', 'subjects'])
        if (field in object)
          expect(live[field], `${object.kind}.${field}`).toMatchObject(object[field] as object)
    }
  })

  it('changes nothing when applied a second time', async () => {
    const applicable = objects.filter(isServed)
    const versions = async () =>
      Promise.all(
        applicable.map(async (object) => {
          const plural = served.get(`${object.apiVersion} ${object.kind}`)!
          const ns = object.metadata.namespace ? ['-n', object.metadata.namespace] : []
          const got = await kubectl([
            'get',
            plural,
            object.metadata.name,
            ...ns,
            '-o',
            'jsonpath={.metadata.resourceVersion}',
          ])
          return `${object.kind}/${object.metadata.name} ${got.stdout}`
        }),
      )
    const before = await versions()
    const again = await kubectl(
      ['apply', '--validate=false', '-f', '-'],
      applicable.map((o) => `---\n${stringify(o)}`).join(''),
    )
    expect(again.status).toBe(0)
    const lines = again.stdout.trim().split('\n')
    expect(lines.length).toBe(applicable.length)
    // kubectl always sends a PodDisruptionBudget's selector (patchStrategy "replace" in
    // k8s.io/api/policy/v1 types.go) and so reports it "configured"; kube-apiserver finds the
    // patch changes nothing. The resource versions below are the proof for every object.
    for (const line of lines)
      expect(line).toMatch(
        line.startsWith('poddisruptionbudget.policy/') ? / (unchanged|configured)$/ : / unchanged$/,
      )
    expect(await versions()).toEqual(before)
  })
})

describe('the production service account on the simulator', () => {
  // Its ClusterRole and binding, applied as in the test above, then asked about with
  // SubjectAccessReviews: the simulator evaluates RBAC as kube-apiserver does.
  const objects = render(join(deployDir, 'overlays/production'))
  const account = objects.find((o) => o.kind === 'ServiceAccount')!
  const { name, namespace } = account.metadata

  async function allowed(
    verb: string,
    resource: string,
    group = '',
    inNamespace?: string,
  ): Promise<boolean> {
    const review = await sim.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: `system:serviceaccount:${namespace}:${name}`,
          groups: [
            'system:serviceaccounts',
            `system:serviceaccounts:${namespace}`,
            'system:authenticated',
          ],
          resourceAttributes: {
            verb,
            group,
            resource,
            ...(inNamespace ? { namespace: inNamespace } : {}),
          },
        },
      },
    })
    expect(review.status, review.text).toBe(201)
    return (review.body as { status: { allowed: boolean } }).status.allowed
  }

  it('may read what the caches hold and ask access reviews, cluster-wide', async () => {
    const rbac = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')
    const applied = await kubectl(
      ['apply', '--validate=false', '-f', '-'],
      rbac.map((o) => `---\n${stringify(o)}`).join(''),
    )
    expect(applied.stderr).toBe('')
    const reads: [string, string][] = [
      ['kubevirt.io', 'virtualmachines'],
      ['kubevirt.io', 'virtualmachineinstances'],
      ['kubevirt.io', 'virtualmachineinstancemigrations'],
      ['snapshot.kubevirt.io', 'virtualmachinesnapshots'],
      ['snapshot.kubevirt.io', 'virtualmachinerestores'],
      ['clone.kubevirt.io', 'virtualmachineclones'],
      ['cdi.kubevirt.io', 'datavolumes'],
      ['', 'nodes'],
      ['', 'namespaces'],
      ['', 'pods'],
      ['rbac.authorization.k8s.io', 'rolebindings'],
      ['rbac.authorization.k8s.io', 'clusterrolebindings'],
    ]
    for (const [group, resource] of reads)
      for (const verb of ['list', 'watch'])
        expect(await allowed(verb, resource, group), `${verb} ${resource}.${group}`).toBe(true)
    expect(await allowed('create', 'subjectaccessreviews', 'authorization.k8s.io')).toBe(true)
  })

  it('may change nothing, read no Secret and impersonate no one', async () => {
    const denied: [string, string, string][] = [
      ['delete', 'virtualmachines', 'kubevirt.io'],
      ['update', 'virtualmachines', 'kubevirt.io'],
      ['create', 'virtualmachineinstancemigrations', 'kubevirt.io'],
      ['get', 'secrets', ''],
      ['list', 'secrets', ''],
      ['create', 'pods', ''],
      ['patch', 'nodes', ''],
      ['impersonate', 'users', ''],
      ['create', 'configmaps', ''],
      ['delete', 'sessions', 'vmdeck.io'],
      ['impersonate', 'serviceaccounts', ''],
      ['create', 'rolebindings', 'rbac.authorization.k8s.io'],
      ['escalate', 'clusterroles', 'rbac.authorization.k8s.io'],
    ]
    for (const [verb, resource, group] of denied)
      expect(await allowed(verb, resource, group), `${verb} ${resource}.${group}`).toBe(false)
  })

  it('may record session revocations as ConfigMaps in its own namespace, and nowhere else (issue 12)', async () => {
    const namespaced = objects.filter(
      (o) => o.kind === 'Namespace' || o.kind === 'Role' || o.kind === 'RoleBinding',
    )
    expect(namespaced.map((o) => o.kind).sort()).toEqual(['Namespace', 'Role', 'RoleBinding'])
    const applied = await kubectl(
      ['apply', '--validate=false', '-f', '-'],
      namespaced.map((o) => `---\n${stringify(o)}`).join(''),
    )
    expect(applied.stderr).toBe('')
    for (const verb of ['create', 'delete', 'list', 'watch'])
      expect(await allowed(verb, 'configmaps', '', namespace), verb).toBe(true)
    expect(await allowed('create', 'configmaps', '', 'default')).toBe(false)
    expect(await allowed('get', 'secrets', '', namespace)).toBe(false)
  })
})
