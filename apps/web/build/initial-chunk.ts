import type { Plugin } from 'vite'

/**
 * Puts every module the VM list route loads up front (what src/main.tsx imports statically) into
 * one chunk, with one style sheet, instead of the dozens of small shared chunks automatic
 * splitting makes: on HTTP/1.1 a browser opens only 6 connections per host, and ~60 requests
 * queue the first-load script's requests behind them. Modules the first-load entry imports stay
 * out, so that entry stays a few hundred bytes; lazily loaded pages keep their own chunks.
 */
export function initialChunk(): Plugin {
  const initial = new Set<string>()
  return {
    name: 'vmdeck-initial-chunk',
    apply: 'build',
    buildEnd() {
      const reach = (entry: string) => {
        const seen = new Set<string>()
        const stack = [entry]
        for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
          if (seen.has(id)) continue
          seen.add(id)
          stack.push(...(this.getModuleInfo(id)?.importedIds ?? []))
        }
        return seen
      }
      const ids = [...this.getModuleIds()]
      const app = ids.find((id) => id.endsWith('/src/main.tsx'))
      const firstLoad = ids.find((id) => id.endsWith('/src/first-load.ts'))
      if (!app || !firstLoad) throw new Error('the app or the first-load entry is missing')
      const early = reach(firstLoad)
      for (const id of reach(app)) if (!early.has(id)) initial.add(id)
    },
    config: () => ({
      build: {
        rollupOptions: {
          output: {
            codeSplitting: {
              groups: [
                {
                  name: 'app',
                  test: (id: string) => initial.has(id),
                  priority: 10,
                  // Else the modules the first-load entry shares with the app would come along.
                  includeDependenciesRecursively: false,
                },
              ],
            },
          },
        },
      },
    }),
  }
}
