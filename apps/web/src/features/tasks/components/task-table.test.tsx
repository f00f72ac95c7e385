import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { Task } from '@vmdeck/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../../../testing/render.tsx'
import { TaskTable } from './task-table.tsx'

const task = (over: Partial<Task>): Task => ({
  id: 't-1',
  namespace: 'dev',
  user: 'admin',
  groups: [],
  action: 'stop',
  target: { cluster: 'c', namespace: 'dev', kind: 'VirtualMachine', name: 'web-01' },
  parameters: {},
  outcome: 'Succeeded',
  startedAt: '2026-12-07T10:00:00.000Z',
  created: [],
  ...over,
})

afterEach(() => vi.unstubAllGlobals())

describe('a bulk task in the task table', () => {
  it('opens to its result per VM and retries the failed ones as a new bulk action', async () => {
    const parent = task({
      id: 't-bulk',
      action: 'bulk',
      outcome: 'Failed',
      target: { cluster: 'c', namespace: 'dev', kind: 'VirtualMachine', name: '3 VMs' },
      parameters: { action: 'stop', count: '3' },
      message: '1 of 3 did not succeed.',
    })
    const children = [
      task({ id: 'c-1', parent: 't-bulk' }),
      task({
        id: 'c-2',
        parent: 't-bulk',
        target: { cluster: 'c', namespace: 'dev', kind: 'VirtualMachine', name: 'web-02' },
      }),
      task({
        id: 'c-3',
        parent: 't-bulk',
        outcome: 'Failed',
        message: 'virtualmachines "web-03" is forbidden',
        target: { cluster: 'c', namespace: 'dev', kind: 'VirtualMachine', name: 'web-03' },
      }),
    ]
    const posted: unknown[] = []
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/clusters/c/tasks?parent=t-bulk': () => ({ items: children, total: 3, running: 0 }),
        '/api/v1/clusters/c/vms/bulk': (init) => {
          posted.push(JSON.parse(init?.body as string))
          return { taskId: 't-retry', count: 1, sample: [], message: 'started' }
        },
        '/api/v1/clusters/c/tasks': () => ({ items: [], total: 0, running: 0 }),
      }),
    )
    renderWithApp(<TaskTable tasks={[parent]} label="Recent tasks" empty="none" cluster="c" />)
    expect(screen.getByText('admin stopped 3 VMs (bulk)')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Result per VM' }))
    const result = await screen.findByLabelText('Result per VM of task t-bulk')
    await within(result).findByText('dev/web-03')
    expect(within(result).getByText('3 of 3 started')).toBeInTheDocument()
    expect(within(result).getByText('2 succeeded')).toBeInTheDocument()
    expect(within(result).getByText(/is forbidden/)).toBeInTheDocument()
    await userEvent.click(within(result).getByRole('button', { name: 'Retry 1 failed' }))
    await vi.waitFor(() => expect(posted).toEqual([{ action: 'stop', retryOf: 't-bulk' }]))
  })
})

describe('a console session in the task table', () => {
  it('links a recorded session to its player, and an unrecorded one to nothing', () => {
    const recorded = task({
      id: 't-rec',
      action: 'console',
      parameters: {
        console: 'vnc',
        role: 'controller',
        recording: 'dev_web-01_2026-12-07.vnc.rfb',
      },
      durationMs: 65_000,
    })
    const plain = task({ id: 't-plain', action: 'console', parameters: { console: 'serial' } })
    renderWithApp(<TaskTable tasks={[recorded, plain]} label="Recent tasks" empty="none" />)
    const links = screen.getAllByRole('link', { name: 'Recording' })
    expect(links).toHaveLength(1)
    expect(links[0]).toHaveAttribute(
      'href',
      '/vms/dev/web-01/console?recording=dev_web-01_2026-12-07.vnc.rfb',
    )
  })
})
