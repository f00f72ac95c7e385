import { describe, expect, it } from 'vitest'
import { podUsage, sumUsage, toNodeSummary } from './node-summary.ts'

describe('toNodeSummary', () => {
  const node = {
    metadata: {
      name: 'node-1',
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { 'node-role.kubernetes.io/worker': '', zone: 'a' },
    },
    spec: { unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }] },
    status: {
      capacity: { cpu: '8', memory: '32Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
      nodeInfo: { kubeletVersion: 'v1.34.0' },
      addresses: [{ type: 'InternalIP', address: '192.168.0.11' }],
    },
  }
  const pod = (cpu: string, memory: string, phase = 'Running') => ({
    spec: { containers: [{ resources: { requests: { cpu, memory } } }] },
    status: { phase },
  })

  it('adds up what the active launcher pods request, and reads roles, taints and addresses', () => {
    const summary = toNodeSummary(
      node,
      sumUsage([pod('500m', '1Gi'), pod('1', '2Gi'), pod('4', '8Gi', 'Succeeded')].map(podUsage)),
      2,
      { phase: 'Draining', remaining: 2, total: 2, startedAt: '2026-01-01T00:00:00Z' },
    )
    expect(summary).toEqual({
      name: 'node-1',
      ready: true,
      schedulable: false,
      roles: ['worker'],
      capacity: { cpu: 8, memory: 32 * 2 ** 30, pods: 110 },
      allocatable: { cpu: 8, memory: 32 * 2 ** 30, pods: 110 },
      used: { cpu: 1.5, memory: 3 * 2 ** 30, pods: 2 },
      vmCount: 2,
      labels: node.metadata.labels,
      taints: [{ key: 'k', effect: 'NoSchedule' }],
      kubeletVersion: 'v1.34.0',
      internalIp: '192.168.0.11',
      createdAt: '2026-01-01T00:00:00Z',
      drain: { phase: 'Draining', remaining: 2, total: 2, startedAt: '2026-01-01T00:00:00Z' },
    })
  })
})
