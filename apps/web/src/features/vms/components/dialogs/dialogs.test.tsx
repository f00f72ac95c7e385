import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { makeVmSummary } from '@vmdeck/shared/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeFetch, renderWithApp } from '../../../../testing/render.tsx'
import { CloneVmDialog } from './clone-vm-dialog.tsx'
import { DeleteVmDialog } from './delete-vm-dialog.tsx'
import { MigrateVmDialog } from './migrate-vm-dialog.tsx'
import { RestoreDialog } from './restore-dialog.tsx'
import { SnapshotDialog } from './snapshot-dialog.tsx'

afterEach(() => vi.unstubAllGlobals())

const node = (name: string, overrides = {}) => ({
  name,
  ready: true,
  schedulable: true,
  roles: [],
  capacity: { cpu: 8, memory: 32 * 1024 ** 3, pods: 110 },
  allocatable: { cpu: 8, memory: 32 * 1024 ** 3, pods: 110 },
  used: { cpu: 2, memory: 8 * 1024 ** 3, pods: 3 },
  vmCount: 2,
  labels: {},
  taints: [],
  createdAt: '2026-01-01T00:00:00Z',
  ...overrides,
})

describe('DeleteVmDialog', () => {
  it('deletes only once the name is typed, with or without disks', async () => {
    const onConfirm = vi.fn()
    renderWithApp(
      <DeleteVmDialog
        vms={[{ namespace: 'prod', name: 'db-01' }]}
        onConfirm={onConfirm}
        onClose={vi.fn()}
      />,
    )
    const remove = screen.getByRole('button', { name: 'Delete' })
    expect(remove).toBeDisabled()
    await userEvent.type(screen.getByLabelText('Type db-01 to confirm'), 'db-0')
    expect(remove).toBeDisabled()
    await userEvent.type(screen.getByLabelText('Type db-01 to confirm'), '1')
    await userEvent.click(screen.getByLabelText('Also delete the disks the VM owns'))
    await userEvent.click(remove)
    expect(onConfirm).toHaveBeenCalledWith({ deleteDisks: false })
  })

  it('asks for the count when deleting many', async () => {
    const onConfirm = vi.fn()
    renderWithApp(
      <DeleteVmDialog
        vms={[
          { namespace: 'a', name: 'x' },
          { namespace: 'a', name: 'y' },
        ]}
        onConfirm={onConfirm}
        onClose={vi.fn()}
      />,
    )
    await userEvent.type(screen.getByLabelText('Type 2 to confirm'), '2')
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }))
    expect(onConfirm).toHaveBeenCalledWith({ deleteDisks: true })
  })
})

describe('RestoreDialog', () => {
  it('offers to stop a running VM, then restores once it has stopped', async () => {
    const onStop = vi.fn()
    const onRestore = vi.fn()
    const props = { vmName: 'web-01', snapshot: 'snap-1', onStop, onRestore, onClose: vi.fn() }
    const { rerender } = renderWithApp(<RestoreDialog {...props} status="Running" />)
    expect(screen.queryByRole('button', { name: 'Restore' })).not.toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Stop and restore' }))
    expect(onStop).toHaveBeenCalledOnce()
    expect(onRestore).not.toHaveBeenCalled()
    rerender(<RestoreDialog {...props} status="Stopping" />)
    expect(onRestore).not.toHaveBeenCalled()
    rerender(<RestoreDialog {...props} status="Stopped" />)
    expect(onRestore).toHaveBeenCalledOnce()
  })

  it('restores a stopped VM directly', async () => {
    const onRestore = vi.fn()
    renderWithApp(
      <RestoreDialog
        vmName="a"
        snapshot="s"
        status="Stopped"
        onStop={vi.fn()}
        onRestore={onRestore}
        onClose={vi.fn()}
      />,
    )
    await userEvent.click(screen.getByRole('button', { name: 'Restore' }))
    expect(onRestore).toHaveBeenCalledOnce()
  })
})

describe('MigrateVmDialog', () => {
  it('migrates automatically by default', async () => {
    const onConfirm = vi.fn()
    renderWithApp(
      <MigrateVmDialog
        cluster="c"
        vms={[makeVmSummary({ name: 'web-01', node: 'node-1' })]}
        onConfirm={onConfirm}
        onClose={vi.fn()}
      />,
    )
    await userEvent.click(screen.getByRole('button', { name: 'Migrate' }))
    expect(onConfirm).toHaveBeenCalledWith(undefined)
  })

  it('lists nodes with free capacity; the source and cordoned nodes cannot be picked', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/clusters/c/nodes': () => ({
          items: [node('node-1'), node('node-2'), node('node-3', { schedulable: false })],
        }),
      }),
    )
    const onConfirm = vi.fn()
    renderWithApp(
      <MigrateVmDialog
        cluster="c"
        vms={[makeVmSummary({ name: 'web-01', node: 'node-1' })]}
        onConfirm={onConfirm}
        onClose={vi.fn()}
      />,
    )
    await userEvent.click(screen.getByLabelText('Choose the target node'))
    expect(await screen.findByRole('radio', { name: 'Migrate to node-2' })).toBeEnabled()
    expect(screen.getByRole('radio', { name: 'Migrate to node-1' })).toBeDisabled()
    expect(screen.getByRole('radio', { name: 'Migrate to node-3' })).toBeDisabled()
    expect(screen.getAllByText('6 of 8')).toHaveLength(3)
    expect(screen.getByRole('button', { name: 'Migrate' })).toBeDisabled()
    await userEvent.click(screen.getByRole('radio', { name: 'Migrate to node-2' }))
    await userEvent.click(screen.getByRole('button', { name: 'Migrate' }))
    expect(onConfirm).toHaveBeenCalledWith('node-2')
  })
})

describe('SnapshotDialog and CloneVmDialog', () => {
  it('validates the snapshot name as you type', async () => {
    const onConfirm = vi.fn()
    renderWithApp(
      <SnapshotDialog
        vm={{ namespace: 'a', name: 'web' }}
        onConfirm={onConfirm}
        onClose={vi.fn()}
      />,
    )
    const input = screen.getByLabelText(/Snapshot name/)
    expect((input as HTMLInputElement).value).toMatch(/^web-\d{8}-\d{6}$/)
    await userEvent.clear(input)
    await userEvent.type(input, 'Bad_Name')
    expect(screen.getByText('Lowercase letters only.')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Take snapshot' })).toBeDisabled()
    await userEvent.clear(input)
    await userEvent.type(input, 'before-upgrade')
    await userEvent.click(screen.getByRole('button', { name: 'Take snapshot' }))
    expect(onConfirm).toHaveBeenCalledWith('before-upgrade')
  })

  it('clones with a new name, optionally starting it', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        '/api/v1/clusters/c/namespaces': () => ({ items: [{ name: 'a' }, { name: 'b' }] }),
      }),
    )
    const onConfirm = vi.fn()
    renderWithApp(
      <CloneVmDialog
        cluster="c"
        vm={{ namespace: 'a', name: 'web' }}
        onConfirm={onConfirm}
        onClose={vi.fn()}
      />,
    )
    const name = screen.getByLabelText(/Name of the clone/)
    expect(name).toHaveValue('web-clone')
    await userEvent.clear(name)
    await userEvent.type(name, 'web')
    expect(screen.getByText('The clone needs its own name.')).toBeInTheDocument()
    await userEvent.type(name, '-2')
    await userEvent.click(screen.getByLabelText('Start the clone when it is ready'))
    await userEvent.click(screen.getByRole('button', { name: 'Clone' }))
    expect(onConfirm).toHaveBeenCalledWith({ name: 'web-2', start: true })
  })
})
