import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { bundleReport } from './build/bundle-report.ts'
import { firstLoadEntry } from './build/first-load-entry.ts'
import { initialChunk } from './build/initial-chunk.ts'
import { precompress } from './build/precompress.ts'

export default defineConfig({
  plugins: [react(), firstLoadEntry(), initialChunk(), bundleReport(), precompress()],
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: {
    // Dev: the BFF serves the API (and consoles) on :8080.
    proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } },
  },
})
