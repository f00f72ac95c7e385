import { describe, expect, it } from 'vitest'
import { summary } from '../../test/vm-summary-fixture.ts'
import { VmIndex } from '../kube/vm-list/vm-index.ts'
import { chosenColumns, exportChunks, exportedVms } from './vm-export.ts'

const text = (chunks: Iterable<string>) => [...chunks].join('')

describe('the VM export', () => {
  const vms = [
    summary({ name: 'web-1', labels: { 'vmdeck.io/folder': 'prod.web', tier: 'web' } }),
    summary({ name: 'odd', os: '=HYPERLINK("http://x")', ips: ['10.0.0.1', 'fd00::1'] }),
    summary({ name: 'q', namespace: 'dev', os: 'say "hi", then\nleave', cpus: 2 }),
  ]

  it('writes CSV with quoting, and defuses cells a spreadsheet would run as formulas', () => {
    const csv = text(exportChunks(vms, chosenColumns('name,folder,ips,os,cpus,labels'), 'csv'))
    expect(csv.split('\r\n')).toEqual([
      'Name,Folder,IP addresses,OS,vCPU,Labels',
      'web-1,prod/web,,,,vmdeck.io/folder=prod.web tier=web',
      `odd,,10.0.0.1 fd00::1,"'=HYPERLINK(""http://x"")",,`,
      'q,,,"say ""hi"", then\nleave",2,',
      '',
    ])
    for (const start of ['+', '-', '@', '\t'])
      expect(text(exportChunks([summary({ name: 'x', os: `${start}1` })], ['os'], 'csv'))).toBe(
        `OS\r\n'${start}1\r\n`,
      )
  })

  it('writes JSON with the chosen columns, absent values as null', () => {
    const json = JSON.parse(text(exportChunks(vms, chosenColumns('name,node,folder'), 'json')))
    expect(json).toEqual([
      { name: 'web-1', folder: 'prod/web', node: null },
      { name: 'odd', folder: null, node: null },
      { name: 'q', folder: null, node: null },
    ])
    expect(JSON.parse(text(exportChunks([], ['name'], 'json')))).toEqual([])
  })

  it('exports every matching VM in the list’s order, among the visible namespaces only', () => {
    const index = new VmIndex()
    for (let i = 0; i < 1_200; i++)
      index.upsert(
        summary({
          name: `vm-${String(i).padStart(4, '0')}`,
          namespace: i % 3 === 0 ? 'dev' : 'prod',
          status: i % 2 ? 'Running' : 'Stopped',
        }),
      )
    const got = exportedVms(
      index,
      { format: 'csv', search: 'status:running', sort: '-name' },
      { all: false, namespaces: new Set(['prod']) },
    )
    const want = [...index.values()]
      .filter((vm) => vm.namespace === 'prod' && vm.status === 'Running')
      .map((vm) => vm.name)
      .sort()
      .reverse()
    expect(got.map((vm) => vm.name)).toEqual(want)
    expect(want.length).toBeGreaterThan(300)
    const csv = text(exportChunks(got, ['name'], 'csv'))
    expect(csv.split('\r\n').length).toBe(want.length + 2)
  })
})
