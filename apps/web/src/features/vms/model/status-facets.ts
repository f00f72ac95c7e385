import type { VmPrintableStatus } from '@vmdeck/shared'

/** The status facets of the VM list: each is one or more of KubeVirt's printable statuses. */
export const statusFacets: { id: string; label: string; statuses: VmPrintableStatus[] }[] = [
  { id: 'running', label: 'Running', statuses: ['Running'] },
  { id: 'stopped', label: 'Stopped', statuses: ['Stopped'] },
  { id: 'paused', label: 'Paused', statuses: ['Paused'] },
  { id: 'migrating', label: 'Migrating', statuses: ['Migrating'] },
  {
    id: 'transition',
    // Not "Starting or stopping": a Provisioning VM (its disks being made) counts here too, and
    // the facet must not name a state its rows do not show.
    label: 'In transition',
    statuses: [
      'Provisioning',
      'Starting',
      'Stopping',
      'Terminating',
      'WaitingForVolumeBinding',
      'WaitingForReceiver',
    ],
  },
  {
    id: 'error',
    label: 'Error',
    statuses: [
      'CrashLoopBackOff',
      'ErrImagePull',
      'ImagePullBackOff',
      'ErrorUnschedulable',
      'ErrorPvcNotFound',
      'ErrorDataVolumeNotFound',
      'DataVolumeError',
      'Unknown',
    ],
  },
]

/** Facet ids from the URL (`?status=running,error`) to the server's `status=` filter. */
export const facetStatuses = (ids: string[]) =>
  statusFacets.filter((facet) => ids.includes(facet.id)).flatMap((facet) => facet.statuses)

/** Count per facet from the server's per-status counts. */
export const facetCounts = (counts: Record<string, number> | undefined) =>
  Object.fromEntries(
    statusFacets.map((facet) => [
      facet.id,
      counts ? facet.statuses.reduce((sum, status) => sum + (counts[status] ?? 0), 0) : undefined,
    ]),
  ) as Record<string, number | undefined>
