// A live migration's configuration, as KubeVirt decides it and as virt-launcher applies it.
// virt-controller starts from the KubeVirt CR's spec.configuration.migrations (KubeVirt's defaults
// under it), lets the one MigrationPolicy that matches the VMI override the fields it sets, and
// writes the result into status.migrationState.migrationConfiguration (and the policy's name into
// migrationPolicyName); virt-handler hands that to virt-launcher, which sets QEMU's bandwidth and
// auto-converge and watches the completion and progress timeouts
// (kubevirt v1.8.2 pkg/util/migrations/policy.go, pkg/virt-launcher/virtwrap/live-migration-source.go).
import type { KObject } from '../kube/types.ts'
import type { MigrationSettings } from './guest-runtime.ts'
import { parseQuantity } from './k8s-util.ts'

export interface MigrationConfiguration {
  allowAutoConverge?: boolean
  allowPostCopy?: boolean
  allowWorkloadDisruption?: boolean
  bandwidthPerMigration?: string
  completionTimeoutPerGiB?: number
  progressTimeout?: number
}

/** KubeVirt's defaults for the fields a migration's configuration carries. */
export const MIGRATION_DEFAULTS: Required<MigrationConfiguration> = {
  allowAutoConverge: false,
  allowPostCopy: false,
  allowWorkloadDisruption: false,
  bandwidthPerMigration: '0',
  completionTimeoutPerGiB: 150,
  progressTimeout: 150,
}

const POLICY_FIELDS = [
  'allowAutoConverge',
  'allowPostCopy',
  'allowWorkloadDisruption',
  'bandwidthPerMigration',
  'completionTimeoutPerGiB',
] as const

interface PolicySpec extends MigrationConfiguration {
  selectors?: {
    namespaceSelector?: Record<string, string>
    virtualMachineInstanceSelector?: Record<string, string>
  }
}

/** How many of the selector's labels `labels` has; undefined when one differs. */
function matching(selector: Record<string, string> | undefined, labels: Record<string, string>) {
  let count = 0
  for (const [key, value] of Object.entries(selector ?? {})) {
    if (labels[key] !== value) return undefined
    count++
  }
  return count
}

/**
 * The MigrationPolicy that applies to a VMI: every label of both its selectors must match; of
 * those that do, the one matching the most labels wins, a tie going to the first name.
 */
export function matchPolicy(
  policies: readonly KObject[],
  vmiLabels: Record<string, string>,
  namespaceLabels: Record<string, string>,
): KObject | undefined {
  let best: { policy: KObject; count: number } | undefined
  const sorted = [...policies].sort((a, b) =>
    (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  )
  for (const policy of sorted) {
    const selectors = (policy.spec as PolicySpec | undefined)?.selectors
    const ns = matching(selectors?.namespaceSelector, namespaceLabels)
    const vmi = matching(selectors?.virtualMachineInstanceSelector, vmiLabels)
    if (ns === undefined || vmi === undefined) continue
    if (!best || ns + vmi > best.count) best = { policy, count: ns + vmi }
  }
  return best?.policy
}

/** The KubeVirt CR's migration settings over KubeVirt's defaults, then the policy's over those. */
export function migrationConfiguration(
  kubevirt: KObject | undefined,
  policy: KObject | undefined,
): Required<MigrationConfiguration> {
  const cluster = (
    kubevirt?.spec as { configuration?: { migrations?: MigrationConfiguration } } | undefined
  )?.configuration?.migrations
  const config: Required<MigrationConfiguration> = { ...MIGRATION_DEFAULTS }
  for (const key of Object.keys(MIGRATION_DEFAULTS) as (keyof MigrationConfiguration)[]) {
    const value = cluster?.[key]
    if (value !== undefined) Object.assign(config, { [key]: value })
  }
  const spec = policy?.spec as PolicySpec | undefined
  for (const key of POLICY_FIELDS) {
    const value = spec?.[key]
    if (value !== undefined) Object.assign(config, { [key]: value })
  }
  return config
}

/**
 * What virt-launcher makes of a configuration for this VMI: the bandwidth in bytes per second
 * (libvirt takes MiB/s), and the completion timeout, `completionTimeoutPerGiB` times the guest's
 * memory in GB rounded up (resource.Quantity's ScaledValue(Giga)).
 */
export function migrationSettings(
  config: MigrationConfiguration | undefined,
  vmi: KObject,
): MigrationSettings {
  const domain = (
    vmi.spec as
      | {
          domain?: {
            memory?: { guest?: string }
            resources?: { requests?: Record<string, string> }
          }
        }
      | undefined
  )?.domain
  const memory = parseQuantity(domain?.memory?.guest ?? domain?.resources?.requests?.memory ?? '0')
  const gb = Math.ceil(memory / 1e9)
  const mebibytes = Math.floor(parseQuantity(config?.bandwidthPerMigration ?? '0') / 2 ** 20)
  return {
    bandwidthBytesPerSecond: mebibytes * 2 ** 20,
    allowAutoConverge: config?.allowAutoConverge === true,
    completionTimeoutSeconds:
      (config?.completionTimeoutPerGiB ?? MIGRATION_DEFAULTS.completionTimeoutPerGiB) * gb,
    progressTimeoutSeconds: config?.progressTimeout ?? MIGRATION_DEFAULTS.progressTimeout,
  }
}
