import { describe, expect, it } from 'vitest'
import { AccessControl } from './access.ts'
import type { KubeClient } from './kube-client.ts'

/** An AccessControl whose reviews are counted per token and always allowed. */
function counted() {
  const reviews = new Map<string, number>()
  const access = new AccessControl(
    (token) =>
      ({
        raw: () => {
          reviews.set(token, (reviews.get(token) ?? 0) + 1)
          return Promise.resolve({ status: 201, body: { status: { allowed: true } }, text: '' })
        },
      }) as unknown as KubeClient,
    { warn: () => undefined },
    60_000,
  )
  return { access, reviews }
}

describe('the access-decision cache', () => {
  it('gives each user a share: one user asking 50,001 distinct checks does not flush another’s', async () => {
    const { access, reviews } = counted()
    const check = { verb: 'list', group: 'kubevirt.io', resource: 'virtualmachines' }
    await access.can('victim', check)
    expect(reviews.get('victim')).toBe(1)
    for (let i = 0; i <= 50_000; i++)
      void access.can('flooder', { verb: 'get', resource: 'pods', namespace: `ns-${i}` })
    await access.can('victim', check)
    expect(reviews.get('victim')).toBe(1)
    expect(access.isCached('victim', check)).toBe(true)
    expect(access.size).toBeLessThanOrEqual(2_001)
  })
})
