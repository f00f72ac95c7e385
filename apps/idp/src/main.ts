// The demo's identity provider as a process: `node apps/idp/src/main.ts --state-dir DIR
// [--port 5556] [--redirect-uri URL]... [--post-logout-redirect-uri URL]... [--token-ttl 300]`.
// Prints "vmdeck idp: ready <issuer>" once it listens; the client secret, the CA and kube-apiserver's
// authentication configuration are files in the state directory.
//
// Containers (docker-compose.yml, deploy/overlays/demo): `--issuer URL` is the address people and
// the API server reach when it is not the listening one, `--authentication-config FILE` writes the
// API server's configuration there too (the control plane's state directory), `--init` only makes
// the files and exits (run before the control plane starts), and `--insecure-any-address` allows
// `--host 0.0.0.0` in a container whose port is published on the host's loopback only.
import { parseArgs } from 'node:util'
import { prepareIdp, startIdp } from './idp.ts'

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string', default: '.vmdeck/idp' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '5556' },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
    'post-logout-redirect-uri': { type: 'string', multiple: true, default: [] },
    'token-ttl': { type: 'string', default: '300' },
    'session-ttl': { type: 'string', default: String(8 * 3600) },
    issuer: { type: 'string' },
    'authentication-config': { type: 'string' },
    init: { type: 'boolean', default: false },
    'insecure-any-address': { type: 'boolean', default: false },
  },
})

const files = {
  stateDir: values['state-dir'],
  ...(values.issuer ? { issuer: values.issuer } : {}),
  ...(values['authentication-config']
    ? { authenticationConfigCopy: values['authentication-config'] }
    : {}),
}
if (values.init) {
  if (!values.issuer) throw new Error('--init needs --issuer: the API server must know it')
  const { dir } = prepareIdp(files)
  console.log(`vmdeck idp: prepared ${dir} for ${values.issuer}`)
  process.exit(0)
}

const idp = await startIdp({
  ...files,
  host: values.host,
  anyAddress: values['insecure-any-address'],
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
