import type { ChildProcess } from 'node:child_process'

export interface ScrapeTarget {
  job: string
  /** The metrics page, http or https. */
  url: string
  /** CA bundle that signs an https target's certificate. */
  caFile?: string
  /** Skip checking an https target's certificate (as KubeVirt's own ServiceMonitor does). */
  insecureSkipVerify?: boolean
}

export const PROMETHEUS_BINARY: string
export const kubevirtRecordingRules: string
export function ensurePrometheus(log?: (message: string) => void): void
export function writePrometheusConfig(
  dir: string,
  options: { targets: ScrapeTarget[]; scrapeInterval?: string },
): string
export function startPrometheus(options: {
  port: number
  targets: ScrapeTarget[]
  dir?: string
  scrapeInterval?: string
  quiet?: boolean
  binary?: string
}): Promise<{ url: string; child: ChildProcess; dir: string; stop(): Promise<void> }>
