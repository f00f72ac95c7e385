import type { ClusterCapabilities } from '@vmdeck/shared'
import { discover, kubevirtVersion, listKubeVirts } from './api/discovery-requests.ts'
import type { KubeClient } from './kube-client.ts'

/** How long detected capabilities are trusted before discovery is asked again. */
const MAX_AGE_MS = 60_000
/** A listing of clusters waits this long for a fresh detection, then answers with what it knows. */
const ANSWER_WITHIN_MS = 3_000

interface ApiGroupList {
  groups?: { name?: string }[]
}

interface KubeVirtList {
  items?: { status?: { observedKubeVirtVersion?: string; operatorVersion?: string } }[]
}

/**
 * What one cluster offers, from API discovery with the BFF's own identity: the served API groups
 * tell whether KubeVirt, CDI, VM and volume snapshots and Multus are there; the KubeVirt version
 * comes from virt-api (open to every authenticated user) or, failing that, from the KubeVirt CR's
 * status.
 */
export async function detectCapabilities(client: KubeClient): Promise<ClusterCapabilities> {
  const [version, discovery] = await discover(client)
  if (discovery.status !== 200)
    throw new Error(`API discovery (GET /apis) answered ${discovery.status}`)
  const served = new Set(
    ((discovery.body as ApiGroupList | undefined)?.groups ?? []).map((group) => group.name),
  )
  const installed = served.has('kubevirt.io')
  const kubevirtVersion = installed ? await detectKubevirtVersion(client) : undefined
  const gitVersion =
    version.status === 200
      ? (version.body as { gitVersion?: unknown } | undefined)?.gitVersion
      : undefined
  return {
    ...(typeof gitVersion === 'string' ? { kubernetesVersion: gitVersion } : {}),
    kubevirt: { installed, ...(kubevirtVersion ? { version: kubevirtVersion } : {}) },
    cdi: served.has('cdi.kubevirt.io'),
    snapshots: served.has('snapshot.kubevirt.io'),
    volumeSnapshots: served.has('snapshot.storage.k8s.io'),
    multus: served.has('k8s.cni.cncf.io'),
    detectedAt: new Date().toISOString(),
  }
}

async function detectKubevirtVersion(client: KubeClient): Promise<string | undefined> {
  const fromApi = await kubevirtVersion(client).catch(() => undefined)
  const gitVersion = (fromApi?.body as { gitVersion?: unknown } | undefined)?.gitVersion
  if (fromApi?.status === 200 && typeof gitVersion === 'string' && gitVersion) return gitVersion
  const crs = await listKubeVirts(client).catch(() => undefined)
  if (crs?.status !== 200) return undefined
  for (const item of (crs.body as KubeVirtList | undefined)?.items ?? []) {
    const observed = item.status?.observedKubeVirtVersion ?? item.status?.operatorVersion
    if (observed) return observed
  }
  return undefined
}

/** A cluster's capabilities, detected on demand, kept for a minute, and kept when it goes down. */
export class Capabilities {
  readonly #client: KubeClient
  readonly #log: { warn(obj: object, msg: string): void }
  readonly #maxAgeMs: number
  #last: ClusterCapabilities | undefined
  #detectedAt = 0
  #pending: Promise<ClusterCapabilities | undefined> | undefined

  constructor(
    client: KubeClient,
    log: { warn(obj: object, msg: string): void },
    maxAgeMs = MAX_AGE_MS,
  ) {
    this.#client = client
    this.#log = log
    this.#maxAgeMs = maxAgeMs
  }

  /** The last detected capabilities, whatever their age. */
  get last(): ClusterCapabilities | undefined {
    return this.#last
  }

  /**
   * Detects again, starting after any detection under way (so a change made before this call is
   * seen); never rejects: a failure keeps the last known capabilities.
   */
  refresh(): Promise<ClusterCapabilities | undefined> {
    const run = (this.#pending ?? Promise.resolve(undefined)).then(() => this.#detect())
    this.#pending = run
    void run.finally(() => {
      if (this.#pending === run) this.#pending = undefined
    })
    return run
  }

  async #detect(): Promise<ClusterCapabilities | undefined> {
    try {
      this.#last = await detectCapabilities(this.#client)
      this.#detectedAt = Date.now()
    } catch (err) {
      this.#log.warn({ err }, 'cluster capability detection failed')
    }
    return this.#last
  }

  /** Fresh capabilities if they can be had quickly, else the last known ones (or none). */
  async get(): Promise<ClusterCapabilities | undefined> {
    if (this.#last && Date.now() - this.#detectedAt < this.#maxAgeMs) return this.#last
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<ClusterCapabilities | undefined>((resolve) => {
      timer = setTimeout(() => resolve(this.#last), ANSWER_WITHIN_MS)
      timer.unref()
    })
    try {
      return await Promise.race([this.#pending ?? this.refresh(), late])
    } finally {
      clearTimeout(timer)
    }
  }
}
