import {
  Alert,
  Button,
  CodeBlock,
  CodeBlockCode,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Modal,
  ModalBody,
  ModalHeader,
  Skeleton,
  Title,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import type { MigrationAdvice, VmMigration } from '@vmdeck/shared'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { formatBytes } from '../../../lib/format.ts'
import { migrationInsightQueries, usePauseVm } from '../api/insight-queries.ts'

const verdicts: Record<
  MigrationAdvice['verdict'],
  { title: string; variant: 'success' | 'danger' | 'info' }
> = {
  converging: { title: 'Converging', variant: 'success' },
  'not-converging': { title: 'Not converging', variant: 'danger' },
  unknown: { title: 'Not measured', variant: 'info' },
  finished: { title: 'Finished', variant: 'info' },
}

const rate = (value: number | undefined) => (value === undefined ? '—' : `${formatBytes(value)}/s`)
const bytes = (value: number | undefined) => (value === undefined ? '—' : formatBytes(value))

function Numbers({ advice }: { advice: MigrationAdvice }) {
  const rows: [string, string][] = [
    ['Data processed', bytes(advice.processedBytes)],
    ['Data remaining', bytes(advice.remainingBytes)],
    ['Dirty rate (guest)', rate(advice.dirtyRate)],
    ['Transfer rate (link)', rate(advice.transferRate)],
    ['Estimated time left', advice.etaSeconds === undefined ? '—' : `${advice.etaSeconds} s`],
  ]
  return (
    <DescriptionList isHorizontal isCompact aria-label="Migration numbers">
      {rows.map(([term, value]) => (
        <DescriptionListGroup key={term}>
          <DescriptionListTerm>{term}</DescriptionListTerm>
          <DescriptionListDescription>{value}</DescriptionListDescription>
        </DescriptionListGroup>
      ))}
    </DescriptionList>
  )
}

/** The advisor on one migration: is it converging, why not, and what KubeVirt offers. */
export function MigrationAdvisor({
  cluster,
  migration,
  onClose,
}: {
  cluster: string
  migration: VmMigration
  onClose: () => void
}) {
  const advice = useQuery(
    migrationInsightQueries.advice(cluster, migration.namespace, migration.name),
  )
  const pause = usePauseVm(cluster)
  const data = advice.data
  return (
    <Modal isOpen onClose={onClose} variant="medium" aria-labelledby="advisor-title">
      <ModalHeader title={`Migration of ${migration.vmName}`} labelId="advisor-title" />
      <ModalBody>
        {advice.error && <ErrorAlert error={advice.error} title="No advice could be given" />}
        {advice.isPending && <Skeleton screenreaderText="Reading the migration's metrics" />}
        {data && (
          <>
            <Alert
              variant={verdicts[data.verdict].variant}
              isInline
              title={verdicts[data.verdict].title}
              style={{ marginBottom: 12 }}
            >
              {data.reason}
            </Alert>
            <Numbers advice={data} />
            {data.remedies.length > 0 && (
              <Title headingLevel="h3" size="md" style={{ marginTop: 16 }}>
                Remedies
              </Title>
            )}
            {data.remedies.map((remedy) => (
              <section key={remedy.id} aria-label={remedy.title} style={{ marginTop: 12 }}>
                <Title headingLevel="h4" size="md">
                  {remedy.title}
                </Title>
                <p>{remedy.explanation}</p>
                {remedy.manifest && (
                  <CodeBlock>
                    <CodeBlockCode>{remedy.manifest}</CodeBlockCode>
                  </CodeBlock>
                )}
                {remedy.action === 'pause' && (
                  <Button
                    variant="secondary"
                    size="sm"
                    isLoading={pause.isPending}
                    onClick={() => pause.mutate(migration)}
                  >
                    Pause {migration.vmName}
                  </Button>
                )}
              </section>
            ))}
          </>
        )}
      </ModalBody>
    </Modal>
  )
}
