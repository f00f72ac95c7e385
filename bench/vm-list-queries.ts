// The VM list's query cost alone, in one process (no HTTP, no other load of the BFF): N VM rows
// built from the fixtures' objects as the VM store builds them, then every query shape of
// bff-scale.ts (namespace × status × search × sort, with offsets) timed one by one.
//
//   node bench/vm-list-queries.ts [--vms 100000] [--rounds 3]
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { VmIndex } from '../apps/bff/src/kube/vm-list/vm-index.ts'
import { toVmSummary } from '../apps/bff/src/kube/view-models/vm-summary.ts'
import { queryVms } from '../apps/bff/src/lib/query-vms.ts'
import { scaleNames } from './lib/fake-kube-fleet.ts'
import { listQuery } from './lib/list-queries.ts'
import { stats } from './lib/stats.ts'

const { values } = parseArgs({
  options: { vms: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } },
})
const fixtures = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures/kube-objects.json'), 'utf8'),
) as Record<string, { metadata: Record<string, unknown>; status?: Record<string, unknown> }>

const index = new VmIndex()
let t = performance.now()
for (const { namespace, name, running, tier, node } of scaleNames(Number(values.vms))) {
  const vm = structuredClone(running ? fixtures.vmRunning : fixtures.vmHalted)
  if (!vm) throw new Error('fixtures')
  Object.assign(vm.metadata, {
    name,
    namespace,
    labels: { 'app.kubernetes.io/part-of': 'vmdeck-demo', tier },
  })
  const vmi = running ? structuredClone(fixtures.vmi) : undefined
  if (vmi?.status) vmi.status.nodeName = node
  index.upsert(toVmSummary(vm, vmi))
}
const buildMs = performance.now() - t

const byShape = new Map<string, number[]>()
for (let round = 0; round < Number(values.rounds); round++)
  for (let i = 0; i < 400; i++) {
    const query = listQuery(i)
    t = performance.now()
    queryVms(index, query, { all: true })
    const ms = performance.now() - t
    const shape = query.search
      ? 'search'
      : query.status || query.namespace
        ? 'filtered'
        : 'unfiltered'
    byShape.set(shape, [...(byShape.get(shape) ?? []), ms])
  }
console.log(
  JSON.stringify(
    {
      vms: index.size,
      buildMs: Math.round(buildMs),
      ...Object.fromEntries([...byShape].map(([shape, samples]) => [shape, stats(samples)])),
    },
    null,
    1,
  ),
)
