import { Type, type Static } from 'typebox'

/** One question for the API server: may the current user do `verb` on this resource? */
export const PermissionCheck = Type.Object({
  verb: Type.String({ pattern: '^[a-z*]+$', maxLength: 32 }),
  group: Type.Optional(Type.String({ pattern: '^[a-z0-9.-]*$', maxLength: 253 })),
  resource: Type.String({ pattern: '^[a-z0-9-*]+$', maxLength: 63 }),
  subresource: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+$', maxLength: 63 })),
  namespace: Type.Optional(
    Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
  ),
  name: Type.Optional(Type.String({ pattern: '^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$', maxLength: 253 })),
})
export type PermissionCheck = Static<typeof PermissionCheck>

/**
 * `GET /api/v1/clusters/{c}/permissions?checks=a,b,…`, each check written as
 * `verb:resource[.group][/subresource][:namespace[:name]]`, as `formatPermissionCheck` writes it:
 * `update:virtualmachines.subresources.kubevirt.io/start:prod`. At most 50 checks.
 */
export const PermissionQuery = Type.Object(
  { checks: Type.String({ minLength: 1, maxLength: 8000 }) },
  { additionalProperties: false },
)
export type PermissionQuery = Static<typeof PermissionQuery>

export const PermissionResult = Type.Object({
  /** The check exactly as asked, so the caller can key its results by it. */
  check: Type.String(),
  allowed: Type.Boolean(),
  reason: Type.Optional(Type.String()),
})
export type PermissionResult = Static<typeof PermissionResult>

export const PermissionResults = Type.Object({ items: Type.Array(PermissionResult) })
export type PermissionResults = Static<typeof PermissionResults>

/** Writes a check in the `checks=` syntax. */
export function formatPermissionCheck(check: PermissionCheck): string {
  let text = `${check.verb}:${check.resource}`
  if (check.group) text += `.${check.group}`
  if (check.subresource) text += `/${check.subresource}`
  if (check.namespace) text += `:${check.namespace}`
  if (check.namespace && check.name) text += `:${check.name}`
  return text
}

/** Reads one check of the `checks=` syntax; undefined when it is not well formed. */
export function parsePermissionCheck(text: string): PermissionCheck | undefined {
  const match =
    /^([a-z*]{1,32}):([a-z0-9*-]{1,63})(?:\.([a-z0-9.-]{1,253}))?(?:\/([a-z0-9-]{1,63}))?(?::([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(?::([a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?))?)?$/.exec(
      text,
    )
  if (!match) return undefined
  const [, verb, resource, group, subresource, namespace, , name] = match
  if (!verb || !resource) return undefined
  return {
    verb,
    resource,
    ...(group ? { group } : {}),
    ...(subresource ? { subresource } : {}),
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
  }
}

/** Every action the UI may enable or disable, and the Kubernetes permission it takes. */
export type VmUiAction =
  | 'start'
  | 'stop'
  | 'restart'
  | 'pause'
  | 'unpause'
  | 'force-stop'
  | 'force-restart'
  | 'migrate'
  | 'snapshot'
  | 'restore'
  | 'clone'
  | 'delete'
  | 'create'
  | 'vnc'
  | 'serial'

const sub = 'subresources.kubevirt.io'

/** The access check behind a VM action in a namespace (KubeVirt RBAC names: docs/KUBEVIRT-NOTES.md#rbac). */
export function vmActionPermission(action: VmUiAction, namespace: string): PermissionCheck {
  const vm = (subresource: string, verb = 'update') => ({
    verb,
    group: sub,
    resource: 'virtualmachines',
    subresource,
    namespace,
  })
  const vmi = (subresource: string, verb = 'update') => ({
    verb,
    group: sub,
    resource: 'virtualmachineinstances',
    subresource,
    namespace,
  })
  switch (action) {
    case 'start':
    case 'stop':
    case 'restart':
    case 'migrate':
      return vm(action)
    case 'force-stop':
      return vm('stop')
    case 'force-restart':
      return vm('restart')
    case 'pause':
    case 'unpause':
      return vmi(action)
    case 'vnc':
      return vmi('vnc', 'get')
    case 'serial':
      return vmi('console', 'get')
    case 'snapshot':
      return {
        verb: 'create',
        group: 'snapshot.kubevirt.io',
        resource: 'virtualmachinesnapshots',
        namespace,
      }
    case 'restore':
      return {
        verb: 'create',
        group: 'snapshot.kubevirt.io',
        resource: 'virtualmachinerestores',
        namespace,
      }
    case 'clone':
      return {
        verb: 'create',
        group: 'clone.kubevirt.io',
        resource: 'virtualmachineclones',
        namespace,
      }
    case 'delete':
      return { verb: 'delete', group: 'kubevirt.io', resource: 'virtualmachines', namespace }
    case 'create':
      return { verb: 'create', group: 'kubevirt.io', resource: 'virtualmachines', namespace }
  }
}
