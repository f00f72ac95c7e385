// The migration advisor on a migration that does not converge, end to end below the browser: a
// real QEMU guest rewriting memory faster than an 8 MiB/s bandwidth limit lets it copy, QEMU's own
// figures in Prometheus (the node side exports `query-migrate` as virt-handler's migration
// metrics), the advisor's verdict, and its auto-converge remedy applied as shown: the policy
// created as the admin, the migration cancelled and started again, and that one finishing.
import type { MigrationAdvice } from '@vmdeck/shared'
import type { Socket } from 'node:net'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPrometheus } from '../../../scripts/lib/prometheus.mjs'
import { waitForText } from '../../cluster-sim/src/guest/wait-for-text.ts'
import { testVm } from '../../cluster-sim/test/test-vm.ts'
import { as, buildStack, C, login, vmUrl, waitUntil, type TestStack } from './helper.ts'

const VM = 'converge-1'
const KUBEVIRT = '/apis/kubevirt.io/v1/namespaces/kubevirt/kubevirts/kubevirt'
const POLICIES = '/apis/migrations.kubevirt.io/v1alpha1/migrationpolicies'

let stack: TestStack
let admin: ReturnType<typeof as>
let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined
let serial: Socket | undefined
let policyName: string | undefined

const cluster = () => stack.app.clusters.get('vmdeck-sim')!
const latest = () => cluster().migrations.latestFor('default', VM)

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** The migration settings of the KubeVirt CR (a JSON merge patch; null removes them). */
async function clusterMigrations(migrations: Record<string, unknown> | null): Promise<void> {
  const patched = await stack.sim.request('PATCH', KUBEVIRT, {
    body: { spec: { configuration: { migrations } } },
    headers: { 'Content-Type': 'application/merge-patch+json' },
  })
  expect(patched.status, patched.text).toBe(200)
}

function typeLine(line: string, expected: string, ms = 30_000): Promise<string> {
  const seen = waitForText(serial!, expected, ms)
  serial!.write(line + '\r')
  return seen
}

beforeAll(async () => {
  const port = await freePort()
  stack = await buildStack(
    {
      prometheus: {
        targets: { '*': { url: `http://127.0.0.1:${port}`, scrapeIntervalSeconds: 1 } },
        cacheTtlMs: 200,
        timeoutMs: 3000,
      },
    },
    { guests: 'qemu', seed: 'none' },
  )
  prometheus = await startPrometheus({
    port,
    quiet: true,
    scrapeInterval: '1s',
    targets: [{ job: 'kubevirt', url: stack.sim.metricsUrl }],
  })
  admin = as(stack.app, await login(stack.app, 'admin'))
  // A slow link for every migration, and timeouts far beyond this test: only the guest's dirty
  // rate decides whether a migration finishes (KubeVirt's defaults would abort it after 150 s).
  await clusterMigrations({
    bandwidthPerMigration: '8Mi',
    completionTimeoutPerGiB: 800,
    progressTimeout: 600,
  })
  await stack.sim.store.create(
    stack.sim.registry.find('kubevirt.io', 'v1', 'virtualmachines')!,
    testVm(VM, 'Always'),
  )
  await waitUntil(() => !!stack.sim.guests.get('default', VM), 60_000)
  serial = stack.sim.guests.get('default', VM)!.connectSerial()
  // The guest may still be booting: ask until its shell answers.
  const answered = waitForText(serial, 'ready-42', 90_000)
  const ask = setInterval(() => serial?.write('echo ready-$((40+2))\r'), 1000)
  await answered.finally(() => clearInterval(ask))
  await waitUntil(() => cluster().vms.get('default', VM)?.status === 'Running', 30_000)
}, 240_000)

afterAll(async () => {
  serial?.destroy()
  if (policyName) await stack?.sim.request('DELETE', `${POLICIES}/${policyName}`)
  await prometheus?.stop()
  await stack?.close()
}, 60_000)

const advise = async (migration: string) => {
  const { status, body } = await admin.get<MigrationAdvice>(
    `${C}/insight/migrations/default/${migration}`,
  )
  expect(status).toBe(200)
  return body
}

describe('a migration that does not converge', () => {
  it('is flagged by the advisor; with auto-converge from its remedy the next one finishes', async () => {
    // The guest rewrites 16 MiB of its memory over and over (urandom into a tmpfs file), faster
    // than the 8 MiB/s the migration may use.
    await typeLine(
      '(while :; do dd if=/dev/urandom of=/tmp/dirty bs=1M count=16 conv=notrunc 2>/dev/null; done) & echo dirtying-$((3+4))',
      'dirtying-7',
    )
    const from = cluster().vms.get('default', VM)!.node!
    expect((await admin.post(`${vmUrl('default', VM)}/migrate`, {})).status).toBe(202)
    await waitUntil(() => latest()?.phase === 'Running', 60_000)
    const first = latest()!.name

    // The first pass copies the whole guest; from the passes after it the dirty rate is measured.
    // Prometheus has the rates after a scrape or two: asked again until it says so.
    let advice = await advise(first)
    await expect
      .poll(async () => (advice = await advise(first)).verdict, { timeout: 120_000 })
      .toBe('not-converging')
    expect(advice, JSON.stringify(advice)).toMatchObject({
      verdict: 'not-converging',
      active: true,
      measured: true,
    })
    // QEMU's own figures: the link at the 8 MiB/s limit, the guest dirtying about as fast.
    expect(advice.transferRate).toBeGreaterThan(6 * 2 ** 20)
    expect(advice.transferRate).toBeLessThan(10 * 2 ** 20)
    expect(advice.dirtyRate).toBeGreaterThanOrEqual(advice.transferRate! * 0.9)
    expect(advice.reason).toMatch(/^The guest dirties memory at [\d.]+ MiB\/s, about as fast as/)
    expect(latest()?.phase).toBe('Running')

    // The remedy as the dialog shows it: a MigrationPolicy, applied by the admin as it stands.
    const remedy = advice.remedies.find((r) => r.id === 'auto-converge')!
    expect(remedy.manifest).toContain('allowAutoConverge: true')
    const created = await stack.sim.request('POST', POLICIES, {
      body: remedy.manifest!,
      headers: { 'Content-Type': 'application/yaml' },
    })
    expect(created.status, created.text).toBe(201)
    policyName = (created.body as { metadata: { name: string } }).metadata.name

    // Cancel, then migrate again: the new migration gets the policy.
    expect((await admin.del(`${vmUrl('default', VM)}/migrations/${first}`)).status).toBe(202)
    // Ended, or already gone: a cancelled migration's object goes once KubeVirt cleaned up after it.
    await waitUntil(() => cluster().migrations.get('default', first)?.active !== true, 60_000)
    expect(cluster().vms.get('default', VM)?.node).toBe(from)
    expect((await admin.post(`${vmUrl('default', VM)}/migrate`, {})).status).toBe(202)
    await waitUntil(() => !!latest() && latest()!.name !== first, 30_000)
    const second = latest()!.name
    await waitUntil(
      () => latest()?.phase === 'Succeeded' || latest()?.phase === 'Failed',
      180_000,
    ).catch(async (error: unknown) => {
      const vmi = await stack.sim.request(
        'GET',
        `/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/${VM}`,
      )
      throw new Error(
        `${(error as Error).message}: ${JSON.stringify(latest())} ${JSON.stringify((vmi.body as { status?: unknown }).status)} ${JSON.stringify(await advise(second))}`,
      )
    })
    expect(latest()?.phase).toBe('Succeeded')
    expect(cluster().vms.get('default', VM)?.node).not.toBe(from)

    // virt-controller gave it the policy's auto-converge over the cluster's slow link.
    const vmi = await stack.sim.request(
      'GET',
      `/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/${VM}`,
    )
    const state = (
      vmi.body as {
        status: {
          migrationState: {
            migrationUid: string
            migrationPolicyName?: string
            migrationConfiguration: Record<string, unknown>
          }
        }
      }
    ).status.migrationState
    expect(state.migrationPolicyName).toBe(policyName)
    expect(state.migrationConfiguration).toMatchObject({
      allowAutoConverge: true,
      bandwidthPerMigration: '8Mi',
    })
    expect((await advise(second)).verdict).toBe('finished')
  }, 420_000)
})
