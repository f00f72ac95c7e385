import { Button, FormSelect, FormSelectOption, TextArea } from '@patternfly/react-core'
import { useMutation, useQuery } from '@tanstack/react-query'
import type { CloudInitReveal } from '@vmdeck/shared'
import { useState } from 'react'
import { FormField } from '../../../components/ui/form-field.tsx'
import { api, type ApiError } from '../../../lib/api-client.ts'
import { vmPath } from '../../../lib/vm-queries.ts'
import { vmConfigQueries } from '../api/vm-config-api.ts'
import { SectionCard } from './section-card.tsx'
import type { SectionProps } from './use-section-change.tsx'

const KEY =
  /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9-]+@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/

/** cloud-init user data, SSH keys written into it, and an SSH key Secret; read at the next boot. */
export function InitialRunSection({
  cluster,
  config,
  reviewing,
  onReview,
}: SectionProps & { cluster: string }) {
  const { editable, initialRun } = config
  const [userData, setUserData] = useState('')
  const [keys, setKeys] = useState('')
  const [secret, setSecret] = useState(initialRun.sshKeySecret ?? '')
  // The user data is masked everywhere; loading it is the audited reveal.
  const reveal = useMutation<CloudInitReveal, ApiError, void>({
    mutationFn: () => api.post<CloudInitReveal>(`${vmPath(cluster, config)}/cloud-init/reveal`),
    onSuccess: (data) => setUserData(data.items[0]?.userData ?? ''),
  })
  const secrets = useQuery({
    ...vmConfigQueries.sshKeys(cluster, config.namespace),
    enabled: editable,
  })
  const keyLines = keys
    .split('\n')
    .map((k) => k.trim())
    .filter(Boolean)
  const badKey = keyLines.findIndex((k) => !KEY.test(k))
  const keysIssue = badKey >= 0 ? `Line ${badKey + 1} is not an SSH public key.` : undefined
  const needsLoad = initialRun.hasUserData && !reveal.isSuccess
  return (
    <SectionCard
      title="Initial run"
      editable={editable}
      canReview={!keysIssue && !needsLoad}
      reviewing={reviewing}
      onReview={() =>
        onReview('initial-run', {
          userData,
          ...(keyLines.length ? { sshAuthorizedKeys: keyLines } : {}),
          ...(secret !== (initialRun.sshKeySecret ?? '') ? { sshKeySecret: secret || null } : {}),
        })
      }
      extra={
        <p className="vmdeck-muted" style={{ marginBottom: 8 }}>
          cloud-init reads this when the VM boots
          {config.running ? '; the running VM takes it at its next restart' : ''}.
        </p>
      }
    >
      <FormField
        id="cfg-user-data"
        label="User data"
        problem={reveal.error?.message}
        {...(needsLoad ? { hint: 'Load the current user data before changing it.' } : {})}
      >
        {needsLoad && editable && (
          <Button
            variant="secondary"
            size="sm"
            isLoading={reveal.isPending}
            onClick={() => reveal.mutate()}
          >
            Load current user data
          </Button>
        )}
        <TextArea
          id="cfg-user-data"
          value={userData}
          onChange={(_e, v) => setUserData(v)}
          rows={4}
          resizeOrientation="vertical"
          placeholder="#cloud-config"
          style={{ fontFamily: 'monospace' }}
        />
      </FormField>
      <FormField
        id="cfg-ssh-keys"
        label="SSH keys"
        problem={keysIssue}
        hint="One public key per line; replaces the keys in the user data."
      >
        <TextArea
          id="cfg-ssh-keys"
          value={keys}
          onChange={(_e, v) => setKeys(v)}
          rows={2}
          resizeOrientation="vertical"
          validated={keysIssue ? 'error' : 'default'}
        />
      </FormField>
      <FormField id="cfg-ssh-secret" label="SSH key Secret">
        <FormSelect id="cfg-ssh-secret" value={secret} onChange={(_e, v) => setSecret(v)}>
          <FormSelectOption value="" label="None" />
          {initialRun.sshKeySecret && (
            <FormSelectOption value={initialRun.sshKeySecret} label={initialRun.sshKeySecret} />
          )}
          {(secrets.data?.items ?? [])
            .filter((s) => s.name !== initialRun.sshKeySecret)
            .map((s) => (
              <FormSelectOption key={s.name} value={s.name} label={s.name} />
            ))}
        </FormSelect>
      </FormField>
    </SectionCard>
  )
}
