import {
  Content,
  Gallery,
  Switch,
  ToggleGroup,
  ToggleGroupItem,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core'
import type { MetricRange, VmMetricName } from '@vmdeck/shared'
import { useState } from 'react'
import { VmMetricCard } from './metric-card.tsx'

export const ranges: { value: MetricRange; label: string }[] = [
  { value: '15m', label: '15 min' },
  { value: '1h', label: '1 hour' },
  { value: '6h', label: '6 hours' },
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
]

const charts: { metric: VmMetricName; title: string }[] = [
  { metric: 'cpu', title: 'CPU (% of vCPUs)' },
  { metric: 'memory', title: 'Memory' },
  { metric: 'network', title: 'Network' },
  { metric: 'storage', title: 'Storage throughput' },
  { metric: 'iops', title: 'Storage IOPS' },
]

/** The VM detail page's Metrics tab: CPU, memory, network and storage over a chosen range. */
export function VmMetrics({
  cluster,
  namespace,
  name,
}: {
  cluster: string
  namespace: string
  name: string
}) {
  const [range, setRange] = useState<MetricRange>('1h')
  const [autoRefresh, setAutoRefresh] = useState(true)
  return (
    <>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <ToggleGroup aria-label="Time range">
              {ranges.map((r) => (
                <ToggleGroupItem
                  key={r.value}
                  text={r.label}
                  buttonId={`range-${r.value}`}
                  isSelected={range === r.value}
                  onChange={() => setRange(r.value)}
                />
              ))}
            </ToggleGroup>
          </ToolbarItem>
          <ToolbarItem>
            <Switch
              id="metrics-auto-refresh"
              label="Auto-refresh"
              isChecked={autoRefresh}
              onChange={(_event, checked) => setAutoRefresh(checked)}
            />
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      <Gallery hasGutter minWidths={{ default: '100%', lg: '480px' }}>
        {charts.map((chart) => (
          <VmMetricCard
            key={chart.metric}
            cluster={cluster}
            vm={{ namespace, name }}
            metric={chart.metric}
            title={chart.title}
            range={range}
            autoRefresh={autoRefresh}
          />
        ))}
      </Gallery>
      <Content component="small">
        Values come from the cluster&apos;s Prometheus; gaps mean no samples were recorded.
      </Content>
    </>
  )
}
