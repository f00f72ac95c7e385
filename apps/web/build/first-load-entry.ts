import type { Plugin } from 'vite'

const NAME = 'first-load'

/**
 * Builds src/first-load.ts as an entry of its own and runs it from index.html as soon as it has
 * arrived (an async module script, first in <head>), before the app's much larger entry. Vite
 * would merge a second module script of index.html into the app's entry, which then waits for
 * all of the app's code.
 */
export function firstLoadEntry(): Plugin {
  return {
    name: 'vmdeck-first-load-entry',
    apply: 'build',
    config: () => ({
      build: { rollupOptions: { input: { index: 'index.html', [NAME]: 'src/first-load.ts' } } },
    }),
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const chunk = Object.values(bundle ?? {}).find(
          (item) => item.type === 'chunk' && item.isEntry && item.name === NAME,
        )
        if (chunk?.type !== 'chunk') throw new Error(`the ${NAME} entry is missing from the build`)
        return [
          {
            tag: 'script',
            attrs: { type: 'module', async: true, crossorigin: true, src: `/${chunk.fileName}` },
            injectTo: 'head-prepend',
          },
          // What it imports (a few small modules it shares with the app) comes in parallel.
          ...chunk.imports.map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` },
            injectTo: 'head-prepend' as const,
          })),
        ]
      },
    },
  }
}
