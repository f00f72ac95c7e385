// Kubernetes resource quantities (`500m`, `4Gi`, `1e3`): binary suffixes are powers of 1024,
// decimal ones powers of 1000, and `m`, `u`, `n` fractions.

const binarySuffix: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
}
const decimalSuffix: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
}

/** A Kubernetes quantity as a number (bytes, cores, …); 0 when absent or unreadable. */
export function parseQuantity(value: string | undefined): number {
  if (!value) return 0
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([A-Za-z]*)$/.exec(value.trim())
  if (!match) return 0
  const number = Number(match[1])
  const suffix = match[2] ?? ''
  const factor = binarySuffix[suffix] ?? decimalSuffix[suffix]
  return Number.isFinite(number) && factor !== undefined ? number * factor : 0
}
