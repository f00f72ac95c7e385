import type { VmDetailsChange } from '@vmdeck/shared'
import { isSystemAnnotation } from './vm-config-view.ts'
import { DESCRIPTION, type EditableVm } from './vm-shape.ts'

/** Description (an annotation, as the create form writes it), labels, annotations, strategies. */
export function editDetails(vm: EditableVm, change: VmDetailsChange): EditableVm {
  const kept = Object.entries(vm.metadata.annotations ?? {}).filter(([key]) =>
    isSystemAnnotation(key),
  )
  const annotations: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(change.annotations).filter(([key]) => !isSystemAnnotation(key)),
    ),
    ...Object.fromEntries(kept),
  }
  delete annotations[DESCRIPTION]
  if (change.description.trim()) annotations[DESCRIPTION] = change.description
  vm.metadata.annotations = annotations
  vm.metadata.labels = { ...change.labels }
  // runStrategy replaces the deprecated `running`; KubeVirt refuses a VM that sets both.
  delete vm.spec.running
  vm.spec.runStrategy = change.runStrategy
  const template = vm.spec.template.spec
  if (change.evictionStrategy) template.evictionStrategy = change.evictionStrategy
  else delete template.evictionStrategy
  return vm
}
