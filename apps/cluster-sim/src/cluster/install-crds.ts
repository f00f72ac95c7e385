import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import type { KObject } from '../kube/types.ts'
import { apply } from './bootstrap.ts'
import { crdDirectory } from './control-plane.ts'
import type { KubeClient } from './kube-client.ts'
import { resourcePath } from './resource-paths.ts'

// The control plane installs the generated CRDs itself before its controllers start
// (`controlplane run --crd-dir`, as `startControlPlane` runs it). A simulator attached to a control
// plane started without them (the containers: the CRDs are built into the simulator's image)
// applies them here; the garbage collector then learns of them at its next discovery (≤ 30 s).
const crdDef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  namespaced: false,
}

/**
 * Installs the generated CRDs (server-side apply, so a restart against kept etcd data is a
 * no-op) and waits until kube-apiserver reports each one Established, i.e. serving.
 */
export async function installCrds(client: KubeClient, dir = crdDirectory()): Promise<KObject[]> {
  const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'))
  if (files.length === 0) throw new Error(`no CRDs in ${dir}: run crdgen (npm test builds them)`)
  const crds = files.map((file) => parse(readFileSync(join(dir, file), 'utf8')) as KObject)
  await Promise.all(crds.map((crd) => apply(client, crdDef, crd)))
  await Promise.all(crds.map((crd) => waitEstablished(client, crd.metadata.name ?? '')))
  return crds
}

async function waitEstablished(client: KubeClient, name: string): Promise<void> {
  const path = `${resourcePath(crdDef)}?fieldSelector=metadata.name%3D${name}`
  const established = (crd: KObject | undefined) =>
    (
      crd?.status as { conditions?: { type: string; status: string }[] } | undefined
    )?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false
  const list = await client.json<{ items: KObject[]; metadata: { resourceVersion: string } }>(
    'GET',
    path,
  )
  if (established(list.items[0])) return
  const abort = new AbortController()
  const timeout = setTimeout(() => abort.abort(), 60_000)
  try {
    await client.watch(
      `${path}&watch=1&resourceVersion=${list.metadata.resourceVersion}`,
      (event) => {
        if (established(event.object as unknown as KObject)) abort.abort()
      },
      abort.signal,
    )
  } finally {
    clearTimeout(timeout)
  }
}

/**
 * vmdeck's own CRDs (deploy/components/tasks/crd): VMDECK_APP_CRD_DIR (the simulator's image
 * copies them there), else the repository's.
 */
export function vmdeckCrdDirectory(): string {
  return (
    process.env.VMDECK_APP_CRD_DIR ??
    join(
      process.env.VMDECK_ROOT ?? resolve(import.meta.dirname, '../../../..'),
      'deploy/components/tasks/crd',
    )
  )
}
