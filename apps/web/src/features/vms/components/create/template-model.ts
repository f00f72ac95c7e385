import type { InstantiateRequest, TemplateSummary } from '@vmdeck/shared'
import { templateKey } from '../../../../lib/template-queries.ts'
import type { WizardState } from './wizard-model.ts'

/**
 * Choosing a template fills the wizard from it: its namespace (a new VM is created beside its
 * template) and its size, an instancetype or vCPUs and memory, which the Size step then lets the
 * user change.
 */
export function templatePrefill(template: TemplateSummary): Partial<WizardState> {
  const size: Partial<WizardState> = template.instancetype
    ? { size: 'instancetype', instancetype: template.instancetype }
    : { size: 'custom', cpus: template.cpus ?? 1, memory: template.memory ?? '2Gi' }
  return {
    template: templateKey(template),
    templateSshKeys: template.sshKeys ?? false,
    sshKeySecret: '',
    namespace: template.namespace,
    ...size,
  }
}

/** One VM from the template, named by the wizard (a pattern without a range), with its size. */
export function toInstantiateRequest(state: WizardState): InstantiateRequest {
  const secret = state.sshKeySecret.trim()
  return {
    pattern: state.name,
    count: 1,
    start: state.startNow,
    size:
      state.size === 'instancetype'
        ? { kind: 'instancetype', instancetype: state.instancetype }
        : { kind: 'custom', cpus: state.cpus, memory: state.memory },
    ...(secret ? { sshKeySecret: secret } : {}),
  }
}

/** Where the wizard's template request goes; `?dryRun=true` for the review. */
export const instantiatePath = (state: WizardState) =>
  `templates/${state.template
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/')}/instantiate`
