import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node'
import { test as base, expect, type Page, type TestInfo } from '@playwright/test'
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One short story per failed journey, which `npm test` prints after Playwright's summary. */
export const DIAGNOSTICS = join(
  dirname(fileURLToPath(import.meta.url)),
  '.artifacts',
  'diagnostics.txt',
)

interface Kobj {
  metadata: { namespace?: string; name: string; deletionTimestamp?: string }
  spec?: { vmiName?: string }
  status?: {
    phase?: string
    nodeName?: string
    migrationState?: Record<string, unknown>
  }
}

/** The cluster, reached the way an admin would: real client-node with the kubeconfig's admin context. */
export class Cluster {
  readonly api: CustomObjectsApi
  readonly core: CoreV1Api
  constructor(kubeconfigPath: string) {
    const config = new KubeConfig()
    config.loadFromFile(kubeconfigPath)
    config.setCurrentContext('admin')
    this.api = config.makeApiClient(CustomObjectsApi)
    this.core = config.makeApiClient(CoreV1Api)
  }

  /** A namespace of the journey's own (its VMs do not show in the other journeys' lists). */
  async createNamespace(name: string): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name } } })
  }

  /**
   * Deletes a namespace and waits until it is gone with its VMs (test cleanup): the journeys after
   * it must not see its VMs in their lists and folder trees. The namespace controller deletes the
   * VMs and retries; one delete-collection request of a thousand VMs outlasts kube-apiserver's
   * 60 s request timeout on a loaded machine (504).
   */
  async deleteNamespace(name: string, timeoutMs = 300_000): Promise<void> {
    const notFound = (err: { code?: number }) => {
      if (err.code !== 404) throw err
    }
    await this.core.deleteNamespace({ name }).catch(notFound)
    for (const until = Date.now() + timeoutMs; ;) {
      const gone = await this.core.readNamespace({ name }).then(
        () => false,
        (err: { code?: number }) => (notFound(err), true),
      )
      if (gone) return
      if (Date.now() > until) throw new Error(`namespace ${name} still there after ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 1_000))
    }
  }

  /**
   * A failed journey's cluster story: the VMIs and migrations attached to its report, and a few
   * lines in DIAGNOSTICS (what is still moving, the machine's load, virt-controller's last errors)
   * for whoever sees only the test run's output.
   */
  async attachKubeVirtState(info: TestInfo): Promise<void> {
    const lists: Record<string, Kobj[]> = {}
    for (const plural of ['virtualmachineinstances', 'virtualmachineinstancemigrations']) {
      const list = (await this.api.listClusterCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        plural,
      })) as { items: Kobj[] }
      lists[plural] = list.items
      await info.attach(`${plural}.json`, {
        body: JSON.stringify(list, null, 1),
        contentType: 'application/json',
      })
    }
    const id = (o: Kobj) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`
    const lines = [
      `== ${info.titlePath.slice(1).join(' › ')}`,
      `load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    ]
    for (const m of lists.virtualmachineinstancemigrations ?? [])
      if (!['Succeeded', 'Failed'].includes(m.status?.phase ?? '') || m.metadata.deletionTimestamp)
        lines.push(
          `migration ${id(m)} of ${m.spec?.vmiName ?? '?'}: ${m.status?.phase ?? 'no phase'}${m.metadata.deletionTimestamp ? ' (deleting)' : ''}`,
        )
    for (const vmi of lists.virtualmachineinstances ?? []) {
      const state = vmi.status?.migrationState
      const moving = state && !state.completed && !state.failed
      if (vmi.status?.phase !== 'Running' || moving || vmi.metadata.deletionTimestamp)
        lines.push(
          `vmi ${id(vmi)}: ${vmi.status?.phase ?? 'no phase'} on ${vmi.status?.nodeName ?? '-'}${vmi.metadata.deletionTimestamp ? ' (deleting)' : ''}${moving ? ` migrationState ${JSON.stringify(state)}` : ''}`,
        )
    }
    const log = process.env.VMDECK_E2E_STATE_DIR
      ? join(process.env.VMDECK_E2E_STATE_DIR, 'sim/kubevirt/virt-controller.log')
      : ''
    if (log && existsSync(log))
      lines.push(
        ...readFileSync(log, 'utf8')
          .split('\n')
          .filter((line) => line.includes('"level":"error"') || line.startsWith('E'))
          // Optimistic-concurrency conflicts are retried at once; they are not the story.
          .filter((line) => !line.includes('the object has been modified'))
          .slice(-8)
          .map((line) => `virt-controller: ${line.slice(0, 300)}`),
      )
    mkdirSync(dirname(DIAGNOSTICS), { recursive: true })
    appendFileSync(DIAGNOSTICS, `${lines.join('\n')}\n`)
  }

  /** Names of the VMs in a namespace that a label selector matches, as `kubectl get vm -l`. */
  async vmNames(namespace: string, labelSelector: string): Promise<string[]> {
    const list = (await this.api.listNamespacedCustomObject({
      group: 'kubevirt.io',
      version: 'v1',
      namespace,
      plural: 'virtualmachines',
      labelSelector,
    })) as { items: { metadata: { name: string } }[] }
    return list.items.map((vm) => vm.metadata.name)
  }

  async patchVm(namespace: string, name: string, patch: object): Promise<void> {
    await this.api.patchNamespacedCustomObject(
      {
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachines',
        namespace,
        name,
        body: patch,
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
  }

  /** Deletes a VM if it exists (test cleanup). */
  async deleteVmIfExists(namespace: string, name: string): Promise<void> {
    await this.api
      .deleteNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        plural: 'virtualmachines',
        namespace,
        name,
      })
      .catch((err: { code?: number }) => {
        if (err.code !== 404) throw err
      })
  }
}

const kubeconfig = () => {
  const path = process.env.VMDECK_E2E_KUBECONFIG
  if (!path) throw new Error('global setup did not start the stack')
  return path
}

export const test = base.extend<{
  cluster: Cluster
  loginAs: (user: 'admin' | 'helpdesk' | 'viewer') => Promise<Page>
  clusterStory: void
}>({
  cluster: async ({}, use) => use(new Cluster(kubeconfig())),
  // Every journey that fails tells the cluster's story (attachKubeVirtState), asked for or not.
  clusterStory: [
    async ({}, use, info) => {
      await use()
      if (info.status !== info.expectedStatus)
        await new Cluster(kubeconfig()).attachKubeVirtState(info)
    },
    { auto: true },
  ],
  loginAs: async ({ page }, use) => {
    await use(async (user) => {
      await page.goto('/')
      await page.getByRole('button', { name: `Log in as ${user}` }).click()
      // Logging in loads the app and its first list; on a loaded 2-CPU machine that outlasts
      // expect's 5 s default, and it is a readiness wait, not a timing under test.
      await expect(page.getByRole('button', { name: /^User menu/ })).toBeVisible({
        timeout: 20_000,
      })
      return page
    })
  },
})

export { expect }
