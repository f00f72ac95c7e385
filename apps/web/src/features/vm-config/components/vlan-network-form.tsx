import { Alert, Button, ExpandableSection } from '@patternfly/react-core'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { CatalogNetworkList } from '@vmdeck/shared'
import { useState } from 'react'
import { TextField } from '../../../components/ui/text-field.tsx'
import type { ApiError } from '../../../lib/api-client.ts'
import { createVlanNetworks, vmConfigQueries } from '../api/vm-config-api.ts'
import { nameProblem, vlanProblem } from '../model/validation.ts'

/** Creates a VLAN network (a bridge NAD), or one per VLAN ID of a range, in the VM's namespace. */
export function VlanNetworkForm({ cluster, namespace }: { cluster: string; namespace: string }) {
  const queryClient = useQueryClient()
  const [prefix, setPrefix] = useState('vlan')
  const [first, setFirst] = useState('')
  const [last, setLast] = useState('')
  const create = useMutation<CatalogNetworkList, ApiError, void>({
    mutationFn: () =>
      createVlanNetworks(cluster, namespace, {
        prefix,
        vlan: Number(first),
        ...(last ? { lastVlan: Number(last) } : {}),
      }),
    onSuccess: () =>
      queryClient.invalidateQueries({
        queryKey: vmConfigQueries.networks(cluster, namespace).queryKey,
      }),
  })
  const prefixIssue = nameProblem(prefix, [], 'network')
  const firstIssue = first ? vlanProblem(first) : undefined
  const lastIssue = last ? vlanProblem(last) : undefined
  return (
    <ExpandableSection toggleText="Create a VLAN network" isIndented>
      <TextField
        id="cfg-vlan-prefix"
        label="Name prefix"
        value={prefix}
        onChange={setPrefix}
        problem={prefixIssue}
        hint="Networks are named prefix-VLAN."
      />
      <TextField
        id="cfg-vlan-first"
        label="VLAN ID"
        value={first}
        onChange={setFirst}
        problem={firstIssue}
      />
      <TextField
        id="cfg-vlan-last"
        label="Up to VLAN ID"
        value={last}
        onChange={setLast}
        problem={lastIssue}
        hint="Optional: a range, one network per VLAN."
      />
      <Button
        variant="secondary"
        size="sm"
        isDisabled={!first || Boolean(prefixIssue ?? firstIssue ?? lastIssue)}
        isLoading={create.isPending}
        onClick={() => create.mutate()}
      >
        Create network
      </Button>
      {create.error && (
        <Alert variant="danger" isInline title="The network was not created">
          {create.error.message}
        </Alert>
      )}
      {create.data && (
        <Alert
          variant="success"
          isInline
          title={`Created ${create.data.items.map((n) => n.name).join(', ')}`}
        />
      )}
    </ExpandableSection>
  )
}
