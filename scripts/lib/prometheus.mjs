// A real Prometheus (Debian's package) for the demo and the tests: scrapes the simulator's
// `/metrics` (KubeVirt's metric names, docs/KUBEVIRT-NOTES.md) and the BFF's own `/metrics` at a short interval, with
// the KubeVirt recording rules vmdeck's queries use. Storage lives in a throw-away directory.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureDebianPackages } from './apt.mjs'
import { start, waitForExit } from './processes.mjs'

export const PROMETHEUS_BINARY = '/usr/bin/prometheus'

/** KubeVirt's recording rules (kv:pkg/monitoring/rules/recordingrules), the ones vmdeck queries. */
export const kubevirtRecordingRules = `groups:
  - name: kubevirt.rules
    rules:
      - record: vmi:kubevirt_vmi_vcpu:count
        expr: count by (namespace, name, node) (kubevirt_vmi_vcpu_seconds_total)
      - record: vmi:kubevirt_vmi_memory_used_bytes:sum
        expr: kubevirt_vmi_memory_available_bytes - kubevirt_vmi_memory_usable_bytes
      - record: kubevirt_vmi_memory_used_bytes
        expr: kubevirt_vmi_memory_available_bytes - kubevirt_vmi_memory_usable_bytes
      - record: node:kubevirt_vmi_phase:sum
        expr: sum by (node, phase, os, workload, flavor, instance_type, preference, guest_os_kernel_release, guest_os_machine, guest_os_arch, guest_os_name, guest_os_version_id) (kubevirt_vmi_info)
      - record: namespace:kubevirt_vm:sum
        expr: count by (namespace) (kubevirt_vm_info)
`

/** Installs Prometheus from Debian when missing (without recommends). */
export function ensurePrometheus(log) {
  ensureDebianPackages(['prometheus'], log)
}

/**
 * Writes the configuration for `targets` ({ job, url, caFile?, insecureSkipVerify? } — url of the metrics page,
 * http or https) into `dir`; returns the config path.
 */
export function writePrometheusConfig(dir, { targets, scrapeInterval = '2s' }) {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'kubevirt.rules.yml'), kubevirtRecordingRules)
  const jobs = targets.map(({ job, url, caFile, insecureSkipVerify }) => {
    const target = new URL(url)
    const lines = [
      `  - job_name: ${JSON.stringify(job)}`,
      `    scheme: ${target.protocol.replace(':', '')}`,
      `    metrics_path: ${JSON.stringify(target.pathname)}`,
      // The simulator speaks for many hosts (virt-handler per node, node-exporter with
      // instance = node name as kube-prometheus relabels it): keep the labels it exposes.
      `    honor_labels: true`,
    ]
    if (caFile) lines.push('    tls_config:', `      ca_file: ${JSON.stringify(caFile)}`)
    else if (insecureSkipVerify) lines.push('    tls_config:', '      insecure_skip_verify: true')
    lines.push('    static_configs:', `      - targets: [${JSON.stringify(target.host)}]`)
    return lines.join('\n')
  })
  const config = `global:
  scrape_interval: ${scrapeInterval}
  scrape_timeout: ${scrapeInterval}
  evaluation_interval: ${scrapeInterval}
rule_files:
  - kubevirt.rules.yml
scrape_configs:
${jobs.join('\n')}
`
  const path = join(dir, 'prometheus.yml')
  writeFileSync(path, config)
  return path
}

/**
 * Starts Prometheus on 127.0.0.1:`port` scraping `targets`; resolves once it is ready.
 * Config and storage go to `dir` (kept), or to a temporary directory that `stop()` removes.
 */
export async function startPrometheus({
  port,
  targets,
  dir: keptDir,
  scrapeInterval = '2s',
  quiet = false,
  binary = PROMETHEUS_BINARY,
}) {
  const dir = keptDir ?? mkdtempSync(join(tmpdir(), 'vmdeck-prometheus-'))
  const config = writePrometheusConfig(dir, { targets, scrapeInterval })
  const check = spawnSync(binary, ['--version'], { encoding: 'utf8' })
  if (check.status !== 0)
    throw new Error(`${binary} does not run: install Debian's prometheus package`)
  const child = start(
    'prometheus',
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1d',
      '--log.level=warn',
    ],
    { cwd: dir, quiet },
  )
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      // gone already
    }
    await waitForExit(child)
    if (!keptDir) rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitUntilReady(url, child)
  } catch (err) {
    await stop()
    throw err
  }
  return { url, child, dir, stop }
}

async function waitUntilReady(url, child, ms = 30_000) {
  const deadline = Date.now() + ms
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready`,
      )
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus at ${url} not ready within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
