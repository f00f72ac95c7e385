import type { VmChange, VmList } from '../schemas/vms.ts'

/**
 * Applies a streamed change to one page of the VM list. Rows already on the page update in place;
 * a change the page cannot place by itself (a new VM, a deletion shifting the page) marks it
 * stale so the caller refetches it from the server, which owns filtering, sorting and paging.
 */
export function applyVmChange(list: VmList, change: VmChange): { list: VmList; stale: boolean } {
  const name = change.type === 'upsert' ? change.vm.name : change.name
  const namespace = change.type === 'upsert' ? change.vm.namespace : change.namespace
  const index = list.items.findIndex((vm) => vm.name === name && vm.namespace === namespace)
  if (change.type === 'delete') {
    if (index < 0) return { list, stale: true }
    return {
      list: { ...list, items: list.items.filter((_, i) => i !== index), total: list.total - 1 },
      stale: true,
    }
  }
  if (index < 0) return { list, stale: true }
  const items = list.items.slice()
  items[index] = change.vm
  return { list: { ...list, items }, stale: false }
}
