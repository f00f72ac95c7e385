import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { vmManifest } from '../../apps/cluster-sim/src/seed/vm-manifest.ts'
import { expect, test } from '../fixtures.ts'

// The export of a filtered list of 1,000 VMs holds exactly those rows, as CSV and as JSON: a
// fleet of its own (1,050 stopped VMs in a namespace made for this journey, deleted and waited for
// after it, so no other journey's list or folder tree holds them), a search that matches 1,000 of them, and the files the
// browser downloads compared with what the cluster says the search should match.
test.describe.configure({ timeout: 480_000 })

// 1,000 inside the filter and 50 outside: a fleet this size is created and deleted through
// KubeVirt's own webhooks and controller within the journey's time on a loaded 2-CPU machine.
const FLEET = 1_050
const CONCURRENCY = 8

/** RFC 4180 as the export writes it: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  const endField = () => {
    row.push(field)
    field = ''
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"'
      i++
    } else if (c === '"') quoted = !quoted
    else if (quoted) field += c
    else if (c === ',') endField()
    else if (c === '\r' && text[i + 1] === '\n') {
      endField()
      rows.push(row)
      row = []
      i++
    } else field += c
  }
  if (field || row.length) {
    endField()
    rows.push(row)
  }
  return rows
}

async function download(page: Page, format: 'CSV' | 'JSON'): Promise<string> {
  await page.getByRole('button', { name: 'Export', exact: true }).click()
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: new RegExp(`Export as ${format}`) }).click(),
  ])
  return readFileSync(await file.path(), 'utf8')
}

test('the export of a filtered list of 1,000 VMs holds exactly those rows, as CSV and as JSON', async ({
  loginAs,
  cluster,
}) => {
  // Not named after the export: its node in the folder tree would match the journeys' Export.
  const namespace = `e2e-many-${Date.now().toString(36)}`
  await cluster.createNamespace(namespace)
  try {
    await test.step(`a fleet of ${FLEET} stopped VMs, one in 21 outside the filter`, async () => {
      let next = 0
      const worker = async () => {
        while (next < FLEET) {
          const i = next++
          const name = `exp-${String(i).padStart(4, '0')}`
          await cluster.api.createNamespacedCustomObject({
            group: 'kubevirt.io',
            version: 'v1',
            plural: 'virtualmachines',
            namespace,
            body: vmManifest({
              namespace,
              name,
              runStrategy: 'Halted',
              labels: {
                batch: i % 21 === 20 ? 'rest' : 'picked',
                // Two folders, so the filter cuts across them.
                'vmdeck.io/folder': i % 2 ? 'racks.b' : 'racks.a',
              },
            }),
          })
        }
      }
      await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    })
    // What the filter should match, from the cluster (kubectl get vm -l batch=picked).
    const expected = (await cluster.vmNames(namespace, 'batch=picked')).sort()
    expect(expected).toHaveLength(1_000)

    const page = await loginAs('admin')
    await page.goto(`/vms?namespace=${namespace}`)
    await expect(
      page.getByRole('button', { name: `All ${FLEET.toLocaleString('en')} matching` }),
    ).toBeVisible({ timeout: 60_000 })
    await page.getByRole('textbox', { name: 'Search virtual machines' }).fill('label:batch=picked')
    // The list's own count: every match, of which the table shows one page.
    await expect(page.getByRole('button', { name: 'All 1,000 matching' })).toBeVisible()
    await expect(page).toHaveURL(/search=label%3Abatch%3Dpicked/)

    await test.step('CSV: a header and one row per matching VM, no other', async () => {
      const [header, ...rows] = parseCsv(await download(page, 'CSV'))
      expect(header?.slice(0, 3)).toEqual(['Name', 'Namespace', 'Folder'])
      expect(rows).toHaveLength(1_000)
      expect(rows.map((row) => row[0]).sort()).toEqual(expected)
      expect(new Set(rows.map((row) => row[1]))).toEqual(new Set([namespace]))
      expect(new Set(rows.map((row) => row[2]))).toEqual(new Set(['racks/a', 'racks/b']))
    })

    await test.step('JSON: one object per matching VM, no other', async () => {
      const items = JSON.parse(await download(page, 'JSON')) as {
        name: string
        namespace: string
        folder: string
      }[]
      expect(items).toHaveLength(1_000)
      expect(items.map((vm) => vm.name).sort()).toEqual(expected)
      expect(new Set(items.map((vm) => vm.namespace))).toEqual(new Set([namespace]))
    })
  } finally {
    await cluster.deleteNamespace(namespace)
  }
})
