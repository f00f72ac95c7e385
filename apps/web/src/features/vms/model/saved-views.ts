/** The URL parameters that make up a view of the VM list (filters, columns, sort). */
export const viewParams = [
  'search',
  'status',
  'node',
  'namespace',
  'folder',
  'sort',
  'columns',
] as const

/** A named view: its URL parameters, as the list would put them in its URL. */
export interface SavedView {
  name: string
  params: Partial<Record<(typeof viewParams)[number], string>>
}

/** Views every user has; they filter with the search language and keep the user’s columns. */
export const builtInViews: SavedView[] = [
  { name: 'Running', params: { search: 'status:running' } },
  { name: 'Not running', params: { search: '-status:running' } },
  { name: 'Migrating', params: { search: 'status:migrating' } },
  { name: 'Errors', params: { search: 'status:error' } },
  // `paused:` reads when the VM entered Paused (its Paused condition's last transition).
  { name: 'Paused > 1 day', params: { search: 'status:paused paused:>1d' } },
]

const storageKey = (user: string) => `vmdeck.vm-views.${user}`

/** The user's saved views (kept in this browser only). */
export function loadViews(user: string): SavedView[] {
  try {
    const saved = JSON.parse(localStorage.getItem(storageKey(user)) ?? '[]') as unknown
    if (!Array.isArray(saved)) return []
    return saved.filter(
      (v): v is SavedView =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as SavedView).name === 'string' &&
        typeof (v as SavedView).params === 'object',
    )
  } catch {
    // A broken saved value is no view.
    return []
  }
}

export function storeViews(user: string, views: SavedView[]): void {
  localStorage.setItem(storageKey(user), JSON.stringify(views))
}

/** The view the URL shows, with the columns on screen. */
export function currentView(name: string, params: URLSearchParams, columns: string[]): SavedView {
  const view: SavedView = { name, params: {} }
  for (const key of viewParams) {
    const value = key === 'columns' ? columns.join(',') : params.get(key)
    if (value) view.params[key] = value
  }
  return view
}

/** URL changes that show a view: its parameters, the others cleared, back to page one. */
export function viewChanges(view: SavedView): Record<string, string | undefined> {
  const changes: Record<string, string | undefined> = { page: undefined }
  for (const key of viewParams) changes[key] = view.params[key]
  return changes
}

/** A link that shows the view to anyone who opens it. */
export function viewLink(view: SavedView, location: { origin: string; pathname: string }): string {
  const query = new URLSearchParams(Object.entries(view.params))
  return `${location.origin}${location.pathname}?${query.toString()}`
}

/** Whether the list shows exactly this view (its columns aside when it keeps the user's). */
export function isShowing(view: SavedView, params: URLSearchParams, columns: string[]): boolean {
  return viewParams.every((key) =>
    key === 'columns'
      ? !view.params.columns || view.params.columns === columns.join(',')
      : (params.get(key) ?? undefined) === view.params[key],
  )
}
