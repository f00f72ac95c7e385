import type { SpecChange } from '@vmdeck/shared'

// The "Review changes" diff: what the API server would store against what it has, leaf by leaf.
// Lists of named things (disks, volumes, interfaces, networks) are matched by name, so removing
// the first disk reads as one removal rather than a shift of every disk after it.

type Json = unknown

const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isNamedList = (value: Json): value is { name: string }[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((item) => isObject(item) && typeof item.name === 'string')

function walk(path: string, before: Json, after: Json, out: SpecChange[]): void {
  if (JSON.stringify(before) === JSON.stringify(after)) return
  if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
      walk(path ? `${path}.${key}` : key, before[key], after[key], out)
    return
  }
  const named =
    (isNamedList(before) ||
      before === undefined ||
      (Array.isArray(before) && before.length === 0)) &&
    (isNamedList(after) || after === undefined || (Array.isArray(after) && after.length === 0))
  if (named && (isNamedList(before) || isNamedList(after))) {
    const byName = (list: Json) =>
      new Map(
        (Array.isArray(list) ? (list as { name: string }[]) : []).map((item) => [item.name, item]),
      )
    const was = byName(before)
    const is = byName(after)
    for (const name of new Set([...was.keys(), ...is.keys()]))
      walk(`${path}[${name}]`, was.get(name), is.get(name), out)
    return
  }
  out.push({
    path,
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
  })
}

/** The changes between two VMs in what a user edits: labels, annotations and the spec. */
export function specDiff(before: Json, after: Json): SpecChange[] {
  const pick = (vm: Json) => {
    const object = isObject(vm) ? vm : {}
    const metadata = isObject(object.metadata) ? object.metadata : {}
    return {
      metadata: { labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} },
      spec: object.spec ?? {},
    }
  }
  const out: SpecChange[] = []
  walk('', pick(before), pick(after), out)
  return out
}
