import { ToggleGroup, ToggleGroupItem } from '@patternfly/react-core'
import { statusFacets } from '../model/status-facets.ts'

/** The status facets above the list, each with its count under the other filters. */
export function VmStatusFacets({
  facets,
  counts,
  onChange,
}: {
  facets: string[]
  counts: Record<string, number | undefined>
  onChange: (facets: string[]) => void
}) {
  return (
    <ToggleGroup aria-label="Status" isCompact className="vmdeck-facets">
      {statusFacets.map((facet) => (
        <ToggleGroupItem
          key={facet.id}
          text={
            <>
              {facet.label} <span className="vmdeck-count">{counts[facet.id] ?? '…'}</span>
            </>
          }
          buttonId={`facet-${facet.id}`}
          title={facet.statuses.join(', ')}
          isSelected={facets.includes(facet.id)}
          onChange={(_event, selected) =>
            onChange(selected ? [...facets, facet.id] : facets.filter((id) => id !== facet.id))
          }
        />
      ))}
    </ToggleGroup>
  )
}
