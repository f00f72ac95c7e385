import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ObjectStore } from '../apiserver/object-store.ts'
import type { Registry } from '../apiserver/registry.ts'
import type { KObject } from '../apiserver/types.ts'

// `--state <file>`: every stored object, written on shutdown and read at start instead of the
// seed, so a restarted simulator keeps users' VMs, bindings and resourceVersions.

interface StateFile {
  revision: number
  objects: { group: string; plural: string; object: KObject }[]
}

/** Restores a saved state; false when the file does not exist yet (the caller seeds instead). */
export function loadState(path: string, registry: Registry, store: ObjectStore): boolean {
  if (!existsSync(path)) return false
  const state = JSON.parse(readFileSync(path, 'utf8')) as StateFile
  for (const { group, plural, object } of state.objects) {
    const def = registry.defs.find((d) => d.group === group && d.plural === plural)
    if (def) store.restore(def, object)
  }
  return true
}

export function saveState(path: string, registry: Registry, store: ObjectStore): void {
  const state: StateFile = {
    revision: store.revision,
    objects: registry.defs.flatMap((def) =>
      store.peekList(def).items.map((object) => ({ group: def.group, plural: def.plural, object })),
    ),
  }
  mkdirSync(dirname(path), { recursive: true })
  // Write then rename: a crash mid-write leaves the previous state intact.
  writeFileSync(`${path}.tmp`, JSON.stringify(state))
  renameSync(`${path}.tmp`, path)
}
