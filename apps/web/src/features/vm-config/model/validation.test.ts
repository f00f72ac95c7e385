import type { VmConfig } from '@vmdeck/shared'
import { describe, expect, it } from 'vitest'
import {
  countProblem,
  describeChange,
  macProblem,
  memoryProblem,
  nameProblem,
  parsePairs,
  vlanProblem,
} from './validation.ts'

const compute: VmConfig['compute'] = { kind: 'custom', minMemory: '96Mi', maxGuest: '2Gi' }

describe('Configuration tab validation', () => {
  it('checks memory against the minimum and the running maximum', () => {
    expect(memoryProblem('64Mi', compute)).toMatch(/At least 96Mi/)
    expect(memoryProblem('lots', compute)).toMatch(/size such as/)
    expect(memoryProblem('4Gi', compute)).toMatch(/next restart/)
    expect(memoryProblem('1Gi', compute)).toBeUndefined()
  })

  it('checks vCPU counts', () => {
    expect(countProblem('0', 'Sockets')).toMatch(/1 to 64/)
    expect(countProblem('1.5', 'Cores')).toMatch(/whole number/)
    expect(countProblem('8', 'Sockets', 4)).toMatch(/next restart/)
    expect(countProblem('2', 'Sockets', 4)).toBeUndefined()
  })

  it('refuses a disk name in use, and malformed names', () => {
    expect(nameProblem('rootdisk', ['rootdisk'], 'disk')).toBe(
      'This VM already has a disk named "rootdisk".',
    )
    expect(nameProblem('Data_1', [], 'disk')).toMatch(/Lower-case/)
    expect(nameProblem('data', ['rootdisk'], 'disk')).toBeUndefined()
  })

  it('refuses a malformed MAC or one a card of the VM has', () => {
    const nics = [
      {
        name: 'lan',
        macAddress: '02:00:00:00:00:01',
        binding: 'bridge',
        network: 'x',
        networkType: 'multus' as const,
      },
    ]
    expect(macProblem('02:00:00:00:00:01'.toUpperCase(), nics)).toMatch(
      /in use by network card "lan"/,
    )
    expect(macProblem('02:00:00:00:01', nics)).toMatch(/Six pairs/)
    expect(macProblem('', nics)).toBeUndefined()
  })

  it('takes VLAN IDs from 1 to 4094 only', () => {
    expect(vlanProblem('0')).toMatch(/1 to 4094/)
    expect(vlanProblem('4095')).toMatch(/1 to 4094/)
    expect(vlanProblem('4094')).toBeUndefined()
  })

  it('reads key=value lines and names the bad one', () => {
    expect(parsePairs('team=blue\n\ntier = web')).toEqual({ pairs: { team: 'blue', tier: 'web' } })
    expect(parsePairs('ok=1\n=x').problem).toMatch(/Line 2/)
  })

  it('describes additions and removals in the diff', () => {
    expect(describeChange({ path: 'a', after: 'x' })).toEqual({
      path: 'a',
      before: '(none)',
      after: 'x',
    })
    expect(describeChange({ path: 'b', before: { bus: 'virtio' } })).toEqual({
      path: 'b',
      before: '{"bus":"virtio"}',
      after: '(none)',
    })
  })
})
