import type { VmPrintableStatus } from '@vmdeck/shared'
import { makeVmSummary } from '@vmdeck/shared/testing'
import { describe, expect, it } from 'vitest'
import { progressive, vmActionById, vmActions, type VmActionId } from './vm-actions.ts'

const vm = (
  status: VmPrintableStatus,
  flags: { paused?: boolean; liveMigratable?: boolean } = {},
) =>
  makeVmSummary({
    status,
    flags: { paused: false, migrating: false, agentConnected: true, ...flags },
  })

/** The actions a VM in this state offers (not blocked). */
const offered = (
  status: VmPrintableStatus,
  flags?: { paused?: boolean; liveMigratable?: boolean },
) =>
  vmActions.filter((action) => action.blockedBy(vm(status, flags)) === undefined).map((a) => a.id)

const always: VmActionId[] = ['snapshot', 'clone', 'delete']
const downOnly: VmActionId[] = ['snapshot', 'clone', 'force-stop', 'delete']

describe('VM actions by state', () => {
  it('offers a running VM everything but start and unpause', () => {
    expect(offered('Running')).toEqual([
      'stop',
      'restart',
      'pause',
      'migrate',
      'console',
      'snapshot',
      'clone',
      'force-stop',
      'delete',
    ])
  })

  it('offers a stopped VM start, and what needs no instance', () => {
    expect(offered('Stopped')).toEqual(['start', ...always])
    expect(offered('Unknown')).toEqual(['start', ...always])
    expect(offered('ErrImagePull')).toEqual(['start', ...always])
  })

  it('lets a crash-looping VM be started again, stopped and force-stopped', () => {
    expect(offered('CrashLoopBackOff')).toEqual(['start', 'stop', ...downOnly])
  })

  it('offers a paused VM unpause, restart, console and stop, not pause or migrate', () => {
    const paused = offered('Paused', { paused: true })
    expect(paused).toEqual(expect.arrayContaining(['unpause', 'restart', 'console', 'stop']))
    expect(paused).not.toContain('pause')
    expect(paused).not.toContain('migrate')
    expect(vmActionById.pause.blockedBy(vm('Running', { paused: true }))).toBe(
      'The VM is already paused.',
    )
  })

  it('lets a VM on its way down only be force-stopped', () => {
    expect(offered('Stopping')).toEqual(downOnly)
    expect(offered('Terminating')).toEqual(downOnly)
  })

  it('says why a VM cannot migrate', () => {
    const migrate = vmActionById.migrate
    expect(migrate.blockedBy(vm('Stopped'))).toBe('The VM is not running.')
    expect(migrate.blockedBy(vm('Migrating'))).toBe('The VM is already migrating.')
    expect(migrate.blockedBy(vm('Running', { liveMigratable: false }))).toMatch(
      /cannot be live-migrated/,
    )
    expect(migrate.blockedBy(vm('Running', { liveMigratable: true }))).toBeUndefined()
  })

  it('opens a console on a running, paused or migrating VM only', () => {
    const console = vmActionById.console
    for (const status of ['Running', 'Paused', 'Migrating'] as const)
      expect(console.blockedBy(vm(status))).toBeUndefined()
    expect(console.blockedBy(vm('Starting'))).toBe('The VM is not running.')
  })
})

describe('the action table', () => {
  it('has one entry per id, each needing the permission of its kind', () => {
    expect(Object.keys(vmActionById)).toHaveLength(vmActions.length)
    expect(vmActionById.console.permission).toBe('vnc')
    expect(vmActionById['force-stop'].permission).toBe('force-stop')
  })

  it('runs power operations at once and names them for toasts', () => {
    const immediate = vmActions.filter((a) => a.immediate).map((a) => a.id)
    expect(immediate).toEqual(['start', 'stop', 'restart', 'pause', 'unpause', 'force-stop'])
    for (const id of immediate) expect(progressive[id]).toMatch(/ing$/)
  })

  it('offers only actions that make sense for many VMs in bulk, and marks the dangerous ones', () => {
    expect(vmActions.filter((a) => a.bulk).map((a) => a.id)).toEqual([
      'start',
      'stop',
      'restart',
      'migrate',
      'delete',
    ])
    expect(vmActions.filter((a) => a.danger).map((a) => a.id)).toEqual(['force-stop', 'delete'])
  })
})
