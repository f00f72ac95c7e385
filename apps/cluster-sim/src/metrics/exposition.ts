// Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, then one line per sample.
// https://prometheus.io/docs/instrumenting/exposition_formats/

export type MetricType = 'counter' | 'gauge'
export type Labels = Record<string, string>

interface Family {
  help: string
  type: MetricType
  samples: { labels: Labels; value: number }[]
}

/** Collects samples grouped by metric name, then renders them in one pass. */
export class Exposition {
  readonly #families = new Map<string, Family>()

  add(name: string, type: MetricType, help: string, labels: Labels, value: number): void {
    let family = this.#families.get(name)
    if (!family) {
      family = { help, type, samples: [] }
      this.#families.set(name, family)
    }
    family.samples.push({ labels, value })
  }

  /** Declares a family with no samples yet, so its HELP/TYPE appear even when nothing runs. */
  declare(name: string, type: MetricType, help: string): void {
    if (!this.#families.has(name)) this.#families.set(name, { help, type, samples: [] })
  }

  render(): string {
    const lines: string[] = []
    for (const [name, family] of this.#families) {
      lines.push(`# HELP ${name} ${family.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`)
      lines.push(`# TYPE ${name} ${family.type}`)
      for (const { labels, value } of family.samples)
        lines.push(`${name}${renderLabels(labels)} ${renderValue(value)}`)
    }
    return lines.join('\n') + '\n'
  }
}

function renderLabels(labels: Labels): string {
  const parts = Object.entries(labels)
    .filter(([, value]) => value !== '')
    .map(
      ([key, value]) =>
        `${key}="${value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"')}"`,
    )
  return parts.length ? `{${parts.join(',')}}` : ''
}

function renderValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

/** KubeVirt's `kubernetes_vmi_label_<key>`: a label key with `.`, `/` and `-` replaced by `_`. */
export function vmiLabelName(key: string): string {
  return `kubernetes_vmi_label_${key.replace(/[^A-Za-z0-9_]/g, '_')}`
}
