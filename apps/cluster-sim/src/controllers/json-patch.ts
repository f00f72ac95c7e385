/**
 * RFC 6902 JSON Patch, for the patches a VirtualMachineRestore (and so a clone) applies to the
 * VM it creates (`spec.patches`, one JSON operation per string). Throws on a bad operation, a
 * missing path or a failed `test`, as KubeVirt's patchVM does (restore.go).
 */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
  path: string
  value?: unknown
  from?: string
}

type Container = Record<string, unknown> | unknown[]

export function applyJsonPatch<T>(document: T, operations: PatchOperation[]): T {
  let root: unknown = structuredClone(document)
  for (const operation of operations) root = applyOne(root, operation)
  return root as T
}

export function parsePatches(patches: string[]): PatchOperation[] {
  return patches.map((p) => {
    const parsed = JSON.parse(p) as PatchOperation
    if (!parsed || typeof parsed.op !== 'string' || typeof parsed.path !== 'string')
      throw new Error(`invalid patch operation: ${p}`)
    return parsed
  })
}

function tokens(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer "${pointer}"`)
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function parentOf(root: unknown, pointer: string): { parent: Container; key: string } {
  const path = tokens(pointer)
  const key = path.pop()
  if (key === undefined) throw new Error('the root cannot be patched here')
  let node: unknown = root
  for (const token of path) {
    node = childOf(node, token)
    if (node === undefined) throw new Error(`path "${pointer}" does not exist`)
  }
  if (!node || typeof node !== 'object') throw new Error(`path "${pointer}" does not exist`)
  return { parent: node as Container, key }
}

function childOf(node: unknown, token: string): unknown {
  if (Array.isArray(node)) return node[Number(token)]
  if (node && typeof node === 'object') return (node as Record<string, unknown>)[token]
  return undefined
}

function get(root: unknown, pointer: string): unknown {
  let node = root
  for (const token of tokens(pointer)) {
    node = childOf(node, token)
    if (node === undefined) throw new Error(`path "${pointer}" does not exist`)
  }
  return node
}

function add(root: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value
  const { parent, key } = parentOf(root, pointer)
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key)
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      throw new Error(`index "${key}" is out of bounds`)
    parent.splice(index, 0, value)
  } else parent[key] = value
  return root
}

function remove(root: unknown, pointer: string): unknown {
  const { parent, key } = parentOf(root, pointer)
  if (Array.isArray(parent)) {
    const index = Number(key)
    if (!(index >= 0 && index < parent.length)) throw new Error(`index "${key}" is out of bounds`)
    parent.splice(index, 1)
  } else {
    if (!(key in parent)) throw new Error(`path "${pointer}" does not exist`)
    delete parent[key]
  }
  return root
}

/**
 * `replace` sets an object member even when it is missing, as gopkg.in/evanphx/json-patch.v4
 * (which KubeVirt's patchVM uses) does: a clone's MAC-address patches replace
 * `.../interfaces/N/macAddress` on interfaces that never had one.
 */
function replace(root: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value
  const { parent, key } = parentOf(root, pointer)
  if (Array.isArray(parent)) {
    const index = Number(key)
    if (!(index >= 0 && index < parent.length)) throw new Error(`index "${key}" is out of bounds`)
    parent[index] = value
  } else parent[key] = value
  return root
}

function applyOne(root: unknown, operation: PatchOperation): unknown {
  switch (operation.op) {
    case 'add':
      return add(root, operation.path, structuredClone(operation.value))
    case 'remove':
      return remove(root, operation.path)
    case 'replace':
      return replace(root, operation.path, structuredClone(operation.value))
    case 'move': {
      const value = get(root, operation.from ?? '')
      return add(remove(root, operation.from ?? ''), operation.path, value)
    }
    case 'copy':
      return add(root, operation.path, structuredClone(get(root, operation.from ?? '')))
    case 'test':
      if (JSON.stringify(get(root, operation.path)) !== JSON.stringify(operation.value))
        throw new Error(`test of "${operation.path}" failed`)
      return root
    default:
      throw new Error(`unknown patch operation "${String((operation as { op: unknown }).op)}"`)
  }
}
