import { describe, expect, it } from 'vitest'
import { applyPresence, emptyPresence } from './console-presence.ts'

const admin = { id: 'a', user: 'admin' }
const helpdesk = { id: 'h', user: 'helpdesk' }

describe('applyPresence', () => {
  it('shows who controls, keeps requests of present followers, and says what changed', () => {
    let state = applyPresence(emptyPresence, {
      type: 'presence',
      you: admin,
      role: 'controller',
      controller: admin,
      followers: [helpdesk],
      autoGrantSeconds: 30,
      recorded: false,
    })
    state = applyPresence(state, { type: 'control-requested', by: helpdesk })
    state = applyPresence(state, { type: 'control-requested', by: helpdesk })
    expect(state.requests).toEqual([helpdesk])
    state = applyPresence(state, {
      type: 'control-changed',
      from: admin,
      to: helpdesk,
      how: 'taken-over',
      reason: 'incident',
    })
    expect(state.requests).toEqual([])
    expect(state.notice).toBe('helpdesk took over: incident.')
    state = applyPresence(state, {
      type: 'presence',
      you: admin,
      role: 'follower',
      controller: helpdesk,
      followers: [admin],
      autoGrantSeconds: 30,
      recorded: false,
    })
    expect(state).toMatchObject({ role: 'follower', controller: helpdesk, requested: false })
  })

  it('clears a pending request when it is refused', () => {
    const asked = { ...emptyPresence, role: 'follower' as const, requested: true }
    expect(applyPresence(asked, { type: 'control-refused', by: admin })).toMatchObject({
      requested: false,
      notice: 'admin kept control.',
    })
  })
})
