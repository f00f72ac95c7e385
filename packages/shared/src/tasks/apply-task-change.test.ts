import { describe, expect, it } from 'vitest'
import type { Task, TaskList } from '../schemas/tasks.ts'
import { applyTaskChange } from './apply-task-change.ts'

const task = (id: string, outcome: Task['outcome']): Task => ({
  id,
  namespace: 'prod',
  user: 'admin',
  groups: [],
  action: 'stop',
  target: { cluster: 'c', namespace: 'prod', kind: 'VirtualMachine', name: 'web-01' },
  parameters: {},
  outcome,
  startedAt: '2026-12-07T10:00:00.000Z',
  created: [],
})

describe('applyTaskChange', () => {
  const list: TaskList = { items: [task('b', 'Succeeded')], total: 1, running: 0 }

  it('puts a new running task first on an unfiltered page and counts it', () => {
    const next = applyTaskChange(list, { type: 'upsert', task: task('c', 'Running') }, true)
    expect(next.items.map((t) => t.id)).toEqual(['c', 'b'])
    expect(next.total).toBe(2)
    expect(next.running).toBe(1)
    const ended = applyTaskChange(next, { type: 'upsert', task: task('c', 'Succeeded') }, true)
    expect(ended.items[0]?.outcome).toBe('Succeeded')
    expect(ended.running).toBe(0)
  })

  it('leaves a filtered page alone for a task it does not hold', () => {
    expect(applyTaskChange(list, { type: 'upsert', task: task('c', 'Running') }, false)).toBe(list)
    expect(
      applyTaskChange(list, { type: 'delete', namespace: 'prod', id: 'b' }, false).items,
    ).toEqual([])
  })
})
