import {
  Alert,
  Checkbox,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  ExpandableSection,
  PageSection,
  Skeleton,
  Title,
  Wizard,
  WizardStep,
} from '@patternfly/react-core'
import { useMutation, useQuery } from '@tanstack/react-query'
import type { BulkAccepted, VmCreateResult } from '@vmdeck/shared'
import { useDeferredValue, useState } from 'react'
import { useNavigate, useSearchParams } from 'react-router'
import { ErrorAlert } from '../../../../components/ui/error-alert.tsx'
import { api, ApiError } from '../../../../lib/api-client.ts'
import { clusterPath } from '../../../../lib/cluster-queries.ts'
import { nameProblem } from '../../../../lib/k8s-name.ts'
import { toYaml } from '../../../../lib/to-yaml.ts'
import { useKnownNamespaces } from '../../api/use-known-namespaces.ts'
import { vmPath } from '../../../../lib/vm-queries.ts'
import { ReadOnlyYaml } from '../detail/yaml-tab.tsx'
import {
  containerDiskCatalog,
  initialWizardState,
  toCreateForm,
  wizardProblems,
  type WizardState,
} from './wizard-model.ts'
import { BasicsStep } from './steps/basics-step.tsx'
import { CloudInitStep } from './steps/cloud-init-step.tsx'
import { NetworksStep } from './steps/networks-step.tsx'
import { SizeStep } from './steps/size-step.tsx'
import { SourceStep } from './steps/source-step.tsx'
import { instantiatePath, toInstantiateRequest } from './template-model.ts'

const empty = (problems: Record<string, string>) => Object.keys(problems).length === 0

/** Is the name free in the namespace? Asked as you type (404 = free). */
function useNameTaken(cluster: string, namespace: string, name: string) {
  const deferred = useDeferredValue(name)
  const check = useQuery({
    queryKey: ['clusters', cluster, 'name-free', namespace, deferred],
    queryFn: async ({ signal }) => {
      try {
        await api.get(vmPath(cluster, { namespace, name: deferred }), { signal })
        return true
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return false
        throw error
      }
    },
    enabled: Boolean(namespace) && !nameProblem(deferred),
    retry: false,
    staleTime: 5_000,
  })
  return check.data && deferred === name
    ? `A VM named ${name} already exists in ${namespace}.`
    : undefined
}

export default function CreateVmPage({ cluster }: { cluster: string }) {
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const namespaceNames = useKnownNamespaces(cluster)
  const [state, setState] = useState<WizardState>(() =>
    initialWizardState(params.get('namespace') ?? 'default'),
  )
  const set = (patch: Partial<WizardState>) => setState((current) => ({ ...current, ...patch }))
  const [step, setStep] = useState<string | number>('basics')
  const problems = wizardProblems(state)
  const taken = useNameTaken(cluster, state.namespace, state.name)
  // A template carries its disks, networks and cloud-init: those steps do not apply to it.
  const fromTemplate = state.source === 'template'
  const [path, form] = fromTemplate
    ? [instantiatePath(state), toInstantiateRequest(state)]
    : ['vms', toCreateForm(state)]
  const ready =
    empty(problems.basics) &&
    !taken &&
    empty(problems.source) &&
    empty(problems.size) &&
    (fromTemplate ||
      (Object.keys(problems.networks).every((key) => key === 'none') && empty(problems.cloudInit)))

  const dryRun = useQuery({
    queryKey: ['clusters', cluster, 'create-dry-run', path, form],
    queryFn: ({ signal }) =>
      api.post<VmCreateResult>(`${clusterPath(cluster)}/${path}?dryRun=true`, form, { signal }),
    enabled: step === 'review' && ready,
    retry: false,
    gcTime: 0,
  })
  const create = useMutation({
    mutationFn: () =>
      api.post<VmCreateResult | BulkAccepted>(`${clusterPath(cluster)}/${path}`, form),
    meta: {
      success: () => `Created ${state.name}${state.startNow ? ', starting it' : ''}`,
      error: () => `Could not create ${state.name}`,
    },
    // From a template the VM is created by a task a moment later: the list shows it arrive.
    onSuccess: () => void navigate(fromTemplate ? '/vms' : `/vms/${state.namespace}/${state.name}`),
  })
  const namespacesWithCurrent = [...new Set([state.namespace, ...namespaceNames])].sort()
  const catalogLabel = containerDiskCatalog.find((entry) => entry.image === state.image)?.label
  const stepProps = (key: keyof typeof problems) => ({ state, set, problems: problems[key] })

  return (
    <PageSection>
      <Title headingLevel="h1" size="xl" style={{ marginBottom: 8 }}>
        Create a virtual machine
      </Title>
      <Wizard
        onClose={() => void navigate('/vms')}
        onSave={() => create.mutate()}
        onStepChange={(_event, current) => setStep(current.id)}
        height={560}
        navAriaLabel="Create VM steps"
        isVisitRequired
      >
        <WizardStep
          id="basics"
          name="Name"
          footer={{ isNextDisabled: !empty(problems.basics) || Boolean(taken) }}
        >
          <BasicsStep {...stepProps('basics')} namespaces={namespacesWithCurrent} taken={taken} />
        </WizardStep>
        <WizardStep
          id="source"
          name="Boot source"
          footer={{ isNextDisabled: !empty(problems.source) }}
        >
          <SourceStep {...stepProps('source')} cluster={cluster} />
        </WizardStep>
        <WizardStep id="size" name="Size" footer={{ isNextDisabled: !empty(problems.size) }}>
          <SizeStep {...stepProps('size')} />
        </WizardStep>
        <WizardStep
          id="networks"
          name="Networks"
          isHidden={fromTemplate}
          footer={{ isNextDisabled: Object.keys(problems.networks).some((k) => k !== 'none') }}
        >
          <NetworksStep {...stepProps('networks')} />
        </WizardStep>
        <WizardStep
          id="cloud-init"
          name="Cloud-init"
          isHidden={fromTemplate}
          footer={{ isNextDisabled: !empty(problems.cloudInit) }}
        >
          <CloudInitStep {...stepProps('cloudInit')} />
        </WizardStep>
        <WizardStep
          id="review"
          name="Review and create"
          footer={{
            nextButtonText: 'Create',
            isNextDisabled: !ready || !dryRun.isSuccess || create.isPending,
          }}
        >
          <DescriptionList isCompact isHorizontal style={{ marginBottom: 16 }}>
            <Row term="Name" value={`${state.namespace}/${state.name}`} />
            <Row
              term="Boot source"
              value={
                fromTemplate
                  ? `Template ${state.template}`
                  : state.source === 'url'
                    ? `Import ${state.url} (${state.diskSize})`
                    : state.source === 'pvc'
                      ? `Clone ${state.pvcNamespace}/${state.pvcName} (${state.diskSize})`
                      : (catalogLabel ?? state.image)
              }
            />
            <Row
              term="Size"
              value={
                state.size === 'instancetype'
                  ? state.instancetype
                  : `${state.cpus} vCPU, ${state.memory}`
              }
            />
            {fromTemplate ? (
              <Row term="SSH key secret" value={state.sshKeySecret.trim() || 'None'} />
            ) : (
              <>
                <Row
                  term="Networks"
                  value={
                    [state.podNetwork ? 'Pod network' : '', ...state.multus]
                      .filter(Boolean)
                      .join(', ') || 'None'
                  }
                />
                <Row
                  term="Cloud-init"
                  value={
                    state.user
                      ? `${state.user}, ${state.auth === 'ssh' ? 'SSH key' : state.auth === 'password' ? 'password' : 'no login'}`
                      : 'Image defaults'
                  }
                />
              </>
            )}
          </DescriptionList>
          <Checkbox
            id="start-now"
            label="Start the VM once it is created"
            isChecked={state.startNow}
            onChange={(_e, startNow) => set({ startNow })}
          />
          <div style={{ marginTop: 16 }} aria-live="polite">
            {dryRun.isFetching && (
              <Skeleton screenreaderText="Checking with the cluster (dry run)" />
            )}
            {dryRun.error && (
              <ErrorAlert error={dryRun.error} title="The cluster would refuse this VM" />
            )}
            {dryRun.isSuccess && !dryRun.isFetching && (
              <Alert
                variant="success"
                isInline
                isPlain
                title="The cluster accepts this VM (dry run)."
              >
                <ExpandableSection toggleText="Show YAML" toggleTextExpanded="Hide YAML">
                  <ReadOnlyYaml id="dry-run" text={toYaml(dryRun.data.manifest)} />
                </ExpandableSection>
              </Alert>
            )}
          </div>
        </WizardStep>
      </Wizard>
    </PageSection>
  )
}

function Row({ term, value }: { term: string; value: string }) {
  return (
    <DescriptionListGroup>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{value}</DescriptionListDescription>
    </DescriptionListGroup>
  )
}
