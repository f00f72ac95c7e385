import { describe, expect, it } from 'vitest'
import { summary } from '../../test/vm-summary-fixture.ts'
import { VmIndex } from '../kube/vm-list/vm-index.ts'
import { folderCounts } from './vm-folders.ts'

describe('folderCounts', () => {
  it('counts the visible VMs per namespace, folder and status, and nothing of the others', () => {
    const index = new VmIndex()
    const folder = (path: string) => ({ 'vmdeck.io/folder': path })
    index.upsert(
      summary({ name: 'a', namespace: 'prod', status: 'Running', labels: folder('shop.web') }),
    )
    index.upsert(
      summary({ name: 'b', namespace: 'prod', status: 'Stopped', labels: folder('shop.web') }),
    )
    index.upsert(
      summary({ name: 'c', namespace: 'prod', status: 'Running', labels: folder('shop.web') }),
    )
    index.upsert(summary({ name: 'd', namespace: 'prod', status: 'Running' }))
    index.upsert(
      summary({ name: 'e', namespace: 'secret', status: 'Running', labels: folder('hidden') }),
    )
    const sorted = (items: { namespace: string; path: string }[]) =>
      [...items].sort((x, y) =>
        `${x.namespace}/${x.path}`.localeCompare(`${y.namespace}/${y.path}`),
      )
    expect(
      sorted(folderCounts(index, { all: false, namespaces: new Set(['prod']) }).items),
    ).toEqual([
      { namespace: 'prod', path: '', counts: { Running: 1 } },
      { namespace: 'prod', path: 'shop/web', counts: { Running: 2, Stopped: 1 } },
    ])
    expect(folderCounts(index, { all: true }).items.map((f) => f.path)).toContain('hidden')
  })
})
