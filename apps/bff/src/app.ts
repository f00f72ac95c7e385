import fastifyCookie from '@fastify/cookie'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import auth from './plugins/app/auth.ts'
import clusters from './plugins/app/clusters.ts'
import commonErrors from './plugins/app/common-errors.ts'
import errorHandler from './plugins/app/error-handler.ts'
import prometheus, { type PrometheusOptions } from './plugins/app/prometheus.ts'
import routeContext from './plugins/app/route-context.ts'
import spa from './plugins/app/spa.ts'
import tasks, { type TasksOptions } from './plugins/app/tasks.ts'
import emptyBodies from './plugins/external/empty-bodies.ts'
import securityHeaders from './plugins/external/security-headers.ts'
import strictValidation from './plugins/external/strict-validation.ts'
import swagger from './plugins/external/swagger.ts'
import clusterScope from './routes/cluster-scope.ts'
import clusterList from './routes/clusters.ts'
import consoles, { type ConsolesOptions } from './routes/consoles.ts'
import { recordingsFromEnv } from './lib/console-recording.ts'
import docs from './routes/docs.ts'
import health from './routes/health.ts'
import session from './routes/session.ts'
import type { OidcOptions } from './lib/oidc-client.ts'

export interface AppOptions {
  kubeconfigPath: string
  /** Use the pod's service account (in-cluster config) instead of the kubeconfig. */
  inCluster?: boolean
  contexts?: string[]
  /** Session cookie encryption keys; the first seals, all open (rotation). */
  sessionKeys: string[]
  /** The origin browsers load vmdeck from, e.g. `http://127.0.0.1:8080`: the only one allowed to change state. */
  publicOrigin: string
  sessionTtlMs?: number
  /** A session unused this long ends (default 30 min). */
  sessionIdleMs?: number
  /** The BFF's own namespace, where session revocations are recorded (default `default`). */
  sessionNamespace?: string
  /** Failed logins allowed per client address and per token in a window (rate limit). */
  loginFailures?: { perAddress: number; perToken: number; windowMs: number }
  /** Event streams open at once per user (default 20). */
  maxStreamsPerUser?: number
  /** Uncached access reviews a user's `/permissions` calls may cause per minute (default 300). */
  permissionReviewsPerMinute?: number
  demo?: boolean
  /** The built SPA (apps/web/dist); absent in API-only tests. */
  webRoot?: string
  /** Prometheus per cluster, for charts; without it metrics answer 503. */
  prometheus?: PrometheusOptions
  /** Single sign-on with an OpenID provider (README: VMDECK_OIDC_*); absent: tokens only. */
  oidc?: OidcOptions
  /** Offer logging in with a pasted Kubernetes token (default true). */
  tokenLogin?: boolean
  /** VNC / serial console relay tuning (keepalive, re-check interval, per-user limit). */
  consoles?: Omit<ConsolesOptions, 'publicOrigin'>
  /** Task history: retention, timeout, follow interval (tasks about nodes go to sessionNamespace). */
  tasks?: Omit<TasksOptions, 'homeNamespace'>
}

/** The whole BFF as one plugin: external plugins, then app plugins, then routes. */
async function app(fastify: FastifyInstance, options: AppOptions): Promise<void> {
  const api = fastify.withTypeProvider<TypeBoxTypeProvider>()
  // Console recordings: written by the consoles, listed and served by the cluster routes.
  const recordings = options.consoles?.recordings ?? recordingsFromEnv()
  await api.register(securityHeaders)
  await api.register(fastifyCookie)
  await api.register(errorHandler)
  await api.register(strictValidation)
  await api.register(emptyBodies)
  await api.register(swagger)
  await api.register(clusters, {
    kubeconfigPath: options.kubeconfigPath,
    ...(options.inCluster ? { inCluster: true } : {}),
    ...(options.contexts ? { contexts: options.contexts } : {}),
    demo: options.demo ?? false,
  })
  await api.register(prometheus, options.prometheus ?? {})
  await api.register(auth, {
    sessionKeys: options.sessionKeys,
    publicOrigin: options.publicOrigin,
    sessionTtlMs: options.sessionTtlMs ?? 8 * 60 * 60 * 1000,
    sessionIdleMs: options.sessionIdleMs ?? 30 * 60 * 1000,
    sessionNamespace: options.sessionNamespace ?? 'default',
    ...(options.loginFailures ? { loginFailures: options.loginFailures } : {}),
    ...(options.oidc ? { oidc: options.oidc } : {}),
    secureCookies: options.publicOrigin.startsWith('https:'),
  })
  await api.register(tasks, {
    homeNamespace: options.sessionNamespace ?? 'default',
    ...options.tasks,
  })
  await api.register(spa, { webRoot: options.webRoot })
  await api.register(commonErrors)
  await api.register(routeContext)
  await api.register(health)
  await api.register(docs)
  await api.register(session, {
    prefix: '/api/v1',
    tokenLogin: options.tokenLogin ?? true,
    secureCookies: options.publicOrigin.startsWith('https:'),
    publicOrigin: options.publicOrigin,
  })
  await api.register(clusterList, { prefix: '/api/v1/clusters' })
  await api.register(clusterScope, {
    prefix: '/api/v1/clusters/:cluster',
    permissionReviewsPerMinute: options.permissionReviewsPerMinute ?? 300,
    maxStreamsPerUser: options.maxStreamsPerUser ?? 20,
    recordings,
  })
  await api.register(consoles, {
    ...options.consoles,
    recordings,
    publicOrigin: options.publicOrigin,
  })
}

// Not encapsulated, so tests see the decorators (clusters, sessions) on the instance they build.
export default fp(app, { name: 'vmdeck' })
