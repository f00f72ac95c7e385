import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { VmConfig } from '@vmdeck/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../../../testing/render.tsx'
import { VmConfigTab } from './vm-config-tab.tsx'

const base = '/api/v1/clusters/c1/namespaces/dev/vms/box'
const C = '/api/v1/clusters/c1'

const config = (over: Partial<VmConfig> = {}): VmConfig => ({
  namespace: 'dev',
  name: 'box',
  version: 'v1',
  running: true,
  editable: true,
  details: { description: '', labels: { app: 'web' }, annotations: {}, runStrategy: 'Always' },
  compute: {
    kind: 'custom',
    sockets: 1,
    cores: 1,
    threads: 1,
    memory: '128Mi',
    minMemory: '96Mi',
    maxSockets: 4,
    maxGuest: '512Mi',
  },
  disks: [
    {
      name: 'rootdisk',
      type: 'disk',
      bus: 'virtio',
      sourceKind: 'containerDisk',
      hotpluggable: false,
    },
  ],
  interfaces: [
    {
      name: 'default',
      binding: 'masquerade',
      network: 'Pod network',
      networkType: 'pod',
      macAddress: '02:00:00:00:00:01',
    },
  ],
  initialRun: { hasUserData: false },
  ...over,
})

const catalogs = {
  [`${C}/catalogs/networks`]: () => ({
    items: [{ namespace: 'dev', name: 'vlan-10', type: 'bridge', vlan: 10 }],
  }),
  [`${C}/catalogs/ssh-keys`]: () => ({ items: [] }),
  [`${C}/catalogs/instancetypes`]: () => ({ items: [] }),
}

afterEach(() => vi.unstubAllGlobals())

const section = (name: string) => screen.findByLabelText(name, { selector: '.pf-v6-c-card' })

describe('VmConfigTab', () => {
  it('reviews a label change with the diff, saves it with the version and says it applied', async () => {
    const sent: { method: string; body: unknown }[] = []
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        ...catalogs,
        [`${base}/config/details/review`]: (init) => {
          sent.push({ method: init?.method ?? '', body: JSON.parse(init?.body as string) })
          return { version: 'v1', changes: [{ path: 'metadata.labels.team', after: 'blue' }] }
        },
        [`${base}/config/details`]: (init) => {
          sent.push({ method: init?.method ?? '', body: JSON.parse(init?.body as string) })
          return { version: 'v2', changes: [], takesEffect: 'now', message: 'Saved.' }
        },
        [`${base}/config`]: () => config(),
      }),
    )
    renderWithApp(<VmConfigTab cluster="c1" namespace="dev" name="box" onRestart={() => {}} />)
    const labels = await screen.findByLabelText('Labels')
    await userEvent.type(labels, '\nteam=blue')
    const details = await section('Details')
    await userEvent.click(within(details).getByRole('button', { name: 'Review changes' }))
    const dialog = await screen.findByRole('dialog', { name: 'Review changes' })
    expect(within(dialog).getByText('metadata.labels.team')).toBeInTheDocument()
    expect(within(dialog).getByText('(none)')).toBeInTheDocument()
    expect(within(dialog).getByText('blue')).toBeInTheDocument()
    expect(sent).toEqual([
      {
        method: 'POST',
        body: {
          version: 'v1',
          change: {
            description: '',
            labels: { app: 'web', team: 'blue' },
            annotations: {},
            runStrategy: 'Always',
          },
        },
      },
    ])
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('Saved')).toBeInTheDocument()
    expect(sent[1]).toMatchObject({ method: 'PATCH', body: { version: 'v1' } })
  })

  it('shows "applies at next restart" with a Restart button', async () => {
    const restarts: number[] = []
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        ...catalogs,
        [`${base}/config`]: () =>
          config({ restartRequired: 'a non-live-updatable field was changed' }),
      }),
    )
    renderWithApp(
      <VmConfigTab cluster="c1" namespace="dev" name="box" onRestart={() => restarts.push(1)} />,
    )
    expect(await screen.findByText('Saved changes apply at the next restart')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Restart' }))
    expect(restarts).toEqual([1])
  })

  it('shows a conflict with Reload', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        ...catalogs,
        [`${base}/config/details/review`]: () =>
          new Response(
            JSON.stringify({
              statusCode: 409,
              error: 'Conflict',
              message:
                'Someone changed this VM since you opened it; reload it and make your change again.',
              code: 'VM_CHANGED',
            }),
            { status: 409 },
          ),
        [`${base}/config`]: () => config(),
      }),
    )
    renderWithApp(<VmConfigTab cluster="c1" namespace="dev" name="box" onRestart={() => {}} />)
    const details = await section('Details')
    await userEvent.click(within(details).getByRole('button', { name: 'Review changes' }))
    expect(await screen.findByText(/Someone changed this VM/)).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Reload' })).toBeInTheDocument()
  })

  it('is read-only with the reason and has no Review or Save for a user who may not edit', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        ...catalogs,
        [`${base}/config`]: () =>
          config({ editable: false, readOnlyReason: 'You may view this VM but not change it.' }),
      }),
    )
    renderWithApp(<VmConfigTab cluster="c1" namespace="dev" name="box" onRestart={() => {}} />)
    expect(await screen.findByText('You may view this VM but not change it.')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Review changes' })).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /Remove/ })).not.toBeInTheDocument()
    expect(screen.getByLabelText('Memory')).toBeDisabled()
  })

  it('explains bad input in each section before anything is sent', async () => {
    vi.stubGlobal('fetch', fakeFetch({ ...catalogs, [`${base}/config`]: () => config() }))
    renderWithApp(<VmConfigTab cluster="c1" namespace="dev" name="box" onRestart={() => {}} />)
    const memory = await screen.findByLabelText('Memory')
    await userEvent.clear(memory)
    await userEvent.type(memory, '64Mi')
    expect(screen.getByText(/At least 96Mi/)).toBeInTheDocument()
    expect(
      within(await section('Compute')).getByRole('button', { name: 'Review changes' }),
    ).toBeDisabled()

    await userEvent.type(screen.getByLabelText('Disk name'), 'rootdisk')
    expect(screen.getByText('This VM already has a disk named "rootdisk".')).toBeInTheDocument()
    expect(
      within(await section('Disks')).getByRole('button', { name: 'Review changes' }),
    ).toBeDisabled()

    await userEvent.type(screen.getByLabelText('MAC address'), '02:00:00:00:00:01')
    expect(screen.getByText('MAC address in use by network card "default".')).toBeInTheDocument()

    await userEvent.click(screen.getByRole('button', { name: 'Create a VLAN network' }))
    await userEvent.type(screen.getByLabelText('VLAN ID'), '4095')
    expect(screen.getByText(/from 1 to 4094/)).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Create network' })).toBeDisabled()

    await userEvent.type(screen.getByLabelText('SSH keys'), 'not a key')
    expect(screen.getByText('Line 1 is not an SSH public key.')).toBeInTheDocument()
  })
})
