/**
 * The subset of kubectl's JSONPath that CRD printer columns use: `.a.b`, `.a[0]`,
 * `.a[?(@.type=='Ready')].status`. Returns the first match, as the Table printer shows it.
 */
export function evalJsonPath(object: unknown, path: string): unknown {
  const tokens = path.match(/\.[^.[\]]+|\[[^\]]+\]/g) ?? []
  let current: unknown[] = [object]
  for (const token of tokens) {
    const next: unknown[] = []
    for (const value of current) {
      if (value === null || value === undefined) continue
      if (token.startsWith('.')) {
        next.push((value as Record<string, unknown>)[token.slice(1)])
      } else if (/^\[\d+\]$/.test(token)) {
        if (Array.isArray(value)) next.push(value[Number(token.slice(1, -1))])
      } else {
        const filter = /^\[\?\(@\.([\w.]+)\s*==\s*['"]([^'"]*)['"]\)\]$/.exec(token)
        if (filter && Array.isArray(value)) {
          const [, field = '', expected] = filter
          for (const item of value) {
            if (String(evalJsonPath(item, `.${field}`)) === expected) next.push(item)
          }
        }
      }
    }
    current = next.filter((v) => v !== undefined)
  }
  return current[0]
}
