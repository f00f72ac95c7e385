import { FormSelect, FormSelectOption, TextArea } from '@patternfly/react-core'
import { useState } from 'react'
import { FormField } from '../../../components/ui/form-field.tsx'
import { labelProblem, pairsText, parsePairs } from '../model/validation.ts'
import { SectionCard } from './section-card.tsx'
import type { SectionProps } from './use-section-change.tsx'

const RUN_STRATEGIES = ['Always', 'RerunOnFailure', 'Manual', 'Halted', 'Once']
const EVICTION = ['', 'LiveMigrate', 'LiveMigrateIfPossible', 'External', 'None']

/** Description, labels, annotations, run and eviction strategy. */
export function DetailsSection({ config, reviewing, onReview }: SectionProps) {
  const { details, editable } = config
  const [description, setDescription] = useState(details.description)
  const [labels, setLabels] = useState(pairsText(details.labels))
  const [annotations, setAnnotations] = useState(pairsText(details.annotations))
  const [runStrategy, setRunStrategy] = useState<string>(details.runStrategy)
  const [eviction, setEviction] = useState<string>(details.evictionStrategy ?? '')
  const parsedLabels = parsePairs(labels)
  const parsedAnnotations = parsePairs(annotations)
  const labelsProblem = parsedLabels.problem ?? labelProblem(parsedLabels.pairs)
  const ok = !labelsProblem && !parsedAnnotations.problem
  return (
    <SectionCard
      title="Details"
      editable={editable}
      canReview={ok}
      reviewing={reviewing}
      onReview={() =>
        onReview('details', {
          description,
          labels: parsedLabels.pairs,
          annotations: parsedAnnotations.pairs,
          runStrategy,
          ...(eviction ? { evictionStrategy: eviction } : {}),
        })
      }
    >
      <FormField id="cfg-description" label="Description">
        <TextArea
          id="cfg-description"
          value={description}
          onChange={(_e, v) => setDescription(v)}
          readOnlyVariant={editable ? undefined : 'default'}
          rows={2}
          resizeOrientation="vertical"
        />
      </FormField>
      <FormField
        id="cfg-labels"
        label="Labels"
        problem={labelsProblem}
        hint="One key=value per line."
      >
        <TextArea
          id="cfg-labels"
          value={labels}
          onChange={(_e, v) => setLabels(v)}
          readOnlyVariant={editable ? undefined : 'default'}
          validated={labelsProblem ? 'error' : 'default'}
          rows={2}
          resizeOrientation="vertical"
        />
      </FormField>
      <FormField
        id="cfg-annotations"
        label="Annotations"
        problem={parsedAnnotations.problem}
        hint="One key=value per line."
      >
        <TextArea
          id="cfg-annotations"
          value={annotations}
          onChange={(_e, v) => setAnnotations(v)}
          readOnlyVariant={editable ? undefined : 'default'}
          validated={parsedAnnotations.problem ? 'error' : 'default'}
          rows={2}
          resizeOrientation="vertical"
        />
      </FormField>
      <FormField id="cfg-run-strategy" label="Run strategy">
        <FormSelect
          id="cfg-run-strategy"
          value={runStrategy}
          onChange={(_e, v) => setRunStrategy(v)}
          isDisabled={!editable}
        >
          {RUN_STRATEGIES.map((s) => (
            <FormSelectOption key={s} value={s} label={s} />
          ))}
        </FormSelect>
      </FormField>
      <FormField id="cfg-eviction" label="Eviction strategy">
        <FormSelect
          id="cfg-eviction"
          value={eviction}
          onChange={(_e, v) => setEviction(v)}
          isDisabled={!editable}
        >
          {EVICTION.map((s) => (
            <FormSelectOption key={s} value={s} label={s || 'Cluster default'} />
          ))}
        </FormSelect>
      </FormField>
    </SectionCard>
  )
}
