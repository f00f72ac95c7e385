import fastifyCookie from '@fastify/cookie'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import auth from './plugins/app/auth.ts'
import clusters from './plugins/app/clusters.ts'
import errorHandler from './plugins/app/error-handler.ts'
import spa from './plugins/app/spa.ts'
import securityHeaders from './plugins/external/security-headers.ts'
import clusterRoutes from './routes/clusters.ts'
import health from './routes/health.ts'
import session from './routes/session.ts'
import stream from './routes/stream.ts'
import vms from './routes/vms.ts'

export interface AppOptions {
  kubeconfigPath: string
  contexts?: string[]
  /** Session cookie encryption keys; the first seals, all open (rotation). */
  sessionKeys: string[]
  /** The origin browsers load vmdeck from, e.g. `http://127.0.0.1:8080`: the only one allowed to change state. */
  publicOrigin: string
  sessionTtlMs?: number
  demo?: boolean
  /** The built SPA (apps/web/dist); absent in API-only tests. */
  webRoot?: string
}

/** The whole BFF as one plugin: external plugins, then app plugins, then routes. */
async function app(fastify: FastifyInstance, options: AppOptions): Promise<void> {
  const api = fastify.withTypeProvider<TypeBoxTypeProvider>()
  await api.register(securityHeaders)
  await api.register(fastifyCookie)
  await api.register(errorHandler)
  await api.register(clusters, {
    kubeconfigPath: options.kubeconfigPath,
    ...(options.contexts ? { contexts: options.contexts } : {}),
    demo: options.demo ?? false,
  })
  await api.register(auth, {
    sessionKeys: options.sessionKeys,
    publicOrigin: options.publicOrigin,
    sessionTtlMs: options.sessionTtlMs ?? 8 * 60 * 60 * 1000,
    secureCookies: options.publicOrigin.startsWith('https:'),
  })
  await api.register(spa, { webRoot: options.webRoot })
  await api.register(health)
  await api.register(session)
  await api.register(clusterRoutes)
  await api.register(vms)
  await api.register(stream)
}

// Not encapsulated, so tests see the decorators (clusters, sessions) on the instance they build.
export default fp(app, { name: 'vmdeck' })
