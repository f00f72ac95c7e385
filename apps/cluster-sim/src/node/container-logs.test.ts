import { describe, expect, it } from 'vitest'
import type { KObject } from '../kube/types.ts'
import { containerOutput, renderAppended, renderLog, type LogQuery } from './container-logs.ts'

const launcher: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'virt-launcher-vm-a-x1',
    namespace: 'prod',
    labels: { 'kubevirt.io': 'virt-launcher' },
    annotations: { 'kubevirt.io/domain': 'vm-a' },
  },
  status: { startTime: '2026-01-02T03:04:05Z' },
}
const query = (more: Partial<LogQuery> = {}): LogQuery => ({
  timestamps: false,
  follow: false,
  previous: false,
  ...more,
})

describe('container logs as the kubelet serves them', () => {
  it('serves the VMI’s serial console as guest-console-log, a prompt without a newline', () => {
    const lines = containerOutput(launcher, 'guest-console-log', (namespace, vmi) =>
      namespace === 'prod' && vmi === 'vm-a' ? 'boot\nvm-a login: ' : undefined,
    )
    expect(renderLog(lines, query())).toBe('boot\nvm-a login: ')
    expect(renderLog(lines, query({ tailLines: 1 }))).toBe('vm-a login: ')
    expect(renderLog(lines, query({ timestamps: true }))).toBe(
      '2026-01-02T03:04:05.000000000Z boot\n2026-01-02T03:04:05.000000000Z vm-a login: ',
    )
    expect(renderLog(lines, query({ limitBytes: 6 }))).toBe('boot\nv')
  })

  it('prints virt-launcher’s JSON lines for compute and an empty console when there is none', () => {
    const compute = renderLog(containerOutput(launcher, 'compute', undefined), query())
    expect(compute.split('\n')[0]).toMatch(/^\{"component":"virt-launcher","level":"info"/)
    expect(
      renderLog(
        containerOutput(launcher, 'guest-console-log', () => undefined),
        query(),
      ),
    ).toBe('')
  })

  it('timestamps only the lines that start in followed output', () => {
    const at = new Date('2026-01-02T03:04:06Z')
    expect(renderAppended('root\nPass', false, true, at)).toBe(
      'root\n2026-01-02T03:04:06.000000000Z Pass',
    )
    expect(renderAppended('root\n', true, false, at)).toBe('root\n')
  })
})
