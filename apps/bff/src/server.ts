import Fastify from 'fastify'
import app from './app.ts'
import { configFromEnv } from './config.ts'
import { frameworkErrors } from './framework-errors.ts'
import { listenForMetrics } from './metrics-listener.ts'

// Only listens: everything else is in app.ts, which tests build directly.
const config = configFromEnv(process.env, (msg) => console.warn(msg))
const server = Fastify({
  logger: { level: process.env.VMDECK_LOG_LEVEL ?? 'info' },
  trustProxy: process.env.VMDECK_TRUST_PROXY === '1',
  frameworkErrors,
})
await server.register(app, config)
const address = await server.listen({ host: config.host, port: config.port })
// A plain line for scripts that wait for readiness, whatever the log level.
console.log(`vmdeck BFF listening on ${address} (public origin ${config.publicOrigin})`)
// Off unless VMDECK_METRICS_PORT names a port (deploy/base does).
const metrics =
  config.metricsPort > 0
    ? await listenForMetrics(server, { host: config.metricsHost, port: config.metricsPort })
    : undefined
if (metrics) console.log(`vmdeck metrics on ${metrics.url}`)
if (config.demo)
  console.log(
    `vmdeck demo: open ${config.publicOrigin} and log in as one of ${[...server.demoTokens.keys()].join(', ')}`,
  )

let closing = false
const stop = () => {
  if (closing) return
  closing = true
  void Promise.all([server.close(), metrics?.close()]).then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
