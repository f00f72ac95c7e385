import { StatusError } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import type { SeedObject } from '../seed/seed-object.ts'
import type { KubeClient } from './kube-client.ts'
import { resourcePath } from './resource-paths.ts'

/** Server-side apply as the simulator (field manager `cluster-sim`), taking ownership on conflict. */
export function apply(
  client: KubeClient,
  def: { group: string; version: string; plural: string; namespaced: boolean },
  object: KObject,
): Promise<KObject> {
  return client.json<KObject>(
    'PATCH',
    resourcePath(def, object.metadata.namespace, object.metadata.name) +
      '?fieldManager=cluster-sim&force=true',
    { body: object, contentType: 'application/apply-patch+yaml' },
  )
}

export interface SeedDefs {
  find(
    group: string,
    plural: string,
  ): { group: string; version: string; plural: string; namespaced: boolean } | undefined
}

/**
 * Creates seed objects through the API, a few at a time, in order of kind (namespaces before what
 * lives in them). Objects that exist already (a restart with kept data) are left as they are.
 */
export async function createSeed(
  client: KubeClient,
  defs: SeedDefs,
  seed: SeedObject[],
  concurrency = 16,
): Promise<void> {
  const waves: SeedObject[][] = []
  let current: SeedObject[] = []
  let lastKind = ''
  for (const item of seed) {
    const kind = `${item.group}/${item.plural}`
    if (kind !== lastKind && current.length) {
      waves.push(current)
      current = []
    }
    lastKind = kind
    current.push(item)
  }
  if (current.length) waves.push(current)
  for (const wave of waves) {
    let next = 0
    const worker = async () => {
      while (next < wave.length) {
        const item = wave[next++]
        if (!item) return
        const def = defs.find(item.group, item.plural)
        if (!def) throw new Error(`seed refers to unknown resource ${item.plural}.${item.group}`)
        try {
          await client.json('POST', resourcePath(def, item.object.metadata.namespace), {
            body: item.object,
          })
        } catch (error) {
          if (!(error instanceof StatusError && error.code === 409)) throw error
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, wave.length) }, worker))
  }
}
