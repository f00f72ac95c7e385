import type { ComponentType } from 'react'

/** Another feature's view of one VM, which app/ hands to the detail page (consoles, metrics). */
export type VmPanel = ComponentType<{ cluster: string; namespace: string; name: string }>

/** The Configuration tab, which restarts the VM through the detail page's own Restart. */
export type VmConfigPanel = ComponentType<{
  cluster: string
  namespace: string
  name: string
  onRestart: () => void
}>

export type VmDetailPanels = {
  Console: VmPanel
  Metrics: VmPanel
  /** The latest migration's progress over time, under the Migrations tab's facts. */
  MigrationProgress: VmPanel
  /** The "Tasks & events" tab: vmdeck's tasks with the VM's events and migrations. */
  Timeline: VmPanel
  Configuration: VmConfigPanel
  /** "Save as template" beside the header's actions. */
  SaveAsTemplate: VmPanel
}
