import type { VmFolderList } from '@vmdeck/shared'
import { describe, expect, it } from 'vitest'
import { breakdown, folderPaths, folderTree } from './folder-tree.ts'

const list: VmFolderList = {
  items: [
    { namespace: 'prod', path: 'shop/web', counts: { Running: 2, Stopped: 1 } },
    { namespace: 'prod', path: 'shop', counts: { Paused: 1 } },
    { namespace: 'prod', path: '', counts: { Running: 4 } },
    { namespace: 'dev', path: 'ci', counts: { CrashLoopBackOff: 1 } },
  ],
}

describe('folderTree', () => {
  it('nests folders in namespaces and sums subfolders’ VMs per facet', () => {
    const [dev, prod] = folderTree(list)
    expect(dev).toMatchObject({ name: 'dev', total: 1, counts: { error: 1 } })
    expect(prod).toMatchObject({
      name: 'prod',
      total: 8,
      counts: { running: 6, stopped: 1, paused: 1 },
    })
    const shop = prod!.children[0]!
    expect(shop).toMatchObject({ path: 'shop', total: 4 })
    expect(shop.children.map((c) => [c.name, c.path, c.total])).toEqual([['web', 'shop/web', 3]])
    expect(breakdown(shop)).toBe('2 running, 1 stopped, 1 paused')
  })

  it('lists the folder paths with their parents, per namespace', () => {
    expect(folderPaths(list, 'prod')).toEqual(['shop', 'shop/web'])
    expect(folderPaths(list)).toEqual(['ci', 'shop', 'shop/web'])
  })
})
