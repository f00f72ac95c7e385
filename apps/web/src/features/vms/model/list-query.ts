import type { VmListQuery } from '@vmdeck/shared'
import { facetStatuses } from './status-facets.ts'

export const PAGE_SIZES = [20, 50, 100, 200]

/**
 * The list request for the VM list's URL (filters, sort and page live there so a view can be
 * shared); `search` is the text to search for, which the page defers while typing.
 */
export function vmListQuery(params: URLSearchParams, search: string): VmListQuery {
  const sort = (params.get('sort') ?? 'name') as NonNullable<VmListQuery['sort']>
  const perPage = vmListPerPage(params)
  const page = vmListPage(params)
  const namespace = params.get('namespace') ?? ''
  const node = params.get('node') ?? ''
  const folder = params.get('folder') ?? ''
  const statuses = facetStatuses(vmListFacets(params))
  return {
    sort,
    limit: perPage,
    ...(search ? { search } : {}),
    ...(namespace ? { namespace } : {}),
    ...(node ? { node } : {}),
    ...(folder ? { folder } : {}),
    ...(statuses.length ? { status: statuses.join(',') } : {}),
    ...(page > 1 ? { offset: (page - 1) * perPage } : {}),
  }
}

export const vmListPerPage = (params: URLSearchParams) =>
  PAGE_SIZES.includes(Number(params.get('perPage'))) ? Number(params.get('perPage')) : 50

export const vmListPage = (params: URLSearchParams) =>
  Math.max(1, Number(params.get('page') ?? 1) || 1)

export const vmListFacets = (params: URLSearchParams) =>
  (params.get('status') ?? '').split(',').filter(Boolean)
