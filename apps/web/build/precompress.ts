import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

/** Text formats worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|map|txt)$/
/** Below this a compressed copy saves less than its own headers cost. */
const MIN_BYTES = 1024

/**
 * Writes a brotli (`.br`) and a gzip (`.gz`) copy next to every text file of the build, at the
 * highest levels: they are made once, so the BFF serves them without compressing per request
 * (it picks the copy the browser accepts; docs/PERFORMANCE.md).
 */
export function precompress(): Plugin {
  return {
    name: 'vmdeck-precompress',
    apply: 'build',
    // Last, so the bundle report and every other asset are written before they are compressed.
    enforce: 'post',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist'
      for (const file of Object.keys(bundle)) {
        if (!COMPRESSIBLE.test(file)) continue
        const path = join(dir, file)
        const data = readFileSync(path)
        if (data.length < MIN_BYTES) continue
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(data, {
            params: {
              // 10, not 11: a few per cent larger, several times faster to build on a busy machine.
              [constants.BROTLI_PARAM_QUALITY]: 10,
              [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
            },
          }),
        )
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }))
      }
    },
  }
}
