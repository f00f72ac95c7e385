import { describe, expect, it } from 'vitest'
import { vmExportPath } from './export-link.ts'

describe('vmExportPath', () => {
  it('exports the list’s filters and sort, every page, with the columns on screen', () => {
    const path = vmExportPath(
      'c 1',
      {
        search: 'status:running web',
        status: 'Running',
        folder: 'shop/web',
        sort: '-node',
        limit: 50,
        offset: 100,
      },
      ['namespace', 'ip'],
      'csv',
    )
    const [pathname, query] = path.split('?')
    expect(pathname).toBe('/api/v1/clusters/c%201/vms/export')
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      format: 'csv',
      folder: 'shop/web',
      search: 'status:running web',
      status: 'Running',
      sort: '-node',
      columns: 'name,folder,namespace,ips',
    })
  })
})
