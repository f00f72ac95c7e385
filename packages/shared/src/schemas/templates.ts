import { Type, type Static } from 'typebox'
import { ClusterId, K8sName } from './common.ts'
import { VmComputeForm } from './create-vm.ts'

/** The label that marks a VM as a template: a VM kept stopped, the source of new VMs. */
export const TEMPLATE_LABEL = 'vmdeck.io/template'
export const TEMPLATE_CATEGORY_ANNOTATION = 'vmdeck.io/template-category'
export const TEMPLATE_DESCRIPTION_ANNOTATION = 'vmdeck.io/template-description'

/** `POST …/namespaces/{ns}/vms/{name}/template`: save a copy of the VM as a template. */
export const SaveTemplateRequest = Type.Object(
  {
    name: K8sName,
    category: Type.Optional(Type.String({ maxLength: 63 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
)
export type SaveTemplateRequest = Static<typeof SaveTemplateRequest>

/** One template as the catalog shows it. */
export const TemplateSummary = Type.Object({
  namespace: K8sName,
  name: K8sName,
  category: Type.String(),
  description: Type.String(),
  cpus: Type.Optional(Type.Integer()),
  memory: Type.Optional(Type.String()),
  /** The instancetype that sizes it, when one does. */
  instancetype: Type.Optional(Type.String()),
  os: Type.Optional(Type.String()),
  /** It has a cloud-init disk, so a new VM from it can take an SSH key (`sshKeySecret`). */
  sshKeys: Type.Optional(Type.Boolean()),
  createdAt: Type.String(),
})
export type TemplateSummary = Static<typeof TemplateSummary>

export const TemplateList = Type.Object({ items: Type.Array(TemplateSummary) })
export type TemplateList = Static<typeof TemplateList>

export const TemplateParams = Type.Object({
  cluster: ClusterId,
  namespace: K8sName,
  name: K8sName,
})
export type TemplateParams = Static<typeof TemplateParams>

/**
 * `POST …/templates/{ns}/{name}/instantiate`: new VMs from a template in its namespace, named by
 * a pattern (`web-{01..20}`, see expandNamePattern); `count`, when given, must equal the number of
 * names the pattern yields (what the form previewed). With `?dryRun=true` (VmCreateQuery) the
 * first VM is judged by the API server without creating anything and answered as a
 * VmCreateResult: what the create wizard reviews.
 */
export const InstantiateRequest = Type.Object(
  {
    pattern: Type.String({ minLength: 1, maxLength: 100 }),
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    start: Type.Optional(Type.Boolean()),
    /** A Secret in the namespace whose SSH public keys the guest agent propagates. */
    sshKeySecret: Type.Optional(K8sName),
    /** A size for the new VMs instead of the template's: an instancetype, or vCPUs and memory. */
    size: Type.Optional(VmComputeForm),
  },
  { additionalProperties: false },
)
export type InstantiateRequest = Static<typeof InstantiateRequest>
