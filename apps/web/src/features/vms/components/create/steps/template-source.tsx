import {
  Alert,
  Card,
  CardHeader,
  CardTitle,
  Content,
  Gallery,
  Spinner,
  Title,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import { ErrorAlert } from '../../../../../components/ui/error-alert.tsx'
import { TextField } from '../../../../../components/ui/text-field.tsx'
import { byCategory, templateKey, templateQueries } from '../../../../../lib/template-queries.ts'
import { templatePrefill } from '../template-model.ts'
import type { StepProps } from './step-field.tsx'

const idOf = (key: string) => `template-${key.replace(/\W+/g, '-')}`

/** The templates the user may see, by category; the chosen one fills the wizard. */
export function TemplateSource({ cluster, state, set, problems }: StepProps & { cluster: string }) {
  const list = useQuery(templateQueries.list(cluster))
  if (list.error) return <ErrorAlert error={list.error} title="Templates could not be loaded" />
  if (list.isPending) return <Spinner size="lg" aria-label="Loading templates" />
  if (list.data.items.length === 0)
    return <Alert variant="info" isInline title="There are no templates you may use." />
  return (
    <>
      {byCategory(list.data.items).map(([category, items]) => (
        <section key={category} aria-label={category}>
          <Title headingLevel="h3" size="md" style={{ marginBottom: 8 }}>
            {category}
          </Title>
          <Gallery
            hasGutter
            minWidths={{ default: '220px' }}
            role="radiogroup"
            aria-label={`${category} templates`}
          >
            {items.map((t) => {
              const key = templateKey(t)
              return (
                <Card key={key} isSelectable isSelected={state.template === key} isCompact>
                  <CardHeader
                    selectableActions={{
                      selectableActionId: `${idOf(key)}-radio`,
                      selectableActionAriaLabelledby: `${idOf(key)}-title`,
                      name: 'template',
                      variant: 'single',
                      isChecked: state.template === key,
                      onChange: () => set(templatePrefill(t)),
                    }}
                  >
                    <CardTitle id={`${idOf(key)}-title`}>{t.name}</CardTitle>
                    <Content component="small" className="vmdeck-muted">
                      {[t.namespace, t.os, t.cpus && `${t.cpus} vCPU`, t.memory]
                        .filter(Boolean)
                        .join(' · ')}
                    </Content>
                    {t.description && <Content component="small">{t.description}</Content>}
                  </CardHeader>
                </Card>
              )
            })}
          </Gallery>
        </section>
      ))}
      {state.template && (
        <TextField
          id="vm-ssh-key-secret"
          label="SSH key secret"
          value={state.sshKeySecret}
          onChange={(sshKeySecret) => set({ sshKeySecret })}
          problem={problems.sshKeySecret}
          hint={
            state.templateSshKeys
              ? `A Secret in ${state.namespace} whose public keys the guest gets through the template's cloud-init disk; optional.`
              : 'This template has no cloud-init disk, so it cannot take an SSH key.'
          }
        />
      )}
    </>
  )
}
