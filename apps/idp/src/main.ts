// The demo's identity provider as a process: `node apps/idp/src/main.ts --state-dir DIR
// [--port 5556] [--redirect-uri URL]... [--post-logout-redirect-uri URL]... [--token-ttl 300]`.
// Prints "vmdeck idp: ready <issuer>" once it listens; the client secret, the CA and kube-apiserver's
// authentication configuration are files in the state directory.
import { parseArgs } from 'node:util'
import { startIdp } from './idp.ts'

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string', default: '.vmdeck/idp' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '5556' },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
    'post-logout-redirect-uri': { type: 'string', multiple: true, default: [] },
    'token-ttl': { type: 'string', default: '300' },
    'session-ttl': { type: 'string', default: String(8 * 3600) },
  },
})

const idp = await startIdp({
  stateDir: values['state-dir'],
  host: values.host,
  port: Number(values.port),
  redirectUris: values['redirect-uri'],
  postLogoutRedirectUris: values['post-logout-redirect-uri'],
  tokenTtlSeconds: Number(values['token-ttl']),
  sessionTtlSeconds: Number(values['session-ttl']),
})
console.log(`vmdeck idp: ready ${idp.issuer}`)
console.log(
  `vmdeck idp: users in ${idp.users.file}; API server configuration ${idp.authenticationConfigFile}`,
)
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void idp.stop().then(() => process.exit(0)))
