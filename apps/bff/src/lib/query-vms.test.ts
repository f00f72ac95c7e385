import type { VmListQuery, VmSummary } from '@vmdeck/shared'
import { describe, expect, it } from 'vitest'
import type { Visibility } from '../kube/access.ts'
import { VmIndex } from '../kube/vm-list/vm-index.ts'
import { summary } from '../../test/vm-summary-fixture.ts'
import { InvalidCursorError, queryVms } from './query-vms.ts'

/** The list's former implementation (a scan and a sort per request): the answer to match. */
function reference(vms: VmSummary[], query: VmListQuery, visibility: Visibility) {
  const statuses = query.status ? new Set(query.status.split(',').filter(Boolean)) : undefined
  const search = query.search?.trim().toLowerCase()
  const matches: VmSummary[] = []
  const counts: Record<string, number> = {}
  for (const vm of vms) {
    if (!visibility.all && !visibility.namespaces.has(vm.namespace)) continue
    if (query.namespace && vm.namespace !== query.namespace) continue
    if (query.node && vm.node !== query.node) continue
    if (search && !matchesSearch(vm, search)) continue
    counts[vm.status] = (counts[vm.status] ?? 0) + 1
    if (statuses && !statuses.has(vm.status)) continue
    matches.push(vm)
  }
  const sort = query.sort ?? 'name'
  const key = sort.replace(/^-/, '') as 'name' | 'namespace' | 'status' | 'node' | 'createdAt'
  const compare = (a: VmSummary, b: VmSummary) =>
    (a[key] ?? '').localeCompare(b[key] ?? '') ||
    a.namespace.localeCompare(b.namespace) ||
    a.name.localeCompare(b.name)
  matches.sort(sort.startsWith('-') ? (a, b) => compare(b, a) : compare)
  const offset = query.offset ?? 0
  const limit = query.limit ?? 100
  return {
    names: matches.slice(offset, offset + limit).map((vm) => `${vm.namespace}/${vm.name}`),
    total: matches.length,
    counts,
  }
}

function matchesSearch(vm: VmSummary, search: string): boolean {
  if (vm.name.toLowerCase().includes(search) || vm.namespace.toLowerCase().includes(search))
    return true
  if (vm.ips.some((ip) => ip.includes(search))) return true
  if (vm.os?.toLowerCase().includes(search)) return true
  return Object.entries(vm.labels).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(search))
}

function random(seed: number) {
  let state = seed
  return <T>(items: readonly T[]): T => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return items[state % items.length] as T
  }
}

const statuses = ['Running', 'Stopped', 'Paused', 'Migrating'] as const
const namespaces = ['prod', 'dev', 'default', 'Team-B']

function fleet(pick: ReturnType<typeof random>, count: number): VmSummary[] {
  return Array.from({ length: count }, (_, i) =>
    summary({
      name: `${pick(['web', 'db', 'Vm', 'vm-'])}${pick(['', '-'])}${String(i).padStart(3, '0')}`,
      namespace: pick(namespaces),
      status: pick(statuses),
      ...(pick([true, false]) ? { node: pick(['node-1', 'node-2', 'node-10']) } : {}),
      ...(pick([true, false]) ? { os: pick(['Fedora Linux 41', 'Windows']) } : {}),
      ips: pick([[], ['10.0.0.7'], ['10.0.1.12', 'fd00::1']]),
      createdAt: `2026-0${pick(['1', '2', '3'])}-01T00:00:0${i % 10}Z`,
      labels: pick<Record<string, string>>([{}, { tier: 'web' }, { Tier: 'DB', app: 'shop' }]),
    }),
  )
}

describe('queryVms over the index', () => {
  it('answers as the former scan-and-sort did for every order, filter and search, through changes', () => {
    const pick = random(11)
    const index = new VmIndex()
    let vms = fleet(pick, 300)
    for (const vm of vms) index.upsert(vm)
    // Changes: status and node moves, deletions, new VMs.
    for (let step = 0; step < 200; step++) {
      const vm = pick(vms)
      const action = pick(['status', 'delete', 'add'] as const)
      if (action === 'delete') {
        vms = vms.filter((v) => v !== vm)
        index.delete(vm.namespace, vm.name)
      } else {
        const next =
          action === 'status'
            ? { ...vm, status: pick(statuses), node: pick(['node-1', 'node-3']) }
            : summary({ name: `new-${step}`, namespace: pick(namespaces), status: pick(statuses) })
        vms = [
          ...vms.filter((v) => !(v.name === next.name && v.namespace === next.namespace)),
          next,
        ]
        index.upsert(next)
      }
    }
    const sorts = ['name', 'namespace', 'status', 'node', 'createdAt'] as const
    const visibilities: Visibility[] = [
      { all: true },
      { all: false, namespaces: new Set(['dev', 'Team-B']) },
      { all: false, namespaces: new Set() },
    ]
    let compared = 0
    for (const sort of sorts)
      for (const descending of [false, true])
        for (const visibility of visibilities)
          for (const filter of [
            {},
            { namespace: 'dev' },
            { status: 'Running,Paused' },
            { node: 'node-1' },
            { search: 'WEB' },
            { search: ' 10.0.1 ' },
            { search: 'tier=db', status: 'Stopped', namespace: 'prod' },
            { search: 'fedora', node: 'node-3' },
            { search: 'nomatch' },
          ]) {
            for (const [offset, limit] of [
              [0, 20],
              [7, 5],
              [100, 50],
              [1000, 10],
            ]) {
              const query: VmListQuery = {
                ...filter,
                sort: descending ? `-${sort}` : sort,
                offset,
                limit,
              }
              const got = queryVms(index, query, visibility)
              const want = reference(vms, query, visibility)
              expect(got.items.map((vm) => `${vm.namespace}/${vm.name}`)).toEqual(want.names)
              expect(got.total).toBe(want.total)
              expect(got.counts).toEqual(want.counts)
              expect(got.nextCursor !== undefined).toBe((offset ?? 0) + (limit ?? 0) < want.total)
              compared++
            }
          }
    expect(compared).toBe(5 * 2 * 3 * 9 * 4)
  })

  it('picks a page out of the sorted order when a search matches more rows than it sorts', () => {
    const pick = random(5)
    const index = new VmIndex()
    const vms = fleet(pick, 2_500)
    for (const vm of vms) index.upsert(vm)
    for (const sort of ['name', '-status', 'node', '-createdAt'] as const)
      for (const [search, offset] of [
        ['e', 0],
        ['e', 1_234],
        ['d', 990],
        ['0', 1_100],
      ] as const) {
        const query: VmListQuery = { search, sort, offset, limit: 25 }
        const got = queryVms(index, query, { all: true })
        const want = reference(vms, query, { all: true })
        expect(want.total).toBeGreaterThan(1_000)
        expect(got.items.map((vm) => `${vm.namespace}/${vm.name}`)).toEqual(want.names)
        expect(got.total).toBe(want.total)
        expect(got.counts).toEqual(want.counts)
      }
  })

  it('follows a cursor to the next page and refuses a forged one', () => {
    const index = new VmIndex()
    for (let i = 0; i < 5; i++) index.upsert(summary({ name: `vm-${i}` }))
    const first = queryVms(index, { limit: 2 }, { all: true })
    expect(first.items.map((vm) => vm.name)).toEqual(['vm-0', 'vm-1'])
    const second = queryVms(index, { limit: 2, cursor: first.nextCursor }, { all: true })
    expect(second.items.map((vm) => vm.name)).toEqual(['vm-2', 'vm-3'])
    expect(() => queryVms(index, { cursor: 'bm9wZQ' }, { all: true })).toThrow(InvalidCursorError)
  })
})
