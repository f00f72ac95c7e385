/**
 * Session keys written in this repository (demo files, tests, benches). Anyone can read them, so
 * a server sealing cookies with one lets anyone forge a session or open one to the raw token:
 * `configFromEnv` refuses them. The delivery tests check that every key in the repository is here.
 */
export const PUBLISHED_SESSION_KEYS: readonly string[] = [
  'compose-demo-session-key-not-for-production',
  'demo-only-session-key-not-for-production-use',
  'test-session-key-0123456789abcdef0123456789',
  'bench-session-key-0123456789abcdef0123456789',
  'bench-only-session-key-not-for-production-use',
  'package-test-session-key-0123456789abcdef',
  'in-cluster-test-session-key-0123456789',
]
