// The project's certificate helper (openssl, a CA of its own and a serving certificate it signed).
export { ensureServingCerts, type ServingCerts } from '../../cluster-sim/src/tls/make-certs.ts'
