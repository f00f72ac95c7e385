import {
  PageSection,
  SearchInput,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
  Pagination,
  Skeleton,
} from '@patternfly/react-core'
import {
  SortByDirection,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  type ThProps,
} from '@patternfly/react-table'
import { useQuery } from '@tanstack/react-query'
import type { VmListQuery } from '@vmdeck/shared'
import { useSearchParams } from 'react-router'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { vmQueries } from '../api/vm-queries.ts'
import { VmStatusLabel } from './vm-status-label.tsx'

const columns = [
  { key: 'name', label: 'Name' },
  { key: 'namespace', label: 'Namespace' },
  { key: 'status', label: 'Status' },
  { key: 'node', label: 'Node' },
  { key: null, label: 'IP address' },
  { key: 'createdAt', label: 'Created' },
] as const

const PAGE_SIZE = 50

export function VmListPage({ cluster }: { cluster: string }) {
  // Filters and sort live in the URL so a view can be shared.
  const [params, setParams] = useSearchParams()
  const sort = (params.get('sort') ?? 'name') as NonNullable<VmListQuery['sort']>
  const page = Math.max(1, Number(params.get('page') ?? 1))
  const search = params.get('search') ?? ''
  const query: VmListQuery = {
    sort,
    limit: PAGE_SIZE,
    ...(search ? { search } : {}),
    ...(page > 1 ? { offset: (page - 1) * PAGE_SIZE } : {}),
  }
  const list = useQuery(vmQueries.list(cluster, query))
  const update = (changes: Record<string, string | undefined>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current)
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value)
          else next.delete(key)
        }
        return next
      },
      { replace: true },
    )

  const sortBy = (key: string, index: number): ThProps['sort'] => ({
    sortBy: {
      index: columns.findIndex((c) => c.key === sort.replace(/^-/, '')),
      direction: sort.startsWith('-') ? SortByDirection.desc : SortByDirection.asc,
    },
    onSort: (_event, _index, direction) =>
      update({ sort: direction === SortByDirection.desc ? `-${key}` : key, page: undefined }),
    columnIndex: index,
  })

  return (
    <PageSection>
      <Title headingLevel="h1" size="xl" style={{ marginBottom: 8 }}>
        Virtual machines
      </Title>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <SearchInput
              aria-label="Search virtual machines by name or namespace"
              placeholder="Search by name or namespace"
              value={search}
              onChange={(_e, value) => update({ search: value, page: undefined })}
              onClear={() => update({ search: undefined, page: undefined })}
            />
          </ToolbarItem>
          <ToolbarItem variant="pagination" align={{ default: 'alignEnd' }}>
            <Pagination
              itemCount={list.data?.total ?? 0}
              perPage={PAGE_SIZE}
              page={page}
              perPageOptions={[{ title: String(PAGE_SIZE), value: PAGE_SIZE }]}
              onSetPage={(_e, next) => update({ page: next > 1 ? String(next) : undefined })}
              isCompact
            />
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {list.error && <ErrorAlert error={list.error} title="Virtual machines could not be loaded" />}
      <Table aria-label="Virtual machines" variant="compact" className="vmdeck-table">
        <Thead>
          <Tr>
            {columns.map((column, index) => (
              <Th key={column.label} {...(column.key ? { sort: sortBy(column.key, index) } : {})}>
                {column.label}
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {list.isPending &&
            Array.from({ length: 5 }, (_, i) => (
              <Tr key={i}>
                <Td colSpan={columns.length}>
                  <Skeleton screenreaderText="Loading virtual machines" />
                </Td>
              </Tr>
            ))}
          {list.data?.items.map((vm) => (
            <Tr key={`${vm.namespace}/${vm.name}`} data-vm={`${vm.namespace}/${vm.name}`}>
              <Td dataLabel="Name">{vm.name}</Td>
              <Td dataLabel="Namespace">{vm.namespace}</Td>
              <Td dataLabel="Status">
                <VmStatusLabel status={vm.status} />
              </Td>
              <Td dataLabel="Node">{vm.node ?? '—'}</Td>
              <Td dataLabel="IP address">{vm.ips[0] ?? '—'}</Td>
              <Td dataLabel="Created">{new Date(vm.createdAt).toLocaleString()}</Td>
            </Tr>
          ))}
          {list.data && list.data.items.length === 0 && (
            <Tr>
              <Td colSpan={columns.length}>
                {search ? `No virtual machine matches “${search}”.` : 'No virtual machines yet.'}
              </Td>
            </Tr>
          )}
        </Tbody>
      </Table>
    </PageSection>
  )
}
