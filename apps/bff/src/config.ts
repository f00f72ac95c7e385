import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { AppOptions } from './app.ts'
import { oidcFromEnv } from './lib/oidc-config.ts'
import { PUBLISHED_SESSION_KEYS } from './lib/published-session-keys.ts'
import { prometheusTargetsFromEnv } from './lib/prometheus-targets.ts'

export interface ServerConfig extends AppOptions {
  host: string
  port: number
  /** Where `/metrics` is served, apart from the app (never through the Ingress). */
  metricsHost: string
  metricsPort: number
}

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace'
const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || host.startsWith('127.')

/**
 * Configuration from the environment (documented in the README):
 * KUBECONFIG, VMDECK_CONTEXTS, VMDECK_HOST, VMDECK_PORT, VMDECK_PUBLIC_ORIGIN,
 * VMDECK_SESSION_KEYS, VMDECK_SESSION_TTL_SECONDS, VMDECK_SESSION_IDLE_SECONDS, VMDECK_DEMO,
 * VMDECK_INSECURE_DEMO, VMDECK_NAMESPACE, VMDECK_METRICS_HOST, VMDECK_METRICS_PORT, VMDECK_WEB_ROOT,
 * VMDECK_TOKEN_LOGIN, the task history's VMDECK_TASK_RETENTION_DAYS, VMDECK_TASK_RETENTION_COUNT and
 * VMDECK_TASK_TIMEOUT_SECONDS, and the single sign-on settings VMDECK_OIDC_* (lib/oidc-config.ts).
 * Throws on a configuration that would be unsafe to serve (see the README).
 */
export function configFromEnv(env: NodeJS.ProcessEnv, log: (msg: string) => void): ServerConfig {
  const root = env.VMDECK_ROOT ?? process.cwd()
  const host = env.VMDECK_HOST ?? '127.0.0.1'
  const port = Number(env.VMDECK_PORT ?? 8080)
  const keys = (env.VMDECK_SESSION_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
  if (keys.some((k) => k.length < 32))
    throw new Error('VMDECK_SESSION_KEYS: every key needs at least 32 characters')
  // An explicit, documented override for a demo that is meant to be reachable (README).
  const insecureDemo = ['1', 'true'].includes(env.VMDECK_INSECURE_DEMO ?? '')
  if (!insecureDemo && keys.some((k) => PUBLISHED_SESSION_KEYS.includes(k)))
    throw new Error(
      'VMDECK_SESSION_KEYS holds a key published in the vmdeck repository: anyone could forge or open sessions. Set your own (openssl rand -base64 48), or leave it unset for a random one.',
    )
  const demo = ['1', 'true'].includes(env.VMDECK_DEMO ?? '')
  if (demo && !insecureDemo && !isLoopback(host))
    throw new Error(
      `VMDECK_DEMO hands out the demo users' tokens to anyone who can reach ${host}: listen on 127.0.0.1, or set VMDECK_INSECURE_DEMO=1 if that address is private to you.`,
    )
  if (keys.length === 0) {
    log(
      'VMDECK_SESSION_KEYS is not set: using a random key, so sessions end when this process does and replicas cannot share them.',
    )
    keys.push(randomBytes(32).toString('base64url'))
  }
  const ttl = Number(env.VMDECK_SESSION_TTL_SECONDS ?? 8 * 3600)
  const idle = Number(env.VMDECK_SESSION_IDLE_SECONDS ?? 30 * 60)
  if (!(idle > 0)) throw new Error('VMDECK_SESSION_IDLE_SECONDS: a number of seconds above 0')
  const inCluster = !env.KUBECONFIG && Boolean(env.KUBERNETES_SERVICE_HOST)
  const publicOrigin =
    env.VMDECK_PUBLIC_ORIGIN ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  const oidc = oidcFromEnv(env, publicOrigin)
  // Companies that require single sign-on turn the token form off (bearer headers still work).
  const tokenLogin = !['0', 'false'].includes(env.VMDECK_TOKEN_LOGIN ?? '')
  if (!tokenLogin && !oidc)
    throw new Error(
      'VMDECK_TOKEN_LOGIN=0 needs single sign-on (VMDECK_OIDC_ISSUER): nobody could log in',
    )
  const positive = (name: string, value: string | undefined, fallback: number) => {
    const parsed = Number(value ?? fallback)
    if (!(parsed > 0)) throw new Error(`${name}: a number above 0`)
    return parsed
  }
  // The task history (docs/ARCHITECTURE.md, "Tasks"): retention by age and count, and how long
  // the cluster may take to show an operation done before its task is marked failed.
  const tasks = {
    maxAgeMs:
      positive('VMDECK_TASK_RETENTION_DAYS', env.VMDECK_TASK_RETENTION_DAYS, 30) * 24 * 3600_000,
    maxPerNamespace: Math.floor(
      positive('VMDECK_TASK_RETENTION_COUNT', env.VMDECK_TASK_RETENTION_COUNT, 1000),
    ),
    timeoutMs: positive('VMDECK_TASK_TIMEOUT_SECONDS', env.VMDECK_TASK_TIMEOUT_SECONDS, 300) * 1000,
  }
  return {
    host,
    port,
    tasks,
    metricsHost: env.VMDECK_METRICS_HOST ?? host,
    metricsPort: Number(env.VMDECK_METRICS_PORT ?? 0),
    kubeconfigPath: resolve(env.KUBECONFIG ?? resolve(root, '.vmdeck/kubeconfig')),
    // In a pod without KUBECONFIG: the pod's service account (see deploy/).
    ...(inCluster ? { inCluster: true } : {}),
    // Revocation records go to the BFF's own namespace (its service account's, in a pod).
    sessionNamespace: env.VMDECK_NAMESPACE ?? (inCluster ? podNamespace() : 'default'),
    ...(env.VMDECK_CONTEXTS
      ? {
          contexts: env.VMDECK_CONTEXTS.split(',')
            .map((c) => c.trim())
            .filter(Boolean),
        }
      : {}),
    sessionKeys: keys,
    publicOrigin,
    ...(oidc ? { oidc } : {}),
    tokenLogin,
    sessionTtlMs: ttl * 1000,
    sessionIdleMs: idle * 1000,
    demo,
    webRoot: resolve(env.VMDECK_WEB_ROOT ?? resolve(root, 'apps/web/dist')),
    // VMDECK_PROMETHEUS_URL, VMDECK_PROMETHEUS_SCRAPE_INTERVAL: see plugins/app/prometheus.ts.
    ...(prometheusTargetsFromEnv(env)
      ? { prometheus: { targets: prometheusTargetsFromEnv(env) } }
      : {}),
  }
}

function podNamespace(): string {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || 'default'
  } catch {
    return 'default'
  }
}
