import {
  Button,
  Flex,
  Label,
  PageSection,
  Pagination,
  Title,
  ToggleGroup,
  ToggleGroupItem,
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
import { vmQueries } from '../../../lib/vm-queries.ts'
import { vmActionById, vmActions, type VmActionId } from '../model/vm-actions.ts'
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
import { ColumnChooser } from './column-chooser.tsx'
import { useVmActionRunner } from './vm-action-runner.tsx'
import { VmExportMenu } from './vm-export-menu.tsx'
import { VmListLoading } from './vm-list-loading.tsx'
import { VmSearchBox } from './vm-search-box.tsx'
import { VmTable } from './vm-table.tsx'
import { VmViewsMenu } from './vm-views-menu.tsx'

const bulkActions: VmActionId[] = ['start', 'stop', 'restart', 'migrate', 'delete']
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
  const facets = vmListFacets(params)
  // Typing stays instant; the request follows the deferred value.
  const deferredSearch = useDeferredValue(useAppliedSearch(search))
  const query = vmListQuery(params, deferredSearch)
  const list = useQuery(vmQueries.list(cluster, query))
  const counts = facetCounts(list.data?.counts)

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
      <ToggleGroup aria-label="Status" isCompact className="vmdeck-facets">
        {statusFacets.map((facet) => (
          <ToggleGroupItem
            key={facet.id}
            text={
              <>
                {facet.label} <span className="vmdeck-count">{counts[facet.id] ?? '…'}</span>
              </>
            }
            buttonId={`facet-${facet.id}`}
            isSelected={facets.includes(facet.id)}
            onChange={(_event, selected) =>
              setFacets(selected ? [...facets, facet.id] : facets.filter((id) => id !== facet.id))
            }
          />
        ))}
      </ToggleGroup>
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
                known={knownValues(list.data?.items ?? [])}
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
          <ToolbarGroup variant="action-group" aria-label="Bulk actions">
            <ToolbarItem alignSelf="center">
              <span className="vmdeck-muted" aria-live="polite">
                {selection.size} selected
              </span>
            </ToolbarItem>
            {bulkActions.map((id) => {
              const def = vmActionById[id]
              const targets = selectedVms.filter(
                (vm) => !def.blockedBy(vm) && can(def.permission, vm.namespace).allowed,
              )
              return (
                <ToolbarItem key={id}>
                  <Button
                    variant={def.danger ? 'danger' : 'secondary'}
                    size="sm"
                    isDisabled={targets.length === 0}
                    onClick={() => runner.run(id, targets)}
                  >
                    {def.label}
                  </Button>
                </ToolbarItem>
              )
            })}
            {selection.size > 0 && (
              <ToolbarItem>
                <Button variant="link" size="sm" onClick={() => setSelection(new Map())}>
                  Clear selection
                </Button>
              </ToolbarItem>
            )}
          </ToolbarGroup>
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
      {list.error && <ErrorAlert error={list.error} title="Virtual machines could not be loaded" />}
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
        empty={
          filtered ? (
            <>
              No virtual machine matches these filters.{' '}
              <Button
                variant="link"
                isInline
                onClick={() => update({ status: undefined, search: undefined, node: undefined })}
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
    </PageSection>
  )
}
