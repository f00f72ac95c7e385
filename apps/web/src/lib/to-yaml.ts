/** A small YAML writer for JSON values (objects from the API), for read-only display. */
export function toYaml(value: unknown, indent = 0): string {
  return write(value, indent).replace(/^\n/, '') + '\n'
}

const pad = (n: number) => ' '.repeat(n)
const plain = /^[A-Za-z0-9_./@-][A-Za-z0-9_ ./:@=+-]*$/
const reserved = /^(true|false|null|yes|no|on|off|~|-?[0-9.]+(e[0-9]+)?)$/i

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  if (text.includes('\n')) return `|-\n${text}`
  return plain.test(text) && !reserved.test(text) && !text.endsWith(' ')
    ? text
    : JSON.stringify(text)
}

function block(text: string, indent: number) {
  // Multi-line strings become literal blocks, indented under their key.
  if (!text.startsWith('|-\n')) return ` ${text}`
  return ` |-\n${text
    .slice(3)
    .split('\n')
    .map((line) => pad(indent) + line)
    .join('\n')}`
}

function write(value: unknown, indent: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []'
    return value
      .map((item) => {
        if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
          const inner = write(item, indent + 2).replace(/^\n/, '')
          return `\n${pad(indent)}- ${inner.slice(indent + 2)}`
        }
        return `\n${pad(indent)}-${item !== null && typeof item === 'object' ? write(item, indent + 2) : block(scalar(item), indent + 2)}`
      })
      .join('')
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    if (entries.length === 0) return ' {}'
    return entries
      .map(([key, v]) => {
        const name = plain.test(key) && !reserved.test(key) ? key : JSON.stringify(key)
        return `\n${pad(indent)}${name}:${
          v !== null && typeof v === 'object' ? write(v, indent + 2) : block(scalar(v), indent + 2)
        }`
      })
      .join('')
  }
  return block(scalar(value), indent)
}
