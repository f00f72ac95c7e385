import { gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

type Chunk = {
  type: 'chunk'
  code: string
  imports: string[]
  isEntry: boolean
  isDynamicEntry: boolean
  name: string
}

/**
 * Reports the JavaScript each route costs, gzipped: the entry (the VM list route, which the app
 * renders eagerly) and each lazily loaded page or feature on top of it. Written to
 * dist/bundle-report.json and printed after the build; the list route's budget is 300 KB gzip (docs/PERFORMANCE.md).
 */
export function bundleReport(): Plugin {
  return {
    name: 'vmdeck-bundle-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.fromEntries(
        Object.entries(bundle).filter(([, item]) => item.type === 'chunk'),
      ) as Record<string, Chunk>
      const gzip = new Map(
        Object.entries(chunks).map(([file, chunk]) => [file, gzipSync(chunk.code).length]),
      )
      const closure = (file: string, seen = new Set<string>()) => {
        if (seen.has(file)) return seen
        seen.add(file)
        for (const next of chunks[file]?.imports ?? []) closure(next, seen)
        return seen
      }
      const kb = (bytes: number) => Math.round(bytes / 102.4) / 10
      const sum = (files: Iterable<string>) =>
        [...files].reduce((n, f) => n + (gzip.get(f) ?? 0), 0)
      // Every entry runs on the first load: the app and the first-load script (src/first-load.ts).
      const entries = Object.keys(chunks).filter((file) => chunks[file]?.isEntry)
      if (entries.length === 0) return
      const initial = new Set<string>()
      for (const entry of entries) closure(entry, initial)
      const routes: Record<string, { gzipKB: number; onTopOfInitialKB: number }> = {
        'initial (VM list)': { gzipKB: kb(sum(initial)), onTopOfInitialKB: 0 },
      }
      for (const [file, chunk] of Object.entries(chunks)) {
        if (!chunk.isDynamicEntry) continue
        const files = closure(file)
        routes[chunk.name] = {
          gzipKB: kb(sum(new Set([...initial, ...files]))),
          onTopOfInitialKB: kb(sum([...files].filter((f) => !initial.has(f)))),
        }
      }
      this.emitFile({
        type: 'asset',
        fileName: 'bundle-report.json',
        source: JSON.stringify({ unit: 'KB gzip (JavaScript)', routes }, null, 2) + '\n',
      })
      const rows = Object.entries(routes).map(
        ([name, r]) =>
          `  ${name.padEnd(28)} ${String(r.gzipKB).padStart(7)} KB  (+${r.onTopOfInitialKB} KB lazy)`,
      )
      this.info(`JavaScript per route, gzip:\n${rows.join('\n')}`)
    },
  }
}
