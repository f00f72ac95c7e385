import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { Task, TaskList } from '@vmdeck/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../../../testing/render.tsx'
import { TasksDrawer } from './tasks-drawer.tsx'
import { VmTimeline } from './vm-timeline.tsx'

const task = (over: Partial<Task>): Task => ({
  id: 't-1',
  namespace: 'prod',
  user: 'admin',
  groups: [],
  action: 'stop',
  target: { cluster: 'c', namespace: 'prod', kind: 'VirtualMachine', name: 'web-01' },
  parameters: {},
  outcome: 'Running',
  startedAt: '2026-12-07T10:00:00.000Z',
  created: [],
  ...over,
})

afterEach(() => vi.unstubAllGlobals())

describe('the recent-tasks drawer', () => {
  it('counts running tasks in the masthead and lists the latest with their outcome', async () => {
    const list: TaskList = {
      items: [
        task({ id: 't-2', action: 'migrate', progress: 40 }),
        task({ id: 't-1', outcome: 'Succeeded' }),
      ],
      total: 2,
      running: 1,
    }
    vi.stubGlobal('fetch', fakeFetch({ '/api/v1/clusters/c/tasks?limit=10': () => list }))
    renderWithApp(<TasksDrawer cluster="c" />)
    await userEvent.click(await screen.findByRole('button', { name: 'Tasks: 1 running' }))
    const items = within(await screen.findByRole('list', { name: 'Recent tasks list' }))
    expect(items.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      expect.stringContaining('Running 40% admin migrated web-01'),
      expect.stringContaining('Succeeded admin stopped web-01'),
    ])
    expect(screen.getByRole('link', { name: 'All tasks' })).toHaveAttribute('href', '/tasks')
  })
})

describe("a VM's Tasks & events", () => {
  it('shows who did what, beside the events around it, newest first', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/clusters/c/namespaces/prod/vms/web-01/tasks': () => ({
          items: [task({ outcome: 'Succeeded', startedAt: '2026-12-07T10:00:01.000Z' })],
          total: 1,
          running: 0,
        }),
        '/api/v1/clusters/c/namespaces/prod/vms/web-01/events': () => ({
          items: [
            {
              type: 'Normal',
              reason: 'Stopped',
              message: 'The VM stopped',
              object: 'VirtualMachine/web-01',
              count: 1,
              lastSeen: '2026-12-07T10:00:09.000Z',
            },
          ],
        }),
        '/api/v1/clusters/c/migrations': () => ({ items: [] }),
      }),
    )
    renderWithApp(<VmTimeline cluster="c" namespace="prod" name="web-01" />)
    const table = await screen.findByRole('grid', { name: 'Tasks and events' })
    await within(table).findByText('Stopped: The VM stopped')
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringContaining('Stopped: The VM stopped'),
      expect.stringContaining('admin stopped web-01'),
    ])
    expect(within(rows[1]!).getByText('Succeeded')).toBeInTheDocument()
  })
})
