import type { PrometheusTarget } from './prometheus-client.ts'

/**
 * Parses `VMDECK_PROMETHEUS_URL`: one URL for every cluster, or `cluster=url` pairs separated by
 * commas (`*=url` for the rest); `VMDECK_PROMETHEUS_SCRAPE_INTERVAL` (e.g. `30s`) applies to all.
 */
export function prometheusTargetsFromEnv(
  env: NodeJS.ProcessEnv,
): Record<string, PrometheusTarget> | undefined {
  const spec = env.VMDECK_PROMETHEUS_URL?.trim()
  if (!spec) return undefined
  const interval = env.VMDECK_PROMETHEUS_SCRAPE_INTERVAL?.trim()
  const seconds = interval ? Number(interval.replace(/s$/, '')) : undefined
  if (seconds !== undefined && !(seconds > 0))
    throw new Error('VMDECK_PROMETHEUS_SCRAPE_INTERVAL: use seconds, e.g. 30s')
  const targets: Record<string, PrometheusTarget> = {}
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const eq = entry.indexOf('=')
    const [cluster, url] =
      eq > 0 && !entry.slice(0, eq).includes(':')
        ? [entry.slice(0, eq), entry.slice(eq + 1)]
        : ['*', entry]
    if (!/^https?:\/\//.test(url))
      throw new Error(`VMDECK_PROMETHEUS_URL: ${url} is not an http(s) URL`)
    targets[cluster] = { url, ...(seconds ? { scrapeIntervalSeconds: seconds } : {}) }
  }
  return targets
}
