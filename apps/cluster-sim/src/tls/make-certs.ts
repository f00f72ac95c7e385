import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ServingCerts {
  ca: string
  cert: string
  key: string
}

export interface ServingCertOptions {
  /** The CA's common name (default `vmdeck-sim-ca`). */
  caName?: string
  /** The serving certificate's common name (default `kube-apiserver`). */
  commonName?: string
  /** Its subjectAltName entries (default 127.0.0.1, ::1 and localhost). */
  dnsNames?: string[]
  ips?: string[]
}

/**
 * A CA of its own and a serving certificate it signed, made once with the system's openssl and
 * kept in `dir` so clients configured earlier (kubeconfigs, caBundles) stay valid.
 */
export function ensureServingCerts(dir: string, options: ServingCertOptions = {}): ServingCerts {
  const subjectAltName = [
    ...(options.ips ?? ['127.0.0.1', '::1']).map((ip) => `IP:${ip}`),
    ...(options.dnsNames ?? ['localhost']).map((name) => `DNS:${name}`),
  ].join(',')
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
      `/CN=${options.caName ?? 'vmdeck-sim-ca'}`,
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
      `/CN=${options.commonName ?? 'kube-apiserver'}`,
      '-keyout',
      path('server.key'),
      '-out',
      path('server.csr'),
    )
    writeFileSync(
      path('server.ext'),
      `subjectAltName=${subjectAltName}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`,
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
