import { FormSelect, FormSelectOption, Radio } from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { FormField } from '../../../components/ui/form-field.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { vmConfigQueries } from '../api/vm-config-api.ts'
import { countProblem, memoryProblem } from '../model/validation.ts'
import { SectionCard } from './section-card.tsx'
import type { SectionProps } from './use-section-change.tsx'

/** vCPU topology and memory, or an instancetype; with the limits of a live change shown. */
export function ComputeSection({
  cluster,
  config,
  reviewing,
  onReview,
}: SectionProps & { cluster: string }) {
  const { compute, editable } = config
  const [kind, setKind] = useState(compute.kind)
  const [sockets, setSockets] = useState(String(compute.sockets ?? 1))
  const [cores, setCores] = useState(String(compute.cores ?? 1))
  const [threads, setThreads] = useState(String(compute.threads ?? 1))
  const [memory, setMemory] = useState(compute.memory ?? '1Gi')
  const [instancetype, setInstancetype] = useState(compute.instancetype?.name ?? '')
  const catalog = useQuery({
    ...vmConfigQueries.instancetypes(cluster, config.namespace),
    enabled: kind === 'instancetype',
  })
  const problems =
    kind === 'custom'
      ? {
          sockets: countProblem(
            sockets,
            'Sockets',
            config.running ? compute.maxSockets : undefined,
          ),
          cores: countProblem(cores, 'Cores'),
          threads: countProblem(threads, 'Threads'),
          memory: memoryProblem(memory, compute),
        }
      : { instancetype: instancetype ? undefined : 'Pick an instancetype.' }
  // Above a running VM's maximum is allowed: KubeVirt takes it at the next restart.
  const blocking = Object.entries(problems).filter(
    ([, p]) => p && !p.includes('at the next restart'),
  )
  const chosen = catalog.data?.items.find((i) => i.name === instancetype)
  return (
    <SectionCard
      title="Compute"
      editable={editable}
      canReview={blocking.length === 0}
      reviewing={reviewing}
      onReview={() =>
        onReview(
          'compute',
          kind === 'custom'
            ? {
                kind,
                sockets: Number(sockets),
                cores: Number(cores),
                threads: Number(threads),
                memory,
              }
            : {
                kind,
                instancetype: { name: instancetype, clusterScoped: chosen?.clusterScoped ?? true },
                ...(compute.preference ? { preference: compute.preference } : {}),
              },
        )
      }
    >
      <FormField id="cfg-compute-kind" label="Size from">
        <Radio
          id="cfg-compute-custom"
          name="cfg-compute-kind"
          label="vCPUs and memory"
          isChecked={kind === 'custom'}
          isDisabled={!editable}
          onChange={() => setKind('custom')}
        />
        <Radio
          id="cfg-compute-instancetype"
          name="cfg-compute-kind"
          label="An instancetype"
          isChecked={kind === 'instancetype'}
          isDisabled={!editable}
          onChange={() => setKind('instancetype')}
        />
      </FormField>
      {kind === 'custom' ? (
        <>
          <TextField
            id="cfg-sockets"
            label="Sockets"
            value={sockets}
            onChange={setSockets}
            problem={problems.sockets}
            {...(compute.maxSockets ? { hint: `Up to ${compute.maxSockets} while running.` } : {})}
          />
          <TextField
            id="cfg-cores"
            label="Cores per socket"
            value={cores}
            onChange={setCores}
            problem={problems.cores}
          />
          <TextField
            id="cfg-threads"
            label="Threads per core"
            value={threads}
            onChange={setThreads}
            problem={problems.threads}
          />
          <TextField
            id="cfg-memory"
            label="Memory"
            value={memory}
            onChange={setMemory}
            problem={problems.memory}
            hint={`At least ${compute.minMemory}${compute.maxGuest ? `; up to ${compute.maxGuest} while running` : ''}.`}
          />
        </>
      ) : (
        <FormField id="cfg-instancetype" label="Instancetype" problem={problems.instancetype}>
          <FormSelect
            id="cfg-instancetype"
            value={instancetype}
            onChange={(_e, v) => setInstancetype(v)}
            isDisabled={!editable}
          >
            <FormSelectOption value="" label="Pick one" isPlaceholder />
            {(catalog.data?.items ?? []).map((i) => (
              <FormSelectOption
                key={`${String(i.clusterScoped)}/${i.name}`}
                value={i.name}
                label={`${i.name}${i.cpus ? ` · ${i.cpus} vCPU` : ''}${i.memory ? ` · ${i.memory}` : ''}`}
              />
            ))}
          </FormSelect>
        </FormField>
      )}
    </SectionCard>
  )
}
