import { defineConfig } from '@playwright/test'

// The README's screenshots: `npm run tour` (or `playwright test -c e2e/tour.config.ts`) starts its
// own stack (simulator with real guests, Prometheus, vmdeck), walks through vmdeck and saves PNGs
// into docs/screenshots/. Not part of `npm test`: it produces pictures, it asserts little.
const port = Number(process.env.VMDECK_E2E_PORT ?? 38080)

export default defineConfig({
  testDir: './tour',
  outputDir: './.artifacts/tour',
  globalSetup: './tour/setup.ts',
  workers: 1,
  retries: 0,
  // The chart screenshots wait for minutes of samples (tour.spec.ts: SAMPLES).
  timeout: 600_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
})
