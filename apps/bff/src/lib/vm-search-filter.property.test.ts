import type { VmPrintableStatus, VmSummary } from '@vmdeck/shared'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Visibility } from '../kube/access.ts'
import { VmIndex } from '../kube/vm-list/vm-index.ts'
import { summary } from '../../test/vm-summary-fixture.ts'
import { queryVms } from './query-vms.ts'

const NOW = Date.parse('2026-06-01T00:00:00Z')
const DAY = 86_400_000
const statuses: VmPrintableStatus[] = [
  'Running',
  'Stopped',
  'Paused',
  'Migrating',
  'CrashLoopBackOff',
  'Starting',
]
const errors = new Set(['CrashLoopBackOff'])
const namespaces = ['prod', 'dev', 'team-b']
const nodes = ['node-1', 'node-2', 'node-10']
const oses = ['Debian GNU/Linux 12', 'Fedora Linux 41', 'Windows']
const folders = ['prod', 'prod.web', 'prod.db', 'dev']

const vmArb = fc.record({
  name: fc.constantFrom('web', 'web-', 'db-', 'api'),
  namespace: fc.constantFrom(...namespaces),
  status: fc.constantFrom(...statuses),
  node: fc.option(fc.constantFrom(...nodes), { nil: undefined }),
  os: fc.option(fc.constantFrom(...oses), { nil: undefined }),
  tier: fc.option(fc.constantFrom('web', 'db', 'Web'), { nil: undefined }),
  folder: fc.option(fc.constantFrom(...folders), { nil: undefined }),
  pausedDays: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
})

type Spec = typeof vmArb extends fc.Arbitrary<infer T> ? T : never

function fleet(specs: Spec[]): VmSummary[] {
  return specs.map((s, i) => {
    const labels: Record<string, string> = {}
    if (s.tier) labels.tier = s.tier
    if (s.folder) labels['vmdeck.io/folder'] = s.folder
    const paused = s.status === 'Paused' && s.pausedDays !== undefined
    return summary({
      name: `${s.name}${i}`,
      namespace: s.namespace,
      status: s.status,
      ...(s.node ? { node: s.node } : {}),
      ...(s.os ? { os: s.os } : {}),
      labels,
      flags: {
        paused,
        migrating: false,
        agentConnected: false,
        ...(paused
          ? { pausedSince: new Date(NOW - (s.pausedDays ?? 0) * DAY - 1000).toISOString() }
          : {}),
      },
    })
  })
}

/** One term and the reference's reading of it: a plain, obvious test on the summary. */
type Term = { text: string; test: (vm: VmSummary) => boolean }
const glob = (pattern: string, value: string | undefined) =>
  value !== undefined &&
  new RegExp(`^${pattern.replaceAll('.', '\\.').replaceAll('*', '.*')}$`).test(value)

const positive: fc.Arbitrary<Term> = fc.oneof(
  fc.constantFrom(...statuses, 'error').map((s) => ({
    text: `status:${s.toLowerCase()}`,
    test: (vm: VmSummary) => (s === 'error' ? errors.has(vm.status) : vm.status === s),
  })),
  fc
    .constantFrom(...namespaces, 'team-*')
    .map((ns) => ({ text: `ns:${ns}`, test: (vm: VmSummary) => glob(ns, vm.namespace) })),
  fc
    .constantFrom(...nodes, 'node-1*')
    .map((n) => ({ text: `node:${n}`, test: (vm: VmSummary) => glob(n, vm.node) })),
  fc
    .constantFrom('web*', 'db-*', 'api1', '*1')
    .map((n) => ({ text: `name:${n}`, test: (vm: VmSummary) => glob(n, vm.name) })),
  fc.constantFrom('debian', 'LINUX', 'win').map((o) => ({
    text: `os:${o}`,
    test: (vm: VmSummary) => (vm.os ?? '').toLowerCase().includes(o.toLowerCase()),
  })),
  fc.constantFrom('tier', 'tier=web', 'tier=W*', 'tier=db,web').map((l) => ({
    text: `label:${l}`,
    test: (vm: VmSummary) => {
      const [key = '', value] = l.split('=')
      if (!(key in vm.labels)) return false
      return value === undefined || value.split(',').some((v) => glob(v, vm.labels[key]))
    },
  })),
  fc.constantFrom('prod', 'prod/web', 'dev', 'prod/web/x').map((f) => ({
    text: `folder:${f}`,
    test: (vm: VmSummary) => {
      const folder = vm.labels['vmdeck.io/folder']?.replaceAll('.', '/')
      return folder === f || (folder?.startsWith(`${f}/`) ?? false)
    },
  })),
  fc.constantFrom(1, 2).map((d) => ({
    text: `paused:>${d}d`,
    test: (vm: VmSummary) =>
      vm.flags.paused && NOW - Date.parse(vm.flags.pausedSince ?? '') > d * DAY,
  })),
  fc.constantFrom('web', 'prod', 'fedora', 'tier=db', '-1').map((w) => ({
    text: w,
    test: (vm: VmSummary) =>
      [
        vm.name,
        vm.namespace,
        vm.os ?? '',
        ...vm.ips,
        ...Object.entries(vm.labels).map(([k, v]) => `${k}=${v}`),
      ].some((field) => field.toLowerCase().includes(w)),
  })),
)
const term: fc.Arbitrary<Term> = fc.oneof(
  positive,
  positive
    .filter((t) => t.text.includes(':'))
    .map((t) => ({ text: `-${t.text}`, test: (vm: VmSummary) => !t.test(vm) })),
)

const visibilities: Visibility[] = [
  { all: true },
  { all: false, namespaces: new Set(['dev', 'team-b']) },
]

describe('the search language on the server', () => {
  it('selects what a plain reference filter selects, on random fleets and queries', () => {
    fc.assert(
      fc.property(
        fc.array(vmArb, { maxLength: 60 }),
        fc.array(term, { maxLength: 4 }),
        fc.constantFrom(...visibilities),
        fc.constantFrom(undefined, 'prod'),
        fc.constantFrom(undefined, 'Running,Paused'),
        (specs, terms, visibility, namespace, status) => {
          const vms = fleet(specs)
          const index = new VmIndex()
          for (const vm of vms) index.upsert(vm)
          const query = {
            search: terms.map((t) => t.text).join(' '),
            limit: 1000,
            ...(namespace ? { namespace } : {}),
            ...(status ? { status } : {}),
          }
          const got = queryVms(index, query, visibility, NOW)
          const counted = vms.filter(
            (vm) =>
              (visibility.all || visibility.namespaces.has(vm.namespace)) &&
              (!namespace || vm.namespace === namespace) &&
              terms.every((t) => t.text.replace(/^-/, '').startsWith('status:') || t.test(vm)),
          )
          const want = counted.filter(
            (vm) =>
              (!status || status.split(',').includes(vm.status)) && terms.every((t) => t.test(vm)),
          )
          expect(got.items.map((vm) => vm.name).sort()).toEqual(want.map((vm) => vm.name).sort())
          expect(got.total).toBe(want.length)
          const counts: Record<string, number> = {}
          for (const vm of counted) counts[vm.status] = (counts[vm.status] ?? 0) + 1
          expect(got.counts).toEqual(counts)
        },
      ),
      { numRuns: 400, seed: 20 },
    )
  })
})
