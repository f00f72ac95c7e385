import type { VmListQuery } from '../../packages/shared/src/schemas/vms.ts'

const namespaces = ['', 'prod', 'dev', 'default']
const statuses = ['', 'Running', 'Stopped', 'Running,Stopped']
const sorts = ['name', '-name', 'namespace', 'status', '-createdAt', 'node'] as const
const searches = ['', 'vm-01', 'web', '000', 'db', 'vm-09999', 'nomatch']

/**
 * The i-th VM list query of the benches: namespace, status facets, free-text search, six sort
 * orders and page offsets in combination, 50 rows a page.
 */
export function listQuery(i: number): VmListQuery {
  const ns = namespaces[i % namespaces.length]
  const status = statuses[Math.floor(i / 4) % statuses.length]
  const search = searches[i % searches.length]
  return {
    limit: 50,
    ...(ns ? { namespace: ns } : {}),
    ...(status ? { status } : {}),
    ...(search ? { search } : {}),
    sort: sorts[i % sorts.length] ?? 'name',
    ...(i % 5 === 0 ? { offset: (i * 37) % 2000 } : {}),
  }
}

/** The same query as URL parameters. */
export const listQueryString = (i: number) =>
  new URLSearchParams(
    Object.entries(listQuery(i)).map(([key, value]) => [key, String(value)]),
  ).toString()
