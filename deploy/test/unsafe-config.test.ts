// Finding 3 of issue 12: the compose demo served cluster-admin on every interface with a session
// key written in the repository. The BFF now refuses both unless an explicit override is set.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { configFromEnv } from '../../apps/bff/src/config.ts'
import { PUBLISHED_SESSION_KEYS } from '../../apps/bff/src/lib/published-session-keys.ts'
import { root } from './helpers.ts'

const quiet = () => {}
const ownKey = () => randomBytes(32).toString('base64url')

describe('configuration an attacker could exploit is refused at start', () => {
  it('refuses every session key written in the repository', () => {
    for (const key of PUBLISHED_SESSION_KEYS)
      expect(() => configFromEnv({ VMDECK_SESSION_KEYS: key }, quiet), key).toThrow(
        /published in the vmdeck repository/,
      )
    // Also as the second (rotation) key.
    expect(() =>
      configFromEnv({ VMDECK_SESSION_KEYS: `${ownKey()},${PUBLISHED_SESSION_KEYS[0]}` }, quiet),
    ).toThrow(/published/)
    expect(configFromEnv({ VMDECK_SESSION_KEYS: ownKey() }, quiet).sessionKeys).toHaveLength(1)
  })

  it('knows every session key the repository holds', () => {
    // Any literal that looks like one of our keys, anywhere in the tracked files.
    const text = execFileSync(
      'git',
      ['grep', '-h', '-o', '-E', '[a-z0-9-]*session-key[a-z0-9-]*'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    )
    const found = new Set(text.split('\n').filter((word) => word.length >= 32))
    expect(found.size).toBeGreaterThan(0)
    for (const key of found) expect(PUBLISHED_SESSION_KEYS, key).toContain(key)
  })

  it('refuses demo mode on an address other than the loopback', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5'])
      expect(() =>
        configFromEnv(
          { VMDECK_SESSION_KEYS: ownKey(), VMDECK_DEMO: '1', VMDECK_HOST: host },
          quiet,
        ),
      ).toThrow(/VMDECK_DEMO hands out/)
    for (const host of ['127.0.0.1', '::1', 'localhost'])
      expect(
        configFromEnv({ VMDECK_SESSION_KEYS: ownKey(), VMDECK_DEMO: '1', VMDECK_HOST: host }, quiet)
          .demo,
      ).toBe(true)
  })

  it('allows both with the explicit, documented override VMDECK_INSECURE_DEMO=1', () => {
    const config = configFromEnv(
      {
        VMDECK_SESSION_KEYS: PUBLISHED_SESSION_KEYS[0],
        VMDECK_DEMO: '1',
        VMDECK_HOST: '0.0.0.0',
        VMDECK_INSECURE_DEMO: '1',
      },
      quiet,
    )
    expect(config.demo).toBe(true)
  })

  it('makes the idle timeout configurable, 30 minutes by default', () => {
    expect(configFromEnv({}, quiet).sessionIdleMs).toBe(30 * 60_000)
    expect(configFromEnv({ VMDECK_SESSION_IDLE_SECONDS: '90' }, quiet).sessionIdleMs).toBe(90_000)
    expect(() => configFromEnv({ VMDECK_SESSION_IDLE_SECONDS: '0' }, quiet)).toThrow(/IDLE/)
  })
})
