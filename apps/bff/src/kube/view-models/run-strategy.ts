import type { VirtualMachine } from '../types.ts'

/**
 * Whether the VM says how it runs at all: `spec.runStrategy`, or the older `spec.running`
 * (KubeVirt accepts either, never both).
 */
export const declaresRunStrategy = (vm: VirtualMachine): boolean =>
  vm.spec?.runStrategy !== undefined || vm.spec?.running !== undefined

/**
 * The effective run strategy, as KubeVirt reads it: `runStrategy`, else `running: true` is Always
 * and `running: false` Halted; a VM that declares neither is Halted.
 */
export function runStrategyOf(vm: VirtualMachine): string {
  return vm.spec?.runStrategy ?? (vm.spec?.running ? 'Always' : 'Halted')
}
