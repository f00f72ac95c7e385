// Sessions that end when they should: the BFF renews single sign-on sessions at least every
// refresh interval, so a removed group or a disabled account at the provider ends access within it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Revocation } from '../src/kube/session-revocations.ts'
import { as, C } from './helper.ts'
import { eventually, startSsoStack, type SsoStack } from './sso-harness.ts'

const REFRESH_MS = 1000
let sso: SsoStack

beforeAll(async () => {
  sso = await startSsoStack({ refreshMs: REFRESH_MS })
})

afterAll(async () => {
  await sso?.close()
})

const groupsOf = async (cookie: string) =>
  (await as(sso.stack.app, cookie).get<{ user: { groups: string[] } }>('/api/v1/session')).body.user
    .groups

describe('single sign-on sessions follow the provider', () => {
  it('renews the ID token in the background and keeps the session', async () => {
    const cookie = await sso.login('admin')
    const first = sso.stack.app.sessions.open(cookie.slice('vmdeck_session='.length))!
    const renewed = await as(sso.stack.app, cookie).get('/api/v1/session')
    expect(renewed.status).toBe(200)
    await eventually(async () => {
      const answer = await sso.stack.app.inject({ url: '/api/v1/session', headers: { cookie } })
      const next = answer.cookies.find((c) => c.name === 'vmdeck_session')
      const sealed = next && sso.stack.app.sessions.open(next.value)
      return Boolean(sealed && sealed.token !== first.token)
    })
  })

  it('drops a group removed at the provider within the refresh interval', async () => {
    const cookie = await sso.login('viewer')
    expect(await groupsOf(cookie)).toContain('oidc:auditors')
    const before = await as(sso.stack.app, cookie).get<{ items: unknown[] }>(`${C}/vms`)
    expect(before.body.items.length).toBeGreaterThan(0)
    // Open consoles and streams listen for this to re-check at once.
    let invalidated = 0
    const unsubscribe = sso.stack.app.clusters
      .get('vmdeck-sim')!
      .access.onInvalidate(() => invalidated++)
    sso.idp.users.update('viewer', { groups: [] })
    try {
      const removedAt = Date.now()
      await eventually(async () => !(await groupsOf(cookie)).includes('oidc:auditors'))
      expect(Date.now() - removedAt).toBeLessThan(REFRESH_MS + 4000)
      expect(invalidated).toBeGreaterThan(0)
      // RBAC bound to oidc:auditors no longer lets this session read the VMs.
      const after = await as(sso.stack.app, cookie).get<{ items?: unknown[] }>(`${C}/vms`)
      expect(after.status !== 200 || after.body.items?.length === 0).toBe(true)
    } finally {
      unsubscribe()
      sso.idp.users.update('viewer', { groups: ['auditors'] })
    }
  })

  it('ends the session on every replica when the provider refuses to renew it (account disabled)', async () => {
    const cookie = await sso.login('helpdesk')
    const sealed = sso.stack.app.sessions.open(cookie.slice('vmdeck_session='.length))!
    const revoked: Revocation[] = []
    const unsubscribe = sso.stack.app.revocations.onRevoked((r) => revoked.push(r))
    sso.idp.users.update('helpdesk', { disabled: true })
    try {
      await eventually(
        async () => (await as(sso.stack.app, cookie).get('/api/v1/session')).status === 401,
      )
      // Recorded in the cluster for the other replicas, with the reason consoles show.
      expect(revoked).toContainEqual({ kind: 'session', sid: sealed.sid, reason: 'provider' })
      expect(sso.stack.app.revocations.isRevoked(sealed)).toBe(true)
    } finally {
      unsubscribe()
      sso.idp.users.update('helpdesk', { disabled: false })
    }
    // Enabled again: a new sign-in works.
    expect(
      (await as(sso.stack.app, await sso.login('helpdesk')).get('/api/v1/session')).status,
    ).toBe(200)
  })
})
