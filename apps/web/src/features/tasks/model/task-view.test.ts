import type { Task, VmEvent, VmMigration } from '@vmdeck/shared'
import { describe, expect, it } from 'vitest'
import { formatDuration, narrowTasks, taskTitle, timelineOf } from './task-view.ts'

const task = (over: Partial<Task>): Task => ({
  id: 't-1',
  namespace: 'prod',
  user: 'admin',
  groups: [],
  action: 'stop',
  target: { cluster: 'c', namespace: 'prod', kind: 'VirtualMachine', name: 'web-01' },
  parameters: {},
  outcome: 'Succeeded',
  startedAt: '2026-12-07T10:00:00.000Z',
  created: [],
  ...over,
})

describe('task views', () => {
  it('says a console session with its kind and length', () => {
    expect(
      taskTitle(
        task({
          action: 'console',
          user: 'helpdesk',
          parameters: { console: 'vnc' },
          durationMs: 95_000,
        }),
      ),
    ).toBe('helpdesk opened a VNC console on web-01 (1 min 35 s)')
    expect(formatDuration(7_260_000)).toBe('2 h 1 min')
  })

  it("merges tasks, the VM's events and its migrations, newest first, without vmdeck's own events", () => {
    const events: VmEvent[] = [
      {
        type: 'Normal',
        reason: 'SuccessfulDelete',
        message: 'Stopped the VM',
        object: 'VirtualMachine/web-01',
        count: 1,
        lastSeen: '2026-12-07T10:00:05.000Z',
      },
      {
        type: 'Normal',
        reason: 'TaskSucceeded',
        message: 'admin stopped web-01',
        object: 'VirtualMachine/web-01',
        count: 1,
        lastSeen: '2026-12-07T10:00:06.000Z',
        source: 'vmdeck',
      },
    ]
    const migrations = [
      {
        namespace: 'prod',
        name: 'm-1',
        vmName: 'web-01',
        phase: 'Succeeded',
        active: false,
        createdAt: '2026-12-07T09:00:00.000Z',
        endedAt: '2026-12-07T09:00:10.000Z',
        targetNode: 'node-2',
        abortRequested: false,
        evacuation: false,
      },
    ] satisfies VmMigration[]
    const entries = timelineOf([task({})], events, migrations)
    expect(entries.map((e) => e.title)).toEqual([
      'SuccessfulDelete: Stopped the VM',
      'admin stopped web-01',
      'Migration m-1 moved it to node-2 (Succeeded)',
      'Migration m-1 started',
    ])
    expect(entries[1]).toMatchObject({ source: 'vmdeck', outcome: 'Succeeded' })
    expect(entries[1]?.recording).toBeUndefined()
  })

  it('links a recorded console session to its recording on the Console tab', () => {
    const [entry] = timelineOf(
      [task({ action: 'console', parameters: { console: 'serial', recording: 'a b.serial.txt' } })],
      [],
      [],
    )
    expect(entry?.recording).toBe('/vms/prod/web-01/console?recording=a%20b.serial.txt')
  })
})

describe('narrowing the rows already shown', () => {
  const rows = [
    task({ id: 'a', user: 'user-1', action: 'stop' }),
    task({ id: 'b', user: 'user-12', action: 'start', outcome: 'Failed' }),
    task({ id: 'c', user: 'admin', namespace: 'dev', startedAt: '2026-12-07T09:00:00.000Z' }),
  ]
  const ids = (tasks: Task[]) => tasks.map((t) => t.id)

  it('keeps the rows that pass every new filter, as the server would', () => {
    expect(ids(narrowTasks(rows, { user: 'USER-1' }))).toEqual(['a', 'b'])
    expect(ids(narrowTasks(rows, { user: 'user-1', outcome: 'Failed' }))).toEqual(['b'])
    expect(ids(narrowTasks(rows, { action: 'stop' }))).toEqual(['a', 'c'])
    expect(ids(narrowTasks(rows, { namespace: 'dev' }))).toEqual(['c'])
    expect(ids(narrowTasks(rows, { since: '2026-12-07T09:30:00.000Z' }))).toEqual(['a', 'b'])
    expect(ids(narrowTasks(rows, {}))).toEqual(['a', 'b', 'c'])
  })
})
