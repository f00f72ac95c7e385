const binary = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/**
 * Bytes in the largest binary unit that keeps the number at least 1, with up to three
 * significant digits and no trailing zeros: `712 MiB`, `2.2 GiB`, `32 GiB`, `1.25 GiB`.
 */
export function formatBytes(value: number): string {
  let v = Math.abs(value)
  let i = 0
  while (v >= 1024 && i < binary.length - 1) {
    v /= 1024
    i++
  }
  const digits = v >= 100 || i === 0 ? 0 : v >= 10 ? 1 : 2
  return `${value < 0 ? '-' : ''}${Number(v.toFixed(digits))} ${binary[i]}`
}

/** CPU cores as Kubernetes counts them (fractions from millicores): `8`, `0.2`. */
export const formatCores = (cores: number) =>
  Number.isInteger(cores) ? `${cores}` : cores.toFixed(1)
