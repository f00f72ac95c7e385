/** `metav1.Time` on the wire: RFC 3339 with whole seconds. */
export const rfc3339 = (date: Date = new Date()): string =>
  date.toISOString().replace(/\.\d{3}Z$/, 'Z')

/** `metav1.MicroTime` on the wire (a Lease's renewTime): RFC 3339 with six fractional digits. */
export const microTime = (date: Date = new Date()): string =>
  date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')

/**
 * The fixed-width RFC3339Nano the kubelet prefixes log lines with when asked for timestamps
 * (k8s.io/cri-client/pkg/logs RFC3339NanoFixed).
 */
export const rfc3339Nano = (date: Date): string => date.toISOString().replace(/Z$/, '000000Z')
