import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ServingCerts {
  ca: string
  cert: string
  key: string
}

/**
 * The simulator's own CA and a serving certificate for 127.0.0.1/localhost, made once with the
 * system's openssl and kept in `dir` so kubeconfigs written earlier stay valid.
 */
export function ensureServingCerts(dir: string): ServingCerts {
  mkdirSync(dir, { recursive: true })
  const path = (name: string) => join(dir, name)
  if (!['ca.crt', 'server.crt', 'server.key'].every((name) => existsSync(path(name)))) {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' })
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      '/CN=vmdeck-sim-ca',
      '-keyout',
      path('ca.key'),
      '-out',
      path('ca.crt'),
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    )
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=kube-apiserver',
      '-keyout',
      path('server.key'),
      '-out',
      path('server.csr'),
    )
    writeFileSync(
      path('server.ext'),
      'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
    )
    openssl(
      'x509',
      '-req',
      '-in',
      path('server.csr'),
      '-CA',
      path('ca.crt'),
      '-CAkey',
      path('ca.key'),
      '-CAcreateserial',
      '-days',
      '3650',
      '-extfile',
      path('server.ext'),
      '-out',
      path('server.crt'),
    )
  }
  return {
    ca: readFileSync(path('ca.crt'), 'utf8'),
    cert: readFileSync(path('server.crt'), 'utf8'),
    key: readFileSync(path('server.key'), 'utf8'),
  }
}
