import { describe, expect, it } from 'vitest'
import { taskSentence } from './task-sentence.ts'

describe('taskSentence', () => {
  const target = { cluster: 'c', namespace: 'prod', kind: 'VirtualMachine', name: 'web-01' }

  it('says who did what to which VM, in the past tense', () => {
    expect(taskSentence({ user: 'admin', action: 'stop', target })).toBe('admin stopped web-01')
    expect(taskSentence({ user: 'helpdesk', action: 'console', target })).toBe(
      'helpdesk opened a console on web-01',
    )
  })

  it('says what a bulk action did to each VM', () => {
    const many = { ...target, name: '20 VMs' }
    expect(
      taskSentence({ user: 'admin', action: 'bulk', target: many, parameters: { action: 'stop' } }),
    ).toBe('admin stopped 20 VMs (bulk)')
    expect(taskSentence({ user: 'admin', action: 'bulk', target: many })).toBe(
      'admin ran a bulk action on 20 VMs',
    )
  })
})
