import {
  Button,
  ClipboardCopyButton,
  CodeBlock,
  CodeBlockAction,
  CodeBlockCode,
  Skeleton,
  Title,
} from '@patternfly/react-core'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { ErrorAlert } from '../../../../components/ui/error-alert.tsx'
import { copyText } from '../../../../lib/clipboard.ts'
import { useRevealCloudInit } from '../../api/vm-mutations.ts'
import type { VmRef } from '../../../../lib/vm-queries.ts'
import { vmTabQueries } from '../../api/vm-tab-queries.ts'

/**
 * The raw objects, read-only: an escape hatch, never the way to change a VM. Inline cloud-init
 * data comes masked (it often holds passwords); "Reveal cloud-init" asks for it, and the BFF
 * records who did.
 */
export function YamlTab({ cluster, vm }: { cluster: string; vm: VmRef }) {
  const yaml = useQuery(vmTabQueries.yaml(cluster, vm))
  const reveal = useRevealCloudInit(cluster, vm)
  if (yaml.error) return <ErrorAlert error={yaml.error} title="YAML could not be loaded" />
  if (yaml.isPending) return <Skeleton screenreaderText="Loading YAML" />
  const masked = yaml.data.items.some((item) => item.yaml.includes('(hidden: '))
  return (
    <>
      {masked && !reveal.data && (
        <Button
          variant="secondary"
          isLoading={reveal.isPending}
          onClick={() => reveal.mutate()}
          style={{ marginBottom: 16 }}
        >
          Reveal cloud-init
        </Button>
      )}
      {reveal.error && <ErrorAlert error={reveal.error} title="Cloud-init could not be revealed" />}
      {reveal.data?.items.map((item) => (
        <section key={`cloud-init/${item.volume}`} style={{ marginBottom: 16 }}>
          <Title headingLevel="h2" size="md" className="vmdeck-section-title">
            Cloud-init {item.volume}
          </Title>
          <ReadOnlyYaml
            id={`cloud-init-${item.volume}`}
            text={[
              item.userData ?? '',
              item.networkData ? `# network data\n${item.networkData}` : '',
              item.userDataSecretRef ? `# user data in Secret ${item.userDataSecretRef}` : '',
              item.networkDataSecretRef
                ? `# network data in Secret ${item.networkDataSecretRef}`
                : '',
            ]
              .filter(Boolean)
              .join('\n')}
          />
        </section>
      ))}
      {yaml.data.items.map((item) => (
        <section key={`${item.kind}/${item.name}`} style={{ marginBottom: 16 }}>
          <Title headingLevel="h2" size="md" className="vmdeck-section-title">
            {item.kind} {item.name}
          </Title>
          <ReadOnlyYaml id={`yaml-${item.kind}`} text={item.yaml} />
        </section>
      ))}
    </>
  )
}

export function ReadOnlyYaml({ id, text }: { id: string; text: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <CodeBlock
      actions={
        <CodeBlockAction>
          <ClipboardCopyButton
            id={`${id}-copy`}
            textId={`${id}-code`}
            aria-label="Copy"
            variant="plain"
            exitDelay={copied ? 1500 : 600}
            onClick={() => void copyText(text).then(setCopied)}
            onTooltipHidden={() => setCopied(false)}
          >
            {copied ? 'Copied' : 'Copy to clipboard'}
          </ClipboardCopyButton>
        </CodeBlockAction>
      }
    >
      <CodeBlockCode id={`${id}-code`} className="vmdeck-yaml">
        {text}
      </CodeBlockCode>
    </CodeBlock>
  )
}
