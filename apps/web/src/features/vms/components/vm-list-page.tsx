import {
  Button,
  Flex,
  FlexItem,
  Label,
  PageSection,
  Pagination,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarFilter,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core'
import PlusIcon from '@patternfly/react-icons/dist/esm/icons/plus-icon'
import { skipToken, useQuery } from '@tanstack/react-query'
import { vmKey, type SessionInfo, type VmListQuery, type VmSummary } from '@vmdeck/shared'
import { useDeferredValue, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { useVmPermissions } from '../../../lib/permissions.ts'
import { vmQueries, type VmRef } from '../../../lib/vm-queries.ts'
import { useLiveFolders } from '../api/vm-folders.ts'
import { vmActions } from '../model/vm-actions.ts'
import { folderPaths } from '../model/folder-tree.ts'
import {
  PAGE_SIZES,
  vmListFacets,
  vmListPage,
  vmListPerPage,
  vmListQuery,
} from '../model/list-query.ts'
import { vmExportPath } from '../model/export-link.ts'
import { knownValues, useAppliedSearch } from '../model/known-values.ts'
import { useListColumns } from '../model/list-columns.ts'
import { facetCounts, statusFacets } from '../model/status-facets.ts'
import { BulkMatchingMenu } from './bulk-matching.tsx'
import { ColumnChooser } from './column-chooser.tsx'
import { useVmActionRunner } from './vm-action-runner.tsx'
import { MoveToFolderDialog } from './move-to-folder-dialog.tsx'
import { VmBulkActions } from './vm-bulk-actions.tsx'
import { VmExportMenu } from './vm-export-menu.tsx'
import { DRAG_TYPE, VmFolderTree } from './vm-folder-tree.tsx'
import { VmListLoading } from './vm-list-loading.tsx'
import { VmSearchBox } from './vm-search-box.tsx'
import { VmStatusFacets } from './vm-status-facets.tsx'
import { VmTable } from './vm-table.tsx'
import { VmViewsMenu } from './vm-views-menu.tsx'

// The session the app's gate loaded (features/session's query key): read, never fetched here.
const SESSION_KEY = ['session', 'current']

export function VmListPage({ cluster }: { cluster: string }) {
  // Filters, sort and page live in the URL so a view can be shared.
  const [params, setParams] = useSearchParams()
  const sort = (params.get('sort') ?? 'name') as NonNullable<VmListQuery['sort']>
  const perPage = vmListPerPage(params)
  const page = vmListPage(params)
  const search = params.get('search') ?? ''
  const namespace = params.get('namespace') ?? ''
  const node = params.get('node') ?? ''
  const folder = params.get('folder') ?? ''
  const facets = vmListFacets(params)
  // Typing stays instant; the request follows the deferred value.
  const deferredSearch = useDeferredValue(useAppliedSearch(search))
  const query = vmListQuery(params, deferredSearch)
  const list = useQuery(vmQueries.list(cluster, query))
  const { sort: _s, limit: _l, offset: _o, cursor: _c, ...matching } = query
  const counts = facetCounts(list.data?.counts)
  const folders = useLiveFolders(cluster)
  const [moving, setMoving] = useState<{ vms: VmRef[]; initial?: string } | undefined>()

  // Selection survives live updates and paging; it holds the rows as last seen.
  const [selection, setSelection] = useState<Map<string, VmSummary>>(new Map())
  const live = new Map(list.data?.items.map((vm) => [vmKey(vm), vm]))
  const selectedVms = [...selection.values()].map((vm) => live.get(vmKey(vm)) ?? vm)
  const select = (vms: VmSummary[], selected: boolean) =>
    setSelection((current) => {
      const next = new Map(current)
      for (const vm of vms) {
        if (selected) next.set(vmKey(vm), vm)
        else next.delete(vmKey(vm))
      }
      return next
    })

  const createIn = namespace || 'default'
  const can = useVmPermissions(
    cluster,
    [createIn, ...[...(list.data?.items ?? []), ...selectedVms].map((vm) => vm.namespace)],
    [...vmActions.map((def) => def.permission), 'create'],
  )
  const mayCreate = can('create', createIn)
  const runner = useVmActionRunner(cluster, { onDeleted: () => setSelection(new Map()) })

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
  const [columns, setColumns] = useListColumns(params, update)
  const session = useQuery<SessionInfo | null>({ queryKey: SESSION_KEY, queryFn: skipToken })
  const user = session.data?.user.username ?? ''
  const setFacets = (ids: string[]) => update({ status: ids.join(','), page: undefined })
  const facetLabel = (id: string) => statusFacets.find((f) => f.id === id)?.label ?? id
  const filtered = Boolean(search || facets.length || node)

  return (
    <PageSection>
      <Flex
        justifyContent={{ default: 'justifyContentSpaceBetween' }}
        alignItems={{ default: 'alignItemsCenter' }}
        style={{ marginBottom: 8 }}
      >
        <Title headingLevel="h1" size="xl">
          Virtual machines{' '}
          {list.data && (
            <Label isCompact variant="outline">
              {list.data.total}
            </Label>
          )}
        </Title>
        {mayCreate.allowed && !mayCreate.pending && (
          <Button
            variant="primary"
            icon={<PlusIcon />}
            component={(props: object) => (
              <Link {...props} to={namespace ? `/vms/new?namespace=${namespace}` : '/vms/new'} />
            )}
          >
            Create VM
          </Button>
        )}
      </Flex>
      <Flex flexWrap={{ default: 'nowrap' }} alignItems={{ default: 'alignItemsFlexStart' }}>
        <FlexItem style={{ width: 240, flexShrink: 0 }}>
          <VmFolderTree
            folders={folders.data}
            namespace={namespace}
            folder={folder}
            onChoose={(ns, path) => update({ namespace: ns, folder: path, page: undefined })}
            onDrop={(ns, path, vms) =>
              setMoving({ vms: vms.filter((vm) => vm.namespace === ns), initial: path })
            }
          />
        </FlexItem>
        <FlexItem flex={{ default: 'flex_1' }} style={{ minWidth: 0 }}>
          <VmStatusFacets facets={facets} counts={counts} onChange={setFacets} />
          <Toolbar
            clearAllFilters={() =>
              update({ status: undefined, search: undefined, node: undefined, page: undefined })
            }
          >
            <ToolbarContent>
              <ToolbarGroup variant="filter-group">
                <ToolbarItem>
                  <VmViewsMenu
                    key={user}
                    user={user}
                    params={params}
                    columns={columns}
                    onApply={update}
                  />
                </ToolbarItem>
                <ToolbarFilter
                  labels={search ? [search] : []}
                  deleteLabel={() => update({ search: undefined, page: undefined })}
                  categoryName="Search"
                >
                  <VmSearchBox
                    value={search}
                    onChange={(value) => update({ search: value, page: undefined })}
                    known={knownValues(list.data?.items ?? [], {
                      namespaces: folders.data?.items.map((item) => item.namespace),
                      folders: folderPaths(folders.data),
                    })}
                  />
                </ToolbarFilter>
                <ToolbarFilter
                  labels={facets.map((id) => ({ key: id, node: facetLabel(id) }))}
                  deleteLabel={(_category, label) =>
                    setFacets(
                      facets.filter((id) => id !== (typeof label === 'string' ? label : label.key)),
                    )
                  }
                  deleteLabelGroup={() => setFacets([])}
                  categoryName="Status"
                >
                  {null}
                </ToolbarFilter>
                <ToolbarFilter
                  labels={node ? [node] : []}
                  deleteLabel={() => update({ node: undefined, page: undefined })}
                  categoryName="Node"
                >
                  {null}
                </ToolbarFilter>
              </ToolbarGroup>
              <VmBulkActions
                selected={selectedVms}
                can={can}
                onRun={(id, vms) => runner.run(id, vms)}
                onMove={() => setMoving({ vms: selectedVms })}
                onClear={() => setSelection(new Map())}
              />
              <ToolbarItem>
                <BulkMatchingMenu
                  cluster={cluster}
                  total={list.data?.total ?? 0}
                  matching={matching}
                />
              </ToolbarItem>
              <ToolbarItem>
                <ColumnChooser columns={columns} onChange={setColumns} />
              </ToolbarItem>
              <ToolbarItem>
                <VmExportMenu href={(format) => vmExportPath(cluster, query, columns, format)} />
              </ToolbarItem>
              <ToolbarItem variant="pagination" align={{ default: 'alignEnd' }}>
                <Pagination
                  itemCount={list.data?.total ?? 0}
                  perPage={perPage}
                  page={page}
                  perPageOptions={PAGE_SIZES.map((size) => ({ title: String(size), value: size }))}
                  onSetPage={(_e, next) => update({ page: next > 1 ? String(next) : undefined })}
                  onPerPageSelect={(_e, size) =>
                    update({ perPage: size === 50 ? undefined : String(size), page: undefined })
                  }
                  isCompact
                />
              </ToolbarItem>
            </ToolbarContent>
          </Toolbar>
          {list.error && (
            <ErrorAlert error={list.error} title="Virtual machines could not be loaded" />
          )}
          {list.data?.loading && <VmListLoading />}
          <VmTable
            items={list.data?.items}
            loading={list.isPending}
            columns={columns}
            sort={sort}
            onSort={(next) => update({ sort: next === 'name' ? undefined : next, page: undefined })}
            selected={new Set(selection.keys())}
            onSelect={select}
            can={can}
            onAction={(id, vm) => runner.run(id, [vm])}
            onDragRow={(vm, event) => {
              // A selected row carries the whole selection along; any other row itself.
              const vms = selection.has(vmKey(vm)) ? selectedVms : [vm]
              const refs = vms.map(({ namespace, name }) => ({ namespace, name }))
              event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(refs))
              event.dataTransfer.effectAllowed = 'move'
            }}
            empty={
              filtered ? (
                <>
                  No virtual machine matches these filters.{' '}
                  <Button
                    variant="link"
                    isInline
                    onClick={() =>
                      update({ status: undefined, search: undefined, node: undefined })
                    }
                  >
                    Clear all filters
                  </Button>
                </>
              ) : (
                'No virtual machines yet.'
              )
            }
          />
          {runner.dialog}
          {moving && (
            <MoveToFolderDialog
              cluster={cluster}
              vms={moving.vms}
              folders={folderPaths(folders.data)}
              {...(moving.initial ? { initial: moving.initial } : {})}
              onClose={(moved) => {
                setMoving(undefined)
                if (moved) setSelection(new Map())
              }}
            />
          )}
        </FlexItem>
      </Flex>
    </PageSection>
  )
}
