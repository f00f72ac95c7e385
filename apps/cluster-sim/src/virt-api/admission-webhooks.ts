// virt-api's admission webhooks (kubevirt v1.9.0 `pkg/virt-api/webhooks`, paths and names from
// `pkg/virt-operator/resource/generate/components/webhooks.go`): kube-apiserver POSTs an
// admission.k8s.io/v1 AdmissionReview, the admitter answers allowed, a JSON patch (mutators), or
// a refusal whose status kube-apiserver turns into the user's error. The rules are
// kubevirt/admission.ts and kubevirt/eviction.ts.
import { StatusError } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import type { KubevirtContext } from '../controllers/context.ts'
import {
  mutateMigrationCreate,
  validateMigrationCreate,
  validateVirtualMachine,
  type AdmissionInput,
  type Denial,
} from '../kubevirt/admission.ts'
import { admitLauncherEviction } from '../kubevirt/eviction.ts'

export const WEBHOOK_PATHS = {
  vmValidate: '/virtualmachines-validate',
  migrationValidateCreate: '/migration-validate-create',
  migrationMutateCreate: '/migration-mutate-create',
  podEvictionValidate: '/pod-eviction-validate',
} as const

/** The informer caches the admitters read (and the VMI they mark for evacuation). */
export interface WebhookContext {
  store: KubevirtContext['store']
  defs: Pick<KubevirtContext['defs'], 'vmi' | 'vmim' | 'pod'>
}

/** The part of an admission.k8s.io/v1 AdmissionRequest the admitters read. */
interface AdmissionRequest {
  uid: string
  resource?: { group: string; version: string; resource: string }
  subResource?: string
  name?: string
  namespace?: string
  operation: AdmissionInput['operation']
  userInfo?: { username?: string }
  object?: KObject | null
  oldObject?: KObject | null
  dryRun?: boolean
}

interface AdmissionResponse {
  uid: string
  allowed: boolean
  status?: Record<string, unknown>
  patchType?: 'JSONPatch'
  patch?: string
}

export const isWebhookPath = (path: string): path is keyof typeof admitters =>
  Object.hasOwn(admitters, path)

/** Answers one AdmissionReview posted to a webhook's `path`. */
export async function admissionReview(
  ctx: WebhookContext,
  path: keyof typeof admitters,
  review: unknown,
): Promise<Record<string, unknown>> {
  const admit = admitters[path]
  const request = (review as { request?: AdmissionRequest } | undefined)?.request
  if (!request?.uid) throw new StatusError(400, 'BadRequest', 'the AdmissionReview has no request')
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: await admit(ctx, request),
  }
}

const inputOf = (request: AdmissionRequest): AdmissionInput => ({
  operation: request.operation,
  object: request.object ?? undefined,
  oldObject: request.oldObject ?? undefined,
  username: request.userInfo?.username ?? '',
})

const allow = (request: AdmissionRequest): AdmissionResponse => ({
  uid: request.uid,
  allowed: true,
})

/** A refusal as the admitter's AdmissionResponse carries it (metav1.Status). */
function refuse(request: AdmissionRequest, denial: Denial): AdmissionResponse {
  return {
    uid: request.uid,
    allowed: false,
    status: {
      message: denial.message,
      code: denial.code,
      ...(denial.reason ? { reason: denial.reason } : {}),
      ...(denial.causes
        ? {
            details: {
              causes: denial.causes.map((c) => ({
                reason: c.type ?? 'FieldValueInvalid',
                message: c.message,
                field: c.field,
              })),
            },
          }
        : {}),
    },
  }
}

const answer = (request: AdmissionRequest, denial: Denial | undefined) =>
  denial ? refuse(request, denial) : allow(request)

const admitters: Record<
  (typeof WEBHOOK_PATHS)[keyof typeof WEBHOOK_PATHS],
  (ctx: WebhookContext, request: AdmissionRequest) => Promise<AdmissionResponse>
> = {
  [WEBHOOK_PATHS.vmValidate]: async (_ctx, request) =>
    answer(request, validateVirtualMachine(inputOf(request))),
  [WEBHOOK_PATHS.migrationValidateCreate]: async (ctx, request) =>
    answer(request, validateMigrationCreate(ctx, inputOf(request))),
  // The mutator replaces the whole metadata, as KubeVirt's does (`patch.WithReplace("/metadata")`).
  [WEBHOOK_PATHS.migrationMutateCreate]: async (_ctx, request) => {
    if (!request.object) return allow(request)
    const { metadata } = mutateMigrationCreate(request.object)
    const patch = [{ op: 'replace', path: '/metadata', value: metadata }]
    return {
      uid: request.uid,
      allowed: true,
      patchType: 'JSONPatch',
      patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
    }
  },
  // A pod KubeVirt cannot read is let through (`NewPassingAdmissionResponse`).
  [WEBHOOK_PATHS.podEvictionValidate]: async (ctx, request) => {
    const pod = ctx.store.peek(ctx.defs.pod, request.namespace ?? '', request.name ?? '')
    if (!pod) return allow(request)
    const eviction = request.object as { deleteOptions?: { dryRun?: string[] } } | undefined
    const dryRun = request.dryRun === true || eviction?.deleteOptions?.dryRun?.[0] === 'All'
    return answer(request, await admitLauncherEviction(ctx, pod, { dryRun }))
  },
}
