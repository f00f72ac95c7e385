import type { Task } from '@vmdeck/shared'
import { describe, expect, it } from 'vitest'
import { sessionStep, type SessionView } from './task-sessions.ts'

const startedAt = '2026-12-07T10:00:00.000Z'
const session: Task = {
  id: 't-1',
  namespace: 'prod',
  user: 'helpdesk',
  groups: [],
  action: 'console',
  target: { cluster: 'c', namespace: 'prod', kind: 'VirtualMachine', name: 'web-01' },
  parameters: { console: 'vnc', replica: 'vmdeck-a' },
  outcome: 'Running',
  startedAt,
  created: [],
}
const view = (over: Partial<SessionView>): SessionView => ({
  replica: 'vmdeck-b',
  held: false,
  renewedAt: undefined,
  heartbeatAt: undefined,
  heartbeatMs: 60_000,
  ...over,
})
const at = (seconds: number) => Date.parse(startedAt) + seconds * 1000

describe('a console session, pass by pass', () => {
  it('is renewed by the replica that holds it, once per heartbeat', () => {
    const held = view({ replica: 'vmdeck-a', held: true, renewedAt: at(0) })
    expect(sessionStep(session, held, at(59))).toBeUndefined()
    expect(sessionStep(session, held, at(60))).toEqual({ renew: true })
  })

  it('is ended by its own replica after a restart (no longer held there)', () => {
    expect(sessionStep(session, view({ replica: 'vmdeck-a' }), at(1))).toEqual({
      end: 'The console session ended when vmdeck restarted.',
    })
  })

  it('is left alone by another replica while renewals arrive, and ended after three are missed', () => {
    const renewed = '2026-12-07T10:05:00.000Z'
    expect(sessionStep(session, view({ heartbeatAt: renewed }), at(300 + 180))).toBeUndefined()
    expect(sessionStep(session, view({ heartbeatAt: renewed }), at(300 + 186))).toEqual({
      end: `The console session ended with vmdeck replica vmdeck-a, which stopped renewing it at ${renewed}.`,
    })
    // Never renewed: counted from its start.
    expect(sessionStep(session, view({}), at(186))).toMatchObject({ end: expect.any(String) })
  })
})
