import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The kubelet's serving certificate when none is provisioned: self-signed, for the node's name and
 * address, kept in the node's directory (as /var/lib/kubelet/pki/kubelet.crt) so restarts reuse it.
 * kube-apiserver does not verify kubelets unless given --kubelet-certificate-authority.
 */
export function ensureKubeletCert(
  dir: string,
  nodeName: string,
  address: string,
): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true })
  const certFile = join(dir, 'kubelet.crt')
  const keyFile = join(dir, 'kubelet.key')
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    execFileSync(
      'openssl',
      [
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
        `/CN=${nodeName}@${Math.floor(Date.now() / 1000)}`,
        '-addext',
        `subjectAltName=DNS:${nodeName},IP:${address}`,
        '-addext',
        'extendedKeyUsage=serverAuth',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'pipe' },
    )
  }
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }
}
