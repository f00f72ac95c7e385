import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import type { AppOptions } from './app.ts'
import { prometheusTargetsFromEnv } from './plugins/app/prometheus.ts'

export interface ServerConfig extends AppOptions {
  host: string
  port: number
}

/**
 * Configuration from the environment (documented in the README):
 * KUBECONFIG, VMDECK_CONTEXTS, VMDECK_HOST, VMDECK_PORT, VMDECK_PUBLIC_ORIGIN,
 * VMDECK_SESSION_KEYS, VMDECK_SESSION_TTL_SECONDS, VMDECK_DEMO, VMDECK_WEB_ROOT.
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
  if (keys.length === 0) {
    log(
      'VMDECK_SESSION_KEYS is not set: using a random key, so sessions end when this process does and replicas cannot share them.',
    )
    keys.push(randomBytes(32).toString('base64url'))
  }
  const ttl = Number(env.VMDECK_SESSION_TTL_SECONDS ?? 8 * 3600)
  return {
    host,
    port,
    kubeconfigPath: resolve(env.KUBECONFIG ?? resolve(root, '.vmdeck/kubeconfig')),
    // In a pod without KUBECONFIG: the pod's service account (see deploy/).
    ...(!env.KUBECONFIG && env.KUBERNETES_SERVICE_HOST ? { inCluster: true } : {}),
    ...(env.VMDECK_CONTEXTS
      ? {
          contexts: env.VMDECK_CONTEXTS.split(',')
            .map((c) => c.trim())
            .filter(Boolean),
        }
      : {}),
    sessionKeys: keys,
    publicOrigin:
      env.VMDECK_PUBLIC_ORIGIN ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    sessionTtlMs: ttl * 1000,
    demo: ['1', 'true'].includes(env.VMDECK_DEMO ?? ''),
    webRoot: resolve(env.VMDECK_WEB_ROOT ?? resolve(root, 'apps/web/dist')),
    // VMDECK_PROMETHEUS_URL, VMDECK_PROMETHEUS_SCRAPE_INTERVAL: see plugins/app/prometheus.ts.
    ...(prometheusTargetsFromEnv(env)
      ? { prometheus: { targets: prometheusTargetsFromEnv(env) } }
      : {}),
  }
}
