// One way to reach the cluster: only kube/api/paths.ts spells the paths of the Kubernetes and
// KubeVirt APIs; every request elsewhere goes through the named functions built on it.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')
const KUBE_PATH = /['`]\/(apis\/|api\/v1\/(namespaces|nodes|pods|configmaps|events))/

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

describe('paths of the Kubernetes API', () => {
  it('are spelled in kube/api/paths.ts only', () => {
    const spelled = sources(SRC)
      .map((path) => relative(SRC, path))
      .filter((file) => file !== 'kube/api/paths.ts')
      .filter((file) => KUBE_PATH.test(readFileSync(join(SRC, file), 'utf8')))
    expect(spelled).toEqual([])
  })

  it('are recognised by the check', () => {
    expect(KUBE_PATH.test("path: '/apis/kubevirt.io/v1/kubevirts'")).toBe(true)
    expect(KUBE_PATH.test('`/api/v1/namespaces/${ns}/events`')).toBe(true)
    expect(KUBE_PATH.test("'/api/v1/clusters/:cluster/vms'")).toBe(false)
  })
})
