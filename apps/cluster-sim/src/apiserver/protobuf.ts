import { badRequest } from './status-error.ts'

// The protobuf encoding kubectl uses for built-in kinds (`application/vnd.kubernetes.protobuf`,
// `k8s.io/apimachinery/pkg/runtime/serializer/protobuf`): the 4-byte magic `k8s\0`, then a
// runtime.Unknown {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3,
// contentType = 4} whose `raw` is the object's own message. Only what access reviews need is
// decoded: strings, bools, repeated strings and nested messages, by a per-kind field table.

export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf'
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00])

type FieldType =
  | 'string'
  | 'bool'
  | 'int'
  | 'strings'
  /** map<string,string> (repeated entries {key = 1, value = 2}) */
  | 'map'
  /** map<string,bytes>, as base64 the way JSON carries bytes */
  | 'bytesMap'
  | FieldTable
  | { list: FieldTable }
export type FieldTable = { [field: number]: [name: string, type: FieldType] }

type Wire = Map<number, (Buffer | number)[]>

function readVarint(buf: Buffer, at: number): [number, number] {
  let value = 0
  let shift = 0
  for (;;) {
    const byte = buf[at++]
    if (byte === undefined) throw badRequest('unexpected end of protobuf data')
    value += (byte & 0x7f) * 2 ** shift
    shift += 7
    if (byte < 0x80) return [value, at]
  }
}

function readMessage(buf: Buffer): Wire {
  const fields: Wire = new Map()
  let at = 0
  while (at < buf.length) {
    const [key, next] = readVarint(buf, at)
    at = next
    const field = Math.floor(key / 8)
    let value: Buffer | number
    switch (key & 7) {
      case 0:
        ;[value, at] = readVarint(buf, at)
        break
      case 1:
        value = 0
        at += 8
        break
      case 2: {
        const [length, start] = readVarint(buf, at)
        value = buf.subarray(start, start + length)
        at = start + length
        break
      }
      case 5:
        value = 0
        at += 4
        break
      default:
        throw badRequest(`unsupported protobuf wire type ${key & 7}`)
    }
    fields.set(field, [...(fields.get(field) ?? []), value])
  }
  return fields
}

const text = (v: Buffer | number | undefined) => (Buffer.isBuffer(v) ? v.toString('utf8') : '')

function toJson(wire: Wire, table: FieldTable): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [field, [name, type]] of Object.entries(table)) {
    const raw = wire.get(Number(field))
    if (!raw?.length) continue
    const last = raw[raw.length - 1]
    if (type === 'bool') out[name] = last === 1
    else if (type === 'int') out[name] = typeof last === 'number' ? last : 0
    else if (type === 'string') out[name] = text(last)
    else if (type === 'strings') out[name] = raw.map(text)
    else if (type === 'map' || type === 'bytesMap') {
      const entries = raw
        .filter((v): v is Buffer => Buffer.isBuffer(v))
        .map((entry) => {
          const fields = readMessage(entry)
          const value = fields.get(2)?.[0]
          return [
            text(fields.get(1)?.[0]),
            type === 'map' ? text(value) : Buffer.isBuffer(value) ? value.toString('base64') : '',
          ]
        })
      out[name] = Object.fromEntries(entries)
    } else if ('list' in type) {
      const list = type.list
      out[name] = raw
        .filter((v): v is Buffer => Buffer.isBuffer(v))
        .map((entry) => toJson(readMessage(entry), list))
    } else if (Buffer.isBuffer(last)) out[name] = toJson(readMessage(last), type)
  }
  return out
}

/** Decodes a Kubernetes protobuf envelope into `{apiVersion, kind, ...fields}` by the kind's table. */
export function decodeKubernetesProtobuf(
  body: Buffer,
  tables: Record<string, FieldTable>,
  unknownKind: (kind: string) => never = (kind) => {
    throw badRequest(`no kind "${kind}" is registered for the protobuf encoding`)
  },
) {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw badRequest(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    )
  const unknown = readMessage(body.subarray(4))
  const typeMeta = toJson(unknown, {
    1: ['typeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }],
  }).typeMeta as { apiVersion?: string; kind?: string } | undefined
  const kind = typeMeta?.kind ?? ''
  const table = tables[kind]
  if (!table) return unknownKind(kind)
  const raw = unknown.get(2)?.[0]
  const object = Buffer.isBuffer(raw) ? toJson(readMessage(raw), table) : {}
  return { apiVersion: typeMeta?.apiVersion ?? '', kind, ...object }
}
