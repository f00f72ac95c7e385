import { PageSection, Tab, Tabs, TabTitleText, Title } from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { useQuery } from '@tanstack/react-query'
import type { NodeSummary } from '@vmdeck/shared'
import { useState } from 'react'
import { ErrorAlert } from '../../../components/ui/error-alert.tsx'
import { clusterQueries } from '../../../lib/cluster-queries.ts'
import { usePermissions } from '../../../lib/permissions.ts'
import { useNodeAction } from '../api/use-node-action.ts'
import { CapacityView } from './capacity-view.tsx'
import { MaintenanceDialog } from './maintenance-dialog.tsx'
import { RebalanceView } from './rebalance-view.tsx'
import { NodeRow, type NodeUsageCell } from './node-row.tsx'

const usage = {
  tooltip:
    'The bar and the figure: the share of what the node can allocate that is in use now; the line: the last 15 minutes. Below: what the pods on the node request, of what it can allocate.',
}
const columns: { title: string; info?: typeof usage }[] = [
  { title: 'Name' },
  { title: 'Status' },
  { title: 'VMs' },
  { title: 'CPU', info: usage },
  { title: 'Memory', info: usage },
]

/** The cluster's nodes, live, with cordon and maintenance (drain, its progress under the status). */
export default function NodesPage({ cluster, Usage }: { cluster: string; Usage: NodeUsageCell }) {
  const nodes = useQuery(clusterQueries.nodes(cluster))
  const action = useNodeAction(cluster)
  const can = usePermissions(cluster, [
    { verb: 'patch', resource: 'nodes' },
    { verb: 'create', resource: 'pods', subresource: 'eviction' },
  ])
  const canCordon = can({ verb: 'patch', resource: 'nodes' })
  const canDrain = can({ verb: 'create', resource: 'pods', subresource: 'eviction' })
  const [maintenance, setMaintenance] = useState<NodeSummary>()
  const [tab, setTab] = useState<string | number>('hosts')

  return (
    <PageSection>
      <Title headingLevel="h1" size="xl" style={{ marginBottom: 8 }}>
        Nodes
      </Title>
      <Tabs
        activeKey={tab}
        onSelect={(_event, key) => setTab(key)}
        aria-label="Node views"
        mountOnEnter
        unmountOnExit
      >
        <Tab eventKey="hosts" title={<TabTitleText>Hosts</TabTitleText>}>
          {nodes.error && <ErrorAlert error={nodes.error} title="Nodes could not be loaded" />}
          <Table aria-label="Nodes" variant="compact" className="vmdeck-table">
            <Thead>
              <Tr>
                {columns.map(({ title, info }) => (
                  <Th key={title} {...(info ? { info } : {})}>
                    {title}
                  </Th>
                ))}
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {nodes.data?.items.map((node) => (
                <NodeRow
                  key={node.name}
                  cluster={cluster}
                  node={node}
                  Usage={Usage}
                  canCordon={canCordon}
                  canDrain={canDrain}
                  onAction={(verb) => action.mutate({ node: node.name, action: verb })}
                  onEnterMaintenance={() => setMaintenance(node)}
                />
              ))}
              {nodes.isPending && (
                <Tr>
                  <Td colSpan={columns.length + 1}>Loading nodes…</Td>
                </Tr>
              )}
            </Tbody>
          </Table>
        </Tab>
        <Tab eventKey="capacity" title={<TabTitleText>Capacity</TabTitleText>}>
          <CapacityView cluster={cluster} />
        </Tab>
        <Tab eventKey="rebalance" title={<TabTitleText>Rebalance</TabTitleText>}>
          <RebalanceView cluster={cluster} />
        </Tab>
      </Tabs>
      {maintenance && (
        <MaintenanceDialog
          cluster={cluster}
          node={maintenance}
          onClose={() => setMaintenance(undefined)}
          onConfirm={() => {
            action.mutate({ node: maintenance.name, action: 'drain' })
            setMaintenance(undefined)
          }}
        />
      )}
    </PageSection>
  )
}
