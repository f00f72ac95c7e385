import { useState } from 'react'
import { defaultColumns, vmColumns, type ColumnId } from '../components/vm-table.tsx'

const COLUMNS_KEY = 'vmdeck.vm-columns'

const known = (ids: unknown[]): ColumnId[] =>
  vmColumns.map((c) => c.id).filter((id) => ids.includes(id))

const savedColumns = (): ColumnId[] => {
  try {
    const saved = JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? 'null') as unknown
    if (Array.isArray(saved)) return known(saved)
  } catch {
    // A broken saved value falls back to the defaults.
  }
  return defaultColumns
}

/**
 * The list's columns: a view's `columns` in the URL when it names them (a shared link shows what
 * its sender saw), else the user's choice in this browser. A change is remembered in both.
 */
export function useListColumns(
  params: URLSearchParams,
  update: (changes: Record<string, string | undefined>) => void,
): [ColumnId[], (next: ColumnId[]) => void] {
  const [saved, setSaved] = useState(savedColumns)
  const inUrl = params.get('columns')
  const columns = inUrl !== null ? known(inUrl.split(',')) : saved
  const setColumns = (next: ColumnId[]) => {
    localStorage.setItem(COLUMNS_KEY, JSON.stringify(next))
    setSaved(next)
    if (inUrl !== null) update({ columns: next.join(',') })
  }
  return [columns, setColumns]
}
