import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { VmConfig, VmConfigApplied, VmConfigReview, VmConfigSection } from '@vmdeck/shared'
import { useState } from 'react'
import type { ApiError } from '../../../lib/api-client.ts'
import type { VmRef } from '../../../lib/vm-queries.ts'
import { applySection, reviewSection, vmConfigQueries } from '../api/vm-config-api.ts'
import { ReviewDialog } from './review-dialog.tsx'

export type ReviewRequest = (section: VmConfigSection, change: unknown) => void

/** What the tab hands every section: the configuration, and the review under way. */
export interface SectionProps {
  config: VmConfig
  reviewing: boolean
  onReview: ReviewRequest
}

/**
 * A section's change in two steps: a review (the BFF's dry run answers the exact spec diff),
 * shown in a dialog; Save then writes it and reports when it takes effect.
 */
export function useSectionChange(cluster: string, vm: VmRef, version: string | undefined) {
  const queryClient = useQueryClient()
  const [pending, setPending] = useState<{
    section: VmConfigSection
    change: unknown
    review: VmConfigReview
  }>()
  const [refused, setRefused] = useState<{ section: VmConfigSection; error: ApiError }>()
  const [applied, setApplied] = useState<VmConfigApplied>()

  const review = useMutation<
    VmConfigReview,
    ApiError,
    { section: VmConfigSection; change: unknown }
  >({
    mutationFn: ({ section, change }) =>
      reviewSection(cluster, vm, section, { version: version ?? '', change }),
    onMutate: () => {
      setRefused(undefined)
      setApplied(undefined)
    },
    onSuccess: (result, request) => setPending({ ...request, review: result }),
    onError: (error, { section }) => setRefused({ section, error }),
  })
  const save = useMutation<VmConfigApplied, ApiError, void>({
    mutationFn: () =>
      applySection(cluster, vm, pending!.section, {
        version: pending!.review.version,
        change: pending!.change,
      }),
    onSuccess: async (result) => {
      setApplied(result)
      setPending(undefined)
      await queryClient.invalidateQueries({
        queryKey: vmConfigQueries.config(cluster, vm).queryKey,
      })
    },
  })

  const start: ReviewRequest = (section, change) => review.mutate({ section, change })
  const dialog = pending ? (
    <ReviewDialog
      changes={pending.review.changes}
      saving={save.isPending}
      error={save.error ?? undefined}
      onSave={() => save.mutate()}
      onClose={() => {
        save.reset()
        setPending(undefined)
      }}
    />
  ) : null
  return {
    start,
    reviewing: review.isPending ? review.variables.section : undefined,
    refused,
    applied,
    dialog,
    dismiss: () => {
      setRefused(undefined)
      setApplied(undefined)
    },
  }
}
