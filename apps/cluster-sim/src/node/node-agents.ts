import type { KubeClient } from '../cluster/kube-client.ts'
import type { ConsoleLogSource } from './container-logs.ts'
import { NodeAgent } from './node-agent.ts'
import type { NodeSpec } from './node-spec.ts'

export interface NodeAgentsOptions {
  /** A client with rights over nodes, leases and pods (the simulator's cluster-sim identity). */
  client: KubeClient
  nodes: NodeSpec[]
  /** The serial console log of a VMI, served as its launcher pod's guest-console-log container. */
  consoleLog?: ConsoleLogSource
  /** Where each kubelet keeps its serving certificate. */
  stateDir: string
  /**
   * PEM of the CA that signs kube-apiserver's kubelet client certificate (cluster.json's
   * kubeletClientCAFile); by default the client's cluster CA, which is the same CA.
   */
  kubeletClientCA?: string
  /** Lease renewal (the kubelet renews every 10 s); tests with a short grace period go faster. */
  leaseRenewIntervalMs?: number
  statusUpdateIntervalMs?: number
  statusReportIntervalMs?: number
  log?: (message: string) => void
}

export interface NodeAgents {
  /** The node's kubelet dies: no more heartbeats, its API is gone. */
  stop(name: string): Promise<void>
  /** The node's kubelet starts again: status posted, lease renewed, pods run. */
  start(name: string): Promise<void>
  /** Where kube-apiserver reaches a running node's kubelet API. */
  endpoint(name: string): { address: string; port: number } | undefined
  close(): Promise<void>
}

/** 127.0.0.11, 127.0.0.12, ...: a loopback address of its own per node. */
export const nodeAddress = (index: number): string => {
  const n = 11 + index
  return `127.0.${Math.floor(n / 256)}.${n % 256}`
}

/**
 * Starts a kubelet per node against the real API server and resolves once every Node is
 * registered and each agent has listed its pods.
 */
export async function startNodeAgents(options: NodeAgentsOptions): Promise<NodeAgents> {
  const { client } = options
  const version = await client.json<{ gitVersion: string }>('GET', '/version')
  const log = options.log ?? ((message: string) => console.error(`node-agent: ${message}`))
  const agents = new Map(
    options.nodes.map((spec, index) => [
      spec.name,
      new NodeAgent({
        client,
        spec,
        address: spec.ip ?? nodeAddress(index),
        kubeletVersion: version.gitVersion,
        kubeletClientCA: options.kubeletClientCA ?? client.ca,
        stateDir: options.stateDir,
        consoleLog: options.consoleLog,
        leaseRenewIntervalMs: options.leaseRenewIntervalMs ?? 10_000,
        statusUpdateIntervalMs: options.statusUpdateIntervalMs ?? 10_000,
        statusReportIntervalMs: options.statusReportIntervalMs ?? 5 * 60_000,
        log,
      }),
    ]),
  )
  const agent = (name: string) => {
    const found = agents.get(name)
    if (!found) throw new Error(`no node agent for ${name}`)
    return found
  }
  const close = async () => {
    await Promise.all([...agents.values()].map((a) => a.stop()))
  }
  try {
    await Promise.all([...agents.values()].map((a) => a.start()))
  } catch (error) {
    await close()
    throw error
  }
  return {
    stop: (name) => agent(name).stop(),
    start: (name) => agent(name).start(),
    endpoint: (name) => agent(name).endpoint,
    close,
  }
}
