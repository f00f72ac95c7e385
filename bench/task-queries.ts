// The task history's query cost on one BFF, in one process (no HTTP): N task records, as the
// informer delivers them, in a TaskStore; then the Tasks page's first rows (GET …/tasks: the
// newest 200 the user may see, after a change re-sorted the store) and each filter of the page,
// timed one by one, including the JSON the route would send.
//
//   node bench/task-queries.ts [--tasks 10000] [--rounds 50]
import { parseArgs } from 'node:util'
import type { TaskObject } from '../apps/bff/src/kube/api/task-requests.ts'
import { TaskStore } from '../apps/bff/src/kube/task-store.ts'
import { filterTasks, pageTasks, type TaskFilters } from '../apps/bff/src/lib/query-tasks.ts'
import { stats } from './lib/stats.ts'

// The informer's types, as the store takes them (the bench does not depend on client-node).
type Informer = ConstructorParameters<typeof TaskStore>[0]
type KubernetesObject = Parameters<Parameters<Informer['on']>[1]>[0]

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '50' },
  },
})
const count = Number(values.tasks)

/** An informer that is handed its objects by the bench. */
function fakeInformer() {
  const handlers = new Map<string, ((object: KubernetesObject) => void)[]>()
  const informer: Informer = {
    list: () => [],
    get: () => undefined,
    synced: true,
    on: (event, cb) => void handlers.set(event, [...(handlers.get(event) ?? []), cb]),
    start: async () => undefined,
    stop: async () => undefined,
  }
  const add = (object: KubernetesObject) => {
    for (const cb of handlers.get('add') ?? []) cb(object)
  }
  return { informer, add }
}

const actions = ['start', 'stop', 'restart', 'migrate', 'snapshot', 'console'] as const
const users = ['admin', 'helpdesk', 'alice', 'bob', 'carol']
const outcomes = ['Succeeded', 'Succeeded', 'Succeeded', 'Failed', 'Running'] as const
const record = (i: number): TaskObject => {
  const startedAt = new Date(Date.UTC(2026, 11, 1) + i * 60_000).toISOString()
  const outcome = outcomes[i % outcomes.length]!
  return {
    metadata: {
      name: `t-${i.toString(36)}`,
      namespace: `team-${i % 20}`,
      resourceVersion: String(i),
    },
    spec: {
      user: { username: users[i % users.length]!, groups: ['system:authenticated'] },
      action: actions[i % actions.length]!,
      target: {
        cluster: 'c',
        namespace: `team-${i % 20}`,
        kind: 'VirtualMachine',
        name: `vm-${i % 500}`,
      },
      parameters: i % 6 === 3 ? { targetNode: `node-${i % 8}` } : {},
      startedAt,
    },
    status: {
      outcome,
      ...(outcome === 'Running'
        ? {}
        : { endedAt: new Date(Date.parse(startedAt) + 4_000).toISOString() }),
      ...(outcome === 'Failed'
        ? { message: 'virtualmachines.subresources.kubevirt.io is forbidden' }
        : {}),
    },
  }
}

const { informer, add } = fakeInformer()
const store = new TaskStore(informer)
let t = performance.now()
for (let i = 0; i < count; i++) add(record(i) as KubernetesObject)
const loadMs = performance.now() - t

// A user who may see 10 of the 20 namespaces (the access review's answer, cached).
const visibility = {
  namespaces: {
    all: false,
    namespaces: new Set(Array.from({ length: 10 }, (_, i) => `team-${i}`)),
  },
  nodes: true,
} as const
const shapes: Record<string, TaskFilters> = {
  firstRows: {},
  user: { user: 'helpdesk' },
  action: { action: 'migrate' },
  outcome: { outcome: 'Failed' },
  namespace: { namespace: 'team-3' },
  since: { since: new Date(Date.UTC(2026, 11, 1) + (count - 600) * 60_000).toISOString() },
  combined: { user: 'admin', outcome: 'Succeeded', namespace: 'team-5' },
}
const samples = new Map<string, number[]>()
for (let round = 0; round < Number(values.rounds); round++)
  for (const [shape, filters] of Object.entries(shapes)) {
    // First rows after a change: the store re-sorts once, as after any task's update.
    if (shape === 'firstRows') add(record(round % count) as KubernetesObject)
    t = performance.now()
    const page = pageTasks(filterTasks(store.newestFirst(), filters, visibility), 200, undefined)
    JSON.stringify(page)
    samples.set(shape, [...(samples.get(shape) ?? []), performance.now() - t])
  }
console.log(
  JSON.stringify(
    {
      tasks: count,
      loadMs: Math.round(loadMs),
      ...Object.fromEntries([...samples].map(([shape, ms]) => [shape, stats(ms)])),
    },
    null,
    1,
  ),
)
