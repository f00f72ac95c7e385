/** Why a name is not a valid DNS-1123 label (Kubernetes object and namespace names), or undefined. */
export function nameProblem(name: string): string | undefined {
  if (!name) return 'A name is required.'
  if (name.length > 63) return 'At most 63 characters.'
  if (/[A-Z]/.test(name)) return 'Lowercase letters only.'
  if (!/^[a-z0-9-]+$/.test(name)) return 'Only lowercase letters, digits and “-”.'
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return 'Must start and end with a letter or digit.'
  return undefined
}

/** A name that sorts by time, e.g. `web-01-20261125-2041`. */
export function timestampedName(base: string, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`
  return `${base.slice(0, 63 - stamp.length - 1)}-${stamp}`
}
