import {
  CloneRequest,
  MigrateRequest,
  RestoreRequest,
  SnapshotCreateRequest,
  VmActionRequest,
  VmCreateForm,
  vmPowerActions,
} from '@vmdeck/shared'
import fc from 'fast-check'
import { Type, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStack, C, login, ORIGIN, type TestStack } from './helper.ts'

let stack: TestStack
let cookie: string
beforeAll(async () => {
  stack = await buildStack()
  cookie = await login(stack.app, 'admin')
})
afterAll(() => stack.close())

/** What users and controllers could change: every object's identity, spec and deletion state. */
function fingerprint(): string {
  const kinds: [string, string, string][] = [
    ['kubevirt.io', 'v1', 'virtualmachines'],
    ['kubevirt.io', 'v1', 'virtualmachineinstancemigrations'],
    ['', 'v1', 'nodes'],
    ['snapshot.kubevirt.io', 'v1beta1', 'virtualmachinesnapshots'],
    ['snapshot.kubevirt.io', 'v1beta1', 'virtualmachinerestores'],
    ['clone.kubevirt.io', 'v1beta1', 'virtualmachineclones'],
  ]
  return JSON.stringify(
    kinds.map(([group, version, plural]) => {
      const def = stack.sim.registry.find(group, version, plural)
      if (!def) return []
      return stack.sim.store
        .list(def)
        .items.map((o) => [
          o.metadata.namespace,
          o.metadata.name,
          o.metadata.labels,
          o.spec,
          o.metadata.deletionTimestamp,
        ])
    }),
  )
}

const existing = fc.constantFrom(
  { namespace: 'prod', name: 'web-01' },
  { namespace: 'dev', name: 'build-runner' },
  { namespace: 'default', name: 'jumpbox' },
)
/** Path segments that are malformed or name nothing. */
const badSegment = fc.oneof(
  fc.string({ maxLength: 70 }).map(encodeURIComponent),
  fc.constantFrom('..', '%2e%2e', 'a%2Fb', 'UPPER', 'x'.repeat(64), '%00', 'caf%C3%A9', '-a'),
  fc.stringMatching(/^zz-[a-z0-9]{1,10}$/),
)
/** What the server receives: the JSON text of the body, parsed (undefined members vanish). */
const asSent = (body: unknown): unknown =>
  body === undefined ? undefined : (JSON.parse(JSON.stringify(body) ?? 'null') as unknown)
/** What the route validates: no body is the empty object where that is valid (no parameters). */
const asRead = (schema: TSchema, body: unknown): unknown =>
  body === undefined && Value.Check(schema, {}) ? {} : body
const invalidFor = (schema: TSchema) =>
  fc
    .oneof(fc.anything(), fc.object(), fc.constant(undefined))
    .map(asSent)
    .filter((body) => !Value.Check(schema, asRead(schema, body)))
const anyBody = fc.oneof(fc.anything(), fc.constant(undefined), fc.constant({})).map(asSent)

interface Attempt {
  method: 'POST' | 'DELETE'
  url: string
  body: unknown
}

const vmPath = ({ namespace, name }: { namespace: string; name: string }) =>
  `${C}/namespaces/${namespace}/vms/${name}`

/** Every mutating route, with inputs that are invalid (bad body) or name nothing (bad path). */
const attempts: Record<string, fc.Arbitrary<Attempt>> = {
  'POST vms': fc.record({
    method: fc.constant('POST' as const),
    url: fc.constantFrom(`${C}/vms`, `${C}/vms?dryRun=true`, `${C}/vms?dryRun=maybe`),
    body: invalidFor(VmCreateForm),
  }),
  'POST power action, bad body': fc.record({
    method: fc.constant('POST' as const),
    url: fc
      .tuple(existing, fc.constantFrom(...vmPowerActions))
      .map(([vm, a]) => `${vmPath(vm)}/${a}`),
    body: invalidFor(VmActionRequest),
  }),
  'POST power action, bad path': fc.record({
    method: fc.constant('POST' as const),
    url: fc
      .tuple(badSegment, badSegment, fc.oneof(fc.constantFrom(...vmPowerActions), badSegment))
      .map(([namespace, name, a]) => `${vmPath({ namespace, name })}/${a}`),
    body: anyBody,
  }),
  'POST migrate': fc.record({
    method: fc.constant('POST' as const),
    url: existing.map((vm) => `${vmPath(vm)}/migrate`),
    body: invalidFor(MigrateRequest),
  }),
  'DELETE migration': fc.record({
    method: fc.constant('DELETE' as const),
    url: fc
      .tuple(fc.oneof(existing, fc.record({ namespace: badSegment, name: badSegment })), badSegment)
      .map(([vm, m]) => `${vmPath(vm)}/migrations/${m}`),
    body: fc.constant(undefined),
  }),
  'POST clone': fc.record({
    method: fc.constant('POST' as const),
    url: existing.map((vm) => `${vmPath(vm)}/clone`),
    body: invalidFor(CloneRequest),
  }),
  'POST snapshot': fc.record({
    method: fc.constant('POST' as const),
    url: existing.map((vm) => `${vmPath(vm)}/snapshots`),
    body: invalidFor(SnapshotCreateRequest),
  }),
  'DELETE snapshot': fc.record({
    method: fc.constant('DELETE' as const),
    url: fc.tuple(existing, badSegment).map(([vm, s]) => `${vmPath(vm)}/snapshots/${s}`),
    body: fc.constant(undefined),
  }),
  'POST restore': fc.record({
    method: fc.constant('POST' as const),
    url: fc.tuple(existing, badSegment).map(([vm, s]) => `${vmPath(vm)}/snapshots/${s}/restore`),
    body: fc.oneof(invalidFor(RestoreRequest), fc.constant({})),
  }),
  'DELETE vm': fc.record({
    method: fc.constant('DELETE' as const),
    url: fc.oneof(
      fc.tuple(badSegment, badSegment).map(([namespace, name]) => vmPath({ namespace, name })),
      existing.map((vm) => `${vmPath(vm)}?deleteDisks=perhaps`),
      existing.map((vm) => `${vmPath(vm)}?unknown=1`),
    ),
    body: fc.constant(undefined),
  }),
  'POST node action': fc.record({
    method: fc.constant('POST' as const),
    url: fc.oneof(
      fc
        .tuple(badSegment, fc.constantFrom('cordon', 'uncordon', 'drain'))
        .map(([node, a]) => `${C}/nodes/${node}/${a}`),
      fc
        .tuple(fc.constantFrom('node-1', 'node-2'), badSegment)
        .map(([node, a]) => `${C}/nodes/${node}/${a}`),
    ),
    body: fc.oneof(fc.constant({}), invalidFor(Type.Object({}, { additionalProperties: false }))),
  }),
}

describe('every mutating route under random input', () => {
  for (const [route, arbitrary] of Object.entries(attempts)) {
    it(`${route}: always 4xx, never 5xx, never a change in the cluster`, async () => {
      const before = fingerprint()
      await fc.assert(
        fc.asyncProperty(arbitrary, async ({ method, url, body }) => {
          const response = await stack.app.inject({
            method,
            url,
            headers: {
              cookie,
              origin: ORIGIN,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(body === undefined ? {} : { payload: JSON.stringify(body) ?? 'null' }),
          })
          expect(
            response.statusCode,
            `${method} ${url} ${JSON.stringify(body)} → ${response.body}`,
          ).toBeGreaterThanOrEqual(400)
          expect(response.statusCode, `${method} ${url} → ${response.body}`).toBeLessThan(500)
        }),
        { numRuns: 60 },
      )
      expect(fingerprint()).toBe(before)
    })
  }
})
