import { badRequest } from './status-error.ts'

type Requirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' }

export type Selector = (labels: Record<string, string> | undefined) => boolean

/**
 * Parses a label selector in the syntax of `k8s.io/apimachinery/pkg/labels.Parse`:
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, joined by commas.
 */
export function parseLabelSelector(text: string | undefined): Selector {
  if (!text || !text.trim()) return () => true
  const requirements = splitTopLevel(text).map(parseRequirement)
  return (labels) => requirements.every((r) => matches(r, labels ?? {}))
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const char of text) {
    if (char === '(') depth++
    if (char === ')') depth--
    if (char === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += char
  }
  parts.push(current)
  return parts.map((p) => p.trim()).filter(Boolean)
}

const keyPattern =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/
const valuePattern = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/

function checkKey(key: string, whole: string): string {
  if (!keyPattern.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${whole}"`)
  return key
}
function checkValue(value: string, whole: string): string {
  if (!valuePattern.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: invalid label value: "${value}" in "${whole}"`)
  }
  return value
}

function parseRequirement(part: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part)
  if (setMatch) {
    const [, key = '', op, list = ''] = setMatch
    const values = list.split(',').map((v) => checkValue(v.trim(), part))
    return { key: checkKey(key, part), op: op === 'in' ? 'in' : 'notin', values }
  }
  const opMatch = /^([^!=\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(part)
  if (opMatch) {
    const [, key = '', op, value = ''] = opMatch
    return {
      key: checkKey(key, part),
      op: op === '!=' ? 'notin' : 'in',
      values: [checkValue(value, part)],
    }
  }
  if (part.startsWith('!')) return { key: checkKey(part.slice(1).trim(), part), op: '!exists' }
  return { key: checkKey(part, part), op: 'exists' }
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key)
  switch (r.op) {
    case 'exists':
      return has
    case '!exists':
      return !has
    case 'in':
      return has && r.values.includes(labels[r.key] ?? '')
    case 'notin':
      return !has || !r.values.includes(labels[r.key] ?? '')
  }
}

/** A metav1.LabelSelector object (`matchLabels` + `matchExpressions`), as RBAC aggregation uses. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>
  matchExpressions?: { key: string; operator: string; values?: string[] }[]
}

/** `metav1.LabelSelectorAsSelector`: an empty selector matches everything. */
export function labelSelectorMatcher(selector: LabelSelectorObject): Selector {
  const requirements: Requirement[] = [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]): Requirement => ({
      key,
      op: 'in',
      values: [value],
    })),
    ...(selector.matchExpressions ?? []).map(({ key, operator, values = [] }): Requirement => {
      switch (operator) {
        case 'In':
          return { key, op: 'in', values }
        case 'NotIn':
          return { key, op: 'notin', values }
        case 'Exists':
          return { key, op: 'exists' }
        case 'DoesNotExist':
          return { key, op: '!exists' }
        default:
          throw badRequest(`"${operator}" is not a valid label selector operator`)
      }
    }),
  ]
  return (labels) => requirements.every((r) => matches(r, labels ?? {}))
}
