// VirtualMachineInstanceMigration (docs/KUBEVIRT-NOTES.md#live-migration-and-drain): Pending →
// Scheduling (target pod) → Scheduled → PreparingTarget → TargetReady → Running (a real QEMU
// migration, or a simulated one) → Succeeded / Failed; cancel by deleting the migration;
// `migrationState` on VMI and VMIM.
// Also the evacuation controller: VMIs marked with `status.evacuationNodeName` get a migration.
import { StatusError } from '../kube/status-error.ts'
import type { KObject } from '../kube/types.ts'
import { isFinal, keyOf, now, phaseOf, splitKey } from '../kubevirt/k8s-util.ts'
import {
  matchPolicy,
  migrationConfiguration,
  migrationSettings,
  type MigrationConfiguration,
} from '../kubevirt/migration-configuration.ts'
import type { ResourceDef } from '../kube/registry.ts'
import { findDef, type KubevirtContext } from './context.ts'
import {
  isPodGoingDown,
  isPodReady,
  launcherPodOf,
  newLauncherPod,
  nodeIp,
  statusOf,
} from './vmi-controller.ts'

/**
 * The migration target pod as virt-controller's createTargetPod renders it: the VMI's launcher
 * pod plus `spec.addedNodeSelector` (the template's own selector wins a clash) and a required pod
 * anti-affinity against the VMI's other pods per hostname, which keeps the target off the source
 * node (kubevirt pkg/virt-controller/watch/migration/migration.go createMigrationPodAntiAffinityRule).
 */
export function targetPodFor(vmi: KObject, migration: KObject): KObject {
  const pod = newLauncherPod(vmi, { migrationUid: migration.metadata.uid ?? '' })
  const spec = pod.spec as { nodeSelector?: Record<string, string>; affinity?: object }
  const added = (migration.spec as { addedNodeSelector?: Record<string, string> } | undefined)
    ?.addedNodeSelector
  spec.nodeSelector = { ...(added ?? {}), ...(spec.nodeSelector ?? {}) }
  spec.affinity = {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          labelSelector: { matchLabels: { 'kubevirt.io/created-by': vmi.metadata.uid ?? '' } },
          topologyKey: 'kubernetes.io/hostname',
        },
      ],
    },
  }
  return pod
}

export const MIGRATION_FINALIZER = 'kubevirt.io/migrationJobFinalize'
const CONTROLLER = 'migration-controller'

interface MigrationStatus {
  phase?: string
  phaseTransitionTimestamps?: { phase: string; phaseTransitionTimestamp: string }[]
  migrationState?: Record<string, unknown>
  conditions?: unknown[]
}

export class MigrationController {
  readonly #ctx: KubevirtContext
  /** migration UID → ns/name; VMI ns/name → migration keys. */
  readonly #byUid = new Map<string, string>()
  readonly #byVmi = new Map<string, Set<string>>()
  readonly #inFlight = new Map<string, { aborted: boolean }>()
  /** VMIs (ns/name) whose evacuation migration is being created. */
  readonly #evacuating = new Set<string>()

  constructor(ctx: KubevirtContext) {
    this.#ctx = ctx
  }

  stop(): void {
    for (const run of this.#inFlight.values()) run.aborted = true
  }

  keysFor(migrationUid: string): string[] {
    const key = this.#byUid.get(migrationUid)
    return key ? [key] : []
  }

  keysForVmi(vmiKey: string): string[] {
    this.#evacuate(vmiKey)
    return [...(this.#byVmi.get(vmiKey) ?? [])]
  }

  /** The evacuation controller: a marked VMI without an active migration gets one. */
  #evacuate(vmiKey: string): void {
    const [namespace, name] = splitKey(vmiKey)
    const { store, defs } = this.#ctx
    const vmi = store.peek(defs.vmi, namespace, name)
    const node = (vmi?.status as { evacuationNodeName?: string } | undefined)?.evacuationNodeName
    if (!vmi || !node || phaseOf(vmi) !== 'Running' || vmi.metadata.deletionTimestamp) return
    for (const key of this.#byVmi.get(vmiKey) ?? []) {
      const [ns, n] = splitKey(key)
      const m = store.peek(defs.vmim, ns, n)
      if (m && !isFinal(m) && !m.metadata.deletionTimestamp) return
    }
    // Several VMI events may arrive before the first migration is created: one at a time.
    if (this.#evacuating.has(vmiKey)) return
    this.#evacuating.add(vmiKey)
    const create = async () => {
      for (const m of store.list(defs.vmim, namespace).items)
        if ((m.spec as { vmiName?: string }).vmiName === name && !isFinal(m)) return
      const created = await store.create(defs.vmim, {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstanceMigration',
        metadata: {
          generateName: 'kubevirt-evacuation-',
          namespace,
          labels: { 'kubevirt.io/vmi-name': name },
          annotations: { 'kubevirt.io/evacuationMigration': node },
        },
        spec: { vmiName: name, priority: 'system-critical' },
      })
      this.#index(created)
    }
    // Not from inside the watch callback that called us (the old store notifies synchronously).
    queueMicrotask(() => {
      create()
        .catch((error: unknown) =>
          console.error(`cluster-sim: could not create the evacuation of ${vmiKey}:`, error),
        )
        .finally(() => this.#evacuating.delete(vmiKey))
    })
  }

  #index(m: KObject): string {
    const key = keyOf(m.metadata.namespace, m.metadata.name ?? '')
    this.#byUid.set(m.metadata.uid ?? '', key)
    const vmiKey = keyOf(m.metadata.namespace, (m.spec as { vmiName?: string }).vmiName ?? '')
    const set = this.#byVmi.get(vmiKey) ?? new Set()
    set.add(key)
    this.#byVmi.set(vmiKey, set)
    return vmiKey
  }

  async reconcile(key: string): Promise<void> {
    const [namespace, name] = splitKey(key)
    const { store, defs, events } = this.#ctx
    const stored = store.peek(defs.vmim, namespace, name)
    if (!stored) {
      for (const set of this.#byVmi.values()) set.delete(key)
      return
    }
    const m = structuredClone(stored)
    const uid = m.metadata.uid ?? ''
    const vmiKey = this.#index(m)
    const status = (m.status ?? {}) as MigrationStatus
    m.status = status
    const [, vmiName] = splitKey(vmiKey)
    const vmi = store.peek(defs.vmi, namespace, vmiName)
    const targetPod = this.#ctx.pods
      .podsOf(vmi?.metadata.uid ?? '')
      .find((p) => p.metadata.labels?.['kubevirt.io/migrationJobUID'] === uid)
    const setPhase = (phase: string) => {
      if (status.phase === phase) return
      status.phase = phase
      status.phaseTransitionTimestamps = [
        ...(status.phaseTransitionTimestamps ?? []),
        { phase, phaseTransitionTimestamp: now() },
      ]
    }
    const write = async () => {
      await store.update(defs.vmim, m, { subresource: 'status' })
    }

    if (m.metadata.deletionTimestamp) {
      const run = this.#inFlight.get(uid)
      if (run && !run.aborted) {
        run.aborted = true
        this.#ctx.runtime.cancelMigration(vmi?.metadata.uid ?? '')
        return // the migration's failure brings us back
      }
      if (run) return
      if (!isFinal(m) && vmi) await this.#finishVmi(vmi, uid, { failed: true, aborted: true })
      if (
        targetPod &&
        (targetPod.spec as { nodeName?: string }).nodeName !==
          statusOf(structuredClone(vmi ?? m)).nodeName
      )
        await store.delete(defs.pod, namespace, targetPod.metadata.name ?? '')
      const latest = structuredClone(store.peek(defs.vmim, namespace, name) ?? m)
      latest.metadata.finalizers = (latest.metadata.finalizers ?? []).filter(
        (f) => f !== MIGRATION_FINALIZER,
      )
      await store.update(defs.vmim, latest)
      return
    }
    if (isFinal(m)) return
    if (!vmi || isFinal(vmi) || vmi.metadata.deletionTimestamp) {
      if (this.#inFlight.has(uid)) return
      setPhase('Failed')
      await write()
      return
    }
    switch (status.phase ?? '') {
      case '': {
        m.metadata.finalizers = [
          ...new Set([...(m.metadata.finalizers ?? []), MIGRATION_FINALIZER]),
        ]
        m.metadata.labels = { ...(m.metadata.labels ?? {}), 'kubevirt.io/vmi-name': vmiName }
        const updated = await store.update(defs.vmim, m)
        setPhase('Pending')
        await store.update(defs.vmim, { ...updated, status }, { subresource: 'status' })
        return
      }
      case 'Pending': {
        if (!targetPod) {
          const pod = await store.create(defs.pod, targetPodFor(vmi, m))
          events.record(
            m,
            'Normal',
            'SuccessfulCreate',
            `Created migration target pod ${pod.metadata.name}`,
            CONTROLLER,
          )
        }
        setPhase('Scheduling')
        await write()
        return
      }
      case 'Scheduling': {
        if (!targetPod) return
        // kube-scheduler places the target pod (its anti-affinity keeps it off the source
        // node); once the kubelet runs it, the target is ready to receive the guest.
        if (isPodGoingDown(targetPod)) {
          setPhase('Failed')
          await write()
        } else if (isPodReady(targetPod)) {
          setPhase('Scheduled')
          await write()
        }
        return
      }
      case 'Scheduled': {
        if (!targetPod) return
        const sourcePod = launcherPodOf(this.#ctx, vmi)
        const target = (targetPod.spec as { nodeName?: string }).nodeName ?? ''
        const source = statusOf(structuredClone(vmi)).nodeName ?? ''
        const policy = this.#policyFor(vmi)
        const state = {
          migrationUid: uid,
          sourceNode: source,
          sourcePod: sourcePod?.metadata.name,
          targetNode: target,
          targetPod: targetPod.metadata.name,
          targetNodeAddress: this.#nodeAddress(target),
          targetDirectMigrationNodePorts: { '34257': 0, '40373': 49152 },
          targetNodeDomainDetected: false,
          startTimestamp: now(),
          mode: 'PreCopy',
          migrationConfiguration: migrationConfiguration(this.#kubevirt(), policy),
          ...(policy ? { migrationPolicyName: policy.metadata.name } : {}),
          migrationNetworkType: 'pod',
          sourceState: { node: source, pod: sourcePod?.metadata.name, migrationUID: uid },
          targetState: {
            node: target,
            pod: targetPod.metadata.name,
            migrationUID: uid,
            nodeAddress: this.#nodeAddress(target),
          },
        }
        setPhase('PreparingTarget')
        setPhase('TargetReady')
        setPhase('Running')
        status.migrationState = state
        await write()
        const nextVmi = structuredClone(vmi)
        statusOf(nextVmi).migrationState = state
        statusOf(nextVmi).migrationMethod = 'LiveMigration'
        await store.update(defs.vmi, nextVmi)
        events.record(
          vmi,
          'Normal',
          'Migrating',
          'VirtualMachineInstance is migrating.',
          'virt-handler',
        )
        this.#run(m, vmi, targetPod, state)
        return
      }
      default:
      // Running: the in-flight migration finishes it.
    }
  }

  /** The KubeVirt CR (there is one, in its install namespace), when the store has it. */
  #kubevirt(): KObject | undefined {
    const def = findDef(this.#ctx.registry, 'kubevirt.io', 'kubevirts')
    return def ? this.#listed(def)[0] : undefined
  }

  /** The MigrationPolicy that applies to the VMI, by its labels and its namespace's. */
  #policyFor(vmi: KObject): KObject | undefined {
    const policies = findDef(this.#ctx.registry, 'migrations.kubevirt.io', 'migrationpolicies')
    const namespaces = findDef(this.#ctx.registry, '', 'namespaces')
    if (!policies) return undefined
    const namespace = namespaces
      ? this.#listed(namespaces).find((n) => n.metadata.name === vmi.metadata.namespace)
      : undefined
    return matchPolicy(this.#listed(policies), vmi.metadata.labels ?? {}, {
      'kubernetes.io/metadata.name': vmi.metadata.namespace ?? '',
      ...(namespace?.metadata.labels ?? {}),
    })
  }

  #listed(def: ResourceDef): KObject[] {
    try {
      return this.#ctx.store.list(def).items
    } catch {
      return [] // not among the resources the store caches
    }
  }

  #run(
    m: KObject,
    vmi: KObject,
    targetPod: KObject,
    state: { migrationConfiguration: MigrationConfiguration },
  ): void {
    const uid = m.metadata.uid ?? ''
    const run = { aborted: false }
    this.#inFlight.set(uid, run)
    const { store, defs, events } = this.#ctx
    const key = keyOf(m.metadata.namespace, m.metadata.name ?? '')
    void this.#ctx.runtime
      .migrate(
        vmi.metadata.uid ?? '',
        () => {},
        migrationSettings(state.migrationConfiguration, vmi),
      )
      .then(
        async () => {
          this.#inFlight.delete(uid)
          // The kubelet runs the target pod already and owns pod status.
          const target = (targetPod.spec as { nodeName?: string }).nodeName ?? ''
          const source = launcherPodOf(this.#ctx, vmi)
          const latestVmi = store.peek(defs.vmi, vmi.metadata.namespace, vmi.metadata.name ?? '')
          if (latestVmi) {
            await this.#finishVmi(latestVmi, uid, {
              failed: false,
              target,
              podUid: targetPod.metadata.uid ?? '',
            })
            events.record(
              latestVmi,
              'Normal',
              'Migrated',
              `The VirtualMachineInstance migrated to node ${target}.`,
              'virt-handler',
            )
          }
          if (source) {
            // The source virt-launcher exits once its guest left; our kubelets run no
            // virt-launcher, so its pod is deleted instead (after the VMI moved to the target).
            try {
              await store.delete(defs.pod, source.metadata.namespace, source.metadata.name ?? '', {
                uid: source.metadata.uid ?? '',
              })
            } catch (error) {
              if (!(error instanceof StatusError && error.code === 404)) throw error
            }
          }
          await this.#finishMigration(key, 'Succeeded')
        },
        async (error: unknown) => {
          this.#inFlight.delete(uid)
          const latestVmi = store.peek(defs.vmi, vmi.metadata.namespace, vmi.metadata.name ?? '')
          if (latestVmi)
            await this.#finishVmi(latestVmi, uid, {
              failed: true,
              aborted: run.aborted,
              reason: (error as Error).message,
            })
          try {
            await store.delete(
              defs.pod,
              targetPod.metadata.namespace,
              targetPod.metadata.name ?? '',
            )
          } catch {
            // gone already
          }
          await this.#finishMigration(key, 'Failed')
          this.#ctx.enqueueMigration(key)
        },
      )
      .catch((error: unknown) => {
        // The migration's outcome could not be written: the key's next reconcile sees the VMI.
        console.error(`cluster-sim: could not finish the migration ${key}:`, error)
        this.#ctx.enqueueMigration(key)
      })
  }

  /** The node's InternalIP as its kubelet reports it (else the simulator's made-up address). */
  #nodeAddress(node: string): string {
    const object = this.#ctx.store.peek(this.#ctx.defs.node, undefined, node)
    const addresses = (object?.status as { addresses?: { type: string; address: string }[] })
      ?.addresses
    return addresses?.find((a) => a.type === 'InternalIP')?.address ?? nodeIp(node)
  }

  async #finishMigration(key: string, phase: string): Promise<void> {
    const [namespace, name] = splitKey(key)
    const { store, defs, events } = this.#ctx
    const stored = store.peek(defs.vmim, namespace, name)
    if (!stored) return
    const m = structuredClone(stored)
    const status = (m.status ?? {}) as MigrationStatus
    status.phase = phase
    status.phaseTransitionTimestamps = [
      ...(status.phaseTransitionTimestamps ?? []),
      { phase, phaseTransitionTimestamp: now() },
    ]
    const vmi = store.peek(defs.vmi, namespace, (m.spec as { vmiName?: string }).vmiName ?? '')
    const state = (vmi?.status as { migrationState?: Record<string, unknown> } | undefined)
      ?.migrationState
    if (state) status.migrationState = structuredClone(state)
    m.status = status
    await store.update(defs.vmim, m, { subresource: 'status' })
    if (phase === 'Succeeded')
      events.record(
        m,
        'Normal',
        'SuccessfulMigration',
        'Source node reported migration succeeded',
        CONTROLLER,
      )
    else events.record(m, 'Warning', 'FailedMigration', "VMI's migration failed", CONTROLLER)
  }

  async #finishVmi(
    stored: KObject,
    migrationUid: string,
    result: {
      failed: boolean
      aborted?: boolean
      reason?: string
      target?: string
      podUid?: string
    },
  ): Promise<void> {
    const vmi = structuredClone(stored)
    const status = statusOf(vmi)
    const state = { ...(status.migrationState ?? {}) }
    if (state.migrationUid !== migrationUid) return
    state.endTimestamp = now()
    state.completed = true
    state.failed = result.failed
    if (result.aborted) {
      state.abortRequested = true
      state.abortStatus = 'Succeeded'
    } else if (result.failed) state.failureReason = result.reason ?? 'migration failed'
    if (!result.failed && result.target) {
      state.targetNodeDomainDetected = true
      state.targetNodeDomainReadyTimestamp = now()
      status.nodeName = result.target
      vmi.metadata.labels = {
        ...(vmi.metadata.labels ?? {}),
        'kubevirt.io/nodeName': result.target,
      }
      status.activePods = { [result.podUid ?? '']: result.target }
      delete status.evacuationNodeName
    }
    status.migrationState = state
    await this.#ctx.store.update(this.#ctx.defs.vmi, vmi)
  }
}
