import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  CardTitle,
  Gallery,
  Label,
  PageSection,
  Spinner,
  Title,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import type { BulkAccepted, TemplateSummary } from '@vmdeck/shared'
import { useState } from 'react'
import { Link } from 'react-router'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { templateQueries, useInstantiate } from '../api/templates-api.ts'
import { byCategory } from '../../../lib/template-queries.ts'
import { CreateFromTemplateDialog } from './create-from-template-dialog.tsx'

/** The template catalog by category; "Create VMs…" runs a batch create as one bulk task. */
export default function TemplatesPage({ cluster }: { cluster: string }) {
  const list = useQuery(templateQueries.list(cluster))
  const instantiate = useInstantiate(cluster)
  const [chosen, setChosen] = useState<TemplateSummary>()
  const [started, setStarted] = useState<BulkAccepted>()
  return (
    <PageSection>
      <Title headingLevel="h1" size="2xl">
        Templates
      </Title>
      <p className="vmdeck-muted">
        VMs kept stopped and marked <code>vmdeck.io/template=true</code>; save one from a VM&apos;s
        page.
      </p>
      {started && (
        <Alert
          variant="info"
          isInline
          title={started.message}
          actionLinks={<Link to="/tasks">See the result per VM on the Tasks page</Link>}
          style={{ marginTop: 16 }}
        />
      )}
      {list.error && <ErrorAlert error={list.error} title="Templates could not be loaded" />}
      {list.isPending && <Spinner size="lg" aria-label="Loading templates" />}
      {list.data?.items.length === 0 && <p>No templates yet.</p>}
      {byCategory(list.data?.items ?? []).map(([category, items]) => (
        <section key={category} aria-label={category} style={{ marginTop: 24 }}>
          <Title headingLevel="h2" size="lg">
            {category}
          </Title>
          <Gallery hasGutter minWidths={{ default: '280px' }} style={{ marginTop: 8 }}>
            {items.map((t) => (
              <Card key={`${t.namespace}/${t.name}`} isCompact aria-label={t.name}>
                <CardHeader>
                  <CardTitle>
                    {t.name} <Label isCompact>Template</Label>
                  </CardTitle>
                </CardHeader>
                <CardBody>
                  <div className="vmdeck-muted">
                    {[t.namespace, t.os, t.cpus && `${t.cpus} vCPU`, t.memory]
                      .filter(Boolean)
                      .join(' · ')}
                  </div>
                  {t.description && <p>{t.description}</p>}
                  <Button
                    variant="secondary"
                    size="sm"
                    style={{ marginTop: 8 }}
                    onClick={() => setChosen(t)}
                  >
                    Create VMs…
                  </Button>
                </CardBody>
              </Card>
            ))}
          </Gallery>
        </section>
      ))}
      {chosen && (
        <CreateFromTemplateDialog
          template={chosen.name}
          busy={instantiate.isPending}
          onClose={() => setChosen(undefined)}
          onConfirm={(request) =>
            instantiate.mutate(
              { namespace: chosen.namespace, name: chosen.name, request },
              {
                onSuccess: (accepted) => {
                  setStarted(accepted)
                  setChosen(undefined)
                },
              },
            )
          }
        />
      )}
    </PageSection>
  )
}
